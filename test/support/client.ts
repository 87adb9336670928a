/**
 * The typed client (`moteur/client`) for tests: calls checked against the server's OpenAPI document at compile
 * time. Unless a test asks for resends, a 503 comes back as it is, so the test sees every answer.
 */
import { createMoteurClient, type MoteurClient, type MoteurClientOptions } from '../../src/client/index.ts';

export { answer, MoteurApiError, sendEvents, EventBatcher } from '../../src/client/index.ts';
export type { EventInput, MoteurClient } from '../../src/client/index.ts';

/** A client for `server` carrying `apiKey` (none: an anonymous caller). */
export function clientFor(server: { url: string }, apiKey: string | undefined, options: Omit<MoteurClientOptions, 'baseUrl' | 'apiKey'> = {}): MoteurClient {
  return createMoteurClient({ baseUrl: server.url, apiKey, retries: 0, ...options });
}

/** An answer of any status as a test reads it: the status, and the data of a success or the error body. */
export interface Reply {
  status: number;
  json: any;
}

export async function reply(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Reply> {
  const { data, error, response } = await call;
  return { status: response.status, json: response.ok ? data : error };
}

/** The parameters of a call on one resource, e.g. `moteur.GET('/v1/videos/{id}', byId('v1'))`. */
export function byId(id: string): { params: { path: { id: string } } };
export function byId<Query extends object>(id: string, query: Query): { params: { path: { id: string }; query: Query } };
export function byId(id: string, query?: object) {
  return { params: query === undefined ? { path: { id } } : { path: { id }, query } };
}

/**
 * A request the typed client cannot send, because it is deliberately wrong: malformed JSON (`raw`), a body or
 * query outside the OpenAPI document, a path it does not list. The answer is read as `reply` reads it.
 */
export async function sendUnchecked(
  server: { url: string },
  apiKey: string | undefined,
  method: string,
  path: string,
  body?: { json?: unknown; raw?: string },
): Promise<Reply> {
  const sent = body?.raw ?? (body?.json === undefined ? undefined : JSON.stringify(body.json));
  const headers: Record<string, string> = apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
  if (sent !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = sent === undefined ? { method, headers } : { method, headers, body: sent };
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) };
  } catch {
    return { status: res.status, json: text };
  }
}

/** What a key gets asking for a video that does not exist: 404 once the server takes the key, 401 while it does not. */
export async function keyProbe(server: { url: string }, apiKey: string): Promise<number> {
  return (await clientFor(server, apiKey).GET('/v1/videos/{id}', byId('x'))).response.status;
}
