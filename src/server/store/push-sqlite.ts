/**
 * Push batches on SQLite, with group commit.
 *
 * better-sqlite3 is synchronous and SQLite has one writer, so pushes run one after
 * another anyway; what costs is the commit, which with `synchronous = FULL` waits for
 * an fsync of the WAL (and blocks the event loop meanwhile). So the batches that arrive
 * within one turn of the event loop are applied in ONE transaction, each inside its own
 * SAVEPOINT: a batch that fails rolls back to its savepoint only, and the others
 * commit. One fsync then serves every request of the group, and each request is
 * answered only after that commit — an acknowledged batch is on disk. So `synchronous`
 * stays FULL (db.ts): shared by a group, the fsync costs little, and NORMAL would lose
 * acknowledged pushes — which phones then forget — to a power cut.
 *
 * `BEGIN IMMEDIATE` takes the database's write lock before anything is read, so a
 * batch's reads (the device's seq, the stored entries) and writes are never separated
 * by another writer, in this process or another (the admin command, a second server).
 * That is the library-row serialisation of SYNC-PROTOCOL.md, for every library at once.
 *
 * A batch that only creates entries (`onlyCreates`, nearly every push) is decided
 * without reading its rows and written with a plain INSERT; should an entry exist after
 * all, SQLite refuses that statement alone, the batch goes back to its savepoint and is
 * decided again with the stored rows (an upsert).
 *
 * The connection is Kysely's too: the group runs while holding Kysely's connection lock,
 * so it can never land inside a Kysely transaction of another route (enrolment).
 */
import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase } from '../db';
import {
  bodyOf,
  decideBatch,
  DeviceGone,
  fillVersions,
  finalWrites,
  idsToLoad,
  onlyCreates,
  seqGap,
  storedState,
  type EntryState,
  type PushBatch,
  type PushOutcome,
  type Waiting,
} from './push-decide';
import type { PushWriter } from './push';


const COLUMNS = '(library_id, entry_id, version, device_id, updated_at, deleted, body)';
const ON_CONFLICT =
  'ON CONFLICT (library_id, entry_id) DO UPDATE SET version = excluded.version, device_id = excluded.device_id, ' +
  'updated_at = excluded.updated_at, deleted = excluded.deleted, body = excluded.body';
/**
 * Prepared multi-row inserts kept, by kind and row count, most recently used last. One
 * statement of exactly a batch's size costs 15 % less than the same rows as powers of
 * two (1.62 against 1.90 ms for 500 rows, measured); phones send at most 200 a batch,
 * so a few dozen sizes cover nearly every push, and an unusual size costs one prepare.
 */
const MAX_PREPARED_INSERTS = 64;

/** SQLite's answer when a plain INSERT meets an existing (library_id, entry_id). */
const isExistingEntry = (error: unknown) => (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';

class Statements {
  readonly device: Sqlite.Statement<[string, string], { last_seq: number }>;
  readonly entries: Sqlite.Statement<[string, string], { entry_id: string; version: number; device_id: string; updated_at: string; body: string }>;
  readonly bumpVersion: Sqlite.Statement<[number], { value: number }>;
  readonly touchLibrary: Sqlite.Statement<[string, string]>;
  readonly touchDevice: Sqlite.Statement<[number, string, string, string]>;
  readonly begin: Sqlite.Statement;
  readonly commit: Sqlite.Statement;
  readonly rollback: Sqlite.Statement;
  readonly savepoint: Sqlite.Statement;
  readonly release: Sqlite.Statement;
  readonly rollbackTo: Sqlite.Statement;
  private readonly inserts = new Map<string, Sqlite.Statement>();

  constructor(private readonly sqlite: Sqlite.Database) {
    this.device = sqlite.prepare('SELECT last_seq FROM devices WHERE library_id = ? AND device_id = ?');
    // One statement for any number of ids: they travel as one JSON array.
    this.entries = sqlite.prepare(
      'SELECT entry_id, version, device_id, updated_at, body FROM entries ' +
        'WHERE library_id = ? AND entry_id IN (SELECT value FROM json_each(?))',
    );
    this.bumpVersion = sqlite.prepare('UPDATE version_counter SET value = value + ? WHERE id = 1 RETURNING value');
    this.touchLibrary = sqlite.prepare('UPDATE libraries SET last_push_at = ?, change_count = change_count + 1 WHERE library_id = ?');
    this.touchDevice = sqlite.prepare('UPDATE devices SET last_seq = ?, last_push_at = ? WHERE library_id = ? AND device_id = ?');
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
    this.savepoint = sqlite.prepare('SAVEPOINT push_batch');
    this.release = sqlite.prepare('RELEASE push_batch');
    this.rollbackTo = sqlite.prepare('ROLLBACK TO push_batch');
  }

  /**
   * A multi-row INSERT of `rows` rows (at most MAX_MUTATIONS: 3,500 parameters, far
   * below SQLite's limit): an upsert, or for rows known to be new a plain one.
   */
  insert(rows: number, upsert: boolean): Sqlite.Statement {
    const key = `${upsert ? 'u' : 'i'}${rows}`;
    let statement = this.inserts.get(key);
    if (statement) {
      this.inserts.delete(key);
    } else {
      const values = Array.from({ length: rows }, () => '(?,?,?,?,?,?,?)').join(',');
      statement = this.sqlite.prepare(`INSERT INTO entries ${COLUMNS} VALUES ${values}${upsert ? ` ${ON_CONFLICT}` : ''}`);
      if (this.inserts.size >= MAX_PREPARED_INSERTS) this.inserts.delete(this.inserts.keys().next().value!);
    }
    this.inserts.set(key, statement);
    return statement;
  }
}

export class SqlitePushWriter implements PushWriter {
  private readonly queue: Waiting[] = [];
  private scheduled = false;
  private statements: Statements | null = null;

  constructor(private readonly database: SqliteDatabase) {}

  submit(batch: PushBatch): Promise<PushOutcome> {
    return new Promise<PushOutcome>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the poll phase: every request whose bytes arrived in this turn joins the group.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    let group: Waiting[] = [];
    try {
      await this.database.db.connection().execute(async () => {
        // Taken only once the connection is ours: batches that arrived meanwhile join.
        this.scheduled = false;
        group = this.queue.splice(0);
        this.runGroup(group);
      });
    } catch (error) {
      // Kysely could not hand out the connection (closed): nothing of the group ran.
      this.scheduled = false;
      for (const w of group.length > 0 ? group : this.queue.splice(0)) w.reject(error);
    }
  }

  /** Runs synchronously: one transaction, a savepoint per batch; settles every promise of the group. */
  private runGroup(group: Waiting[]): void {
    if (group.length === 0) return;
    const sqlite = this.database.sqlite;
    const st = (this.statements ??= new Statements(sqlite));
    const outcomes: ({ ok: true; outcome: PushOutcome } | { ok: false; error: unknown })[] = [];
    try {
      // Kysely's lock is ours, so no Kysely transaction is open; one left by a failed
      // commit (the connection's state after an I/O error) is rolled back first.
      if (sqlite.inTransaction) st.rollback.run();
      st.begin.run();
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    for (const { batch } of group) {
      st.savepoint.run();
      try {
        outcomes.push({ ok: true, outcome: this.applyBatch(st, batch) });
        st.release.run();
      } catch (error) {
        outcomes.push({ ok: false, error });
        if (!this.undoBatch(st)) {
          // The whole transaction is gone (SQLite rolls back on some errors): nothing of the group is stored.
          for (const w of group) w.reject(error);
          return;
        }
      }
    }
    try {
      st.commit.run();
    } catch (error) {
      if (sqlite.inTransaction) {
        try {
          st.rollback.run();
        } catch {
          // the connection is unusable; the next group will fail on BEGIN as well
        }
      }
      for (const w of group) w.reject(error);
      return;
    }
    group.forEach((w, i) => {
      const o = outcomes[i];
      if (o.ok) w.resolve(o.outcome);
      else w.reject(o.error);
    });
  }

  /** Rolls one failed batch back to its savepoint; false when the transaction itself is lost. */
  private undoBatch(st: Statements): boolean {
    const sqlite = this.database.sqlite;
    if (!sqlite.inTransaction) return false;
    try {
      st.rollbackTo.run();
      st.release.run();
      return true;
    } catch {
      if (sqlite.inTransaction) {
        try {
          st.rollback.run();
        } catch {
          // nothing more to do
        }
      }
      return false;
    }
  }

  /**
   * One batch inside the group's transaction, just after its savepoint (SYNC-PROTOCOL.md
   * "Push" steps 3–4). `optimistic`: a batch that only creates entries skips reading them.
   */
  private applyBatch(st: Statements, batch: PushBatch, optimistic = true): PushOutcome {
    const { libraryId, deviceId, mutations, now } = batch;
    const device = st.device.get(libraryId, deviceId);
    if (!device) throw new DeviceGone();
    const lastSeq = Number(device.last_seq);
    const gap = seqGap(mutations, lastSeq);
    if (gap !== null) return { ok: false, expectedSeq: gap };

    const states = new Map<string, EntryState>();
    const assumeNew = optimistic && onlyCreates(mutations, lastSeq, new Set());
    const ids = assumeNew ? [] : idsToLoad(mutations, lastSeq);
    if (ids.length > 0) for (const row of st.entries.all(libraryId, JSON.stringify(ids))) states.set(row.entry_id, storedState(row));

    const writes: EntryState[] = [];
    const decision = decideBatch(deviceId, lastSeq, mutations, states, writes);
    if (!decision.ok) return decision;
    if (writes.length > 0) {
      const last = Number(st.bumpVersion.get(writes.length)!.value);
      writes.forEach((w, i) => (w.version = last - writes.length + 1 + i));
    }
    try {
      this.insert(st, libraryId, finalWrites(states), !assumeNew);
    } catch (error) {
      if (!assumeNew || !isExistingEntry(error)) throw error;
      // An entry assumed new exists: undo the version bump, decide again with the stored rows.
      st.rollbackTo.run();
      return this.applyBatch(st, batch, false);
    }
    const nowIso = now.toISOString();
    st.touchLibrary.run(nowIso, libraryId);
    st.touchDevice.run(decision.ackSeq, nowIso, libraryId, deviceId);
    return fillVersions(decision);
  }

  /** One statement for the batch's rows (a batch holds at most MAX_MUTATIONS). */
  private insert(st: Statements, libraryId: string, rows: EntryState[], upsert: boolean): void {
    if (rows.length === 0) return;
    const params: unknown[] = new Array(rows.length * 7);
    for (let i = 0; i < rows.length; i++) {
      const s = rows[i];
      const o = i * 7;
      params[o] = libraryId;
      params[o + 1] = s.entry!.id;
      params[o + 2] = s.version;
      params[o + 3] = s.deviceId;
      params[o + 4] = s.updatedAt;
      params[o + 5] = s.entry!.deleted ? 1 : 0;
      params[o + 6] = bodyOf(s);
    }
    st.insert(rows.length, upsert).run(params);
  }
}
