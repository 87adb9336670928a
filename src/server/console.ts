/**
 * The web console: the static files of src/console/ at `/`, and the few browser modules it imports from
 * its dependencies at `/vendor/`. Everything comes from the package itself, so the console works offline.
 * These routes need no API key (the pages hold no data); every call the pages make is an API call like any other.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A console file: served to anyone, without a key. */
    consoleFile?: boolean;
  }
}

const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'console');
const require = createRequire(import.meta.url);
// Each of these packages has its main file in dist/ (and not every one exports its package.json).
const inPackage = (name: string, file: string) => join(dirname(require.resolve(name)), '..', file);

/** The ES module builds the console imports (named in its import map), by the name it asks for. */
const VENDOR: Record<string, string> = {
  'preact.mjs': inPackage('preact', 'dist/preact.module.js'),
  'preact-hooks.mjs': inPackage('preact', 'hooks/dist/hooks.module.js'),
  'htm.mjs': inPackage('htm', 'dist/htm.module.js'),
  'uPlot.mjs': inPackage('uplot', 'dist/uPlot.esm.js'),
  'uPlot.css': inPackage('uplot', 'dist/uPlot.min.css'),
};

export async function registerConsole(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, consoleFile: true };
      route.schema = { ...route.schema, hide: true };
    });
    await scope.register(fastifyStatic, { root: CONSOLE_DIR, wildcard: false, index: 'index.html', cacheControl: false, globIgnore: ['**/*.d.ts'] });
    for (const [name, file] of Object.entries(VENDOR)) {
      scope.get(`/vendor/${name}`, (_request, reply) =>
        reply.type(name.endsWith('.css') ? 'text/css' : 'text/javascript').sendFile(basename(file), dirname(file)),
      );
    }
  });
}
