/**
 * Failure rate limits per client address, kept in the database so that every server
 * process shares the count: after `limit` failures from one address within a sliding
 * window, the address is refused until fewer than `limit` remain.
 *
 * - Enrolment: 10 `invalid_code` answers in 15 minutes.
 * - Supervisor login: 10 `invalid_login` answers in 15 minutes, whatever the names, so
 *   one address cannot try a few passwords on each of many names (the per-name lockout,
 *   store/supervisors.ts, stops many passwords on one name).
 *
 * Both live in `enroll_failures`, told apart by a prefix on the address (enrolment's
 * rows, the older, have none).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../schema';

export interface FailureLimit {
  /** Prefixed to the address in `enroll_failures.address`. */
  prefix: string;
  limit: number;
  windowMs: number;
}

export const ENROLL_FAILURE_LIMIT = 10;
export const ENROLL_WINDOW_MS = 15 * 60_000;
export const ENROLL_LIMIT: FailureLimit = { prefix: '', limit: ENROLL_FAILURE_LIMIT, windowMs: ENROLL_WINDOW_MS };
export const LOGIN_LIMIT: FailureLimit = { prefix: 'login:', limit: 10, windowMs: 15 * 60_000 };

export type LimitState = { blocked: false } | { blocked: true; retryAfterSeconds: number };

export async function limitState(db: Db, rule: FailureLimit, address: string, now: Date): Promise<LimitState> {
  const since = new Date(now.getTime() - rule.windowMs).toISOString();
  const rows = await db
    .selectFrom('enroll_failures')
    .select('failed_at')
    .where('address', '=', rule.prefix + address)
    .where('failed_at', '>', since)
    .orderBy('failed_at', 'desc')
    .limit(rule.limit)
    .execute();
  if (rows.length < rule.limit) return { blocked: false };
  // Fewer than `limit` remain once the oldest of the newest `limit` leaves the window.
  const oldest = Date.parse(rows[rows.length - 1].failed_at);
  const waitMs = oldest + rule.windowMs - now.getTime();
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

export async function recordFailure(db: Db, rule: FailureLimit, address: string, now: Date): Promise<void> {
  const key = rule.prefix + address;
  const since = new Date(now.getTime() - rule.windowMs).toISOString();
  await db.deleteFrom('enroll_failures').where('address', '=', key).where('failed_at', '<=', since).execute();
  await db
    .insertInto('enroll_failures')
    .values({ address: key, failed_at: now.toISOString(), nonce: randomBytes(8).toString('hex') })
    .execute();
}

export function enrollLimitState(db: Db, address: string, now: Date): Promise<LimitState> {
  return limitState(db, ENROLL_LIMIT, address, now);
}

export function recordEnrollFailure(db: Db, address: string, now: Date): Promise<void> {
  return recordFailure(db, ENROLL_LIMIT, address, now);
}
