#!/usr/bin/env bash
# Starts PostgreSQL and NATS JetStream when they are not answering, and waits until they do.
# Idempotent: a service that already answers is left alone.
set -euo pipefail

answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_for() { # name host port
  for _ in $(seq 1 60); do
    if answers "$2" "$3"; then echo "services: $1 answers on $2:$3"; return 0; fi
    sleep 0.5
  done
  echo "services: $1 did not answer on $2:$3 after 30 s" >&2
  return 1
}

if ! answers 127.0.0.1 5432; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
wait_for PostgreSQL 127.0.0.1 5432

if ! answers 127.0.0.1 4222; then
  echo "services: starting NATS with JetStream"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
fi
wait_for NATS 127.0.0.1 4222
