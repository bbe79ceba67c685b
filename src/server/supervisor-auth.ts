/**
 * The monitoring routes' authentication: the session cookie and nothing else. An
 * `Authorization` header is never looked at, so a device token cannot reach these
 * routes; `requireDevice` (auth.ts) in turn never looks at cookies. Without a valid
 * session: `401 login_required` ("Silakan masuk dulu.").
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../domain';
import type { Env, ServerDeps } from './context';
import { errorReply } from './errors';
import { findSession } from './store/supervisors';

/** 32 random bytes, base64url: 43 characters. Anything else is not worth a query. */
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token the request's cookie carries, if it is well-formed. */
export function sessionToken(c: Context): string | null {
  const token = getCookie(c, SESSION_COOKIE);
  return token !== undefined && SESSION_TOKEN.test(token) ? token : null;
}

export function requireSupervisor(deps: ServerDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = sessionToken(c);
    const supervisor = token ? await findSession(deps.database.db, token, deps.now()) : null;
    // Its own code, worded for a person: `unauthorized` speaks of an unenrolled device.
    if (!supervisor) return errorReply(c, 'login_required');
    c.set('supervisor', supervisor);
    await next();
  };
}
