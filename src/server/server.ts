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
  /** How long `stop` waits for requests still arriving before it cuts them (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
  /** How long a request may take to arrive, whole and its headers (REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS); tests make them short. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
}

/**
 * How long a stopping server waits for requests still arriving: a push from a phone on 2G
 * may take many seconds, a stalled upload for ever (Node's own limit is 5 minutes). Then the
 * connections are cut — those requests were never answered, so their phones send them again
 * — and the database is closed once the handlers already running have settled. Under
 * docker's 10 s before SIGKILL, leaving those handlers two seconds.
 */
export const SHUTDOWN_GRACE_MS = 8_000;

/**
 * How long a request may take to arrive (its answer is not counted), else it is answered
 * 408 and its connection closed: without a limit, a client sending a byte now and then
 * holds a connection for Node's 5 minutes, and a few hundred such clients hold them all.
 * A phone gives up on its own request after 60 s, answer included (REQUEST_TIMEOUT_MS of
 * device/sync-http.ts), and sends it again later: at 120 s no request its phone still
 * waits for is ever cut, however slow its 2G line. The headers (under 1 KB) come first:
 * 20 s covers a 2G line's round trips many times over, and a connection that never
 * finishes them is closed sooner.
 */
export const REQUEST_TIMEOUT_MS = 120_000;
export const HEADERS_TIMEOUT_MS = 20_000;

/** Node's http server options for these limits; it checks them every quarter of the shorter (every 5 s), not every 30 s. */
function timeoutOptions(requestTimeout: number, headersTimeout: number) {
  return { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(requestTimeout, headersTimeout) / 4 };
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
  // Requests whose handler is running: a cut connection does not stop its handler (a push
  // may be in its transaction), and the database is closed only once every one has settled.
  let inFlight = 0;
  let settled: (() => void) | null = null;
  const fetch: typeof app.fetch = async (...args) => {
    inFlight++;
    try {
      return await app.fetch(...args);
    } finally {
      if (--inFlight === 0) settled?.();
    }
  };
  const handlersSettled = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (settled = resolve)));
  const server = await new Promise<Server>((resolve, reject) => {
    const serverOptions = timeoutOptions(opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS);
    const s = serve({ fetch, port: opts.port, hostname: opts.host, serverOptions }, () => resolve(s as Server));
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
        const cut = setTimeout(() => server.closeAllConnections(), opts.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      })
        .then(handlersSettled)
        .then(() => Promise.all([kpis.stop(), housekeeping.stop()]))
        .then(() => opts.database.close());
      return stopping;
    },
  };
}
