/**
 * HTTP over node:http with a pooled keep-alive agent, for clients that send many small requests (the simulator,
 * the benchmarks): Node's own fetch costs the client several times more CPU per request than the server spends
 * answering it. Plain http only.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one request on the pooled agent and reads the whole answer. */
export function sendKeepAlive(url: string, method: string, headers: http.OutgoingHttpHeaders, body?: Buffer | string): Promise<RawAnswer> {
  if (body !== undefined) headers = { ...headers, 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const sent = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

/** A fetch (as the typed client calls it) over `sendKeepAlive`. */
export async function keepAliveFetch(request: Request): Promise<Response> {
  const sent = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
  const raw = await sendKeepAlive(request.url, request.method, Object.fromEntries(request.headers), sent);
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const body = raw.status === 204 || raw.status === 304 ? null : new Uint8Array(raw.body);
  return new Response(body, { status: raw.status, headers });
}
