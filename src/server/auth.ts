/**
 * `Authorization: Bearer <token>`, checked before anything reads the body, so a bad
 * token is 401 whatever was sent. The token is looked up by its SHA-256.
 */
import type { MiddlewareHandler } from 'hono';
import type { Env, ServerDeps } from './context';
import { errorReply } from './errors';
import { findDeviceByToken } from './store/devices';

/** The scheme's name is case-insensitive (RFC 9110 §11.1); the token is not. */
const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9_-]{16,128})$/;

export function requireDevice(deps: ServerDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const m = BEARER.exec(c.req.header('authorization') ?? '');
    const device = m ? await findDeviceByToken(deps.database, m[1]) : null;
    if (!device) return errorReply(c, 'unauthorized');
    c.set('device', device);
    await next();
  };
}
