/**
 * Supervisor login, logout and "who am I" (issue 6; routes in domain/monitor.ts).
 *
 * Login answers `401 invalid_login` alike for an unknown name and a wrong password, and
 * takes as long for both (passwords.ts). Five wrong passwords in a row lock the name for
 * 15 minutes (`429`, even for the right password); ten failures from one address in 15
 * minutes lock the address, whatever names it tried. Malformed bodies count for neither.
 *
 * The session is an HttpOnly, SameSite=Strict cookie scoped to the monitoring routes:
 * page scripts cannot read it, other sites cannot send it, the sync routes never see it.
 */
import type { Context, Handler } from 'hono';
import { setCookie } from 'hono/cookie';
import { API_BASE, loginRequestSchema, MONITOR_BASE, parseWithMessages, SESSION_COOKIE } from '../../domain';
import { isJsonType, readJsonBody } from '../body';
import { cameOverHttps, clientAddress } from '../client-address';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { dummyHash, verifyPassword } from '../passwords';
import { LOGIN_LIMIT, limitState, recordFailure } from '../store/rate-limit';
import {
  createSession,
  deleteSession,
  findSession,
  findSupervisor,
  lockedForSeconds,
  normaliseName,
  recordLoginFailure,
  resetLoginFailures,
  SESSION_TTL_MS,
  supervisorInfo,
} from '../store/supervisors';
import { sessionToken } from '../supervisor-auth';

/** A login body is a name and a password; nothing near the sync routes' 1 MiB. */
const LOGIN_BODY_BYTES = 4096;

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
  const { db } = deps.database;
  return async (c) => {
    c.header('Cache-Control', 'no-store');
    // JSON only, declared: a cross-site page cannot send that without a CORS preflight,
    // which the monitoring routes never grant (app.ts).
    const contentType = c.req.header('content-type');
    if (contentType === undefined || !isJsonType(contentType)) return errorReply(c, 'invalid_request');

    const now = deps.now();
    const address = clientAddress(c, deps.trustProxy);
    const addressLimit = await limitState(db, LOGIN_LIMIT, address, now);
    if (addressLimit.blocked) return tooManyAttempts(c, addressLimit.retryAfterSeconds);

    const body = await readJsonBody(c.req.raw, LOGIN_BODY_BYTES);
    if (!body.ok) return errorReply(c, body.code);
    const parsed = parseWithMessages(loginRequestSchema, body.value, langOf(c));
    if (!parsed.ok) return errorReply(c, 'invalid_request', parsed.errors);

    const name = normaliseName(parsed.value.username);
    const row = await findSupervisor(db, name);
    const locked = row ? lockedForSeconds(row, now) : null;
    if (locked !== null) return tooManyAttempts(c, locked);

    const right = await verifyPassword(parsed.value.password, row?.password_hash ?? (await dummyHash()));
    if (!row || !right) {
      await recordFailure(db, LOGIN_LIMIT, address, now);
      if (row) await recordLoginFailure(db, name, now);
      return errorReply(c, 'invalid_login');
    }

    await resetLoginFailures(db, name);
    const session = await createSession(db, name, now);
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
    c.header('Cache-Control', 'no-store');
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
  return (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(c.get('supervisor'));
  };
}
