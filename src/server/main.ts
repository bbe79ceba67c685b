/**
 * The server process: `tsx src/server/main.ts`. Reads DATABASE_URL, PORT, HOST;
 * migrates; serves the API and dist/; on SIGTERM (or SIGINT) stops accepting, finishes
 * in-flight requests, closes the database and exits 0.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig } from './config';
import { jsonLogger } from './context';
import { openDatabase, type Database } from './db';
import { startServer, type RunningServer } from './server';

export async function runServer(
  onReady?: (running: RunningServer, database: Database) => Promise<void> | void,
): Promise<void> {
  const read = readConfig(process.env);
  if (!read.ok) {
    process.stderr.write(`${read.error}\n`);
    process.exit(2);
  }
  const { config } = read;
  const database = openDatabase(config.database);
  const running = await startServer({
    database,
    port: config.port,
    host: config.host,
    logger: jsonLogger,
    distDir: resolve('dist'),
    trustProxy: config.trustProxy,
  });
  jsonLogger({ event: 'listening', url: running.url, port: running.port, db: database.kind });
  const shutdown = (signal: string) => {
    jsonLogger({ event: 'stopping', signal });
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await onReady?.(running, database);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServer().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
