/**
 * `moteur/client`: a typed client for moteur's HTTP API, its types generated from the OpenAPI document the
 * server serves (scripts/generate-client.ts writes openapi-types.ts), its calls made by openapi-fetch:
 *
 *   const moteur = createMoteurClient({ baseUrl: 'http://127.0.0.1:8080', apiKey });
 *   const page = await answer(moteur.GET('/v1/users/{id}/feed', { params: { path: { id: 'u1' }, query: { n: 10 } } }));
 *
 * Every call carries the API key, and a 503 is resent after the wait its Retry-After asks for.
 */
import createClient from 'openapi-fetch';
import type { paths } from './openapi-types.ts';
import { retryOn503, type Fetch, type RetryOptions } from './retry-on-503.ts';

export type { components, paths } from './openapi-types.ts';
export { answer, MoteurApiError } from './answers.ts';
export { EventBatcher, sendEvents, type BatchAnswer, type EventInput } from './event-batches.ts';
export { keepAliveFetch } from './keep-alive-fetch.ts';
export { retryAfterMs, type Fetch, type RetryOptions } from './retry-on-503.ts';

export interface MoteurClientOptions extends RetryOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** An API key (`moteur keys create`), sent as `Authorization: Bearer` with every call. */
  apiKey?: string | undefined;
  /** The fetch to send with (default: Node's; `keepAliveFetch` for many small requests). */
  fetch?: Fetch;
}

export function createMoteurClient(options: MoteurClientOptions) {
  const { baseUrl, apiKey, fetch = (request: Request) => globalThis.fetch(request), ...retry } = options;
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/$/, ''),
    headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
    fetch: retryOn503(fetch, retry),
  });
}

export type MoteurClient = ReturnType<typeof createMoteurClient>;
