/**
 * The KPI card follows the library's calendar while the app stays open, in Debian's
 * Chromium against the production build: at the library's midnight on 31 December the
 * year's entries stop counting and the card turns grey, with no tap and no new entry —
 * by its own minute check, and at once when the app comes back to the front. And a phone
 * whose clock went back to a year before the app was built (a flat battery) is told so on
 * Beranda, offline and before any enrolment.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../server/harness';
import { fillFirstRun, launchPhone, logEntryOn, needsBrowser } from './harness';
import { browserSuite } from './suite';

let server: TestServer;
let page: Page;
let launchError: unknown = null;
browserSuite('e2e-day-turn', (dist) => startTestServer('sqlite', { distDir: dist }), (suite) => ({ server, page, launchError } = suite));

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const colour = () => page.getByRole('region', { name: 'Warna KPI' }).getAttribute('data-kpi-colour');

it('turns the card grey at the library’s new year while Beranda stays open', async (ctx) => {
  needsBrowser(launchError, ctx);
  const year = new Date().getUTCFullYear();
  // 31 December, 23:57 in Jakarta (WIB, UTC+7): three minutes before the library's new year.
  await page.clock.install({ time: new Date(`${year}-12-31T16:57:00.000Z`) });
  await page.goto(server.url);
  await fillFirstRun(page, 'Perpustakaan Desa Malam Tahun Baru');
  await poll(colour).toBe('abu-abu');
  await logEntryOn(page, { title: 'Kelas membaca akhir tahun', date: `${year}-12-31` });
  await poll(colour).toBe('merah');

  // Midnight passes with the card on screen: the minute check repaints it.
  await page.clock.runFor(5 * 60_000);
  await poll(colour).toBe('abu-abu');

  // A phone asleep runs no timer: coming back to the front is enough.
  await logEntryOn(page, { title: 'Kelas membaca tahun baru', date: `${year + 1}-01-01` });
  await poll(colour).toBe('merah');
  await page.clock.setSystemTime(new Date(`${year + 1}-12-31T17:01:00.000Z`)); // a year later, 00:01 WIB
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await poll(colour).toBe('abu-abu');
});

it('says on Beranda that the date is wrong when the phone’s clock is before the app was built', async (ctx) => {
  needsBrowser(launchError, ctx);
  // The right clock first, on this suite's phone: no such word.
  await page.clock.setSystemTime(new Date());
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Beranda' }).waitFor();
  expect(await page.locator('.warning').allTextContents()).toEqual([]);
  // A second phone (a clock is the whole browser's), reset to 2017, offline, never enrolled.
  const reset = await launchPhone();
  try {
    const p = await reset.context.newPage();
    await p.clock.install({ time: new Date('2017-12-31T05:00:00.000Z') });
    await p.goto(server.url);
    await fillFirstRun(p, 'Perpustakaan Desa Jam Mundur');
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await reset.context.setOffline(true);
    await p.reload();
    await p.getByText('Tanggal di HP ini (31 Desember 2017) salah: lebih awal dari aplikasi ini.', { exact: false }).waitFor();
    // The form says so too, and fills in no date from that clock (the server takes any from 2018).
    await p.getByRole('link', { name: 'Catat kegiatan' }).click();
    await p.getByRole('heading', { level: 1, name: 'Catat kegiatan' }).waitFor();
    await p.locator('.warning').getByText('Tanggal di HP ini (31 Desember 2017) salah', { exact: false }).waitFor();
    expect(await p.getByLabel('Tanggal kegiatan', { exact: true }).inputValue()).toBe('');
  } finally {
    await reset.close();
  }
});
