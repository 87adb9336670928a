/**
 * The typed client (`moteur/client`) for tests: calls checked against the server's OpenAPI document at compile
 * time. Unless a test asks for resends, a 503 comes back as it is, so the test sees every answer.
 */
import { createMoteurClient, type MoteurClient, type MoteurClientOptions } from '../../src/client/index.ts';

export { answer, MoteurApiError, sendEvents, EventBatcher } from '../../src/client/index.ts';

export function clientFor(server: { url: string }, apiKey: string, options: Omit<MoteurClientOptions, 'baseUrl' | 'apiKey'> = {}): MoteurClient {
  return createMoteurClient({ baseUrl: server.url, apiKey, retries: 0, ...options });
}
