/**
 * A minimal keep-alive JSON client for the simulator and the benchmarks: node:http with a pooled agent, because
 * fetch costs the client several times more CPU per request than the server spends answering it.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Sends one request; with `apiKey`, as `Authorization: Bearer <apiKey>` (every route but /health needs one). */
export function request(url: string, method = 'GET', body?: unknown, apiKey?: string): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {};
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function postJson(url: string, body: unknown, apiKey?: string): Promise<any> {
  const res = await request(url, 'POST', body, apiKey);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text);
}

export async function getJson(url: string, apiKey?: string): Promise<any> {
  const res = await request(url, 'GET', undefined, apiKey);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text);
}
