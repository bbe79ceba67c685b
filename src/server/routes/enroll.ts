/**
 * `POST /api/v1/enroll`: a valid code → a device, its token (shown once), the library
 * and the rulebook. Unknown, used or expired codes are `401 invalid_code` and count
 * towards the address's rate limit; malformed bodies do not.
 */
import type { Handler } from 'hono';
import { enrollRequestSchema, parseWithMessages, type EnrollResponse } from '../../domain';
import { readJsonBody } from '../body';
import { clientAddress } from '../client-address';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { enrollDevice } from '../store/enrollment';
import { enrollLimitState, recordEnrollFailure } from '../store/rate-limit';

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
    if (!body.ok) return errorReply(c, body.code);
    const parsed = parseWithMessages(enrollRequestSchema, body.value, langOf(c));
    if (!parsed.ok) return errorReply(c, 'invalid_request', parsed.errors);

    const now = deps.now();
    const enrolled = await enrollDevice(db, parsed.value.code, parsed.value.deviceName, now);
    if (!enrolled) {
      await recordEnrollFailure(db, address, now);
      return errorReply(c, 'invalid_code');
    }
    c.set('device', { deviceId: enrolled.deviceId, libraryId: enrolled.library.id, library: enrolled.library, lastPushAt: null });
    const reply: EnrollResponse = { ...enrolled, rulebook: await deps.rulebooks.current() };
    return c.json(reply, 201);
  };
}
