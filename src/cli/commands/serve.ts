import type { Command } from 'commander';
import { startServer } from '../../server/start.ts';
import { parsePort } from '../options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API on a data directory (embedded store)')
    .requiredOption('--data <dir>', 'data directory (created if missing)')
    .option('--port <n>', 'TCP port (0 picks a free one)', parsePort, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--log', 'log every request as JSON lines', false)
    .action(async (opts: { data: string; port: number; host: string; log: boolean }) => {
      const server = await startServer({ dataDir: opts.data, port: opts.port, host: opts.host, logger: opts.log });
      console.log(`moteur listening on ${server.url} (data in ${opts.data}); OpenAPI at ${server.url}/openapi.json`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
