/**
 * A minimal JSON client for the benchmarks, on the keep-alive transport of the typed client
 * (src/client/keep-alive-fetch.ts) without building fetch's Request and Response objects, so the figures
 * measure the server rather than the client. Tests and `moteur simulate` use the typed client (moteur/client).
 */
import { sendKeepAlive } from '../../src/client/keep-alive-fetch.ts';

/** Sends one request; with `apiKey`, as `Authorization: Bearer <apiKey>` (every route but /health needs one). */
export async function request(url: string, method = 'GET', body?: unknown, apiKey?: string): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = payload ? { 'content-type': 'application/json' } : {};
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  const answer = await sendKeepAlive(url, method, headers, payload);
  return { status: answer.status, text: answer.body.toString() };
}

// biome-ignore lint/suspicious/noExplicitAny: benchmarks read fields of the answer ad hoc; tests and the simulator go through moteur/client
export async function postJson(url: string, body: unknown, apiKey?: string): Promise<any> {
  const res = await request(url, 'POST', body, apiKey);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text);
}

// biome-ignore lint/suspicious/noExplicitAny: benchmarks read fields of the answer ad hoc; tests and the simulator go through moteur/client
export async function getJson(url: string, apiKey?: string): Promise<any> {
  const res = await request(url, 'GET', undefined, apiKey);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text);
}
