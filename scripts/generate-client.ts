/**
 * Writes the typed client's types (src/client/openapi-types.ts) from the OpenAPI document a server generates,
 * fetched from GET /openapi.json of a server started on an empty data directory. `npm install` and `npm test`
 * run it first; test/client/generated-types.test.ts fails when the file is stale.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { startServer } from '../src/server/start.ts';

export const CLIENT_TYPES_FILE = fileURLToPath(new URL('../src/client/openapi-types.ts', import.meta.url));

const HEADER = '// Generated from the OpenAPI document the server serves (GET /openapi.json) by scripts/generate-client.ts; do not edit.\n\n';

/** The OpenAPI document of a server on an empty data directory, as a client reads it. */
export async function servedOpenApi(): Promise<OpenAPI3> {
  const dataDir = mkdtempSync(join(tmpdir(), 'moteur-openapi-'));
  try {
    const server = await startServer({ dataDir, port: 0 });
    try {
      return (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenAPI3;
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The TypeScript source of the client's types for an OpenAPI document. */
export async function clientTypesSource(document: OpenAPI3): Promise<string> {
  return HEADER + astToString(await openapiTS(document));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(CLIENT_TYPES_FILE, await clientTypesSource(await servedOpenApi()));
  console.log(`wrote ${CLIENT_TYPES_FILE}`);
}
