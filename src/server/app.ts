import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { AccessControl } from '../app/access.ts';
import type { Moteur } from '../app/moteur.ts';
import { EventInput, VideoInput } from '../core/schemas.ts';
import { installAuthentication } from './authentication.ts';
import { registerConsole } from './console.ts';
import { installErrorHandling, toMoteurError } from './errors.ts';
import { gorseApi } from './gorse/routes.ts';
import { ServerMetrics } from './metrics.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerFeedRoutes } from './routes/feed.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerExplorationRoutes } from './routes/exploration.ts';
import { registerLedgerRoutes } from './routes/ledger.ts';
import { registerListingRoutes } from './routes/listings.ts';
import { registerMeRoutes } from './routes/me.ts';
import { registerModerationRoutes } from './routes/moderation.ts';
import { registerRankRoutes } from './routes/rank.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerVideoRoutes } from './routes/videos.ts';

export interface ServerOptions {
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** Log every request; without it only server errors are logged (JSON lines on stderr). */
  logger?: boolean;
}

/**
 * The HTTP API over an engine: JSON in and out, OpenAPI at /openapi.json, Prometheus at /metrics, the web
 * console at /. Every route but /health, /openapi.json and the console's files needs an API key, and every access is decided and recorded by `access`.
 */
export async function buildServer(moteur: Moteur, access: AccessControl, options: ServerOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? 4 * 1024 * 1024;
  const app = Fastify({
    bodyLimit,
    // Every plugin is local and registers in milliseconds; a start that catches up on learning can still hold the
    // event loop past Fastify's 10 s plugin timer, which would kill a healthy server.
    pluginTimeout: 0,
    logger: { level: options.logger ? 'info' : 'error', stream: process.stderr },
    // Every body is validated against schemas that reject unknown keys, and objects are rebuilt from the
    // validated fields, so `__proto__` keys are refused there instead of by a second scan of each body.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // Unknown fields are an error the client should hear about, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    // Errors of the router itself (a path that is not valid UTF-8) skip the error handler: answered in the same shape.
    frameworkErrors: (error, _request, reply) => {
      const mapped = toMoteurError(error, bodyLimit);
      void (reply as FastifyReply).status(mapped.status).send(mapped.toJSON());
    },
  });
  installErrorHandling(app, bodyLimit);
  // Every body is JSON: a text/plain one is refused as such (415), not parsed as a string and refused for its shape.
  app.removeContentTypeParser('text/plain');
  await app.register(swagger, {
    openapi: {
      info: { title: 'moteur', version: '0.1.0', description: 'For You feed engine: ingest, catalog, users, feeds.' },
      components: {
        schemas: { VideoInput, EventInput } as never,
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key from `moteur keys create`' } },
      },
      security: [{ apiKey: [] }],
    },
  });
  installAuthentication(app, access);
  const metrics = new ServerMetrics(moteur);
  registerHealthRoutes(app, moteur, access, metrics);
  registerVideoRoutes(app, moteur, access);
  registerCatalogRoutes(app, moteur, access);
  registerListingRoutes(app, moteur, access);
  registerUserRoutes(app, moteur, access);
  registerEventRoutes(app, moteur, access, metrics);
  registerFeedRoutes(app, moteur, access, metrics);
  registerRankRoutes(app, moteur, access);
  registerLedgerRoutes(app, moteur.ledger, access);
  registerModerationRoutes(app, moteur, access);
  registerAdminRoutes(app, access);
  registerMeRoutes(app, access);
  registerExplorationRoutes(app, moteur, access);
  await app.register(gorseApi, { prefix: '/api', moteur, access, bodyLimit, metrics });
  await registerConsole(app);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
