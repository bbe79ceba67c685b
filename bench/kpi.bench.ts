/**
 * `npm run bench`: computeKpi over 10,000 entries against the floor — a plain loop
 * that only counts the same entries by strategy — in one run, side by side.
 * Budget (DESIGN.md): computeKpi ≤ 5 ms for 10,000 entries. Prints medians.
 * The entries are a phone's (bench/entries.ts): five years, optional fields often filled.
 */
import { computeKpi } from '../src/domain/kpi';
import { defaultRulebook } from '../src/domain/rulebook';
import type { Library } from '../src/domain/library';
import { makeEntries } from './entries';

const N = 10_000;
const ROUNDS = 60;
const library: Library = {
  id: 'perpus-bench', name: 'Perpustakaan Desa Bench', village: 'Sukamaju', district: 'Kec', regency: 'Kab',
  province: 'Jawa Timur', timezone: 'Asia/Jakarta',
};
const now = new Date('2025-10-20T03:00:00Z'); // 10:00 WIB
// A phone's store: five years of entries through today, most of them outside the KPI's year.
const entries = makeEntries(N, library.id, '2025-10-20');

function countFloor(list: readonly typeof entries[number][]): Record<string, number> {
  const counts: Record<string, number> = { pelibatan: 0, advokasi: 0, layanan: 0 };
  for (const e of list) counts[e.strategy]++;
  return counts;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Medians of `a` and `b`, run in alternating rounds so that noise on this shared machine hits both alike. */
function timeSideBySide(a: () => unknown, b: () => unknown): [number, number] {
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < ROUNDS + 10; i++) {
    [a, b].forEach((f, k) => {
      const t = performance.now();
      f();
      if (i >= 10) samples[k].push(performance.now() - t); // the first rounds warm the JIT
    });
  }
  return [median(samples[0]), median(samples[1])];
}

const [kpi, floor] = timeSideBySide(
  () => computeKpi(entries, library, defaultRulebook, now),
  () => countFloor(entries),
);
const result = computeKpi(entries, library, defaultRulebook, now);
const dates = entries.map((e) => e.date).sort();
const inYear = dates.filter((d) => d >= result.period.from).length;
const deleted = entries.filter((e) => e.deleted).length;
console.log(`entries: ${dates[0]} … ${dates[N - 1]}, ${inYear.toLocaleString('en')} in the KPI's year, ${deleted} deleted`);
console.log(`computeKpi, ${N.toLocaleString('en')} entries: median ${kpi.toFixed(2)} ms (budget ≤ 5 ms) → ${result.colour}, score ${result.score.toFixed(1)}`);
console.log(`floor (count by strategy only): median ${floor.toFixed(3)} ms`);
console.log(`ratio computeKpi / floor: ${(kpi / floor).toFixed(1)}×`);
console.log(kpi <= 5 ? 'within budget' : 'OVER BUDGET');

// Not the budget's case, shown beside it: the same kind of entries, all 10,000 in the KPI's
// year (a library logging ~30 a day), so that every row takes the full check.
const busy = makeEntries(N, library.id, '2025-10-20', { years: 0.79 });
const [busyKpi] = timeSideBySide(() => computeKpi(busy, library, defaultRulebook, now), () => countFloor(busy));
console.log(`beside it, all ${N.toLocaleString('en')} in the KPI's year (every row fully checked): median ${busyKpi.toFixed(2)} ms`);
