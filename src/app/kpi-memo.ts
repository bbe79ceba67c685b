/**
 * The KPI of an entries array, remembered per array (they are never mutated: a change
 * makes a new one). This lets a save compute the card's next KPI while its transaction
 * is still running (`AppContext.prepareSave`), so the render after the save finds it
 * ready instead of running computeKpi over thousands of entries on the critical path.
 * The domain's computeKpi stays the one function that computes it.
 */
import { computeKpi, todayIn, type ActivityEntry, type KpiResult, type Library, type Rulebook } from '../domain';

interface Remembered {
  library: Library;
  rulebook: Rulebook;
  day: string;
  kpi: KpiResult;
}

const remembered = new WeakMap<readonly unknown[], Remembered>();

/** computeKpi(entries, library, rulebook, now), reused while the array, rules and library's day are the same. */
export function kpiOf(entries: readonly unknown[], library: Library, rulebook: Rulebook, now: Date): KpiResult {
  const day = todayIn(library.timezone, now);
  const hit = remembered.get(entries);
  if (hit && hit.library === library && hit.rulebook === rulebook && hit.day === day) return hit.kpi;
  const kpi = computeKpi(entries, library, rulebook, now);
  remembered.set(entries, { library, rulebook, day, kpi });
  return kpi;
}

/** The last save being prepared: the rows it started from, the entry, the rows after it. */
let prepared: { base: readonly unknown[]; entry: ActivityEntry; next: readonly unknown[] } | null = null;

/** The rows after saving `entry`: it replaces the row with its id, or is added. */
export function withSaved(rows: readonly unknown[], entry: ActivityEntry): readonly unknown[] {
  if (prepared?.base === rows && sameEntry(prepared.entry, entry)) return prepared.next;
  return [...rows.filter((r) => (r as ActivityEntry).id !== entry.id), entry];
}

/**
 * Computes, ahead of the save's completion, the rows and KPI the card will show once
 * `entry` is stored; `withSaved` then returns those very rows, whose KPI `kpiOf` has.
 * Nothing is shown from here: the card changes only after the transaction completed.
 */
export function prepareSave(rows: readonly unknown[], entry: ActivityEntry, library: Library, rulebook: Rulebook, now: Date): void {
  prepared = null;
  const next = withSaved(rows, entry);
  kpiOf(next, library, rulebook, now);
  prepared = { base: rows, entry, next };
}

function sameEntry(a: ActivityEntry, b: ActivityEntry): boolean {
  const keys = Object.keys(a) as (keyof ActivityEntry)[];
  return keys.length === Object.keys(b).length && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
