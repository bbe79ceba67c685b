/**
 * 10,000 queued entries in Chromium synced to the real server on 127.0.0.1 (issue 5,
 * "Benchmark"; budget ≤ 15 s). Builds the app, serves it from the server (SQLite in a
 * temp file), enrols the page through "Kode pendaftaran", writes 10,000 entries and
 * their outbox mutations straight into IndexedDB, reloads (the app-start trigger sends
 * the queue) and times until the phone's outbox is empty — every batch acknowledged and
 * its receipts stored — and the server holds all 10,000.
 * Bytes per entry: the push bodies as the engine builds them (batches of 200), raw JSON
 * and gzip (the engine gzips bodies over 1 KB with CompressionStream; here node:zlib at
 * the default level, which CompressionStream also uses).
 * Run: `npx tsx bench/sync.bench.ts` (N=… for another count).
 */
import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildApp, fillFirstRun, launchPhone } from '../tests/e2e/harness';
import { startSyncServer } from '../tests/device/sync-harness';

const N = Number(process.env.N ?? 10_000);
const BUDGET_S = 15;

function makeEntries(libraryId: string, n: number, start: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ms = start + i;
    const hex = ms.toString(16).padStart(12, '0');
    const rnd = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
    const at = new Date(ms).toISOString();
    out.push({
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rnd.slice(0, 3)}-8${rnd.slice(3, 6)}-${(i + 1).toString(16).padStart(12, '0')}`,
      libraryId,
      strategy: 'pelibatan',
      activityType: 'kelas_literasi',
      title: `Kelas membaca anak ${i + 1}`,
      date: new Date(Date.now() - (1 + (i % 200)) * 86_400_000).toISOString().slice(0, 10),
      location: 'Balai desa',
      participantsMale: i % 17,
      participantsFemale: 1 + (i % 23),
      createdAt: at,
      updatedAt: at,
      deleted: false,
    });
  }
  return out;
}

async function main() {
  const build = await buildApp('bench-sync');
  const server = await startSyncServer({ distDir: build, realClock: true });
  const phone = await launchPhone();
  try {
    const library = await server.addLibrary('Perpustakaan Bench');
    const page = await phone.context.newPage();
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await page.goto(server.url);
    await fillFirstRun(page, 'Perpustakaan lokal');
    await page.getByRole('link', { name: 'Kirim data' }).click();
    await field('Kode pendaftaran').fill(await server.code(library.id));
    await page.getByRole('button', { name: 'Daftarkan' }).click();
    await page.getByText('Semua terkirim.').or(page.getByText('Terakhir berhasil')).first().waitFor();

    const entries = makeEntries(library.id, N, Date.now() - N - 60_000);
    await page.evaluate(
      (rows) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('tpbis-lapor');
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['entries', 'outbox', 'meta'], 'readwrite');
            const seqReq = tx.objectStore('meta').get('outboxSeq');
            seqReq.onsuccess = () => {
              const last = (seqReq.result?.value as number | undefined) ?? 0;
              rows.forEach((e, i) => {
                tx.objectStore('entries').put(e);
                tx.objectStore('outbox').put({ seq: last + 1 + i, baseVersion: 0, entry: e });
              });
              tx.objectStore('meta').put({ key: 'outboxSeq', value: last + rows.length });
            };
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      entries,
    );

    const started = performance.now();
    await page.goto(`${server.url}/#/kirim`);
    await page.reload();
    let serverDone = 0;
    for (;;) {
      if (!serverDone && (await server.stored(library.id)).size >= N) serverDone = performance.now();
      const waiting = await page.locator('[data-sync-waiting]').getAttribute('data-sync-waiting').catch(() => null);
      if (serverDone && waiting === '0') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const phoneDone = performance.now();
    const seconds = (phoneDone - started) / 1000;

    let raw = 0;
    let gz = 0;
    for (let i = 0; i < N; i += 200) {
      const body = JSON.stringify({ mutations: entries.slice(i, i + 200).map((entry, j) => ({ seq: i + j + 1, baseVersion: 0, entry })) });
      raw += Buffer.byteLength(body);
      gz += gzipSync(body).length;
    }
    console.log(`${N} queued entries synced in ${seconds.toFixed(2)} s (server held all after ${((serverDone - started) / 1000).toFixed(2)} s), ` +
      `${Math.round(N / seconds)} entries/s; budget ≤ ${BUDGET_S} s: ${seconds <= BUDGET_S ? 'within' : 'OVER'}`);
    console.log(`bytes per entry sent: ${(raw / N).toFixed(0)} raw JSON, ${(gz / N).toFixed(0)} gzip`);
  } finally {
    await phone.close();
    await server.stop();
    rmSync(build, { recursive: true, force: true });
  }
}

void main();
