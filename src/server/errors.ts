import type { FastifyError, FastifyInstance } from 'fastify';
import { MoteurError } from '../core/errors.ts';

/** Maps Fastify's own errors (bad JSON, body too large, schema) to the API's `{code, message, field}` form. */
export function toMoteurError(err: FastifyError, bodyLimit: number): MoteurError {
  if (err instanceof MoteurError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MoteurError('invalid_json', `request body is not valid JSON: ${err.message}`, 400);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MoteurError('body_too_large', `request body is over the ${bodyLimit}-byte limit: send smaller batches`, 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MoteurError('unsupported_media_type', 'send JSON with Content-Type: application/json', 415);
    default:
      break;
  }
  if (err.validation !== undefined) {
    const first = err.validation[0];
    const params = (first?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
    const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const named = params.missingProperty ?? params.additionalProperty;
    const field = [path, named].filter(Boolean).join('.') || String(err.validationContext ?? 'body');
    const message = params.additionalProperty !== undefined ? 'unknown field' : (first?.message ?? 'is not valid');
    return new MoteurError('invalid_field', `${field}: ${message}`, 400, field);
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new MoteurError(err.code ?? 'bad_request', err.message, err.statusCode);
  }
  return new MoteurError('internal', 'internal error', 500);
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const mapped = toMoteurError(err, bodyLimit);
    if (mapped.status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(mapped.status).send(mapped.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}
