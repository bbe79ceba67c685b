/**
 * Deletes rows that no longer mean anything, at start and every 10 minutes:
 *   - counted failures (enrolment codes, logins; store/rate-limit.ts) older than every
 *     limit's window: each attempt forgets its own key's old rows, but the rows of
 *     addresses and names never tried again would stay for ever — and a login counts
 *     every name typed, so a scan of made-up names would grow the table without end;
 *   - supervisor sessions that have ended (a name's own go when it logs in again);
 *   - the sealed tokens kept for an enrolment's retry, once its window has passed.
 * Several server processes may run it at once: the deletes are idempotent. Failures are
 * logged, never thrown; the next round tries again.
 */
import type { Logger } from './context';
import type { Database } from './db';
import { forgetSealedTokens } from './store/enrollment';
import { forgetOldFailures } from './store/rate-limit';
import { deleteEndedSessions } from './store/supervisors';

export const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

/** One round; returns what it deleted. */
export async function keepHouse(database: Database, now: Date): Promise<{ failures: number; sessions: number; retryTokens: number }> {
  const failures = await forgetOldFailures(database.db, now);
  const sessions = await deleteEndedSessions(database.db, now);
  const retryTokens = await forgetSealedTokens(database.db, now);
  return { failures, sessions, retryTokens };
}

/** Runs a round now and every `everyMs`; `stop()` cancels the timer and waits for a round in progress. */
export function startHousekeeping(options: {
  database: Database;
  now: () => Date;
  logger: Logger;
  everyMs?: number;
}): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = running.then(async () => {
      try {
        const done = await keepHouse(options.database, options.now());
        if (done.failures + done.sessions + done.retryTokens > 0) options.logger({ event: 'housekeeping', ...done });
      } catch (error) {
        options.logger({ level: 'error', event: 'housekeeping', error: error instanceof Error ? error.message : String(error) });
      }
    });
  };
  round();
  const timer = setInterval(round, options.everyMs ?? HOUSEKEEPING_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
