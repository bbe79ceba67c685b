/**
 * The enrolment rate limit: after 10 `invalid_code` answers to one address within a
 * sliding 15-minute window, enrolment from that address is refused until fewer than 10
 * remain. Kept in the database so that every server process shares the count.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../schema';

export const ENROLL_FAILURE_LIMIT = 10;
export const ENROLL_WINDOW_MS = 15 * 60_000;

export type LimitState = { blocked: false } | { blocked: true; retryAfterSeconds: number };

export async function enrollLimitState(db: Db, address: string, now: Date): Promise<LimitState> {
  const since = new Date(now.getTime() - ENROLL_WINDOW_MS).toISOString();
  const rows = await db
    .selectFrom('enroll_failures')
    .select('failed_at')
    .where('address', '=', address)
    .where('failed_at', '>', since)
    .orderBy('failed_at', 'desc')
    .limit(ENROLL_FAILURE_LIMIT)
    .execute();
  if (rows.length < ENROLL_FAILURE_LIMIT) return { blocked: false };
  // Fewer than 10 remain once the oldest of the newest 10 leaves the window.
  const oldest = Date.parse(rows[rows.length - 1].failed_at);
  const waitMs = oldest + ENROLL_WINDOW_MS - now.getTime();
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

export async function recordEnrollFailure(db: Db, address: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - ENROLL_WINDOW_MS).toISOString();
  await db.deleteFrom('enroll_failures').where('address', '=', address).where('failed_at', '<=', since).execute();
  await db
    .insertInto('enroll_failures')
    .values({ address, failed_at: now.toISOString(), nonce: randomBytes(8).toString('hex') })
    .execute();
}
