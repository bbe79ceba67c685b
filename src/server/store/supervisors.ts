/**
 * Supervisor accounts and their login sessions (issue 6). Session tokens are stored as
 * SHA-256 only, like device tokens: a copy of the database logs nobody in.
 */
import { parseScope, type SupervisorInfo } from '../../domain';
import type { Db, SupervisorsTable } from '../schema';
import { hashToken, newToken } from './devices';

/** A session lasts 12 hours from login; the cookie's Max-Age says the same. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** Consecutive wrong passwords for one name before it is locked… */
export const LOCKOUT_FAILURES = 5;
/** …for this long, even for the right password. */
export const LOCKOUT_MS = 15 * 60_000;

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
      failed_logins: 0,
      locked_until: null,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function findSupervisor(db: Db, name: string): Promise<SupervisorsTable | undefined> {
  return db.selectFrom('supervisors').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listSupervisors(db: Db): Promise<SupervisorsTable[]> {
  return db.selectFrom('supervisors').selectAll().orderBy('name').execute();
}

/** Removes the supervisor and ends their sessions; false when there is no such name. */
export async function removeSupervisor(db: Db, name: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('supervisor_sessions').where('name', '=', name).execute();
    const deleted = await tx.deleteFrom('supervisors').where('name', '=', name).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  });
}

/** Seconds until the name's lock ends, or null when it is not locked. */
export function lockedForSeconds(row: Pick<SupervisorsTable, 'locked_until'>, now: Date): number | null {
  if (row.locked_until === null) return null;
  const waitMs = Date.parse(row.locked_until) - now.getTime();
  return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : null;
}

/**
 * Counts one wrong password for the name; the LOCKOUT_FAILURES-th locks it for
 * LOCKOUT_MS and starts the count again. The increment is one statement, so concurrent
 * failures are all counted.
 */
export async function recordLoginFailure(db: Db, name: string, now: Date): Promise<void> {
  const row = await db
    .updateTable('supervisors')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('name', '=', name)
    .returning('failed_logins')
    .executeTakeFirst();
  if (!row || Number(row.failed_logins) < LOCKOUT_FAILURES) return;
  await db
    .updateTable('supervisors')
    .set({ failed_logins: 0, locked_until: new Date(now.getTime() + LOCKOUT_MS).toISOString() })
    .where('name', '=', name)
    .where('failed_logins', '>=', LOCKOUT_FAILURES)
    .execute();
}

/** A right password: the count of failures starts again. */
export async function resetLoginFailures(db: Db, name: string): Promise<void> {
  await db.updateTable('supervisors').set({ failed_logins: 0, locked_until: null }).where('name', '=', name).execute();
}

/** Starts a session; returns the token for the cookie (never stored) and when it ends. */
export async function createSession(db: Db, name: string, now: Date): Promise<{ token: string; expiresAt: string }> {
  // Housekeeping: the name's ended sessions go when it logs in again (indexed by name).
  await db.deleteFrom('supervisor_sessions').where('name', '=', name).where('expires_at', '<=', now.toISOString()).execute();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  await db
    .insertInto('supervisor_sessions')
    .values({ token_hash: hashToken(token), name, created_at: now.toISOString(), expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
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
