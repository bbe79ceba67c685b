/**
 * Many phones, one real server, an unreliable network (SYNC-PROTOCOL.md, guarantees 1–3):
 * phones in several libraries log, edit and delete entries at random and sync through a
 * network that loses requests and answers, fails with 5xx, rate-limits with Retry-After
 * and delivers twice; outboxes jump ahead (seq_gap) and the server restarts. After a
 * final sync on a clean network, the server holds exactly the union of what was logged,
 * each entry once at its winning write (the latest), and every phone agrees with it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ActivityEntry } from '../../src/domain';
import { deleteEntry, pendingMutations, saveEntry } from '../../src/device';
import { sameEntry } from '../../src/domain';
import { plainEntry } from '../../src/device/sync-apply';
import { syncNow, type SyncResult } from '../../src/device/sync';
import type { SyncedRow } from '../../src/device/sync-state';
import { entry } from './helpers';
import {
  enrolPhone,
  faultyFetch,
  newCounts,
  newPhone,
  prng,
  startSyncServer,
  type Fault,
  type Phone,
  type SyncServer,
} from './sync-harness';

const LIBRARIES = Number(process.env.SYNC_FLEET_LIBRARIES ?? 5);
const PHONES_PER_LIBRARY = Number(process.env.SYNC_FLEET_PHONES ?? 10);
const ENTRIES_PER_PHONE = Number(process.env.SYNC_FLEET_ENTRIES ?? 200);
const ROUNDS = 10;
const SEED = Number(process.env.SYNC_FLEET_SEED ?? 20251020);

const FAULTS: Fault[] = ['request-lost', 'response-lost', 'server-error-before', 'server-error-after', 'rate-limited', 'duplicate'];

let server: SyncServer;
beforeAll(async () => {
  server = await startSyncServer();
});
afterAll(async () => {
  await server.stop();
});

interface Sim {
  phone: Phone;
  libraryId: string;
  random: () => number;
}

it(`${LIBRARIES * PHONES_PER_LIBRARY} phones × ${ENTRIES_PER_PHONE} entries with edits, deletes and faults converge on the server`, async () => {
  const rand = prng(SEED);
  const counts = newCounts();
  let faultRate = 0.15;
  const plan = { choose: (): Fault => (rand() < faultRate ? FAULTS[Math.floor(rand() * FAULTS.length)] : 'none') };
  const net = faultyFetch(server, plan, counts);
  // One clock for every phone, one millisecond per write: the latest write is the winner.
  let tick = Date.parse('2025-10-01T00:00:00.000Z');
  const clock = () => new Date(tick++);

  const sims: Sim[] = [];
  const libraryIds: string[] = [];
  for (let l = 0; l < LIBRARIES; l++) {
    const library = await server.addLibrary(`Perpustakaan Armada ${l}`);
    libraryIds.push(library.id);
    for (let p = 0; p < PHONES_PER_LIBRARY; p++) {
      const random = prng(SEED + 1000 * l + p);
      const phone = newPhone(net, clock, random);
      await enrolPhone(phone, server, library.id);
      sims.push({ phone, libraryId: library.id, random });
    }
  }

  // The model: every saved write, the latest per entry.
  const latest = new Map<string, ActivityEntry>();
  const created = new Map<string, Set<string>>(libraryIds.map((id) => [id, new Set()]));
  const note = (e: ActivityEntry) => {
    const have = latest.get(e.id);
    if (!have || e.updatedAt > have.updatedAt) latest.set(e.id, e);
  };

  const results: Record<SyncResult['status'], number> = { ok: 0, retry: 0, stopped: 0, 'not-enrolled': 0 };
  let gaps = 0;
  let restarts = 0;
  let discarded = 0;
  const perRound = Math.ceil(ENTRIES_PER_PHONE / ROUNDS);

  for (let round = 0; round < ROUNDS; round++) {
    for (const sim of sims) {
      const { db } = sim.phone;
      const r = sim.random;
      for (let i = 0; i < perRound; i++) {
        const at = clock().toISOString();
        const e = entry({ libraryId: sim.libraryId, createdAt: at, updatedAt: at, participantsMale: Math.floor(r() * 30) });
        const saved = await saveEntry(db, e);
        if (!saved.ok) throw new Error('save failed');
        note(saved.entry);
        created.get(sim.libraryId)!.add(e.id);
      }
      // Random edits and deletes of entries this phone knows (its own or pulled).
      const known = ((await db.entries.toArray()) as SyncedRow[]).filter((x) => !x.deleted);
      const edits = Math.floor(r() * 6);
      for (let i = 0; i < edits && known.length > 0; i++) {
        const pick = known[Math.floor(r() * known.length)];
        const current = (await db.entries.get(pick.id)) as SyncedRow | undefined;
        // Gone: deleted earlier in this round on the phone alone.
        if (!current || current.deleted) continue;
        if (r() < 0.2) {
          const res = await deleteEntry(db, pick.id, clock());
          if (res.ok && 'discarded' in res) {
            // Never sent, so deleted on the phone alone: no server may ever hold it.
            created.get(sim.libraryId)!.delete(pick.id);
            latest.delete(pick.id);
            discarded++;
          } else if (res.ok) note(res.entry);
        } else {
          const res = await saveEntry(db, {
            ...plainEntry(current),
            title: `Diubah ${round}-${i} ${Math.floor(r() * 1000)}`,
            participantsFemale: Math.floor(r() * 40),
            updatedAt: clock().toISOString(),
          });
          if (res.ok) note(res.entry);
        }
      }
      // Now and then the outbox jumps ahead of the server (restored data): seq_gap.
      if (r() < 0.03) {
        const rows = await pendingMutations(db);
        if (rows.length > 0) {
          const shift = 5 + Math.floor(r() * 50);
          await db.transaction('rw', db.outbox, db.meta, async () => {
            await db.outbox.clear();
            await db.outbox.bulkAdd(rows.map((m) => ({ ...m, seq: m.seq + shift })));
            await db.meta.put({ key: 'outboxSeq', value: rows[rows.length - 1].seq + shift });
          });
          gaps++;
        }
      }
    }
    // Phones sync at once, at random; in two rounds the server restarts meanwhile.
    const syncing = sims.filter((s) => s.random() < 0.7).map((s) => syncNow(s.phone.deps));
    if (round === 3 || round === 7) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await server.restart();
      restarts++;
    }
    for (const res of await Promise.all(syncing)) results[res.status]++;
  }

  // A clean network: everyone pushes, then everyone pulls.
  faultRate = 0;
  for (const pass of [0, 1]) {
    const final = await Promise.all(sims.map((s) => syncNow(s.phone.deps)));
    for (const res of final) expect(res.status, `pass ${pass}: ${JSON.stringify(res)}`).toBe('ok');
  }

  expect(results.stopped).toBe(0);
  for (const f of FAULTS) expect(counts[f], f).toBeGreaterThan(0);
  expect(gaps).toBeGreaterThan(0);
  expect(restarts).toBe(2);
  expect(discarded).toBeGreaterThan(0);

  for (const libraryId of libraryIds) {
    const stored = await server.stored(libraryId);
    const ids = created.get(libraryId)!;
    // Exactly the union, each entry once (the server keys entries by library and id).
    expect(stored.size).toBe(ids.size);
    for (const id of ids) {
      const s = stored.get(id);
      expect(s, id).toBeDefined();
      expect(sameEntry(s!.entry, latest.get(id)!), `winner of ${id}`).toBe(true);
    }
    for (const sim of sims.filter((x) => x.libraryId === libraryId)) {
      const { db } = sim.phone;
      expect(await db.outbox.count()).toBe(0);
      const rows = (await db.entries.toArray()) as SyncedRow[];
      expect(rows.length).toBe(ids.size);
      for (const row of rows) {
        const s = stored.get(row.id)!;
        expect(sameEntry(plainEntry(row), s.entry), `phone copy of ${row.id}`).toBe(true);
        expect(row.serverVersion).toBe(s.version);
        expect(row.receipt?.status).not.toBe('rejected');
      }
    }
  }
  console.log(
    `fleet: ${sims.length} phones, ${[...created.values()].reduce((n, s) => n + s.size, 0)} entries, ` +
      `${latest.size} ids, syncs ${JSON.stringify(results)}, faults ${JSON.stringify(counts)}, seq gaps ${gaps}, deleted on the phone alone ${discarded}, restarts ${restarts}, server requests ${server.requests}`,
  );
}, 180_000);
