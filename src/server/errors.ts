import type { FastifyError, FastifyInstance } from 'fastify';
import { invalid, MoteurError } from '../core/errors.ts';

/** Maps Fastify's own errors (bad JSON, body too large, schema, bad URL) to the API's `{code, message, field}` form. */
export function toMoteurError(err: FastifyError, bodyLimit: number): MoteurError {
  if (err instanceof MoteurError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MoteurError('invalid_json', `body: not valid JSON (${err.message})`, { field: 'body' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new MoteurError('invalid_body', "body: its length is not the Content-Length header's", { field: 'body' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MoteurError('body_too_large', `body: over the ${bodyLimit}-byte limit: send smaller batches`, { field: 'body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MoteurError('unsupported_media_type', 'content-type: send JSON with Content-Type: application/json', { field: 'content-type' });
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
      return new MoteurError('invalid_url', 'url: the path is not valid percent-encoded UTF-8 (encode ids with encodeURIComponent)', { field: 'url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new MoteurError('invalid_url', 'url: a path parameter is too long (ids are at most 128 characters)', { field: 'url' });
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
    return invalid(field, message);
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's own codes (FST_ERR_...) are not part of the API: the status says what kind of mistake it is.
    return new MoteurError('bad_request', `request: ${err.message}`, { field: 'request', status: err.statusCode });
  }
  return new MoteurError('internal', 'internal error');
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const mapped = toMoteurError(err, bodyLimit);
    // A known condition (the ledger or the log unavailable) is one line, at warn; anything else is a bug: its stack, at error.
    if (err instanceof MoteurError && mapped.status >= 500) request.log.warn({ code: mapped.code }, mapped.message);
    else if (mapped.status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(mapped.status).send(mapped.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const noRoute = new MoteurError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(noRoute.status).send(noRoute.toJSON());
  });
}
