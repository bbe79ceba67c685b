/**
 * A browser that refuses the app its database (storage blocked for the site, some private
 * modes), in Debian's Chromium against the production build: the app says so in place of a
 * first screen whose "Mulai" silently did nothing.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSyncServer, type SyncServer } from '../device/sync-harness';
import { needsBrowser } from './harness';
import { browserSuite } from './suite';

let server: SyncServer;
let page: Page;
let launchError: unknown = null;
browserSuite(
  'e2e-storage-blocked',
  (built) => startSyncServer({ distDir: built, realClock: true }),
  (suite) => ({ server, page, launchError } = suite),
);

it('says the app cannot store data here, and offers no form that would lose what is typed', async (ctx) => {
  needsBrowser(launchError, ctx);
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  await page.goto(server.url);
  const alert = page.getByRole('alert').filter({ hasText: 'Aplikasi tidak dapat menyimpan data di browser ini' });
  await alert.waitFor();
  expect(await alert.textContent()).toContain('Kegiatan tidak akan tersimpan. Buka di Chrome biasa (bukan mode penyamaran)');
  expect(await page.getByRole('button', { name: 'Muat ulang' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Mulai' }).count()).toBe(0);
  expect(await page.getByLabel('Nama perpustakaan').count()).toBe(0);
});
