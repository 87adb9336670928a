/** Where and how the JetStream log lives: `nats://host:port[,host:port...]?stream=NAME&shards=N&dedupWindowS=S`. */
export interface NatsLogTarget {
  servers: string[];
  /** Stream name, also the prefix of every subject the log uses. */
  stream: string;
  /** User partitions: learner i of N consumes partition i. Fixed when the stream is created. */
  shards: number;
  /** JetStream's own de-duplication window on the event id. */
  dedupWindowMs: number;
}

const PARAMETERS = ['stream', 'shards', 'dedupWindowS'];

function positiveInt(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name}=${raw}: must be an integer from 1 to ${max}`);
  return n;
}

export function parseNatsUrl(url: string): NatsLogTarget {
  // Not WHATWG URL parsing: a cluster URL lists several hosts.
  const match = /^nats:\/\/([^/?]+)\/?(?:\?(.*))?$/.exec(url);
  if (match === null) throw new Error(`${url}: a NATS URL reads nats://host:port[,host:port...][?stream=NAME&shards=N]`);
  const params = new URLSearchParams(match[2] ?? '');
  for (const name of params.keys()) {
    if (name === 'idHorizonDays') throw new Error('idHorizonDays: no longer used, an event id stays claimed as long as the log keeps its event');
    if (!PARAMETERS.includes(name)) throw new Error(`${name}: not a parameter of a NATS log URL (use ${PARAMETERS.join(', ')})`);
  }
  const stream = params.get('stream') ?? 'moteur';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) throw new Error(`stream '${stream}': use letters, digits, _ and -`);
  return {
    servers: match[1]!.split(','),
    stream,
    shards: positiveInt(params, 'shards', 4, 1024),
    dedupWindowMs: positiveInt(params, 'dedupWindowS', 600, 86_400) * 1000,
  };
}
