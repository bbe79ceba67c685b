/**
 * Which area a monitoring request looks at, bounded by the supervisor's scope:
 *   - national: any area; none asked → the nation;
 *   - province P: P or a kabupaten/kota in it; none asked → P; another province, a
 *     kabupaten/kota with no library in P, or the nation → out of scope;
 *   - kabupaten/kota R: R only (its province is looked up); anything wider or
 *     elsewhere → out of scope.
 * A kabupaten/kota asked for without its province gets its province looked up too.
 */
import * as z from 'zod/mini';
import { COLOURS, type Area, type Colour, type Scope, type FieldError, type Lang, parseWithMessages, tidyName } from '../domain';
import type { Db } from './schema';
import type { LibraryRow } from './schema';
import { provinceOfRegency, regencyIsIn } from './store/monitor';

/**
 * No C0 control character: no place or library name has one, and PostgreSQL's text
 * cannot even hold U+0000 (the query would fail, a 5xx). Checked after the trim, so a
 * tab or line break at either end is only trimmed away.
 */
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f]*$/;

const name = z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100), z.regex(NO_CONTROL_CHARACTERS)));

export const monitorQuerySchema = z.object({
  province: name,
  regency: name,
  q: name,
  colour: z.optional(z.enum(COLOURS)),
  /** `stale=true`: only the libraries marked "belum sinkron 30+ hari". */
  stale: z.optional(z.literal('true')),
});

export interface MonitorQuery {
  area: Area;
  q?: string;
  colour?: Colour;
  stale?: true;
}

/** Reads the query string; an empty parameter (`?province=`) counts as absent. */
export function parseMonitorQuery(
  read: (key: string) => string | undefined,
  lang: Lang,
): { ok: true; value: MonitorQuery } | { ok: false; errors: FieldError[] } {
  const raw: Record<string, string> = {};
  for (const key of ['province', 'regency', 'q', 'colour', 'stale']) {
    const v = read(key);
    if (v !== undefined && v.trim() !== '') raw[key] = v;
  }
  const parsed = parseWithMessages(monitorQuerySchema, raw, lang);
  if (!parsed.ok) return parsed;
  // A search is tidied as `library add` tidies names: a doubled or no-break space typed or
  // pasted into it still finds the name. Not the places: they name stored rows exactly,
  // and rows stored before names were tidied keep their spacing.
  const { province, regency, colour } = parsed.value;
  const q = parsed.value.q === undefined ? undefined : tidyName(parsed.value.q);
  return {
    ok: true,
    value: {
      area: { ...(province !== undefined && { province }), ...(regency !== undefined && { regency }) },
      ...(q !== undefined && { q }),
      ...(colour !== undefined && { colour }),
      ...(parsed.value.stale !== undefined && { stale: true as const }),
    },
  };
}

/** The area to show, or null when it lies outside the scope. */
export async function resolveArea(db: Db, scope: Scope, asked: Area): Promise<Area | null> {
  switch (scope.level) {
    case 'national':
      if (asked.regency !== undefined && asked.province === undefined) return withProvince(db, asked.regency);
      return asked;
    case 'province':
      if (asked.province !== undefined && asked.province !== scope.name) return null;
      if (asked.regency === undefined) return { province: scope.name };
      // Which province a kabupaten/kota lies in is known only from its libraries. One with
      // none in P is another province's (or no one's): refused like another province,
      // not answered with an empty P — as a kabupaten/kota scope is refused a province
      // without it.
      return (await regencyIsIn(db, scope.name, asked.regency)) ? { province: scope.name, regency: asked.regency } : null;
    case 'regency': {
      if (asked.regency !== undefined ? asked.regency !== scope.name : asked.province !== undefined) return null;
      // The scope names a kabupaten/kota, not its province. A name found in two provinces
      // has no one province to look up, and the screens ask with the province of the
      // library they came from: that narrows the area, when the kabupaten/kota is there.
      if (asked.province !== undefined) return (await regencyIsIn(db, asked.province, scope.name)) ? { province: asked.province, regency: scope.name } : null;
      return withProvince(db, scope.name);
    }
  }
}

async function withProvince(db: Db, regency: string): Promise<Area> {
  const province = await provinceOfRegency(db, regency);
  return province !== undefined ? { province, regency } : { regency };
}

/** True when the library lies in the scope. */
export function inScope(scope: Scope, library: Pick<LibraryRow, 'province' | 'regency'>): boolean {
  if (scope.level === 'national') return true;
  return scope.level === 'province' ? library.province === scope.name : library.regency === scope.name;
}
