/**
 * Every route but liveness and the API description needs an API key: an `onRequest` hook turns the
 * `Authorization: Bearer` header into the caller's principal (401 when missing or unknown), and each
 * route then asks the access layer whether that principal may do what it asks.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../app/access.ts';
import type { Principal } from '../trust/policy/keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the authentication hook on every route that needs a key. */
    principal: Principal;
  }
}

/** Routes anyone may call: liveness (for load balancers) and the API's own description. */
const OPEN_ROUTES = new Set(['/health', '/openapi.json']);

export function installAuthentication(app: FastifyInstance, access: AccessControl): void {
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    // An unknown route answers 404 whoever asks; open routes and the console's files need no key.
    if (route === undefined || OPEN_ROUTES.has(route) || request.routeOptions.config.consoleFile === true) return;
    // Gorse's clients send their key as `X-API-Key` (src/server/gorse/): the same keys, the same checks.
    const gorseKey = request.headers['x-api-key'];
    request.principal = access.principalFor(request.headers.authorization ?? (typeof gorseKey === 'string' ? `Bearer ${gorseKey}` : undefined));
  });
}
