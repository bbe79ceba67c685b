/**
 * `npm run bench:lighthouse`: DESIGN.md's Lighthouse budget — mobile profile (Lighthouse's
 * default: a mid-range phone, slow 4G, 4× CPU slowdown, simulated), performance ≥ 95 and
 * accessibility 100 — for the screen a librarian opens first and for #/pantau, against the
 * built app served by the real server (gzip, cache headers, service worker) on SQLite, in
 * Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 *
 * Lighthouse is not a dependency (~110 MB that CI would install and never run): npx
 * fetches it from the npm registry on first use. Pinned to 12.2.3, the version tried on
 * these machines (13 wants Node 22).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/server/db';
import { startServer } from '../src/server/server';
import { buildApp } from '../tests/e2e/harness';

const LIGHTHOUSE = 'lighthouse@12.2.3';
const PAGES = [
  { name: 'first screen (/)', path: '/' },
  { name: 'monitoring (#/pantau)', path: '/#/pantau' },
];

interface Report {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { id: string; score: number | null; scoreDisplayMode: string; displayValue?: string }>;
}

const work = mkdtempSync(join(tmpdir(), 'tpbis-lighthouse-'));
let dist: string | null = null;
let running: Awaited<ReturnType<typeof startServer>> | null = null;
const rows: Record<string, string | number>[] = [];
const shortfalls: string[] = [];
try {
  dist = await buildApp('lighthouse');
  const database = openDatabase({ kind: 'sqlite', path: join(work, 'lighthouse.sqlite') });
  running = await startServer({ database, port: 0, host: '127.0.0.1', logger: () => {}, distDir: dist });
  for (const page of PAGES) {
    const output = join(work, 'report.json');
    // Not spawnSync: the server answering Lighthouse runs in this process's event loop.
    const child = spawn(
      'npx',
      [
        '--yes',
        LIGHTHOUSE,
        `${running.url}${page.path}`,
        '--quiet',
        // Root (CI, these machines) cannot use Chromium's sandbox.
        '--chrome-flags=--headless=new --no-sandbox',
        '--only-categories=performance,accessibility,best-practices',
        '--output=json',
        `--output-path=${output}`,
      ],
      { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM_PATH || '/usr/bin/chromium' }, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject); // npx not found
      child.once('exit', resolve);
    });
    if (status !== 0) throw new Error(`lighthouse exited with ${status} on ${page.path}`);
    const report = JSON.parse(readFileSync(output, 'utf8')) as Report;
    const score = (category: string) => Math.round((report.categories[category]?.score ?? 0) * 100);
    rows.push({
      page: page.name,
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best practices': score('best-practices'),
      FCP: report.audits['first-contentful-paint']?.displayValue ?? '',
      LCP: report.audits['largest-contentful-paint']?.displayValue ?? '',
    });
    for (const audit of Object.values(report.audits)) {
      if (audit.score !== null && audit.score < 1 && !['informative', 'notApplicable', 'manual'].includes(audit.scoreDisplayMode)) {
        shortfalls.push(`${page.name}: ${audit.id} ${audit.score}${audit.displayValue ? ` (${audit.displayValue})` : ''}`);
      }
    }
  }
} finally {
  await running?.stop();
  rmSync(work, { recursive: true, force: true });
  if (dist) rmSync(dist, { recursive: true, force: true });
}
console.log('\nLighthouse, mobile profile');
console.table(rows);
if (shortfalls.length > 0) console.log(`Audits below full marks:\n  ${shortfalls.join('\n  ')}`);
console.log('Budgets: performance ≥ 95, accessibility 100.');
