/**
 * The typed client's types are generated from the server's OpenAPI document (`npm install` and `npm test` do it
 * first): this fails when a route changed and src/client/openapi-types.ts was not generated again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLIENT_TYPES_FILE, clientTypesSource, servedOpenApi } from '../../scripts/generate-client.ts';

test("src/client/openapi-types.ts is what the server's OpenAPI document generates, every /v1 route included", async () => {
  const document = await servedOpenApi();
  const routes = Object.keys(document.paths ?? {});
  for (const path of ['/v1/videos', '/v1/events', '/v1/users/{id}/feed', '/v1/users/{id}/rank', '/v1/ledger/entries'])
    assert.ok(routes.includes(path), `${path} undocumented`);
  assert.ok(!routes.some((path) => path.startsWith('/api/')), "Gorse's routes are Gorse's API, not moteur's");
  // A route without a response schema would be typed `never` (no content) in the client: each one describes its answer.
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations as Record<string, { responses?: Record<string, { content?: object }> }>))
      assert.ok(operation.responses?.['200']?.content !== undefined, `${method.toUpperCase()} ${path} has no response schema`);
  }
  assert.ok(
    readFileSync(CLIENT_TYPES_FILE, 'utf8') === (await clientTypesSource(document)),
    'src/client/openapi-types.ts is stale: run `npm run generate:client` (npm test and npm install run it first)',
  );
});
