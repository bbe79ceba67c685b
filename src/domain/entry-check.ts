/**
 * A fast twin of `entrySchemaFor(rules)`, for hot paths: the KPI engine's loop and the
 * server's push. It accepts exactly what the schema accepts and, for a valid entry,
 * builds exactly what the schema would output — without zod's bookkeeping, which costs
 * ~7 µs an entry here (the budget for `computeKpi` is 5 ms for 10,000 entries).
 * Messages for an invalid entry still come from the schema (`parseWithMessages`).
 * Property tests (tests/domain/entry-check.test.ts) hold the twins to the same verdict
 * and the same output on generated valid and broken entries; change them together.
 */
import { isRealDate } from './calendar';
import type { ActivityEntry } from './entry';
import {
  ACTIVITY_TYPE_PATTERN,
  ATTACHMENT_ID_PATTERN,
  ATTACHMENT_MIMES,
  EARLIEST_ENTRY_DATE,
  FUNDING_SOURCES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_PARTICIPANTS,
  MAX_PARTNERS,
  OTHER_ACTIVITY_TYPE,
  PARTNER_KINDS,
  SHA256_PATTERN,
  TEXT_LIMITS,
  type EntryRules,
} from './entry';
import { STRATEGIES, type Strategy } from './strategies';
import { codePointLength, ID_PATTERN, INSTANT_PATTERN, isStorableInstant, UUID_V7 } from './text';

// Hex patterns may match case-blind instead of lower-casing a copy first: no character
// outside ASCII lower-cases to 0-9 or a-f. (Not so for [a-z]: U+212A KELVIN SIGN → k.)
const UUID_V7_ANY_CASE = new RegExp(UUID_V7.source, 'i');
const SHA256_ANY_CASE = new RegExp(SHA256_PATTERN.source, 'i');

/** What the KPI engine needs of a valid entry. */
export interface CountableFacts {
  libraryId: string;
  strategy: Strategy;
  date: string;
  deleted: boolean;
  documented: boolean;
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const isWhole = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const lowerMatches = (v: unknown, re: RegExp) => typeof v === 'string' && re.test(v.toLowerCase());

function textOk(v: unknown, [min, max]: readonly [number, number]): boolean {
  if (typeof v !== 'string') return false;
  const t = v.trim();
  // A text has between length/2 and length code points; count them only when that matters.
  if (t.length <= max && t.length >= 2 * min) return true;
  const n = codePointLength(t);
  return n >= min && n <= max;
}

function optionalTextOk(v: unknown, limits: readonly [number, number]): boolean {
  return absent(v) || textOk(v, [0, limits[1]]);
}

function filled(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Every element present and valid: an index loop, because `every` skips the holes of a sparse array. */
function allValid(v: unknown[], valid: (item: unknown) => boolean): boolean {
  for (let i = 0; i < v.length; i++) if (!valid(v[i])) return false;
  return true;
}

function partnersOk(v: unknown): boolean {
  if (absent(v)) return true;
  if (!Array.isArray(v) || v.length > MAX_PARTNERS) return false;
  return allValid(
    v,
    (p) => isObject(p) && textOk(p.name, TEXT_LIMITS.partnerName) && (PARTNER_KINDS as readonly unknown[]).includes(p.kind),
  );
}

function attachmentsOk(v: unknown): boolean {
  if (absent(v)) return true;
  if (!Array.isArray(v) || v.length > MAX_ATTACHMENTS) return false;
  return allValid(
    v,
    (a) =>
      isObject(a) &&
      lowerMatches(a.id, ATTACHMENT_ID_PATTERN) &&
      typeof a.sha256 === 'string' &&
      SHA256_ANY_CASE.test(a.sha256) &&
      (ATTACHMENT_MIMES as readonly unknown[]).includes(a.mime) &&
      isWhole(a.bytes, 0, MAX_ATTACHMENT_BYTES),
  );
}

const instantOk = (v: unknown) => typeof v === 'string' && INSTANT_PATTERN.test(v) && isStorableInstant(v);

/** The fields of an entry the check reads: those of the schema's object. */
const FIELD_NAMES = [
  'id', 'libraryId', 'strategy', 'activityType', 'title', 'date', 'location', 'participantsMale',
  'participantsFemale', 'participantsDisability', 'partners', 'description', 'skills', 'economicImpact',
  'successStory', 'testimony', 'fundingSource', 'attachments', 'createdAt', 'updatedAt', 'deleted',
] as const;
type Fields = Record<(typeof FIELD_NAMES)[number], unknown>;

/** Every field absent: one literal, so every `Fields` has the same shape and reads of it stay fast. */
function noFields(): Fields {
  return {
    id: undefined, libraryId: undefined, strategy: undefined, activityType: undefined, title: undefined,
    date: undefined, location: undefined, participantsMale: undefined, participantsFemale: undefined,
    participantsDisability: undefined, partners: undefined, description: undefined, skills: undefined,
    economicImpact: undefined, successStory: undefined, testimony: undefined, fundingSource: undefined,
    attachments: undefined, createdAt: undefined, updatedAt: undefined, deleted: undefined,
  };
}

/**
 * Whether `for…in` sees every field `raw.name` would read, on objects whose prototype is
 * Object.prototype: false once Object.prototype has an enumerable property, or any property
 * with a field's name. Asked when a checker is made, not per entry.
 */
function objectPrototypeIsClean(): boolean {
  for (const _ in Object.prototype) return false;
  return !FIELD_NAMES.some((name) => name in Object.prototype);
}

/**
 * The fields of `raw`, each read once, as zod reads them (`raw[name]`).
 *
 * Why not just `raw.title`…: stored rows come in hundreds of shapes (each mix of optional
 * fields is one), so every named read misses V8's caches; with realistic entries the 21
 * reads were half the check's time (~1.7 of ~3 µs a row in Node). A `for…in` over the row
 * reads each own field by its slot instead, without looking names up: ~1 µs a row in all.
 * (Rows all of one shape, as in synthetic data, pay ~0.15 µs more a row than named reads.)
 * It sees exactly what the named reads would see only for a plain object (or one without
 * prototype) whose own properties are all enumerable — everything JSON, IndexedDB and
 * object literals make — so anything else is read by name as before.
 */
function fieldsOf(raw: Raw, plainIsExact: boolean): Fields {
  const fields = noFields();
  const proto = Object.getPrototypeOf(raw);
  if (proto === null || (proto === Object.prototype && plainIsExact)) {
    let enumerated = 0;
    for (const key in raw) {
      enumerated++;
      // A switch, not a Set of names or `fields[key]`: no hashing, measured the fastest.
      switch (key) {
        case 'id': fields.id = raw[key]; break;
        case 'libraryId': fields.libraryId = raw[key]; break;
        case 'strategy': fields.strategy = raw[key]; break;
        case 'activityType': fields.activityType = raw[key]; break;
        case 'title': fields.title = raw[key]; break;
        case 'date': fields.date = raw[key]; break;
        case 'location': fields.location = raw[key]; break;
        case 'participantsMale': fields.participantsMale = raw[key]; break;
        case 'participantsFemale': fields.participantsFemale = raw[key]; break;
        case 'participantsDisability': fields.participantsDisability = raw[key]; break;
        case 'partners': fields.partners = raw[key]; break;
        case 'description': fields.description = raw[key]; break;
        case 'skills': fields.skills = raw[key]; break;
        case 'economicImpact': fields.economicImpact = raw[key]; break;
        case 'successStory': fields.successStory = raw[key]; break;
        case 'testimony': fields.testimony = raw[key]; break;
        case 'fundingSource': fields.fundingSource = raw[key]; break;
        case 'attachments': fields.attachments = raw[key]; break;
        case 'createdAt': fields.createdAt = raw[key]; break;
        case 'updatedAt': fields.updatedAt = raw[key]; break;
        case 'deleted': fields.deleted = raw[key]; break;
      }
    }
    // for…in skipped no own property (a non-enumerable one, which `raw.name` would read).
    if (enumerated === Object.getOwnPropertyNames(raw).length) return fields;
  }
  // Each field read once by name, as zod reads it (a getter, if any, is called once).
  for (const name of FIELD_NAMES) fields[name] = raw[name];
  return fields;
}

/**
 * Returns a checker: the facts of a valid entry, or null for one the schema would refuse.
 * Without `activityTypes`, the twin of `tombstoneSchemaFor(today)`: every rule but the
 * rulebook's types (the KPI engine asks it of a refused row, to tell one whose type a later
 * rulebook dropped).
 */
export function countableEntryCheck(rules: Pick<EntryRules, 'today'> & Partial<EntryRules>): (raw: unknown) => CountableFacts | null {
  const anyType = rules.activityTypes === undefined;
  const allowed = new Map<unknown, Set<unknown>>(
    STRATEGIES.map((s) => [s, new Set([...(rules.activityTypes?.[s] ?? []), OTHER_ACTIVITY_TYPE])]),
  );
  const plainIsExact = objectPrototypeIsClean();
  return (raw) => {
    if (!isObject(raw)) return null;
    const f = fieldsOf(raw, plainIsExact);
    const { strategy, activityType, date, deleted, id, libraryId, title } = f;
    const types = allowed.get(strategy);
    if (!types) return null;
    if (typeof activityType !== 'string' || !ACTIVITY_TYPE_PATTERN.test(activityType) || (!anyType && !types.has(activityType))) return null;
    if (typeof date !== 'string' || !isRealDate(date) || date < EARLIEST_ENTRY_DATE || date > rules.today) return null;
    if (typeof deleted !== 'boolean') return null;
    if (typeof id !== 'string' || !UUID_V7_ANY_CASE.test(id)) return null;
    if (typeof libraryId !== 'string') return null;
    const library = libraryId.toLowerCase();
    if (!ID_PATTERN.test(library)) return null;
    if (!textOk(title, TEXT_LIMITS.title)) return null;
    const { participantsMale: male, participantsFemale: female, participantsDisability: disability } = f;
    if (!isWhole(male, 0, MAX_PARTICIPANTS) || !isWhole(female, 0, MAX_PARTICIPANTS)) return null;
    const people = (male as number) + (female as number);
    if (strategy === 'pelibatan' && people < 1) return null;
    if (!absent(disability) && !(isWhole(disability, 0, 2 * MAX_PARTICIPANTS) && (disability as number) <= people)) return null;
    const { location, description, skills, economicImpact, successStory, testimony } = f;
    if (
      !optionalTextOk(location, TEXT_LIMITS.location) ||
      !optionalTextOk(description, TEXT_LIMITS.description) ||
      !optionalTextOk(skills, TEXT_LIMITS.skills) ||
      !optionalTextOk(economicImpact, TEXT_LIMITS.economicImpact) ||
      !optionalTextOk(successStory, TEXT_LIMITS.successStory) ||
      !optionalTextOk(testimony, TEXT_LIMITS.testimony)
    ) return null;
    const { fundingSource, partners, attachments, createdAt, updatedAt } = f;
    if (!absent(fundingSource) && !(FUNDING_SOURCES as readonly unknown[]).includes(fundingSource)) return null;
    if (!partnersOk(partners) || !attachmentsOk(attachments)) return null;
    // An entry never edited has both instants equal: one test then serves both.
    if (!instantOk(createdAt) || (updatedAt !== createdAt && !instantOk(updatedAt))) return null;
    return {
      libraryId: library,
      strategy: strategy as Strategy,
      date,
      deleted,
      documented: (Array.isArray(attachments) && attachments.length > 0) || filled(successStory) || filled(testimony),
    };
  };
}

/** Optional text as the schema stores it: trimmed, and left out when null or blank. */
function optionalTextOut(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The instant in UTC with milliseconds; one already in that form is returned as it is. */
function canonicalInstant(s: string): string {
  return CANONICAL_INSTANT.test(s) ? s : new Date(s).toISOString();
}

/**
 * The entry as `entrySchemaFor(…).parse(raw)` outputs it, for a `raw` that
 * `countableEntryCheck` accepted. Do not call it on anything else. Keys are assigned
 * only when present (never added then deleted), in the schema's order, which keeps the
 * object fast to serialise on the server's push path.
 */
/**
 * Sets `out[key]` unless `value` is undefined. At module level, not a closure made per
 * entry: tsx (how the server runs) wraps every named closure in a `__name` call, which
 * showed in the push path's profile for a per-entry helper.
 */
function putDefined(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

export function normaliseCheckedEntry(raw: unknown): ActivityEntry {
  const e = raw as Raw;
  const out: Record<string, unknown> = {
    id: (e.id as string).toLowerCase(),
    libraryId: (e.libraryId as string).toLowerCase(),
    strategy: e.strategy,
    activityType: e.activityType,
    title: (e.title as string).trim(),
    date: e.date,
  };
  putDefined(out, 'location', optionalTextOut(e.location));
  out.participantsMale = e.participantsMale;
  out.participantsFemale = e.participantsFemale;
  putDefined(out, 'participantsDisability', absent(e.participantsDisability) ? undefined : e.participantsDisability);
  if (Array.isArray(e.partners)) out.partners = e.partners.map((p: Raw) => ({ name: (p.name as string).trim(), kind: p.kind }));
  putDefined(out, 'description', optionalTextOut(e.description));
  putDefined(out, 'skills', optionalTextOut(e.skills));
  putDefined(out, 'economicImpact', optionalTextOut(e.economicImpact));
  putDefined(out, 'successStory', optionalTextOut(e.successStory));
  putDefined(out, 'testimony', optionalTextOut(e.testimony));
  putDefined(out, 'fundingSource', absent(e.fundingSource) ? undefined : e.fundingSource);
  if (Array.isArray(e.attachments)) {
    out.attachments = e.attachments.map((a: Raw) => ({
      id: (a.id as string).toLowerCase(),
      sha256: (a.sha256 as string).toLowerCase(),
      mime: a.mime,
      bytes: a.bytes,
    }));
  }
  out.createdAt = canonicalInstant(e.createdAt as string);
  out.updatedAt = canonicalInstant(e.updatedAt as string);
  out.deleted = e.deleted;
  return out as ActivityEntry;
}

/** A parser with the schema's verdict and output, fast; null for an entry the schema refuses. */
export function fastEntryParser(rules: EntryRules): (raw: unknown) => ActivityEntry | null {
  const check = countableEntryCheck(rules);
  return (raw) => (check(raw) === null ? null : normaliseCheckedEntry(raw));
}
