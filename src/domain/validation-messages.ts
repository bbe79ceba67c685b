/**
 * Turns schema failures into plain sentences, per field, in Indonesian or English:
 * "Judul kegiatan minimal 3 karakter". Schemas stay language-neutral; custom rules
 * name their message with `params.key`, everything else is worded from the zod issue
 * and the field's label.
 */
import type * as z from 'zod/mini';
import { formatDate, formatNumber, type Lang } from './format';
import { englishPlural, hasMessage, t, type MessageKey } from './messages';
import type { FieldError } from './protocol';

type Issue = z.core.$ZodRawIssue;

/** `['partners', 0, 'name']` → `partners.0.name`, the wire's dot path. */
export function dotPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** The field's label: `partners.0.name` → "Nama mitra"; unknown fields fall back to the path. */
export function fieldLabel(path: readonly PropertyKey[], lang: Lang): string {
  const generic = path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
  // The most specific label first: the whole path, then the field itself, then its list.
  const candidates = [generic, String(path[path.length - 1] ?? 'body'), generic.split('.*')[0]];
  for (const c of candidates) {
    const key = `field.${c}`;
    if (hasMessage(key)) return t(lang, key);
  }
  return generic || t(lang, 'field.body');
}

function formatBound(v: unknown, lang: Lang): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(Number(v), lang);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v, lang);
  return String(v);
}

/**
 * How a message names its field: by the form's label ("Judul kegiatan"), or for a document
 * no form shows — a rulebook file — by its dot path (`title`, `green.threshold`), since the
 * form's label for a field of the same name would name the wrong thing.
 */
export type LabelStyle = 'fields' | 'paths';

function labelFor(path: readonly PropertyKey[], lang: Lang, style: LabelStyle): string {
  if (style === 'fields') return fieldLabel(path, lang);
  return path.length > 0 ? dotPath(path) : t(lang, 'field.document');
}

function messageFor(issue: Issue, lang: Lang, style: LabelStyle): string {
  const characters = (n: number) => englishPlural(n, 'character', 'characters');
  const items = (n: number) => englishPlural(n, 'item', 'items');
  const label = labelFor(issue.path ?? [], lang, style);
  const say = (key: MessageKey, extra: Record<string, unknown> = {}) =>
    t(lang, key, {
      label,
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, formatBound(v, lang)])),
    });
  // A blank required field — an untouched dropdown, an empty box — is missing, whatever rule caught it.
  if (issue.input === '' || (typeof issue.input === 'string' && issue.input.trim() === '')) return say('invalid.required');
  switch (issue.code) {
    case 'custom': {
      const params = (issue.params ?? {}) as Record<string, unknown>;
      const key = `invalid.${String(params.key)}`;
      const n = Number(params.min ?? params.max);
      return hasMessage(key) ? say(key, { ...params, unit: characters(n) }) : say('invalid.type');
    }
    case 'invalid_type': {
      if (issue.input === undefined || issue.input === null) return say('invalid.required');
      const expected = issue.expected;
      if (expected === 'int') return say('invalid.wholeNumber');
      if (expected === 'number') return say('invalid.number');
      if (expected === 'string') return say('invalid.text');
      if (expected === 'boolean') return say('invalid.boolean');
      if (expected === 'array') return say('invalid.list');
      return say('invalid.type');
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return say('invalid.listTooShort', { min, unit: items(min) });
      if (issue.origin === 'string') return say('invalid.textTooShort', { min, unit: characters(min) });
      return say('invalid.numberTooSmall', { min });
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return say('invalid.listTooLong', { max, unit: items(max) });
      if (issue.origin === 'string') return say('invalid.textTooLong', { max, unit: characters(max) });
      return say('invalid.numberTooBig', { max });
    }
    case 'invalid_value':
      if (issue.input === undefined || issue.input === null) return say('invalid.required');
      return say('invalid.choice');
    case 'invalid_format':
      return say('invalid.format');
    case 'unrecognized_keys':
      return say('invalid.unknownKeys');
    default:
      return say('invalid.type');
  }
}

/** A zod error map that words every issue in `lang`. */
export function errorMapFor(lang: Lang, style: LabelStyle = 'fields'): z.core.$ZodErrorMap {
  return (issue) => messageFor(issue, lang, style);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Parses `input` with `schema`; on failure returns one message per problem, worded in
 * `lang`, with the dot path of the field it concerns. Never throws for bad input.
 */
export function parseWithMessages<S extends z.ZodMiniType>(schema: S, input: unknown, lang: Lang, style: LabelStyle = 'fields'): Parsed<z.output<S>> {
  const result = schema.safeParse(input, { error: errorMapFor(lang, style) });
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((i) => ({ path: dotPath(i.path), message: i.message })),
  };
}
