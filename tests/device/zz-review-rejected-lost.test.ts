import { afterAll, beforeAll, expect, it } from 'vitest';
import { saveEntry, pendingMutations } from '../../src/device';
import { syncNow } from '../../src/device/sync';
import { entrySyncStatus, entrySyncCounts, pendingEntryIds, type SyncedRow } from '../../src/device/sync-state';
import { entry } from './helpers';
import { enrolPhone, faultyFetch, newPhone, prng, startSyncServer, type Fault, type SyncServer } from './sync-harness';

let server: SyncServer;
beforeAll(async () => { server = await startSyncServer(); });
afterAll(async () => { await server.stop(); });
let tick = Date.parse('2025-10-01T00:00:00.000Z');
const clock = () => new Date(tick++);
function script(...faults: Fault[]) { return { choose: () => faults.shift() ?? 'none' }; }

it('rejected entry whose push answer is lost', async () => {
  const library = await server.addLibrary('Perpustakaan Review');
  const plan = script();
  const phone = newPhone(faultyFetch(server, plan), clock, prng(5));
  await enrolPhone(phone, server, library.id);
  const bad = entry({ libraryId: library.id, activityType: 'tidak_ada_di_aturan', updatedAt: clock().toISOString() });
  await saveEntry(phone.db, bad);
  plan.choose = script('response-lost').choose;
  console.log('first sync', JSON.stringify(await syncNow(phone.deps)));
  console.log('second sync', JSON.stringify(await syncNow(phone.deps)));
  const r = (await phone.db.entries.get(bad.id)) as SyncedRow;
  console.log('receipt', JSON.stringify(r.receipt), 'outbox', (await pendingMutations(phone.db)).length);
  console.log('status', JSON.stringify(entrySyncStatus(r, await pendingEntryIds(phone.db))));
  console.log('counts', JSON.stringify(await entrySyncCounts(phone.db)));
  console.log('server has it?', (await server.stored(library.id)).has(bad.id));
});
