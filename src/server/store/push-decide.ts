/**
 * What a push batch does, decided in memory (SYNC-PROTOCOL.md, "Push", steps 3–4 and
 * "Versions and conflicts"), shared by both databases' writers: given the device's last
 * processed seq and the stored state of the batch's entries, which mutations are
 * duplicates, which writes are applied or superseded, and what each result says.
 *
 * The writers call it inside their transaction, after taking the library's lock and
 * reading the state under it; versions are allocated afterwards for `writes`, in order,
 * and `fillVersions` puts them into the results.
 */
import { sameContent, type ActivityEntry, type FieldError, type PushResult } from '../../domain';

/** One mutation after the route's checks: its entry either valid (clamped) or rejected. */
export interface CheckedMutation {
  seq: number;
  baseVersion: number;
  /** Lower case, as the schema outputs ids. */
  entryId: string;
  /** `clamped`: the entry's `updatedAt` was ahead of the server's clock and is now the time it arrived. */
  check: { ok: true; entry: ActivityEntry; clamped?: boolean } | { ok: false; errors: FieldError[] };
}

/** One request's batch, as the route hands it to the store. */
export interface PushBatch {
  libraryId: string;
  deviceId: string;
  mutations: readonly CheckedMutation[];
  now: Date;
}

/**
 * The pushing device's row is gone: its library was removed (`library remove`) after the
 * request's token was checked. The route answers 401, as it would have a moment later.
 */
export class DeviceGone extends Error {
  constructor() {
    super('push: the device is not enrolled');
  }
}

/** A batch queued for the next group commit, with the request waiting on its outcome. */
export interface Waiting {
  batch: PushBatch;
  resolve: (outcome: PushOutcome) => void;
  reject: (error: unknown) => void;
}

export type PushOutcome =
  | { ok: true; ackSeq: number; results: PushResult[] }
  | { ok: false; expectedSeq: number };

/** An entry's state while batches are decided: as stored, or as written by a batch not yet committed. */
export interface EntryState {
  /** null until the writer allocates versions for this transaction's writes. */
  version: number | null;
  deviceId: string;
  updatedAt: string;
  /** The entry; for a stored row parsed from `body` only when a result needs it. */
  entry: ActivityEntry | null;
  /** The stored JSON (stored rows), or the JSON to store (writes, made by `rowOf`). */
  body: string | null;
  /** True for a write of this transaction. */
  written: boolean;
  /** True when the entry's row exists in the database (before this transaction's writes): an UPDATE, not an INSERT. */
  inDb: boolean;
}

/** A stored row's state. */
export function storedState(row: { version: number; device_id: string; updated_at: string; body: string }): EntryState {
  return {
    version: Number(row.version),
    deviceId: row.device_id,
    updatedAt: row.updated_at,
    entry: null,
    body: row.body,
    written: false,
    inDb: true,
  };
}

export function entryOf(state: EntryState): ActivityEntry {
  state.entry ??= JSON.parse(state.body!) as ActivityEntry;
  return state.entry;
}

/** What a batch decided; `pending` results get their versions from `fillVersions`. */
export type Decision =
  | { ok: false; expectedSeq: number }
  | { ok: true; ackSeq: number; results: PushResult[]; pending: { result: PushResult; state: EntryState }[] };

/**
 * The ids whose stored state the batch needs: every mutation's but those of new
 * mutations the route rejected (they are never compared with anything).
 */
export function idsToLoad(mutations: readonly CheckedMutation[], lastSeq: number): string[] {
  const ids = new Set<string>();
  for (const m of mutations) if (m.seq <= lastSeq || m.check.ok) ids.add(m.entryId);
  return [...ids];
}

/**
 * True when the batch can be decided without reading stored rows, because it only
 * creates entries: every mutation is new (beyond `lastSeq`), and every valid one has
 * baseVersion 0 and an id not named before in `seen` (the ids of the transaction so
 * far, which it extends). Such a batch, decided against no stored state, writes only
 * INSERTs — what nearly every push is. The writers then skip reading the batch's rows
 * and insert without ON CONFLICT; if an entry exists after all (a phone restored from a
 * backup, two phones that made the same id), the unique key refuses the insert, the
 * writer rolls it back and decides again with the stored rows.
 */
export function onlyCreates(mutations: readonly CheckedMutation[], lastSeq: number, seen: Set<string>): boolean {
  if (seqGap(mutations, lastSeq) !== null) return true; // decides nothing
  for (const m of mutations) {
    if (m.seq <= lastSeq) return false; // a duplicate reports its stored version
    if (!m.check.ok) continue; // rejected: compared with nothing
    if (m.baseVersion !== 0 || seen.has(m.entryId)) return false;
    seen.add(m.entryId);
  }
  return true;
}

/** True when the batch's first new seq is beyond the next one expected: `409 seq_gap`. */
export function seqGap(mutations: readonly CheckedMutation[], lastSeq: number): number | null {
  const firstNew = mutations.find((m) => m.seq > lastSeq);
  return firstNew && firstNew.seq > lastSeq + 1 ? lastSeq + 1 : null;
}

/**
 * Decides one batch against `states` (the library's entries as stored or as written
 * earlier in this transaction; updated with this batch's writes) and appends the
 * batch's writes to `writes`, in the order they take versions. A seq gap decides
 * nothing and changes nothing.
 */
export function decideBatch(
  deviceId: string,
  lastSeq: number,
  mutations: readonly CheckedMutation[],
  states: Map<string, EntryState>,
  writes: EntryState[],
): Decision {
  const gap = seqGap(mutations, lastSeq);
  if (gap !== null) return { ok: false, expectedSeq: gap };

  const pending: { result: PushResult; state: EntryState }[] = [];
  const results: PushResult[] = [];
  for (const m of mutations) {
    const state = states.get(m.entryId);
    if (m.seq <= lastSeq) {
      const result: PushResult = { seq: m.seq, entryId: m.entryId, status: 'duplicate' };
      if (state) pending.push({ result, state });
      results.push(result);
      continue;
    }
    if (!m.check.ok) {
      results.push({ seq: m.seq, entryId: m.entryId, status: 'rejected', errors: m.check.errors });
      continue;
    }
    const entry = m.check.entry;
    const verdict = state === undefined || state.version === m.baseVersion ? 'applied' : resolveConflict(entry, m.check.clamped === true, deviceId, state);
    if (verdict === 'applied') {
      const next: EntryState = {
        version: null,
        deviceId,
        updatedAt: entry.updatedAt,
        entry,
        body: null,
        written: true,
        inDb: state?.inDb ?? false,
      };
      writes.push(next);
      states.set(m.entryId, next);
      const result = { seq: m.seq, entryId: m.entryId, status: 'applied', version: 0 } as PushResult;
      pending.push({ result, state: next });
      results.push(result);
    } else if (verdict === 'duplicate') {
      const result: PushResult = { seq: m.seq, entryId: m.entryId, status: 'duplicate' };
      pending.push({ result, state: state! });
      results.push(result);
    } else {
      const result = { seq: m.seq, entryId: m.entryId, status: 'superseded', version: 0, entry: null } as unknown as PushResult;
      pending.push({ result, state: state! });
      results.push(result);
    }
  }
  return { ok: true, ackSeq: Math.max(lastSeq, mutations[mutations.length - 1].seq), results, pending };
}

/** Once `writes` have their versions: each pending result takes its state's version (and a superseded one the winner). */
export function fillVersions(decision: Decision & { ok: true }): PushOutcome {
  for (const { result, state } of decision.pending) {
    (result as { version?: number }).version = state.version!;
    if (result.status === 'superseded') (result as { entry: ActivityEntry }).entry = entryOf(state);
  }
  return { ok: true, ackSeq: decision.ackSeq, results: decision.results };
}

/**
 * A write whose baseVersion is stale meets the stored one: the later `updatedAt` wins;
 * on a tie the larger deviceId; the same `updatedAt` from the same device is the same write.
 *
 * A clamped write no longer carries the time its phone gave it but the time it arrived, so
 * sent again under a new seq (a phone restored from a backup, a write queued again after a
 * lost answer) it would arrive later than itself and win against its own stored copy: a new
 * version for nothing, pulled again by every phone. From the same device, with the same
 * contents, it is the same write — what the phone's own check of a receipt decides too.
 */
function resolveConflict(entry: ActivityEntry, clamped: boolean, deviceId: string, stored: EntryState): 'applied' | 'superseded' | 'duplicate' {
  if (clamped && deviceId === stored.deviceId && sameContent(entry, entryOf(stored))) return 'duplicate';
  if (entry.updatedAt !== stored.updatedAt) return entry.updatedAt > stored.updatedAt ? 'applied' : 'superseded';
  if (deviceId === stored.deviceId) return 'duplicate';
  return deviceId > stored.deviceId ? 'applied' : 'superseded';
}

/** The writes still current after a transaction's batches: only the last write of each entry is stored. */
export function finalWrites(states: Map<string, EntryState>): EntryState[] {
  const finals: EntryState[] = [];
  for (const s of states.values()) if (s.written) finals.push(s);
  return finals;
}

/** The JSON stored for a write (made once). */
export function bodyOf(state: EntryState): string {
  state.body ??= JSON.stringify(state.entry);
  return state.body;
}
