/**
 * The current rulebook as the routes see it. Several server processes share one
 * database, so a publish must reach each of them quickly, but the push route runs
 * thousands of times a second and must not pay a query each time: the rulebook is
 * cached per process and its id re-read at most once every `maxAgeMs`. The body is
 * read (and parsed) only when the id changed.
 *
 * A publish made through this process (the admin command run in-process, as the tests
 * do) calls `invalidate()`, so it is seen at once; another process's publish is seen
 * within `maxAgeMs`.
 */
import type { Rulebook } from '../domain';
import type { Database } from './db';
import type { Db } from './schema';
import { currentRulebookId, loadRulebook } from './store/rulebooks';

export interface RulebookSourceOptions {
  maxAgeMs?: number;
  /** A monotonic clock in ms; real time even when the routes' clock is a test's. */
  clock?: () => number;
}

export class RulebookSource {
  private cached: Rulebook | null = null;
  private checkedAt = -Infinity;
  /** Bumped by `invalidate`: a check that started before must not count as fresh. */
  private generation = 0;
  private checking: { generation: number; promise: Promise<Rulebook> } | null = null;
  private readonly listeners = new Set<(rulebook: Rulebook) => void>();
  private readonly maxAgeMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly db: Db,
    options: RulebookSourceOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 1000;
    this.clock = options.clock ?? (() => performance.now());
  }

  current(): Promise<Rulebook> {
    if (this.cached && this.clock() - this.checkedAt < this.maxAgeMs) return Promise.resolve(this.cached);
    if (this.checking?.generation !== this.generation) {
      const generation = this.generation;
      const promise = this.revalidate(generation).finally(() => {
        if (this.checking?.promise === promise) this.checking = null;
      });
      this.checking = { generation, promise };
    }
    return this.checking.promise;
  }

  /** Calls `listener` whenever the current rulebook is found to have changed; returns the unsubscribe. */
  onChange(listener: (rulebook: Rulebook) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next `current()` reads the database. */
  invalidate(): void {
    this.generation++;
    this.checkedAt = -Infinity;
  }

  private async revalidate(generation: number): Promise<Rulebook> {
    const started = this.clock();
    let rulebook: Rulebook;
    try {
      const id = await currentRulebookId(this.db);
      rulebook = this.cached?.id === id ? this.cached : await loadRulebook(this.db, id) ?? missing(id);
    } catch (error) {
      // A database hiccup: keep serving what we had (the next call tries again).
      if (this.cached) return this.cached;
      throw error;
    }
    const previous = this.cached;
    this.cached = rulebook;
    if (generation === this.generation) this.checkedAt = started;
    if (previous !== null && previous.id !== rulebook.id) for (const listener of this.listeners) listener(rulebook);
    return rulebook;
  }
}

function missing(id: string): never {
  throw new Error(`rulebook ${id} vanished`);
}

/** One source per open database, shared by every app on it and by in-process publishes. */
const sources = new WeakMap<Database, RulebookSource>();

export function rulebookSourceFor(database: Database): RulebookSource {
  let source = sources.get(database);
  if (!source) sources.set(database, (source = new RulebookSource(database.db)));
  return source;
}
