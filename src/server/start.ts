import type { FastifyInstance } from 'fastify';
import { Moteur, type OpenOptions } from '../app/moteur.ts';
import { buildServer, type ServerOptions } from './app.ts';

export interface StartOptions extends OpenOptions, ServerOptions {
  port: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  moteur: Moteur;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Opens the engine on a data directory and serves it over HTTP until `close()`. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { port, host = '127.0.0.1', bodyLimit, logger, ...open } = options;
  const moteur = await Moteur.open(open);
  const serverOptions: ServerOptions = {};
  if (bodyLimit !== undefined) serverOptions.bodyLimit = bodyLimit;
  if (logger !== undefined) serverOptions.logger = logger;
  const app = await buildServer(moteur, serverOptions);
  try {
    await app.listen({ port, host });
  } catch (err) {
    await moteur.close();
    throw err;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    moteur,
    app,
    async close() {
      await app.close();
      await moteur.close();
    },
  };
}
