/**
 * Keeps the stored KPIs (store/kpi-snapshots.ts) fresh, off the request path where it can:
 *   - after a push that applied something, the library is queued; the queue is flushed
 *     once pushes pause (at the latest 30 s later), so a burst costs one recomputation;
 *   - a sweep at start, every few minutes and as soon as this process sees a newly
 *     published rulebook absorbs day and month rollovers and the new rulebook before
 *     anyone asks;
 *   - a sweep a few seconds after each time zone's midnight (WIT 15:00, WITA 16:00,
 *     WIB 17:00 UTC), when every stored KPI of that zone goes out of date at once: the
 *     first monitoring request of the new day must not wait for a whole area's
 *     recomputation;
 *   - a monitoring request still refreshes what is stale in its area before aggregating
 *     (`refreshArea`), so what it shows is never out of date.
 * Work goes in batches, each recomputing only what is still stale when it starts, so
 * overlapping callers (two requests, a request and a sweep, several server processes)
 * mostly skip what another has just done. Background failures are logged, never thrown;
 * `stop()` lets the batch in progress finish and starts no other, so a shutdown does not
 * wait on a sweep.
 */
import { TIMEZONES, todayIn, type Area } from '../domain';
import type { Logger } from './context';
import type { Database } from './db';
import type { RulebookSource } from './rulebook-source';
import { refreshSnapshots, staleLibraryIds } from './store/kpi-snapshots';

export interface KpiRefreshOptions {
  database: Database;
  rulebooks: RulebookSource;
  now: () => Date;
  logger: Logger;
  /** How long pushes must pause before their libraries are recomputed. */
  debounceMs?: number;
  /** The longest a queued library waits when pushes never pause. */
  maxWaitMs?: number;
  sweepEveryMs?: number;
  /** Libraries per batch (their entries are read in one query, then computed without a pause). */
  batchSize?: number;
  /** How long after a time zone's midnight its sweep runs (a little slack for clocks that differ). */
  midnightDelayMs?: number;
  /**
   * Runs `fn` once after `ms` of real time without keeping the process alive; returns
   * how to cancel it. For the midnight sweeps; tests pass their own to fire them at will.
   */
  midnightTimer?: (fn: () => void, ms: number) => () => void;
}

/** The first instant after `now` at which some library's day begins: the next midnight of any of the time zones. */
export function nextLocalMidnight(now: Date): Date {
  return new Date(Math.min(...TIMEZONES.map((tz) => nextMidnightIn(tz, now.getTime()))));
}

/**
 * The first instant after `at` whose date in `tz` is another: found with `todayIn`
 * itself, so it is exactly when the stored KPIs' `computed_for` goes out of date.
 */
function nextMidnightIn(tz: (typeof TIMEZONES)[number], at: number): number {
  const today = todayIn(tz, new Date(at));
  // todayIn(lo) is today, todayIn(hi) is not (a day later: no zone here changes its offset).
  let lo = at;
  let hi = at + 86_400_000;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (todayIn(tz, new Date(mid)) === today) lo = mid;
    else hi = mid;
  }
  return hi;
}

function realTimer(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

class Stopped extends Error {}

export class KpiRefresh {
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  /** Cancels the sweep armed for the next midnight. */
  private cancelMidnight: (() => void) | null = null;
  private sweeping = false;
  /** Something went stale while a sweep ran (a new rulebook): sweep again after it. */
  private sweepAgain = false;
  private unsubscribe: (() => void) | null = null;
  /** Background work, awaited by `stop()`. */
  private readonly background = new Set<Promise<void>>();
  private stopped = false;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private firstPendingAt = 0;
  private readonly batchSize: number;

  constructor(private readonly options: KpiRefreshOptions) {
    this.debounceMs = options.debounceMs ?? 2000;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    // 50 libraries' entries are parsed and computed in ~15 ms of event loop; 200 took ~40,
    // which pushes arriving meanwhile would wait for.
    this.batchSize = options.batchSize ?? 50;
  }

  /**
   * Sweeps now, then every `sweepEveryMs` (10 minutes by default), whenever the rulebook
   * changes, and `midnightDelayMs` (5 s by default) after each time zone's midnight.
   */
  start(): void {
    this.unsubscribe = this.options.rulebooks.onChange(() => this.runInBackground(() => this.sweep()));
    this.runInBackground(() => this.sweep());
    this.sweepTimer = setInterval(() => this.runInBackground(() => this.sweep()), this.options.sweepEveryMs ?? 10 * 60_000);
    this.sweepTimer.unref();
    this.armMidnightSweep();
  }

  /** Arms one sweep for just after the next midnight of any zone; when it fires, arms the next. */
  private armMidnightSweep(): void {
    if (this.stopped) return;
    const now = this.options.now();
    // At least the delay, so that a clock standing still (or behind the timers) cannot spin.
    const ms = nextLocalMidnight(now).getTime() - now.getTime() + (this.options.midnightDelayMs ?? 5_000);
    this.cancelMidnight = (this.options.midnightTimer ?? realTimer)(() => {
      this.cancelMidnight = null;
      this.runInBackground(() => this.sweep());
      this.armMidnightSweep();
    }, ms);
  }

  /**
   * Queues the library for recomputation (after a push that applied something). The
   * queue is flushed once pushes have paused for `debounceMs`, or `maxWaitMs` after its
   * first library if they never pause (a month-end rush): the recomputation reads every
   * entry of each library and writes a snapshot (an fsync on SQLite), work that must not
   * run between the pushes of a burst — profiled, it took ~15 % of the server's CPU
   * while one library pushed 100,000 entries. A monitoring request never waits for the
   * queue: it recomputes what is stale in its area itself.
   */
  schedule(libraryId: string): void {
    if (this.stopped) return;
    if (this.pending.size === 0) this.firstPendingAt = performance.now();
    this.pending.add(libraryId);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const waited = performance.now() - this.firstPendingAt;
    this.flushTimer = setTimeout(() => this.flushPending(), Math.max(0, Math.min(this.debounceMs, this.maxWaitMs - waited)));
    this.flushTimer.unref();
  }

  private flushPending(): void {
    this.flushTimer = null;
    const ids = [...this.pending];
    this.pending.clear();
    this.runInBackground(() => this.refresh(ids));
  }

  /** Recomputes what is stale in the area (the whole nation by default); resolves when all of it is stored. */
  async refreshArea(area: Area = {}): Promise<number> {
    const rulebook = await this.options.rulebooks.current();
    const ids = await staleLibraryIds(this.options.database.db, rulebook.id, this.options.now(), area);
    await this.refresh(ids);
    return ids.length;
  }

  /** Recomputes those of these libraries that are stale, in batches one after another (a national sweep must not take every connection). */
  async refresh(libraryIds: readonly string[]): Promise<void> {
    const run = this.runBatches([...new Set(libraryIds)]);
    // Tracked, so that `stop()` waits for the batch in progress even if its caller left.
    const settled: Promise<void> = run.catch(() => {}).finally(() => this.background.delete(settled));
    this.background.add(settled);
    await run;
  }

  /** Stops the timers, lets the batch in progress finish; later batches are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.flushTimer = this.sweepTimer = null;
    this.cancelMidnight?.();
    this.cancelMidnight = null;
    this.unsubscribe?.();
    this.pending.clear();
    await Promise.allSettled([...this.background]);
  }

  private async runBatches(all: readonly string[]): Promise<void> {
    const { database, rulebooks, now } = this.options;
    // Each process starts at its own random place in the list: server processes sweeping
    // at the same midnight then mostly split the work (each batch skips what another has
    // stored meanwhile) instead of computing the same batches side by side.
    const start = Math.floor(Math.random() * all.length);
    const ids = [...all.slice(start), ...all.slice(0, start)];
    for (let i = 0; i < ids.length; i += this.batchSize) {
      if (this.stopped) throw new Stopped('stopping');
      const rulebook = await rulebooks.current();
      const at = now();
      const stale = await staleLibraryIds(database.db, rulebook.id, at, {}, ids.slice(i, i + this.batchSize));
      await refreshSnapshots(database.db, rulebook, at, stale);
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = true;
    try {
      do {
        this.sweepAgain = false;
        const started = performance.now();
        const refreshed = await this.refreshArea();
        if (refreshed > 0) {
          this.options.logger({ event: 'kpi_sweep', refreshed, durationMs: Math.round(performance.now() - started) });
        }
      } while (this.sweepAgain && !this.stopped);
    } finally {
      this.sweeping = false;
    }
  }

  private runInBackground(work: () => Promise<void>): void {
    if (this.stopped) return;
    const p = work()
      .catch((error: unknown) => {
        if (error instanceof Stopped) return;
        this.options.logger({ level: 'error', event: 'kpi_refresh', error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => this.background.delete(p));
    this.background.add(p);
  }
}
