/**
 * Push batches on PostgreSQL, with group commit.
 *
 * A push transaction is a few round trips and a commit that waits for the WAL flush
 * (`synchronous_commit` stays on; nothing relies on `commit_delay`). One transaction
 * per request, with a hundred devices at once, queues requests for the pool's
 * connections and for each other's round trips. So the batches waiting when a
 * transaction can start are applied together in ONE transaction of five round trips,
 * whatever their number:
 *
 *   BEGIN
 *   lock   — SELECT … FROM libraries JOIN devices … ORDER BY library_id, device_id FOR UPDATE:
 *            every library and device of the group, always in the same order (no deadlock
 *            between groups, nor between server processes); READ COMMITTED re-reads a
 *            locked row at its latest committed version, so each device's seq is current
 *   read   — the stored rows of every entry of the group, and nextval() for every write
 *            the group can make: a statement after the lock, so its snapshot includes every
 *            write committed before the lock was granted, and within a library versions
 *            become visible in increasing order — a pull never skips a write
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
import type pg from 'pg';
import type { PostgresDatabase } from '../db';
import {
  bodyOf,
  decideBatch,
  fillVersions,
  finalWrites,
  maxWrites,
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

const LOCK = {
  name: 'push-lock',
  text:
    'SELECT d.library_id, d.device_id, d.last_seq FROM libraries l JOIN devices d ON d.library_id = l.library_id ' +
    'JOIN unnest($1::text[], $2::text[]) AS k(library_id, device_id) ON k.library_id = d.library_id AND k.device_id = d.device_id ' +
    'ORDER BY d.library_id, d.device_id FOR UPDATE OF l, d',
};

/**
 * The stored rows of the group's entries and, in the same statement (after the lock),
 * enough fresh versions for every write the group can make — one per new, valid
 * mutation; the ones a conflict leaves unused are skipped (versions need only grow).
 */
const READ = {
  name: 'push-read',
  text:
    'SELECT e.library_id, e.entry_id, e.version, e.device_id, e.updated_at, e.body, NULL::bigint AS fresh ' +
    'FROM unnest($1::text[], $2::text[]) AS k(library_id, entry_id) ' +
    'JOIN entries e ON e.library_id = k.library_id AND e.entry_id = k.entry_id ' +
    "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, nextval('entry_version') FROM generate_series(1, $3::integer)",
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
    try {
      outcomes = await this.transaction(group.map((w) => w.batch));
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

  private async transaction(batches: PushBatch[]): Promise<PushOutcome[]> {
    const client = await this.database.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const outcomes = await this.applyGroup(client, batches);
        await client.query('COMMIT');
        return outcomes;
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      }
    } catch (error) {
      broken ??= isConnectionError(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      // A connection that failed to roll back is dropped, not reused.
      client.release(broken);
    }
  }

  private async applyGroup(client: pg.PoolClient, batches: PushBatch[]): Promise<PushOutcome[]> {
    // Lock every library and device of the group and read the devices' seqs.
    const deviceKeys = uniquePairs(batches.map((b) => [b.libraryId, b.deviceId]));
    const locked = await client.query<{ library_id: string; device_id: string; last_seq: number }>({
      ...LOCK,
      values: [deviceKeys.map((k) => k[0]), deviceKeys.map((k) => k[1])],
    });
    const lastSeq = new Map(locked.rows.map((r) => [pairKey(r.library_id, r.device_id), Number(r.last_seq)]));
    if (lastSeq.size !== deviceKeys.length) throw new Error('push: a device of the group is not enrolled');

    // The stored state of every entry of the group, by library, and the versions its writes may take.
    let maxVersions = 0;
    for (const b of batches) maxVersions += maxWrites(b.mutations, lastSeq.get(pairKey(b.libraryId, b.deviceId))!);
    const entryKeys = uniquePairs(batches.flatMap((b) => b.mutations.map((m) => [b.libraryId, m.entryId])));
    const read = await client.query<{
      library_id: string;
      entry_id: string;
      version: number;
      device_id: string;
      updated_at: string;
      body: string;
      fresh: number | null;
    }>({ ...READ, values: [entryKeys.map((k) => k[0]), entryKeys.map((k) => k[1]), maxVersions] });
    const states = new Map<string, Map<string, EntryState>>();
    const statesOf = (libraryId: string) => {
      let m = states.get(libraryId);
      if (!m) states.set(libraryId, (m = new Map()));
      return m;
    };
    const fresh: number[] = [];
    for (const row of read.rows) {
      if (row.fresh !== null) fresh.push(Number(row.fresh));
      else statesOf(row.library_id).set(row.entry_id, storedState(row));
    }
    fresh.sort((a, b) => a - b);

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
