/**
 * Keeps the stored KPIs (store/kpi-snapshots.ts) fresh, off the request path where it can:
 *   - after a push that applied something, the library is queued; the queue is flushed
 *     a moment later, so a device's burst of pushes costs one recomputation;
 *   - a sweep at start, every few minutes and as soon as this process sees a newly
 *     published rulebook absorbs day and month rollovers and the new rulebook before
 *     anyone asks;
 *   - a monitoring request still refreshes what is stale in its area before aggregating
 *     (`refreshArea`), so what it shows is never out of date.
 * Work goes in batches, each recomputing only what is still stale when it starts, so
 * overlapping callers (two requests, a request and a sweep, several server processes)
 * mostly skip what another has just done. Background failures are logged, never thrown;
 * `stop()` lets the batch in progress finish and starts no other, so a shutdown does not
 * wait on a sweep.
 */
import type { Area } from '../domain';
import type { Logger } from './context';
import type { Database } from './db';
import type { RulebookSource } from './rulebook-source';
import { refreshSnapshots, staleLibraryIds } from './store/kpi-snapshots';

export interface KpiRefreshOptions {
  database: Database;
  rulebooks: RulebookSource;
  now: () => Date;
  logger: Logger;
  /** How long pushes are gathered before their libraries are recomputed. */
  debounceMs?: number;
  sweepEveryMs?: number;
  /** Libraries per batch (their entries are read in one query, then computed without a pause). */
  batchSize?: number;
}

class Stopped extends Error {}

export class KpiRefresh {
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  /** Something went stale while a sweep ran (a new rulebook): sweep again after it. */
  private sweepAgain = false;
  private unsubscribe: (() => void) | null = null;
  /** Background work, awaited by `stop()`. */
  private readonly background = new Set<Promise<void>>();
  private stopped = false;
  private readonly debounceMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: KpiRefreshOptions) {
    this.debounceMs = options.debounceMs ?? 500;
    // 50 libraries' entries are parsed and computed in ~15 ms of event loop; 200 took ~40,
    // which pushes arriving meanwhile would wait for.
    this.batchSize = options.batchSize ?? 50;
  }

  /** Sweeps now, then every `sweepEveryMs` (10 minutes by default) and whenever the rulebook changes. */
  start(): void {
    this.unsubscribe = this.options.rulebooks.onChange(() => this.runInBackground(() => this.sweep()));
    this.runInBackground(() => this.sweep());
    this.sweepTimer = setInterval(() => this.runInBackground(() => this.sweep()), this.options.sweepEveryMs ?? 10 * 60_000);
    this.sweepTimer.unref();
  }

  /** Queues the library for recomputation (after a push that applied something). */
  schedule(libraryId: string): void {
    if (this.stopped) return;
    this.pending.add(libraryId);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const ids = [...this.pending];
      this.pending.clear();
      this.runInBackground(() => this.refresh(ids));
    }, this.debounceMs);
    this.flushTimer.unref();
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
    this.unsubscribe?.();
    this.pending.clear();
    await Promise.allSettled([...this.background]);
  }

  private async runBatches(ids: readonly string[]): Promise<void> {
    const { database, rulebooks, now } = this.options;
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
