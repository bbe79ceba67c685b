/**
 * Starting and stopping one server process: migrate, listen, sweep the stored KPIs and
 * keep house in the background, and on shutdown stop accepting, let in-flight requests finish, let
 * the KPI batch in progress finish, close the database.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { answerClientErrors } from './client-error';
import type { Logger } from './context';
import type { Database } from './db';
import { startHousekeeping } from './housekeeping';
import { KpiRefresh } from './kpi-refresh';
import { migrate } from './migrations';
import { rulebookSourceFor } from './rulebook-source';
import { loadCursorKey } from './store/cursor';
import { localUrl, networkUrls } from './urls';

export interface RunningServer {
  server: Server;
  port: number;
  /** Where to open it on this machine. */
  url: string;
  /** Where to open it from another device, when bound to every address (`0.0.0.0`, `::`). */
  networkUrls: string[];
  /** Stops accepting, waits for in-flight requests (and the KPI batch and housekeeping round in progress), closes the database. */
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
  /** The caller has migrated the database already (main.ts, to tell a database failure from a port one). */
  migrated?: boolean;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  if (!opts.migrated) await migrate(opts.database.db, opts.database.kind);
  const now = opts.now ?? (() => new Date());
  const rulebooks = rulebookSourceFor(opts.database);
  await rulebooks.current(); // a rulebook that cannot be read fails the start, not the first push
  const kpis = new KpiRefresh({ database: opts.database, rulebooks, now, logger: opts.logger });
  const app = createApp({
    database: opts.database,
    now,
    logger: opts.logger,
    rulebooks,
    kpis,
    cursorKey: await loadCursorKey(opts.database.db),
    distDir: opts.distDir ?? null,
    trustProxy: opts.trustProxy ?? false,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolve(s as Server));
    s.once('error', reject);
  });
  answerClientErrors(server, opts.logger);
  const port = (server.address() as AddressInfo).port;
  kpis.start();
  const housekeeping = startHousekeeping({ database: opts.database, now, logger: opts.logger });
  let stopping: Promise<void> | null = null;
  return {
    server,
    port,
    url: localUrl(opts.host, port),
    networkUrls: networkUrls(opts.host, port),
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
      })
        .then(() => Promise.all([kpis.stop(), housekeeping.stop()]))
        .then(() => opts.database.close());
      return stopping;
    },
  };
}
