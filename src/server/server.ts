/**
 * Starting and stopping one server process: migrate, listen, and on shutdown stop
 * accepting, let in-flight requests finish, close the database.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { defaultRulebook } from '../domain';
import { createApp } from './app';
import type { Logger } from './context';
import type { Database } from './db';
import { migrate } from './migrations';
import { loadCursorKey } from './store/cursor';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, waits for in-flight requests, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  database: Database;
  port: number;
  host: string;
  logger: Logger;
  now?: () => Date;
  distDir?: string | null;
  trustProxy?: boolean;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  await migrate(opts.database.db, opts.database.kind);
  const app = createApp({
    database: opts.database,
    now: opts.now ?? (() => new Date()),
    logger: opts.logger,
    rulebook: defaultRulebook,
    cursorKey: await loadCursorKey(opts.database.db),
    distDir: opts.distDir ?? null,
    trustProxy: opts.trustProxy ?? false,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolve(s as Server));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | null = null;
  return {
    server,
    port,
    url: `http://${opts.host}:${port}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        // close() stops accepting and calls back once every connection is gone. A
        // keep-alive connection answering a request now becomes idle afterwards, so
        // idle connections are closed until then, not only once.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }).then(() => opts.database.close());
      return stopping;
    },
  };
}
