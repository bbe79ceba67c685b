/**
 * Supervisor accounts and their login sessions (issue 6). Session tokens are stored as
 * SHA-256 only, like device tokens: a copy of the database logs nobody in.
 *
 * A name's lockout is not kept on its row: failed logins are counted per typed name in
 * `enroll_failures` (store/rate-limit.ts, LOGIN_NAME_LIMIT), for names that exist and
 * names that do not alike; `listSupervisors` tells when a name's lock ends from them.
 */
import { sql } from 'kysely';
import { parseScope, type SupervisorInfo } from '../../domain';
import type { Db, SupervisorsTable } from '../schema';
import { hashToken, newToken } from './devices';
import { blockedUntil, LOGIN_NAME_LIMIT } from './rate-limit';

/** A session lasts 12 hours from login; the cookie's Max-Age says the same. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

/** Login names are compared in lower case: a phone's keyboard capitalises the first letter. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}

/** Letters, digits and `.`, `_`, `-`, `@`, starting with a letter or digit; at most 100 (LoginRequest's limit). */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,99}$/;

export function supervisorInfo(row: Pick<SupervisorsTable, 'name' | 'scope'>): SupervisorInfo {
  const scope = parseScope(row.scope);
  // Only the admin command writes scopes, through parseScope; a row that fails here was edited by hand.
  if (!scope) throw new Error(`supervisor ${row.name} has a malformed scope`);
  return { name: row.name, scope };
}

/** False when the name is taken. */
export async function insertSupervisor(
  db: Db,
  supervisor: { name: string; scope: string; passwordHash: string },
  now: Date,
): Promise<boolean> {
  const inserted = await db
    .insertInto('supervisors')
    .values({
      name: supervisor.name,
      scope: supervisor.scope,
      password_hash: supervisor.passwordHash,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function findSupervisor(db: Db, name: string): Promise<SupervisorsTable | undefined> {
  return db.selectFrom('supervisors').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Every supervisor, `locked_until` being when the name's current or last lockout ends (null if it never reached one). */
export async function listSupervisors(db: Db): Promise<(SupervisorsTable & { locked_until: string | null })[]> {
  const rows = await db.selectFrom('supervisors').selectAll().orderBy('name').execute();
  return Promise.all(
    rows.map(async (row) => ({ ...row, locked_until: (await blockedUntil(db, LOGIN_NAME_LIMIT, row.name))?.toISOString() ?? null })),
  );
}

/** Removes the supervisor and ends their sessions; false when there is no such name. */
export async function removeSupervisor(db: Db, name: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('supervisor_sessions').where('name', '=', name).execute();
    const deleted = await tx.deleteFrom('supervisors').where('name', '=', name).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  });
}

/** Replaces the supervisor's password hash and ends their sessions; false when there is no such name. */
export async function setSupervisorPassword(db: Db, name: string, passwordHash: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const updated = await tx.updateTable('supervisors').set({ password_hash: passwordHash }).where('name', '=', name).executeTakeFirst();
    await tx.deleteFrom('supervisor_sessions').where('name', '=', name).execute();
    return Number(updated.numUpdatedRows) > 0;
  });
}

/** Seconds until the name's lock ends (`locked_until` as listSupervisors fills it), or null when it is not locked. */
export function lockedForSeconds(row: { locked_until: string | null }, now: Date): number | null {
  if (row.locked_until === null) return null;
  const waitMs = Date.parse(row.locked_until) - now.getTime();
  return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : null;
}

/**
 * Starts a session for a login whose password was checked against `checkedHash`;
 * returns the token for the cookie (never stored) and when it ends. Null when the stored
 * hash is no longer that one: `supervisor passwd` ran while the password was being
 * checked, and ended the sessions of the old password, this one included.
 */
export async function createSession(
  db: Db,
  name: string,
  now: Date,
  checkedHash: string,
): Promise<{ token: string; expiresAt: string } | null> {
  // Housekeeping: the name's ended sessions go when it logs in again (indexed by name).
  await db.deleteFrom('supervisor_sessions').where('name', '=', name).where('expires_at', '<=', now.toISOString()).execute();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  // One statement: the hash is compared and the session stored with no change between.
  const inserted = await sql<{ name: string }>`
    INSERT INTO supervisor_sessions (token_hash, name, created_at, expires_at)
    SELECT CAST(${hashToken(token)} AS TEXT), name, CAST(${now.toISOString()} AS TEXT), CAST(${expiresAt} AS TEXT)
    FROM supervisors WHERE name = ${name} AND password_hash = ${checkedHash}
    RETURNING name`.execute(db);
  return inserted.rows.length === 1 ? { token, expiresAt } : null;
}

/** Deletes the sessions that have ended (housekeeping.ts); returns how many. */
export async function deleteEndedSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('supervisor_sessions').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The supervisor of an unexpired session, or null. */
export async function findSession(db: Db, token: string, now: Date): Promise<SupervisorInfo | null> {
  const row = await db
    .selectFrom('supervisor_sessions as s')
    .innerJoin('supervisors as v', 'v.name', 's.name')
    .select(['v.name', 'v.scope'])
    .where('s.token_hash', '=', hashToken(token))
    .where('s.expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row ? supervisorInfo(row) : null;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('supervisor_sessions').where('token_hash', '=', hashToken(token)).execute();
}
