/**
 * The server process: `tsx src/server/main.ts`. Reads DATABASE_URL, PORT, HOST;
 * migrates; serves the API and dist/; on SIGTERM (or SIGINT) stops accepting, finishes
 * in-flight requests, closes the database and exits 0. A start-up failure prints one
 * line naming the setting to check (the stack too with DEBUG set) and exits 1.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { databaseFailure, exitWithFailure, listenFailure, readConfig, type ServerConfig } from './config';
import { jsonLogger } from './context';
import { openDatabase, type Database } from './db';
import { migrate } from './migrations';
import { startServer, type RunningServer } from './server';

/** Runs the server; never rejects: a failure to start ends the process (exit 2 for a bad setting, 1 otherwise). */
export async function runServer(
  onReady?: (running: RunningServer, database: Database) => Promise<void> | void,
): Promise<void> {
  const read = readConfig(process.env);
  if (!read.ok) {
    process.stderr.write(`${read.error}\n`);
    process.exit(2);
  }
  const { config } = read;
  try {
    const database = await openMigrated(config);
    const running = await listen(config, database);
    jsonLogger({ event: 'listening', url: running.url, port: running.port, db: database.kind });
    // A signal while stopping is ignored: Ctrl-C on `npm start` reaches the server twice (the
    // terminal signals the whole group, and npm passes its own on), and a second signal left to
    // Node's default would kill the process before the database is closed. The stop has its
    // own deadline for connections, so it always ends.
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      jsonLogger({ event: 'stopping', signal });
      // The last line, so that an operator tells a clean stop from a killed process.
      running.stop().then(
        () => {
          jsonLogger({ event: 'stopped' });
          process.exit(0);
        },
        (error: unknown) => {
          jsonLogger({ level: 'error', event: 'stop_failed', message: String(error) });
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
    await onReady?.(running, database);
  } catch (e) {
    exitWithFailure(e);
  }
}

/**
 * Opens and migrates the database before the server starts, so that a database that
 * cannot be used is told apart from a port that cannot be bound.
 */
async function openMigrated(config: ServerConfig): Promise<Database> {
  let database: Database | null = null;
  try {
    database = openDatabase(config.database);
    await migrate(database.db, database.kind);
    return database;
  } catch (e) {
    await database?.close().catch(() => {});
    throw databaseFailure(config, e);
  }
}

async function listen(config: ServerConfig, database: Database): Promise<RunningServer> {
  try {
    return await startServer({
      database,
      port: config.port,
      host: config.host,
      logger: jsonLogger,
      distDir: resolve('dist'),
      trustProxy: config.trustProxy,
      migrated: true,
    });
  } catch (e) {
    throw listenFailure(config, e) ?? e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runServer();
}
