/**
 * Saves are written with plain IndexedDB (src/device/entries.ts); Dexie's live queries
 * must still see them. Dexie runs live queries only where a global indexedDB exists, so
 * this file installs fake-indexeddb globally before Dexie loads.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deleteEntry, findLikelyDuplicates, lastOutboxSeq, listEntries, pendingMutations, saveEntry, watch } from '../../src/device';
import { entry, freshDb, NOW } from './helpers';

describe('live queries after a save', () => {
  it('wake on the outbox, the counter, the entries and their indexes', async () => {
    const { db } = freshDb();
    const e = entry();
    const outbox: number[][] = [];
    const counter: number[] = [];
    const titles: string[][] = [];
    const duplicates: number[] = [];
    const stops = [
      watch(() => pendingMutations(db), (rows) => outbox.push(rows.map((m) => m.seq))),
      watch(() => lastOutboxSeq(db), (seq) => counter.push(seq)),
      watch(() => listEntries(db), (rows) => titles.push(rows.map((r) => r.title))),
      watch(() => findLikelyDuplicates(db, { ...e, id: '' }), (rows) => duplicates.push(rows.length)),
    ];
    await expect.poll(() => [outbox.length, counter.length, titles.length, duplicates.length]).toEqual([1, 1, 1, 1]);
    await saveEntry(db, e);
    await saveEntry(db, entry({ date: '2025-03-11' }));
    await expect.poll(() => outbox.at(-1)).toEqual([1, 2]);
    await expect.poll(() => counter.at(-1)).toBe(2);
    await expect.poll(() => titles.at(-1)?.length).toBe(2);
    await expect.poll(() => duplicates.at(-1)).toBe(1);
    await deleteEntry(db, e.id, new Date(NOW.getTime() + 1000));
    await expect.poll(() => duplicates.at(-1)).toBe(0);
    for (const stop of stops) stop();
  });
});
