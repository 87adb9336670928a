/**
 * The JetStream event log alone (`NatsEventLog.append`, no HTTP, no sealing, no learning) on the local NATS:
 * events/s and batch latency with one caller and with several, and the client CPU each event costs. Every
 * append stores the event in its region, orders it and claims its id: three acknowledged JetStream publishes
 * an event. The NATS server's CPU is read from /proc when it runs on this machine.
 * Usage: node --import tsx bench/nats-log.ts [--events N] [--batch N] [--clients N]
 */
import { NatsEventLog } from '../src/log/nats/nats-event-log.ts';
import { cpuSecondsOfCommand } from './lib/process-cpu.ts';
import { flag, latencySummary, note, print, round, timeCalls } from './lib/report.ts';

const EVENTS = flag('events', 40_000);
const BATCH = flag('batch', 500);
const CLIENTS = flag('clients', 4);
const USERS = 2_000;
const NATS = process.env.MOTEUR_BENCH_NATS ?? 'nats://127.0.0.1:4222';
/** About the size of a sealed play event in bench:cluster. */
const SEALED = Buffer.alloc(160, 7).toString('base64');

/** Appends EVENTS fresh events in batches from `clients` concurrent callers to a log of its own. */
async function run(clients: number, prefix: string) {
  const log = await NatsEventLog.open(`${NATS}?stream=moteur_bench_log_${process.pid}_${prefix}&shards=2`);
  try {
    const events = Array.from({ length: EVENTS }, (_, i) => ({ id: `${prefix}${i}`, userId: `u${i % USERS}`, sealed: SEALED }));
    let next = 0;
    note(`${EVENTS} events, batches of ${BATCH}, ${clients} caller(s)`);
    const cpu = process.cpuUsage();
    const serverCpu = cpuSecondsOfCommand('nats-server');
    const calls = await timeCalls(Math.ceil(EVENTS / BATCH), clients, async () => {
      const at = next++ * BATCH;
      const outcomes = await log.append(events.slice(at, at + BATCH));
      if (outcomes.some((o) => o.status !== 'stored')) throw new Error('a fresh event was not stored');
    });
    const used = process.cpuUsage(cpu);
    const serverSeconds = cpuSecondsOfCommand('nats-server') - serverCpu;
    if ((await log.count()) !== EVENTS) throw new Error(`the log holds ${await log.count()} events, not ${EVENTS}`);
    return {
      clients,
      eventsPerSec: Math.round(EVENTS / calls.seconds),
      batchLatency: latencySummary(calls.latenciesMs),
      clientCpuPerEventUs: round((used.user + used.system) / EVENTS, 1),
      /** The NATS server's CPU over the same time, its other clients' work included. */
      serverCpuPerEventUs: round((serverSeconds * 1e6) / EVENTS, 1),
    };
  } finally {
    await log.destroy();
    await log.close();
  }
}

print({
  benchmark: 'nats-log',
  parameters: { events: EVENTS, batch: BATCH, users: USERS },
  oneCaller: await run(1, 'one-'),
  concurrentCallers: await run(CLIENTS, 'many-'),
  note: 'NATS runs on the same machine and shares its cores with this process',
});
