/**
 * `POST /api/v1/sync/push`: envelope (400) → library (403) → sequence (409, in the
 * store's transaction) → each entry (rejected with field errors). The entries are
 * validated here, outside the transaction, so the library stays locked only for the
 * writes.
 */
import type { Handler } from 'hono';
import {
  activityTypesOf,
  entrySchemaFor,
  parseWithMessages,
  pushRequestSchema,
  todayIn,
  type ActivityEntry,
  type PushResponse,
} from '../../domain';
import { readJsonBody } from '../body';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { applyPush, type CheckedMutation } from '../store/push';

/** An `updatedAt` further ahead of the server's clock than this is clamped to it. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

export function clampUpdatedAt(entry: ActivityEntry, now: Date): ActivityEntry {
  return Date.parse(entry.updatedAt) > now.getTime() + MAX_CLOCK_AHEAD_MS ? { ...entry, updatedAt: now.toISOString() } : entry;
}

export function pushRoute(deps: ServerDeps): Handler<Env> {
  const { db, kind } = deps.database;
  const activityTypes = activityTypesOf(deps.rulebook);
  let cached: { today: string; schema: ReturnType<typeof entrySchemaFor> } | null = null;
  const schemaFor = (today: string) => {
    if (cached?.today !== today) cached = { today, schema: entrySchemaFor({ today, activityTypes }) };
    return cached.schema;
  };

  return async (c) => {
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return errorReply(c, body.code);
    const lang = langOf(c);
    const envelope = parseWithMessages(pushRequestSchema, body.value, lang);
    if (!envelope.ok) return errorReply(c, 'invalid_request', envelope.errors);

    const device = c.get('device');
    const mutations = envelope.value.mutations;
    if (mutations.some((m) => m.entry.libraryId.toLowerCase() !== device.libraryId)) return errorReply(c, 'wrong_library');

    const now = deps.now();
    const schema = schemaFor(todayIn(device.library.timezone, now));
    const checked: CheckedMutation[] = mutations.map((m) => {
      const parsed = parseWithMessages(schema, m.entry, lang);
      return {
        seq: m.seq,
        baseVersion: m.baseVersion,
        entryId: parsed.ok ? parsed.value.id : m.entry.id.toLowerCase(),
        check: parsed.ok ? { ok: true, entry: clampUpdatedAt(parsed.value, now) } : { ok: false, errors: parsed.errors },
      };
    });

    const outcome = await applyPush(db, kind, { libraryId: device.libraryId, deviceId: device.deviceId }, checked, now);
    if (!outcome.ok) {
      const expected = String(outcome.expectedSeq);
      return errorReply(c, 'seq_gap', [{ path: 'expected', message: expected }], { expected });
    }
    const reply: PushResponse = { ackSeq: outcome.ackSeq, results: outcome.results };
    return c.json(reply);
  };
}
