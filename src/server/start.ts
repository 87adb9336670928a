import type { FastifyInstance } from 'fastify';
import { AccessControl } from '../app/access.ts';
import { Moteur, type OpenOptions } from '../app/moteur.ts';
import { MoteurError } from '../core/errors.ts';
import { keysFileIn } from '../trust/policy/keys.ts';
import { buildServer, type ServerOptions } from './app.ts';
import { keysFileStamp, watchKeysFile } from './keys-watch.ts';
import type { SharedKeyRing } from '../trust/policy/postgres-keys.ts';

export interface StartOptions extends OpenOptions, ServerOptions {
  port: number;
  onKeysFile?: ((message: string) => void) | undefined;
  host?: string;
  /** The access policies (default: the repository's `policies/`). */
  policyDir?: string;
}

export interface RunningServer {
  url: string;
  moteur: Moteur;
  access: AccessControl;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Opens the engine on a data directory and serves it over HTTP until `close()`. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { port, host, bodyLimit, logger, policyDir, onKeysFile, ...open } = options;
  return serveEngine(await Moteur.open(open), { dataDir: open.dataDir, port, host, bodyLimit, logger, policyDir, onKeysFile });
}

export interface ServeOptions extends ServerOptions {
  /** Where the keys file and the recorded keys are (the engine's data directory, or a node's own). */
  dataDir: string;
  /** Told when the keys file changed and was picked up (or refused); default: the server's log. */
  onKeysFile?: ((message: string) => void) | undefined;
  port: number;
  host?: string | undefined;
  policyDir?: string | undefined;
  /** A cluster's shared API keys, instead of the keys file in `dataDir`. */
  sharedKeys?: SharedKeyRing | undefined;
}

/** Serves an engine over HTTP, every access decided by the policies, until `close()` (which closes the engine too). */
export async function serveEngine(moteur: Moteur, options: ServeOptions): Promise<RunningServer> {
  const { port, host = '127.0.0.1', bodyLimit, logger, policyDir, dataDir, sharedKeys } = options;
  const keysFile = keysFileIn(dataDir);
  const keysLoaded = keysFileStamp(keysFile);
  let access: AccessControl;
  try {
    access = new AccessControl(moteur, { dataDir, sharedKeys, ...(policyDir === undefined ? {} : { policyDir }) });
  } catch (err) {
    await moteur.close();
    throw err;
  }
  const serverOptions: ServerOptions = {};
  if (bodyLimit !== undefined) serverOptions.bodyLimit = bodyLimit;
  if (logger !== undefined) serverOptions.logger = logger;
  const app = await buildServer(moteur, access, serverOptions);
  try {
    await app.listen({ port, host });
  } catch (err) {
    await moteur.close();
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new MoteurError('port_in_use', `port ${port} is already in use: stop what listens there, or choose another with --port (0 picks a free one)`);
  }
  // A cluster's keys live in its shared store, which the access control follows itself.
  const stopWatching =
    sharedKeys === undefined ? watchKeysFile(access, keysFile, keysLoaded, options.onKeysFile ?? ((message) => app.log.info(message))) : () => {};
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    moteur,
    access,
    app,
    async close() {
      stopWatching();
      await app.close();
      await moteur.close();
    },
  };
}
