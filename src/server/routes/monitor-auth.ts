/**
 * Supervisor login, logout and "who am I" (issue 6; routes in domain/monitor.ts).
 *
 * Login answers `401 invalid_login` alike for an unknown name and a wrong password.
 * Five failures for one name within 15 minutes lock it (`429`, even for the right
 * password) until the oldest of them is 15 minutes old — names that exist and names
 * that do not alike, so a lock tells nothing either; ten failures from one address in
 * 15 minutes lock the address, whatever names it tried. A right password clears the
 * name's count. Malformed bodies count for neither.
 *
 * Each attempt is counted against both limits before its password is checked, and
 * taken back if it was right (store/rate-limit.ts), so attempts sent at once cannot all
 * slip past the limits during the check. An attempt either limit refuses is answered at
 * once, with no scrypt: a flood of refused attempts must not keep the thread pool busy
 * (passwords.ts), and as a lock holds for unknown names as for known ones, its quick
 * answer tells nothing. Every other attempt pays for one scrypt — against the dummy hash
 * when the name is unknown — so the time taken does not tell which names exist. When too
 * many logins wait for scrypt already, an attempt is refused unchecked (429, counted for
 * neither limit).
 *
 * The session is an HttpOnly, SameSite=Strict cookie scoped to the monitoring routes:
 * page scripts cannot read it, other sites cannot send it, the sync routes never see it.
 */
import type { Context, Handler } from 'hono';
import { setCookie } from 'hono/cookie';
import { API_BASE, loginRequestSchema, MONITOR_BASE, parseWithMessages, SESSION_COOKIE } from '../../domain';
import { readJsonBody } from '../body';
import { cameOverHttps, clientAddress } from '../client-address';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { checkPassword, dummyHash } from '../passwords';
import { clearFailures, LOGIN_LIMIT, LOGIN_NAME_LIMIT, releaseFailure, reserveFailure } from '../store/rate-limit';
import { createSession, deleteSession, findSession, findSupervisor, normaliseName, SESSION_TTL_MS, supervisorInfo } from '../store/supervisors';
import { sessionToken } from '../supervisor-auth';

/** A login body is a name and a password; nothing near the sync routes' 1 MiB. */
const LOGIN_BODY_BYTES = 4096; // said as '4 KB' in its 413 below

/** Retry-After of a login refused because too many wait for their password check: they are done within a second or so. */
const BUSY_RETRY_SECONDS = 5;

function setSessionCookie(c: Context, deps: ServerDeps, token: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: `${API_BASE}${MONITOR_BASE}`,
    maxAge: maxAgeSeconds,
    secure: cameOverHttps(c, deps.trustProxy),
  });
}

function tooManyAttempts(c: Context, retryAfterSeconds: number): Response {
  c.header('Retry-After', String(retryAfterSeconds));
  return errorReply(c, 'rate_limited');
}

export function loginRoute(deps: ServerDeps): Handler<Env> {
  const { database } = deps;
  const { db } = database;
  return async (c) => {
    // JSON only, declared (readJsonBody refuses any other Content-Type): a cross-site page
    // cannot send that without a CORS preflight, which the monitoring routes never grant (app.ts).
    const body = await readJsonBody(c.req.raw, LOGIN_BODY_BYTES);
    if (!body.ok) return errorReply(c, body.code, body.details, { limit: '4 KB' });
    const parsed = parseWithMessages(loginRequestSchema, body.value, langOf(c));
    if (!parsed.ok) return errorReply(c, 'invalid_request', parsed.errors);

    const now = deps.now();
    const address = clientAddress(c, deps.trustProxy);
    const name = normaliseName(parsed.value.username);
    // Count the attempt as a failure of the name, then of the address, before checking
    // the password; an attempt refused by one limit is not left counted by the other.
    const byName = await reserveFailure(database, LOGIN_NAME_LIMIT, name, now);
    if (!byName.reserved) return tooManyAttempts(c, byName.retryAfterSeconds);
    const byAddress = await reserveFailure(database, LOGIN_LIMIT, address, now);
    if (!byAddress.reserved) {
      await releaseFailure(db, byName.failure);
      return tooManyAttempts(c, byAddress.retryAfterSeconds);
    }

    // Known name or not: one scrypt, so the time taken tells nothing.
    const row = await findSupervisor(db, name);
    const check = await checkPassword(parsed.value.password, row ? row.password_hash : await dummyHash());
    if (check === 'busy') {
      // Never checked, so no failure: neither count keeps it.
      await releaseFailure(db, byName.failure);
      await releaseFailure(db, byAddress.failure);
      return tooManyAttempts(c, BUSY_RETRY_SECONDS);
    }
    if (!row || check === 'wrong') return errorReply(c, 'invalid_login'); // both failures stay counted

    // The right password: the name's count starts again, and this attempt was no failure of the address.
    await clearFailures(db, LOGIN_NAME_LIMIT, name);
    await releaseFailure(db, byAddress.failure);
    const session = await createSession(db, name, now, row.password_hash);
    if (!session) return errorReply(c, 'invalid_login'); // the password changed meanwhile
    setSessionCookie(c, deps, session.token, SESSION_TTL_MS / 1000);
    const info = supervisorInfo(row);
    c.set('supervisor', info);
    return c.json(info);
  };
}

/** Ends the cookie's session, if any, and clears the cookie; 204 either way. */
export function logoutRoute(deps: ServerDeps): Handler<Env> {
  const { db } = deps.database;
  return async (c) => {
    const token = sessionToken(c);
    if (token) {
      const supervisor = await findSession(db, token, deps.now());
      if (supervisor) c.set('supervisor', supervisor); // for the log line
      await deleteSession(db, token);
    }
    setSessionCookie(c, deps, '', 0);
    return c.body(null, 204);
  };
}

/** Behind `requireSupervisor`. */
export function meRoute(): Handler<Env> {
  return (c) => c.json(c.get('supervisor'));
}
