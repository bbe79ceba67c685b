/**
 * `POST /api/v1/sync/push`: envelope (400) → library (403) → sequence (409, in the
 * store's transaction) → each entry (rejected with field errors). The entries are
 * validated here, outside the transaction, so the library stays locked only for the
 * writes.
 *
 * The hot path never runs zod on a well-formed request: the envelope is checked by
 * `fastEnvelope` and each entry by the domain's `fastEntryParser` (the schema's fast
 * twin, same verdict and output). The schemas run only for what these refuse — to
 * decide, and to word the errors.
 */
import type { Handler } from 'hono';
import {
  activityTypesOf,
  clampUpdatedAt,
  entrySchemaFor,
  fastEntryParser,
  parseWithMessages,
  pushRequestSchema,
  todayIn,
  tombstoneSchemaFor,
  type ActivityEntry,
  type Lang,
  type PushResponse,
  type Rulebook,
} from '../../domain';
import { readJsonBody } from '../body';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { fastEnvelope, type EnvelopeMutation } from '../push-envelope';
import { applyPush, DeviceGone, type CheckedMutation, type PushOutcome } from '../store/push';

interface EntryParsers {
  today: string;
  fast: (raw: unknown) => ActivityEntry | null;
  schema: ReturnType<typeof entrySchemaFor>;
  tombstone: ReturnType<typeof tombstoneSchemaFor>;
}

export function pushRoute(deps: ServerDeps): Handler<Env> {
  // Per rulebook (its activity types), per day (the date rule depends on it) and per
  // time zone of the libraries seen.
  let rulebookSeen: Rulebook | null = null;
  let activityTypes: ReturnType<typeof activityTypesOf>;
  const parsers = new Map<string, EntryParsers>();
  const parsersFor = (rulebook: Rulebook, timezone: Parameters<typeof todayIn>[0], now: Date): EntryParsers => {
    if (rulebook !== rulebookSeen) {
      rulebookSeen = rulebook;
      activityTypes = activityTypesOf(rulebook);
      parsers.clear();
    }
    const today = todayIn(timezone, now);
    let p = parsers.get(timezone);
    if (p?.today !== today) {
      const rules = { today, activityTypes };
      p = { today, fast: fastEntryParser(rules), schema: entrySchemaFor(rules), tombstone: tombstoneSchemaFor(today) };
      parsers.set(timezone, p);
    }
    return p;
  };

  return async (c) => {
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return errorReply(c, body.code, body.details);
    let mutations: EnvelopeMutation[] | null = fastEnvelope(body.value);
    if (mutations === null) {
      const envelope = parseWithMessages(pushRequestSchema, body.value, langOf(c));
      if (!envelope.ok) return errorReply(c, 'invalid_request', envelope.errors);
      mutations = envelope.value.mutations;
    }

    const device = c.get('device');
    // Ids are lower-cased by the schema: an upper-case copy of the library's id is the library.
    if (mutations.some((m) => m.entry.libraryId.toLowerCase() !== device.libraryId)) return errorReply(c, 'wrong_library');

    const now = deps.now();
    const parsers = parsersFor(await deps.rulebooks.current(), device.library.timezone, now);
    let lang: Lang | null = null;
    const checked: CheckedMutation[] = new Array(mutations.length);
    for (let i = 0; i < mutations.length; i++) {
      const m = mutations[i];
      // A delete is checked without the current rulebook's activity types: an entry stored
      // under a type a later rulebook dropped counts no more either way, and a refused delete
      // would keep it on the server for good, while the phone (which checks no rulebook when
      // deleting) shows it gone. Rare, so the schema decides, not the fast twin.
      const tombstone = m.entry.deleted === true;
      let entry = tombstone ? null : parsers.fast(m.entry);
      let errors = null;
      if (entry === null) {
        // Refused (or, should the twins ever disagree, the schema's word is final).
        const parsed = parseWithMessages(tombstone ? parsers.tombstone : parsers.schema, m.entry, (lang ??= langOf(c)));
        if (parsed.ok) entry = parsed.value;
        else errors = parsed.errors;
      }
      const stored = entry !== null ? clampUpdatedAt(entry, now) : null;
      checked[i] = {
        seq: m.seq,
        baseVersion: m.baseVersion,
        entryId: entry !== null ? entry.id : m.entry.id.toLowerCase(),
        check: stored !== null ? { ok: true, entry: stored, clamped: stored !== entry } : { ok: false, errors: errors! },
      };
    }

    let outcome: PushOutcome;
    try {
      outcome = await applyPush(deps.database, { libraryId: device.libraryId, deviceId: device.deviceId, mutations: checked, now });
    } catch (error) {
      if (error instanceof DeviceGone) {
        // Expected only after `library remove`; logged, so that a row gone for another reason is seen.
        deps.logger({ level: 'warn', event: 'push_device_gone', libraryId: device.libraryId, deviceId: device.deviceId });
        return errorReply(c, 'unauthorized');
      }
      throw error;
    }
    if (!outcome.ok) {
      const expected = String(outcome.expectedSeq);
      return errorReply(c, 'seq_gap', [{ path: 'expected', message: expected }], { expected });
    }
    // Its stored KPI (for monitoring) is recomputed off this response's path.
    if (outcome.results.some((r) => r.status === 'applied')) deps.kpis.schedule(device.libraryId);
    const reply: PushResponse = { ackSeq: outcome.ackSeq, results: outcome.results };
    return c.json(reply);
  };
}
