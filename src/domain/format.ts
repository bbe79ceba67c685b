/** Locale formatting with Intl (DOMAIN.md, "Locale"): "5 Februari 2025", "8.781", "3,33". */
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];

const LOCALE: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `8781` → "8.781" in Indonesian; at most `decimals` decimals ("3,33"). */
export function formatNumber(n: number, lang: Lang, decimals = 0): string {
  const key = `${lang}:${decimals}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: decimals });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

/** A size for people: "84 KB" (at least 1), "2,4 MB" from a million bytes on, "10,7 GB" from a billion (a phone's storage quota). */
export function formatBytes(bytes: number, lang: Lang): string {
  if (bytes < 1_000_000) return `${formatNumber(Math.max(1, Math.round(bytes / 1000)), lang)} KB`;
  if (bytes < 1_000_000_000) return `${formatNumber(bytes / 1_000_000, lang, 1)} MB`;
  return `${formatNumber(bytes / 1_000_000_000, lang, 1)} GB`;
}

/** `2025-02-05` → "5 Februari 2025". A calendar date has no zone: format it as UTC. */
export function formatDate(date: string, lang: Lang): string {
  return dateFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** `2025-02` → "Feb" (short month name, for the month strip). */
export function formatMonthShort(month: string, lang: Lang): string {
  return dateFormat(lang, { month: 'short', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
}

function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}:${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE[lang], options);
    dateFormats.set(key, f);
  }
  return f;
}
