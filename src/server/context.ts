/**
 * What every route gets: the database, the clock, the rulebook, the cursor key, and how
 * to tell a client's address. Passed in, so tests hand in a fixed clock without mocks.
 */
import type { Context } from 'hono';
import type { Rulebook, SupervisorInfo } from '../domain';
import type { Database } from './db';
import type { AuthedDevice } from './store/devices';

export interface LogLine {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  deviceId: string | null;
}

export type Logger = (line: LogLine | Record<string, unknown>) => void;

export interface ServerDeps {
  database: Database;
  now: () => Date;
  logger: Logger;
  rulebook: Rulebook;
  cursorKey: Buffer;
  /** Where the built app is; null serves no app. */
  distDir: string | null;
  /** Behind a trusted proxy, the client is the first X-Forwarded-For address. */
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
