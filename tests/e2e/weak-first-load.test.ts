/**
 * A first visit on a weak signal, in Debian's Chromium against the production build: one of
 * the app's files is cut off while it downloads. The first run says the app is not stored
 * for use without signal (the worker's install failed, so it would wait for ever) and offers
 * to try again; a screen whose code did not arrive says so instead of staying blank, and
 * opens once the signal is back.
 */
import { readdirSync, renameSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSyncServer, type SyncServer } from '../device/sync-harness';
import { focusedElement, launchPhone, needsBrowser } from './harness';
import { browserSuite } from './suite';

let server: SyncServer;
let page: Page;
let launchError: unknown = null;
let dist = '';
browserSuite(
  'e2e-weak-first-load',
  (built) => startSyncServer({ distDir: (dist = built), realClock: true }),
  (suite) => ({ server, page, launchError } = suite),
);

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/**
 * One of the app's files does not arrive (Playwright's routes do not reach the service
 * worker's own requests, so the file is taken away from the server instead).
 */
function cutOff(): () => void {
  const name = readdirSync(join(dist, 'assets')).find((f) => /^Enrol-.*\.js$/.test(f))!;
  const [there, away] = [join(dist, 'assets', name), join(dist, `${name}.away`)];
  renameSync(there, away);
  return () => renameSync(away, there);
}

it('says the app is not ready offline and that a screen did not arrive; both work once the signal is back', async (ctx) => {
  needsBrowser(launchError, ctx);
  const signalBack = cutOff();
  await page.goto(server.url);
  const status = page.getByRole('status').filter({ hasText: 'Aplikasi belum tersimpan untuk dipakai tanpa sinyal' });
  await status.waitFor();

  // Enrolment's screen is one whose code did not arrive.
  await page.getByRole('button', { name: 'Sudah punya kode pendaftaran? Daftarkan HP ini' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Layar ini belum bisa dibuka' });
  await alert.waitFor();

  // The signal is back: the screen opens on its "Coba lagi", and the app is stored on the other.
  signalBack();
  await alert.getByRole('button', { name: 'Coba lagi' }).click();
  await page.getByLabel('Kode pendaftaran', { exact: true }).waitFor();
  await poll(() => alert.count()).toBe(0);
  // The button that had focus is gone: the screen's heading has it, not the page.
  await poll(() => focusedElement(page)).toBe('H1 Selamat datang');
  await status.getByRole('button', { name: 'Coba lagi' }).click();
  await page.getByText('Aplikasi ini siap dipakai tanpa sinyal.', { exact: true }).waitFor();
  // The button went with the failure: focus is on the heading, not lost to the page.
  expect(await focusedElement(page)).toBe('H1 Selamat datang');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // Stored: it opens with no network at all.
  await page.context().setOffline(true);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Selamat datang' }).waitFor();
  await page.context().setOffline(false);
});

it('a worker script that arrives slowly is no failure: the first run says "preparing", then "ready"', async (ctx) => {
  needsBrowser(launchError, ctx);
  // A proxy of ours in front of the server, holding sw.js back 4 s (Playwright's routes do not
  // see the browser's fetch of a worker script).
  let delayed = 0;
  const proxy = createServer((req, res) => {
    const slow = req.url === '/sw.js';
    if (slow) delayed++;
    setTimeout(() => {
      const up = httpRequest(`${server.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    }, slow ? 4000 : 0);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const phone = await launchPhone();
  try {
    const p = await phone.context.newPage();
    await p.goto(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`);
    await p.getByText('Menyiapkan aplikasi agar bisa dipakai tanpa sinyal', { exact: false }).waitFor();
    await p.waitForTimeout(3000); // longer than the app took to decide before; sw.js still on its way
    expect(await p.getByText('Aplikasi belum tersimpan', { exact: false }).count()).toBe(0);
    await p.getByText('Aplikasi ini siap dipakai tanpa sinyal.', { exact: true }).waitFor();
    expect(delayed).toBeGreaterThan(0);
  } finally {
    await phone.close();
    proxy.close();
  }
});
