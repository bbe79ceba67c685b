/**
 * `POST /api/v1/enroll`: a valid code → a device, its token (shown once), the library
 * and the rulebook. Unknown, used or expired codes are `401 invalid_code` and count
 * towards the address's rate limit; malformed bodies do not. The failure is reserved
 * before the code is looked up and taken back when it was right, as login does, so
 * attempts sent at once cannot all pass the count before any is recorded.
 */
import type { Handler } from 'hono';
import { enrollRequestSchema, parseWithMessages, type EnrollResponse } from '../../domain';
import { readJsonBody } from '../body';
import { clientAddress } from '../client-address';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { enrollDevice } from '../store/enrollment';
import { ENROLL_LIMIT, enrollLimitState, releaseFailure, reserveFailure } from '../store/rate-limit';

export function enrollRoute(deps: ServerDeps): Handler<Env> {
  const { db } = deps.database;
  return async (c) => {
    const address = clientAddress(c, deps.trustProxy);
    const limit = await enrollLimitState(db, address, deps.now());
    if (limit.blocked) {
      c.header('Retry-After', String(limit.retryAfterSeconds));
      return errorReply(c, 'rate_limited');
    }
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return errorReply(c, body.code, body.details);
    const parsed = parseWithMessages(enrollRequestSchema, body.value, langOf(c));
    if (!parsed.ok) return errorReply(c, 'invalid_request', parsed.errors);

    const now = deps.now();
    const reservation = await reserveFailure(deps.database, ENROLL_LIMIT, address, now);
    if (!reservation.reserved) {
      c.header('Retry-After', String(reservation.retryAfterSeconds));
      return errorReply(c, 'rate_limited');
    }
    let enrolled: Awaited<ReturnType<typeof enrollDevice>>;
    try {
      enrolled = await enrollDevice(db, parsed.value.code, parsed.value.deviceName, now, parsed.value.retryKey);
    } catch (error) {
      // Not the client's failure (the database refused or was unreachable): it must not count.
      await releaseFailure(db, reservation.failure).catch(() => {});
      throw error;
    }
    if (!enrolled) return errorReply(c, 'invalid_code');
    await releaseFailure(db, reservation.failure);
    c.set('device', { deviceId: enrolled.deviceId, libraryId: enrolled.library.id, library: enrolled.library, lastPushAt: null });
    const reply: EnrollResponse = { ...enrolled, rulebook: await deps.rulebooks.current() };
    return c.json(reply, 201);
  };
}
