/**
 * Published rulebooks. The current rulebook is the last one published, or the shipped
 * default when none is. A rulebook id names one document for ever: phones keep the
 * rulebook they were given, every KPI result carries its id, the servers cache a
 * rulebook by id and a stored KPI is fresh while its rulebook id is the current one. So
 * publishing an id again with another body is refused — the shipped default's id too,
 * as if it had been published first — and with the same body it changes nothing: it
 * does not make an older rulebook current again (that takes a new id).
 */
import { sql } from 'kysely';
import { defaultRulebook, rulebookSchema, type Rulebook } from '../../domain';
import { parseRulebook } from '../rulebook-file';
import type { Db } from '../schema';

export type PublishOutcome =
  /** `publishedAt` is null for the shipped default, which no one published. */
  | { ok: true; status: 'published' | 'unchanged'; rulebookId: string; publishedAt: string | null }
  | { ok: false; error: 'id_taken'; rulebookId: string }
  /** The same document was published before, but another one is current now. */
  | { ok: false; error: 'not_current'; rulebookId: string; currentId: string };

/** The shipped default as a published body would be. */
let defaultBody: string | undefined;

/** Stores a rulebook already checked by `rulebookSchema` as the current one. */
export async function publishRulebook(db: Db, rulebook: Rulebook, now: Date): Promise<PublishOutcome> {
  // The schema's output (known keys, in the schema's order), so the same document in
  // another layout is the same body.
  const body = JSON.stringify(rulebook);
  const publishedAt = now.toISOString();
  // The shipped default is served under its id before anyone publishes anything.
  if (rulebook.id === defaultRulebook.id) {
    defaultBody ??= JSON.stringify(rulebookSchema.parse(defaultRulebook));
    if (body !== defaultBody) return { ok: false, error: 'id_taken', rulebookId: rulebook.id };
    const stored = await db.selectFrom('rulebooks').select('published_at').where('rulebook_id', '=', rulebook.id).executeTakeFirst();
    return settled(db, rulebook.id, stored?.published_at ?? null);
  }
  // One statement, so no transaction has to upgrade a read to a write (a busy SQLite
  // shared with a server). `WHERE true` lets SQLite tell the SELECT from the upsert.
  const inserted = await sql`
    INSERT INTO rulebooks (rulebook_id, seq, body, published_at)
    SELECT ${rulebook.id}, COALESCE(MAX(seq), 0) + 1, ${body}, ${publishedAt} FROM rulebooks WHERE true
    ON CONFLICT (rulebook_id) DO NOTHING`.execute(db);
  if (Number(inserted.numAffectedRows ?? 0) === 1) return { ok: true, status: 'published', rulebookId: rulebook.id, publishedAt };
  const existing = await db.selectFrom('rulebooks').select(['body', 'published_at']).where('rulebook_id', '=', rulebook.id).executeTakeFirstOrThrow();
  if (existing.body !== body) return { ok: false, error: 'id_taken', rulebookId: rulebook.id };
  return settled(db, rulebook.id, existing.published_at);
}

/** A document published before: nothing to do if it is the current one; otherwise it stays an older one. */
async function settled(db: Db, rulebookId: string, publishedAt: string | null): Promise<PublishOutcome> {
  const currentId = await currentRulebookId(db);
  return currentId === rulebookId
    ? { ok: true, status: 'unchanged', rulebookId, publishedAt }
    : { ok: false, error: 'not_current', rulebookId, currentId };
}

/** The current rulebook's id: one indexed row, cheap enough to ask every second. */
export async function currentRulebookId(db: Db): Promise<string> {
  const row = await db.selectFrom('rulebooks').select('rulebook_id').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row?.rulebook_id ?? defaultRulebook.id;
}

/** A published rulebook by id (the default by its id too); null if there is none. */
export async function loadRulebook(db: Db, rulebookId: string): Promise<Rulebook | null> {
  const row = await db.selectFrom('rulebooks').select('body').where('rulebook_id', '=', rulebookId).executeTakeFirst();
  if (!row) return rulebookId === defaultRulebook.id ? defaultRulebook : null;
  // Validated when published; parsed again so a hand-edited row fails loudly here, not in
  // computeKpi — in words an operator can act on (zod's own say only "Invalid input").
  const invalid = (problems: string) =>
    new Error(`the stored rulebook ${rulebookId} is not valid (${problems}); publish a valid one with npm run admin -- rulebook publish`);
  let body: unknown;
  try {
    body = JSON.parse(row.body);
  } catch (e) {
    throw invalid(`not JSON: ${(e as Error).message}`);
  }
  const parsed = parseRulebook(body);
  if (!parsed.ok) throw invalid(parsed.problems.join('; '));
  return parsed.rulebook;
}

/** The current rulebook, read straight from the database (the admin command; servers use rulebook-source.ts). */
export async function currentRulebook(db: Db): Promise<Rulebook> {
  const id = await currentRulebookId(db);
  const rulebook = await loadRulebook(db, id);
  if (!rulebook) throw new Error(`rulebook ${id} vanished`);
  return rulebook;
}
