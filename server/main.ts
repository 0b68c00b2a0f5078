import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './app';
import { ConfigError, configFromEnv } from './config';
import { StoreOpenError } from './store/sqlite';

/** `npm start`: serve the built app, API and sync. Stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Run from source (server/main.ts) or from the bundle (dist/server/main.js).
  const root = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
  const staticDir = process.env.STATIC_DIR ?? path.join(root, 'dist/client');
  const config = configFromEnv(process.env, staticDir);
  const server = await startServer(config);
  console.log(`Causeway is running at ${server.url} (data in ${config.dataDir})`);
  if (config.host === '0.0.0.0') console.log('Listening on every network interface: people on this network can reach it.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: saving open maps and stopping…`);
    const force = setTimeout(() => {
      console.error('Stopping took longer than 10 s; exiting. Edits already saved are safe.');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Error while stopping: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StoreOpenError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error('That port is already in use. Stop the other program, or start Causeway with PORT=<another port>.');
  } else {
    console.error((error as Error).stack ?? String(error));
  }
  process.exit(1);
});
