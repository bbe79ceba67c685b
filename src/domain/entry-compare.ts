/** Comparing two copies of an entry, whatever the order of their keys. */
import type { ActivityEntry } from './entry';

/** JSON with keys sorted, so two copies of an entry compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The same write: same fields and the same `updatedAt`. */
export function sameEntry(a: ActivityEntry, b: ActivityEntry): boolean {
  return a.updatedAt === b.updatedAt && canonical(a) === canonical(b);
}

/**
 * The same contents, whatever `updatedAt` says: the server clamping a clock that ran
 * ahead changes only the time, not what the librarian wrote.
 */
export function sameContent(a: ActivityEntry, b: ActivityEntry): boolean {
  return canonical({ ...a, updatedAt: undefined }) === canonical({ ...b, updatedAt: undefined });
}
