/**
 * Applying push batches (SYNC-PROTOCOL.md, "Push", steps 3–4 and "Versions and
 * conflicts"). The route has already checked the envelope and the library and validated
 * every entry; here the device's `seq` decides what is new, the conflict rule decides
 * what is stored (push-decide.ts), and each batch commits whole or not at all.
 *
 * Each database has a writer that commits the batches arriving together in one
 * transaction (group commit: push-sqlite.ts, push-postgres.ts). A batch's promise
 * settles only after the commit that stored it, so an acknowledged batch is durable.
 * Every transaction locks the libraries it writes to before reading anything, so within
 * a library versions become visible in increasing order and a pull never skips a write.
 */
import type { Database } from '../db';
import { PostgresPushWriter } from './push-postgres';
import type { PushBatch, PushOutcome } from './push-decide';
import { SqlitePushWriter } from './push-sqlite';

export type { CheckedMutation, PushBatch, PushOutcome } from './push-decide';
export { DeviceGone } from './push-decide';

export interface PushWriter {
  /** Applies the batch; resolves once it is committed (or refused with `seq_gap`), rejects on a database failure. */
  submit(batch: PushBatch): Promise<PushOutcome>;
}

/** One writer per open database, shared by every app on it. */
const writers = new WeakMap<Database, PushWriter>();

export function pushWriterFor(database: Database): PushWriter {
  let writer = writers.get(database);
  if (!writer) {
    writer = database.kind === 'sqlite' ? new SqlitePushWriter(database) : new PostgresPushWriter(database);
    writers.set(database, writer);
  }
  return writer;
}

/** Applies one batch through the database's writer. */
export function applyPush(database: Database, batch: PushBatch): Promise<PushOutcome> {
  return pushWriterFor(database).submit(batch);
}
