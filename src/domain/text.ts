/**
 * Building blocks for the schemas' text, id and optional fields, shared by every
 * schema so each rule exists once. Texts are stored trimmed and counted in code
 * points (DOMAIN.md), so a title of three emoji is three characters, not six.
 */
import { z } from 'zod';

/** Length in Unicode code points, as DOMAIN.md counts characters. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function trimmed(v: unknown): unknown {
  return typeof v === 'string' ? v.trim() : v;
}

/** A required text, trimmed, `min`–`max` code points. */
export function requiredText(min: number, max: number) {
  return z.preprocess(
    trimmed,
    z
      .string()
      .refine((s) => codePointLength(s) >= min, { params: { key: 'textTooShort', min }, abort: true })
      .refine((s) => codePointLength(s) <= max, { params: { key: 'textTooLong', max } }),
  );
}

/** An optional text: `null`, absent or blank is stored as absent; otherwise trimmed, ≤ `max`. */
export function optionalText(max: number) {
  return z.preprocess(
    (v) => {
      const t = trimmed(v);
      return t === null || t === '' ? undefined : t;
    },
    z
      .string()
      .refine((s) => codePointLength(s) <= max, { params: { key: 'textTooLong', max } })
      .optional(),
  );
}

/** Wraps an optional schema so that `null` is stored as absent (SYNC-PROTOCOL.md, push rule 4). */
export function nullAsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/** Ids are lower-case: an upper-case copy of an id names the same thing. */
export function lowerCase<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), schema);
}

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An entry id: a UUIDv7 made on the device; also the idempotency key. */
export const uuidV7Schema = lowerCase(z.string().regex(UUID_V7));

/** A server-made id (library, device): lower-case letters, digits and dashes. */
export const idSchema = lowerCase(z.string().regex(ID_PATTERN));

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
export const instantSchema = isoInstant
  .refine(isStorableInstant, { params: { key: 'instantOutOfRange' } })
  .transform((s) => new Date(s).toISOString());

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number) {
  return z.number().int().min(min).max(max);
}
