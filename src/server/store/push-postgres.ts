/**
 * Push batches on PostgreSQL, with group commit.
 *
 * A push transaction is a few round trips and a commit that waits for the WAL flush
 * (`synchronous_commit` stays on; nothing relies on `commit_delay`). One transaction
 * per request, with a hundred devices at once, queues requests for the pool's
 * connections and for each other's round trips. So the batches waiting when a
 * transaction can start are applied together in ONE transaction of at most four round
 * trips, whatever their number:
 *
 *   open   — one simple query of three statements, run in order: BEGIN;
 *            SELECT … FROM libraries JOIN devices … ORDER BY library_id, device_id FOR UPDATE:
 *            every library and device of the group, always in the same order (no deadlock
 *            between groups, nor between server processes); READ COMMITTED re-reads a
 *            locked row at its latest committed version, so each device's seq is current;
 *            and nextval() for every write the group can make: after the lock, so within
 *            a library versions become visible in increasing order — a pull never skips
 *            a write (one per valid mutation; those a duplicate or a conflict leaves
 *            unused are skipped: versions need only grow)
 *   read   — the stored rows of every entry of the group: a statement after the lock, so
 *            its snapshot includes every write committed before the lock was granted.
 *            Skipped when the group only creates entries (`onlyCreates`: nearly every
 *            push); their rows are then inserted plainly, and should one exist after all,
 *            the unique key refuses the insert, the transaction is rolled back and the
 *            group runs again with the read.
 *   decide — in memory, batch after batch in arrival order (push-decide.ts)
 *   write  — one statement: INSERT of the new entries and UPDATE of the existing ones (the
 *            rows as one JSON array), and the devices' and libraries' updates
 *   COMMIT — then every request of the group is answered.
 *
 * At most `maxInFlight` groups run at once (on their own connections); while they run,
 * new batches queue and form the next group, so the group grows with the load. If a
 * group fails, its batches are retried one by one, each in its own transaction, so a
 * batch that breaks a statement fails alone.
 */
import pg from 'pg';
import type { PostgresDatabase } from '../db';
import {
  bodyOf,
  decideBatch,
  DeviceGone,
  fillVersions,
  finalWrites,
  onlyCreates,
  seqGap,
  storedState,
  type Decision,
  type EntryState,
  type PushBatch,
  type PushOutcome,
  type Waiting,
} from './push-decide';
import type { PushWriter } from './push';


/** A group is cut at this many batches or mutations, whichever comes first. */
const MAX_GROUP_BATCHES = 100;
const MAX_GROUP_MUTATIONS = 10_000;

/**
 * The opening round trip (see above). A simple query, so that its three statements
 * travel together: it cannot take parameters, so the ids are inlined as escaped literals.
 */
function openingSql(deviceKeys: [string, string][], versions: number): string {
  const column = (i: 0 | 1) => `ARRAY[${deviceKeys.map((k) => pg.escapeLiteral(k[i])).join(',')}]::text[]`;
  return (
    'BEGIN; ' +
    'SELECT d.library_id, d.device_id, d.last_seq FROM libraries l JOIN devices d ON d.library_id = l.library_id ' +
    `JOIN unnest(${column(0)}, ${column(1)}) AS k(library_id, device_id) ON k.library_id = d.library_id AND k.device_id = d.device_id ` +
    'ORDER BY d.library_id, d.device_id FOR UPDATE OF l, d; ' +
    `SELECT nextval('entry_version') AS v FROM generate_series(1, ${Math.trunc(versions)})`
  );
}

/** The stored rows of the group's entries. */
const READ = {
  name: 'push-read',
  text:
    'SELECT e.library_id, e.entry_id, e.version, e.device_id, e.updated_at, e.body ' +
    'FROM unnest($1::text[], $2::text[]) AS k(library_id, entry_id) ' +
    'JOIN entries e ON e.library_id = k.library_id AND e.entry_id = k.entry_id',
};

/**
 * Every write of the group in one statement. An entry the read did not find is new
 * (every writer of a library holds its lock), so it is a plain INSERT — cheaper than
 * an upsert's speculative insertion; should that ever be wrong, the unique key refuses
 * it and the transaction fails whole. Entries that exist are updated in place.
 *
 * The rows travel as one JSON array (`json_to_recordset`): one native JSON.stringify,
 * where pg's text-array encoding escaped every body character by character in
 * JavaScript — half of the push's CPU on this path.
 */
const ROW = '(l text, id text, v bigint, dev text, at text, del integer, body text)';
const WRITE = {
  name: 'push-write',
  text:
    'WITH inserted AS (' +
    'INSERT INTO entries (library_id, entry_id, version, device_id, updated_at, deleted, body) ' +
    `SELECT l, id, v, dev, at, del, body FROM json_to_recordset($1::json) AS r${ROW}), ` +
    'updated AS (' +
    'UPDATE entries e SET version = r.v, device_id = r.dev, updated_at = r.at, deleted = r.del, body = r.body ' +
    `FROM json_to_recordset($2::json) AS r${ROW} WHERE e.library_id = r.l AND e.entry_id = r.id), ` +
    'devices_done AS (' +
    'UPDATE devices d SET last_seq = v.last_seq, last_push_at = v.at ' +
    'FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[]) AS v(library_id, device_id, last_seq, at) ' +
    'WHERE d.library_id = v.library_id AND d.device_id = v.device_id), ' +
    'libraries_done AS (' +
    'UPDATE libraries l SET last_push_at = v.at, change_count = l.change_count + 1 FROM unnest($7::text[], $8::text[]) AS v(library_id, at) ' +
    'WHERE l.library_id = v.library_id) ' +
    'SELECT 1',
};

/** PostgreSQL's answer when a plain INSERT meets an existing (library_id, entry_id). */
const isExistingEntry = (error: unknown) => (error as { code?: unknown }).code === '23505';

interface RowOut {
  l: string;
  id: string;
  v: number;
  dev: string;
  at: string;
  del: number;
  body: string;
}

export class PostgresPushWriter implements PushWriter {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly database: PostgresDatabase,
    /** Groups running at once; the rest of the pool serves the other routes (and auth). */
    private readonly maxInFlight = Math.max(1, Math.min(4, database.poolSize - 1)),
  ) {}

  submit(batch: PushBatch): Promise<PushOutcome> {
    return new Promise<PushOutcome>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // After the poll phase: every request whose bytes arrived in this turn joins the group.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
        const group = this.takeGroup();
        this.inFlight++;
        void this.runGroup(group).finally(() => {
          this.inFlight--;
          if (this.queue.length > 0) this.schedule();
        });
      }
    });
  }

  private takeGroup(): Waiting[] {
    let batches = 0;
    let mutations = 0;
    while (batches < this.queue.length && batches < MAX_GROUP_BATCHES) {
      mutations += this.queue[batches].batch.mutations.length;
      if (batches > 0 && mutations > MAX_GROUP_MUTATIONS) break;
      batches++;
    }
    return this.queue.splice(0, batches);
  }

  /** Settles every promise of the group. */
  private async runGroup(group: Waiting[]): Promise<void> {
    let outcomes: PushOutcome[];
    const batches = group.map((w) => w.batch);
    try {
      outcomes = await this.transaction(batches, true).catch((error: unknown) => {
        // An entry the group only creates exists after all: again, reading the stored rows.
        if (isExistingEntry(error)) return this.transaction(batches, false);
        throw error;
      });
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      // One batch may be the cause: each alone, so that only it fails.
      for (const w of group) await this.runGroup([w]);
      return;
    }
    group.forEach((w, i) => w.resolve(outcomes[i]));
  }

  private async transaction(batches: PushBatch[], optimistic: boolean): Promise<PushOutcome[]> {
    const client = await this.database.pool.connect();
    let broken: Error | undefined;
    try {
      // BEGIN is the first statement of applyGroup's first query.
      const outcomes = await this.applyGroup(client, batches, optimistic);
      await client.query('COMMIT');
      return outcomes;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      broken ??= isConnectionError(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      // A connection that failed to roll back is dropped, not reused.
      client.release(broken);
    }
  }

  private async applyGroup(client: pg.PoolClient, batches: PushBatch[], optimistic: boolean): Promise<PushOutcome[]> {
    const deviceKeys = uniquePairs(batches.map((b) => [b.libraryId, b.deviceId]));
    let versions = 0;
    for (const b of batches) for (const m of b.mutations) if (m.check.ok) versions++;
    const opened = (await client.query(openingSql(deviceKeys, versions))) as unknown as pg.QueryResult[];
    const locked = opened[1].rows as { library_id: string; device_id: string; last_seq: number }[];
    const fresh = opened[2].rows.map((r: { v: number }) => Number(r.v)).sort((a, b) => a - b);
    const lastSeq = new Map(locked.map((r) => [pairKey(r.library_id, r.device_id), Number(r.last_seq)]));
    // Run alone (runGroup's retry), only the batch of the device that is gone fails.
    if (lastSeq.size !== deviceKeys.length) throw new DeviceGone();

    const states = new Map<string, Map<string, EntryState>>();
    const statesOf = (libraryId: string) => {
      let m = states.get(libraryId);
      if (!m) states.set(libraryId, (m = new Map()));
      return m;
    };
    const assumeNew = optimistic && groupOnlyCreates(batches, lastSeq);

    if (!assumeNew) {
      const entryKeys = uniquePairs(batches.flatMap((b) => b.mutations.map((m) => [b.libraryId, m.entryId])));
      const read = await client.query<{ library_id: string; entry_id: string; version: number; device_id: string; updated_at: string; body: string }>({
        ...READ,
        values: [entryKeys.map((k) => k[0]), entryKeys.map((k) => k[1])],
      });
      for (const row of read.rows) statesOf(row.library_id).set(row.entry_id, storedState(row));
    }

    // Decide batch after batch, as if each ran alone in arrival order.
    const writes: EntryState[] = [];
    const decisions: Decision[] = [];
    const touched = new Map<string, { libraryId: string; deviceId: string; lastSeq: number; at: string }>();
    const libraries = new Map<string, string>();
    for (const b of batches) {
      const key = pairKey(b.libraryId, b.deviceId);
      const decision = decideBatch(b.deviceId, lastSeq.get(key)!, b.mutations, statesOf(b.libraryId), writes);
      decisions.push(decision);
      if (!decision.ok) continue;
      lastSeq.set(key, decision.ackSeq);
      const at = b.now.toISOString();
      touched.set(key, { libraryId: b.libraryId, deviceId: b.deviceId, lastSeq: decision.ackSeq, at });
      libraries.set(b.libraryId, at);
    }
    if (writes.length > fresh.length) throw new Error('push: fewer versions than writes');
    writes.forEach((w, i) => (w.version = fresh[i]));

    if (touched.size > 0) {
      const inserts: RowOut[] = [];
      const updates: RowOut[] = [];
      for (const [l, m] of states) {
        for (const s of finalWrites(m)) {
          const row = { l, id: s.entry!.id, v: s.version!, dev: s.deviceId, at: s.updatedAt, del: s.entry!.deleted ? 1 : 0, body: bodyOf(s) };
          (s.inDb ? updates : inserts).push(row);
        }
      }
      const devices = [...touched.values()];
      await client.query({
        ...WRITE,
        values: [
          JSON.stringify(inserts),
          JSON.stringify(updates),
          devices.map((d) => d.libraryId),
          devices.map((d) => d.deviceId),
          devices.map((d) => d.lastSeq),
          devices.map((d) => d.at),
          [...libraries.keys()],
          [...libraries.values()],
        ],
      });
    }

    return decisions.map((d) => (d.ok ? fillVersions(d) : d));
  }
}

/**
 * True when every batch of the group `onlyCreates`, judged as `decideBatch` will judge
 * it: one after another, each device's seq advanced by its earlier batches in the group
 * (a device may be there twice: a retry after a timeout), ids seen per library.
 */
function groupOnlyCreates(batches: readonly PushBatch[], lockedSeqs: ReadonlyMap<string, number>): boolean {
  const seqs = new Map(lockedSeqs);
  const seen = new Map<string, Set<string>>();
  for (const b of batches) {
    const key = pairKey(b.libraryId, b.deviceId);
    const lastSeq = seqs.get(key)!;
    let ids = seen.get(b.libraryId);
    if (!ids) seen.set(b.libraryId, (ids = new Set()));
    if (!onlyCreates(b.mutations, lastSeq, ids)) return false;
    if (seqGap(b.mutations, lastSeq) === null) seqs.set(key, Math.max(lastSeq, b.mutations[b.mutations.length - 1].seq));
  }
  return true;
}

const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

function uniquePairs(pairs: string[][]): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const [a, b] of pairs) seen.set(pairKey(a, b), [a, b]);
  return [...seen.values()];
}

/** Errors after which the connection cannot be trusted (it is dropped, not returned to the pool). */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57');
}
