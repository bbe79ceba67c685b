/**
 * What every route gets: the database, the clock, the rulebook, the stored KPIs, the
 * cursor key, and how to tell a client's address. Passed in, so tests hand in a fixed
 * clock without mocks.
 */
import type { Context } from 'hono';
import type { SupervisorInfo } from '../domain';
import type { Database } from './db';
import type { KpiRefresh } from './kpi-refresh';
import type { RulebookSource } from './rulebook-source';
import type { AuthedDevice } from './store/devices';

export interface LogLine {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** On the sync routes; on the monitoring routes, `supervisor` (the login name) instead. */
  deviceId?: string | null;
  supervisor?: string;
  /** A push: its declared Content-Length (bytes on the wire), and `gzip` when it came compressed. */
  requestBytes?: number;
  gzip?: true;
}

export type Logger = (line: LogLine | Record<string, unknown>) => void;

export interface ServerDeps {
  database: Database;
  now: () => Date;
  logger: Logger;
  /** The current rulebook: the last published (rulebook-source.ts). */
  rulebooks: RulebookSource;
  /** Keeps the stored KPIs that monitoring aggregates fresh (kpi-refresh.ts). */
  kpis: KpiRefresh;
  cursorKey: Buffer;
  /** Where the built app is; null serves no app. */
  distDir: string | null;
  /** Behind a trusted proxy, the client is the last X-Forwarded-For address (the one our proxy saw). */
  trustProxy: boolean;
}

/** Set by `requireDevice` on the sync routes, and by `requireSupervisor` on the monitoring routes. */
export type Env = { Variables: { device: AuthedDevice; supervisor: SupervisorInfo } };

export type AppContext = Context<Env>;

/** One JSON line on stdout per call. */
export const jsonLogger: Logger = (line) => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

export const silentLogger: Logger = () => {};
