/**
 * Failure rate limits, kept in the database so that every server process shares the
 * count: after `limit` failures for one key within a sliding window, the key is refused
 * until fewer than `limit` remain.
 *
 * - Enrolment, per client address: 10 `invalid_code` answers in 15 minutes.
 * - Supervisor login, per client address: 10 failed logins in 15 minutes, whatever the
 *   names, so one address cannot try a few passwords on each of many names.
 * - Supervisor login, per name: 5 failed logins in 15 minutes, from whatever addresses.
 *   Counted for every name typed, existing or not, so the answers never tell which
 *   names exist (routes/monitor-auth.ts).
 *
 * A client address is counted as client-address.ts's `rateLimitKey` says: an IPv6
 * client by its /64 (`2001:db8:1:2::/64`), which it could otherwise walk through.
 *
 * All live in `enroll_failures`, told apart by a prefix on the key in its `address`
 * column (enrolment's rows, the older, have none).
 *
 * Login and enrolment reserve their failure before the password or code is checked
 * (`reserveFailure`), in one step that counts and inserts together, so requests sent at
 * once cannot all pass the count before any is recorded; a right one takes it back.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db';
import type { Db } from '../schema';

export interface FailureLimit {
  /** Prefixed to the address or name in `enroll_failures.address`. */
  prefix: string;
  limit: number;
  windowMs: number;
}

export const ENROLL_FAILURE_LIMIT = 10;
export const ENROLL_WINDOW_MS = 15 * 60_000;
export const ENROLL_LIMIT: FailureLimit = { prefix: '', limit: ENROLL_FAILURE_LIMIT, windowMs: ENROLL_WINDOW_MS };
/** Failed logins per client address. */
export const LOGIN_LIMIT: FailureLimit = { prefix: 'login:', limit: 10, windowMs: 15 * 60_000 };
/** Failed logins per (normalised) name: the name's lockout. */
export const LOGIN_NAME_LIMIT: FailureLimit = { prefix: 'name:', limit: 5, windowMs: 15 * 60_000 };

export type LimitState = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/** The newest `limit` failures of `key` (newest first); blocked once there are `limit` in the window. */
async function newestFailures(db: Db, rule: FailureLimit, key: string, since: string | null): Promise<string[]> {
  let query = db.selectFrom('enroll_failures').select('failed_at').where('address', '=', key);
  if (since !== null) query = query.where('failed_at', '>', since);
  const rows = await query.orderBy('failed_at', 'desc').limit(rule.limit).execute();
  return rows.map((r) => r.failed_at);
}

/** When the key's block ends (the oldest of its newest `limit` failures leaves the window), or null if it is not blocked at all. */
export async function blockedUntil(db: Db, rule: FailureLimit, subject: string): Promise<Date | null> {
  const newest = await newestFailures(db, rule, rule.prefix + subject, null);
  if (newest.length < rule.limit) return null;
  return new Date(Date.parse(newest[newest.length - 1]) + rule.windowMs);
}

export async function limitState(db: Db, rule: FailureLimit, subject: string, now: Date): Promise<LimitState> {
  const since = new Date(now.getTime() - rule.windowMs).toISOString();
  const rows = await newestFailures(db, rule, rule.prefix + subject, since);
  if (rows.length < rule.limit) return { blocked: false };
  // Fewer than `limit` remain once the oldest of the newest `limit` leaves the window.
  const oldest = Date.parse(rows[rows.length - 1]);
  const waitMs = oldest + rule.windowMs - now.getTime();
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** One reserved failure row, to take back if the attempt succeeds. */
export interface ReservedFailure {
  key: string;
  failedAt: string;
  nonce: string;
}

export type Reservation = { reserved: true; failure: ReservedFailure } | { reserved: false; retryAfterSeconds: number };

/** Advisory-lock class of the rate-limit keys (PostgreSQL's two-int form; the second int is the key's hash). */
const LOCK_CLASS = 0x7470_6c6d; // "tplm"

/**
 * Counts one failure for `subject` ahead of the attempt, unless it is already at its
 * limit: then `{ reserved: false }` with the seconds until it is free again.
 *
 * The count and the insert are one statement. On SQLite a writing statement holds the
 * database's write lock from start to end, so it runs alone, across processes too. On
 * PostgreSQL (read committed) two such statements could both count before either
 * inserts, so each runs in a transaction that first takes an advisory lock on the key:
 * attempts on one key queue, attempts on different keys do not.
 */
export async function reserveFailure(database: Database, rule: FailureLimit, subject: string, now: Date): Promise<Reservation> {
  const key = rule.prefix + subject;
  const failedAt = now.toISOString();
  const since = new Date(now.getTime() - rule.windowMs).toISOString();
  const nonce = randomBytes(8).toString('hex');
  const insert = async (db: Db): Promise<boolean> => {
    await db.deleteFrom('enroll_failures').where('address', '=', key).where('failed_at', '<=', since).execute();
    const inserted = await sql<{ nonce: string }>`
      INSERT INTO enroll_failures (address, failed_at, nonce)
      SELECT ${key}, ${failedAt}, ${nonce}
      WHERE (SELECT count(*) FROM enroll_failures WHERE address = ${key} AND failed_at > ${since}) < ${rule.limit}
      RETURNING nonce`.execute(db);
    return inserted.rows.length === 1;
  };
  const reserved =
    database.kind === 'sqlite'
      ? await insert(database.db)
      : await database.db.transaction().execute(async (tx) => {
          await sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${key}))`.execute(tx);
          return insert(tx);
        });
  if (reserved) return { reserved: true, failure: { key, failedAt, nonce } };
  const state = await limitState(database.db, rule, subject, now);
  // Not blocked any more: a right password cleared the count meanwhile. Try again in a second.
  return { reserved: false, retryAfterSeconds: state.blocked ? state.retryAfterSeconds : 1 };
}

/** Takes back one reserved failure: the attempt it was counted for succeeded. */
export async function releaseFailure(db: Db, failure: ReservedFailure): Promise<void> {
  await db
    .deleteFrom('enroll_failures')
    .where('address', '=', failure.key)
    .where('failed_at', '=', failure.failedAt)
    .where('nonce', '=', failure.nonce)
    .execute();
}

/** Failures older than this count for no limit (a new limit with a longer window must be added here). */
const LONGEST_WINDOW_MS = Math.max(ENROLL_LIMIT.windowMs, LOGIN_LIMIT.windowMs, LOGIN_NAME_LIMIT.windowMs);

/** Deletes every failure that no limit counts any more (housekeeping.ts); returns how many. */
export async function forgetOldFailures(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - LONGEST_WINDOW_MS).toISOString();
  const result = await db.deleteFrom('enroll_failures').where('failed_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The subjects (addresses, for LOGIN_LIMIT) that `rule` blocks now, with when each block ends. */
export async function blockedSubjects(db: Db, rule: FailureLimit, now: Date): Promise<{ subject: string; until: string }[]> {
  const since = new Date(now.getTime() - rule.windowMs).toISOString();
  const rows = await db
    .selectFrom('enroll_failures')
    .select(['address', (eb) => eb.fn.count<number>('failed_at').as('failures')])
    .where('address', 'like', `${rule.prefix}%`)
    .where('failed_at', '>', since)
    .groupBy('address')
    .execute();
  const blocked: { subject: string; until: string }[] = [];
  for (const row of rows) {
    if (Number(row.failures) < rule.limit) continue;
    const subject = row.address.slice(rule.prefix.length);
    const until = await blockedUntil(db, rule, subject);
    if (until && until > now) blocked.push({ subject, until: until.toISOString() });
  }
  return blocked.sort((a, b) => a.subject.localeCompare(b.subject));
}

/** Forgets every failure `rule` counts, of every subject: each count starts again. */
export async function clearAllFailures(db: Db, rule: FailureLimit): Promise<void> {
  // The enrolment limit's keys have no prefix: "every subject" would be every key of every limit.
  if (rule.prefix === '') throw new Error('clearAllFailures: a limit without a key prefix');
  await db.deleteFrom('enroll_failures').where('address', 'like', `${rule.prefix}%`).execute();
}

/** Forgets every failure of `subject`: its count starts again. */
export async function clearFailures(db: Db, rule: FailureLimit, subject: string): Promise<void> {
  await db.deleteFrom('enroll_failures').where('address', '=', rule.prefix + subject).execute();
}

export function enrollLimitState(db: Db, address: string, now: Date): Promise<LimitState> {
  return limitState(db, ENROLL_LIMIT, address, now);
}
