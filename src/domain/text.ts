/**
 * Building blocks for the schemas' text, id and optional fields, shared by every
 * schema so each rule exists once. Texts are stored trimmed and counted in code
 * points (DOMAIN.md), so a title of three emoji is three characters, not six.
 */
import * as z from 'zod/mini';

// No zod locale is loaded (its English one is 2.7 KB of the phone's precache): every message
// people read is worded by `parseWithMessages` (validation-messages.ts), in id or en.

/** Length in Unicode code points, as DOMAIN.md counts characters. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function trimmed(v: unknown): unknown {
  return typeof v === 'string' ? v.trim() : v;
}

/**
 * zod/mini has no `z.preprocess`; this is classic zod's: a pipe from a transform of the
 * raw input into `schema` (the input type stays `unknown`, as classic's does).
 */
export function preprocess<S extends z.ZodMiniType>(fn: (v: unknown) => unknown, schema: S): Preprocess<S> {
  return z.pipe(z.transform(fn), schema) as unknown as Preprocess<S>;
}

/** The type classic zod gives `z.preprocess(fn, schema)`: `schema`'s output and optionality, any input. */
export interface Preprocess<S extends z.ZodMiniType>
  extends z.ZodMiniType<z.output<S>, unknown, z.core.$ZodPreprocessInternals<S, unknown>> {}

/**
 * A required text, trimmed, `min`–`max` code points. No refinement aborts: an explicit
 * abort would also stop the object's cross-field rules (zod skips `when` checks after
 * one), and the two limits never both fail anyway.
 */
export function requiredText(min: number, max: number) {
  return preprocess(
    trimmed,
    z.string().check(
      z.refine((s: string) => codePointLength(s) >= min, { params: { key: 'textTooShort', min } }),
      z.refine((s: string) => codePointLength(s) <= max, { params: { key: 'textTooLong', max } }),
    ),
  );
}

/** An optional text: `null`, absent or blank is stored as absent; otherwise trimmed, ≤ `max`. */
export function optionalText(max: number) {
  return preprocess(
    (v) => {
      const t = trimmed(v);
      return t === null || t === '' ? undefined : t;
    },
    z.optional(z.string().check(z.refine((s: string) => codePointLength(s) <= max, { params: { key: 'textTooLong', max } }))),
  );
}

/**
 * Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) are refused in a
 * name or place people read: no one types them, and stored they reach the admin's terminal
 * as escape codes, or make a place no supervisor scope can name. White space the schema or
 * the caller tidies before this check (a tab or newline at either end, the server's
 * `tidyName`) never gets here.
 */
export const noControlCharacters = z.refine<string | undefined>((s) => s === undefined || !hasControlCharacter(s), {
  params: { key: 'controlCharacter' },
});

/** True when `s` holds a control character (Cc). */
export function hasControlCharacter(s: string): boolean {
  return /\p{Cc}/u.test(s);
}

/**
 * A text must show something: one that is only format characters (Cf: U+200B zero-width
 * space, U+FEFF, U+200E…), other default-ignorable code points (U+3164 Hangul filler, variation
 * selectors) and white space looks empty, yet is a value. The empty text is left to the
 * field's own rule (required or absent), and a text with a control character to
 * `noControlCharacters`, so one problem gets one message.
 */
export const somethingVisible = z.refine<string | undefined>(
  (s) => s === undefined || s === '' || hasControlCharacter(s) || !invisibleOnly(s),
  { params: { key: 'invisibleOnly' } },
);

/** True when every character of `s` is a format character, another default-ignorable one or white space (true for ''). */
export function invisibleOnly(s: string): boolean {
  return !/[^\p{Cf}\p{White_Space}\p{Default_Ignorable_Code_Point}]/u.test(s);
}

/** Wraps an optional schema so that `null` is stored as absent (SYNC-PROTOCOL.md, push rule 4). */
export function nullAsAbsent<T extends z.ZodMiniType>(schema: T) {
  return preprocess((v) => (v === null ? undefined : v), z.optional(schema));
}

/** Ids are lower-case: an upper-case copy of an id names the same thing. */
export function lowerCase<T extends z.ZodMiniType>(schema: T) {
  return preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), schema);
}

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An entry id: a UUIDv7 made on the device; also the idempotency key. */
export const uuidV7Schema = lowerCase(z.string().check(z.regex(UUID_V7)));

/** A server-made id (library, device): lower-case letters, digits and dashes. */
export const idSchema = lowerCase(z.string().check(z.regex(ID_PATTERN)));

const isoInstant = z.iso.datetime({ offset: true });

/** The pattern an instant must match (zod's own; it also rejects 30 February). */
export const INSTANT_PATTERN: RegExp = isoInstant._zod.pattern;

/**
 * False for the few instants whose UTC form leaves years 0000–9999: "0000-01-01T00:00+00:01"
 * would be stored as "-000001-12-31T23:59:00.000Z", which no schema reads back.
 */
export function isStorableInstant(s: string): boolean {
  // Only years 0000 and 9999 are near enough to the edge for an offset to push them over.
  if (!s.startsWith('0000') && !s.startsWith('9999')) return true;
  return /^\d{4}-/.test(new Date(s).toISOString());
}

/** An ISO 8601 instant with `Z` or an offset, stored canonically in UTC (`…Z`, milliseconds). */
export const instantSchema = z.pipe(
  isoInstant.check(z.refine(isStorableInstant, { params: { key: 'instantOutOfRange' } })),
  z.transform((s: string) => new Date(s).toISOString()),
);

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number) {
  // The bounds first: a number past 2^53 also fails `int` (its safe-integer bound), and the
  // field must say "maksimal 100.000" alone, not also "maksimal 9.007.199.254.740.991".
  return z.number().check(z.minimum(min, { abort: true }), z.maximum(max, { abort: true }), z.int());
}

/** White space and the invisible characters pasted text brings along, at either end. */
const INVISIBLE_AT_ENDS = /^[\s\u200B\u200E\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]+|[\s\u200B\u200E\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]+$/g;

/**
 * A library's name or place as stored (the admin's `library add` and `--scope`, the phone's
 * profile form): trimmed, each run of white space one space, and no invisible character at
 * either end (zero-width space, word joiner, byte-order mark, direction marks: what text
 * pasted from a chat or a document brings along). Places are matched exactly (a
 * supervisor's scope, the screens' grouping), so "Jawa  Timur" typed with two spaces, or
 * pasted with a zero-width space before it, would otherwise be a second province that looks
 * like the first. A value of invisible characters alone is kept, for the schema to refuse
 * in its own words.
 */
export function tidyName(text: string): string {
  const spaced = text.replace(/\s+/g, ' ').trim();
  const bare = spaced.replace(INVISIBLE_AT_ENDS, '');
  return bare === '' ? spaced : bare;
}
