/**
 * What the browser suite needs: a production build of the app, a tiny static server
 * for it (127.0.0.1, an ephemeral port; the worker and index.html never cached by the
 * HTTP cache, so an update is seen at once), Debian's Chromium through playwright-core,
 * and axe-core injected from node_modules.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { Rulebook } from '../../src/domain';
import { runAdmin } from '../../src/server/admin';
import type { Database } from '../../src/server/db';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Builds the app into a fresh temporary directory; `buildId` names the version.
 * `minify: false` keeps function names readable in profiles (bench/app-save.bench.ts).
 */
export async function buildApp(buildId: string, { minify = true }: { minify?: boolean } = {}): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `lapor-build-${buildId}-`));
  // Vitest sets NODE_ENV=test, which would make Vite build a development bundle
  // (no worker registration, debug helpers): build as `npm run build` does.
  const before = { APP_BUILD_ID: process.env.APP_BUILD_ID, NODE_ENV: process.env.NODE_ENV };
  process.env.APP_BUILD_ID = buildId;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, mode: 'production', logLevel: 'error', build: { outDir, emptyOutDir: true, ...(minify ? {} : { minify: false }) } });
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  /** Serves another directory from now on (a new deployment). */
  serve(dir: string): void;
  close(): Promise<void>;
}

export async function startStaticServer(dir: string): Promise<StaticServer> {
  let root = dir;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, rel);
    let body: Buffer;
    try {
      if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const fresh = rel === '/index.html' || rel === '/sw.js' || rel.endsWith('.webmanifest');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': fresh ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (d) => {
      root = d;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh profile at a phone's viewport. */
/**
 * Chromium must start in CI, so there a launch error fails the test; elsewhere a machine
 * without it skips the test loudly.
 */
export function needsBrowser(launchError: unknown, ctx: { skip: (note?: string) => void }): void {
  if (launchError === null) return;
  if (process.env.CI) throw launchError;
  ctx.skip(`Chromium did not start: ${String(launchError)}`);
}

export async function launchPhone(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'lapor-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 360, height: 640 },
    locale: 'id-ID',
    serviceWorkers: 'allow',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** The serious and critical accessibility violations axe-core finds on the page now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run({ resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Controls smaller than 44×44 CSS px (tap targets), described for a failure message. */
export function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${el.textContent?.trim() || el.id}" ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

/** True when the page scrolls sideways (content wider than the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/** Fills the first-run library profile by its labels and taps "Mulai". */
export async function fillFirstRun(page: Page, name: string): Promise<void> {
  const field = (label: string) => page.getByLabel(label, { exact: true });
  await field('Nama perpustakaan').fill(name);
  await field('Desa/Kelurahan').fill('Sukamaju');
  await field('Kecamatan').fill('Cibeber');
  await field('Kabupaten/Kota').fill('Cianjur');
  await field('Provinsi').fill('Jawa Barat');
  await field('Zona waktu').selectOption('Asia/Jakarta');
  await page.getByRole('button', { name: 'Mulai' }).click();
}

/** The calendar date `days` days before now (UTC), as `YYYY-MM-DD`. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** Logs one entry through the form on `page` (a pelibatan literacy class unless told otherwise). */
export async function logEntryOn(page: Page, e: { title: string; date: string; strategy?: string; activityType?: string }): Promise<void> {
  const f = (label: string) => page.getByLabel(label, { exact: true });
  await page.getByRole('link', { name: 'Catat kegiatan' }).click();
  // Exactly one such heading (a second would be a strict-mode error), within 15 s.
  await page.getByRole('heading', { level: 1, name: 'Catat kegiatan' }).waitFor({ timeout: 15_000 });
  await f('Strategi').selectOption(e.strategy ?? 'pelibatan');
  await f('Jenis kegiatan').selectOption(e.activityType ?? 'kelas_literasi');
  await f('Judul kegiatan').fill(e.title);
  await f('Tanggal kegiatan').fill(e.date);
  await f('Peserta laki-laki').fill('8');
  await f('Peserta perempuan').fill('12');
  await page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await page.getByRole('region', { name: 'Warna KPI' }).waitFor();
  // The address follows Beranda a frame after it is painted (router.ts): a reload before then would open the form again.
  await page.waitForFunction(() => location.hash === '#/');
}

/**
 * Queues an entry with an activity type the server's rulebook does not have (so the server
 * rejects it), straight into the enrolled phone's IndexedDB: the form would refuse it.
 */
export function queueEntryTheServerRejects(page: Page, title: string, id = '019a0000-0000-7000-8000-0000000000d1'): Promise<void> {
  return page.evaluate(
    ({ title, id }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tpbis-lapor');
        open.onsuccess = () => {
          const tx = open.result.transaction(['entries', 'outbox', 'meta'], 'readwrite');
          const meta = tx.objectStore('meta');
          const enrolment = meta.get('enrolment');
          const seq = meta.get('outboxSeq');
          seq.onsuccess = () => {
            const at = new Date().toISOString();
            const e = {
              id,
              libraryId: enrolment.result.value.libraryId,
              strategy: 'pelibatan',
              activityType: 'tidak_ada_di_aturan',
              title,
              date: at.slice(0, 10),
              participantsMale: 1,
              participantsFemale: 1,
              createdAt: at,
              updatedAt: at,
              deleted: false,
            };
            const next = (seq.result?.value ?? 0) + 1;
            tx.objectStore('entries').put(e);
            tx.objectStore('outbox').put({ seq: next, baseVersion: 0, entry: e });
            meta.put({ key: 'outboxSeq', value: next });
          };
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { title, id },
  );
}

/**
 * Makes every write to the page's IndexedDB store `store` fail as on a full phone
 * (QuotaExceededError), until the returned function gives the room back.
 */
export async function fillStorage(page: Page, store: string): Promise<() => Promise<void>> {
  await page.evaluate((name) => {
    const put = IDBObjectStore.prototype.put;
    (window as unknown as { roomAgain: () => void }).roomAgain = () => void (IDBObjectStore.prototype.put = put);
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === name) throw new DOMException('full', 'QuotaExceededError');
      return put.apply(this, args);
    };
  }, store);
  return () => page.evaluate(() => (window as unknown as { roomAgain: () => void }).roomAgain());
}

/**
 * What has focus, to compare in a test: `BODY` when nothing does (focus lost to the page),
 * a form control's tag and id, else the element's tag and text.
 */
export function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'BODY';
    if (el.matches('input, select, textarea')) return `${el.tagName} #${el.id}`;
    return `${el.tagName} ${el.textContent?.trim() ?? ''}`;
  });
}

/** The accessible name Chromium itself computes for the element `selector` finds. */
export async function accessibleName(page: Page, selector: string): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    return String(nodes[0]?.name?.value ?? '');
  } finally {
    await cdp.detach();
  }
}

/** The words tied to the control labelled `label` by aria-describedby: its hint and its message. */
export function describedText(page: Page, label: string): Promise<string> {
  return page.getByLabel(label, { exact: true }).evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

/** Publishes `rulebook` as the administrator does (`npm run admin -- rulebook publish <file>`); fails the test if refused. */
export async function publishRulebook(database: Database, rulebook: Rulebook): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lapor-rulebook-'));
  try {
    const file = join(dir, 'rulebook.json');
    writeFileSync(file, JSON.stringify(rulebook));
    const errors: string[] = [];
    const io = { out: () => {}, err: (line: string) => void errors.push(line), now: () => new Date(), readStdin: async () => '' };
    const code = await runAdmin(['rulebook', 'publish', file], database, io);
    if (code !== 0) throw new Error(`rulebook publish: ${errors.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
