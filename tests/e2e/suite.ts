/**
 * The set-up most browser test files share, registered as their `beforeAll`/`afterAll`:
 * the app built into a folder of its own, a server started on that build, one phone
 * (Debian's Chromium) with one page; and, after the tests, all of it closed and removed.
 * Apart from harness.ts, which the benchmarks import outside Vitest.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { buildApp, launchPhone } from './harness';

export type Phone = Awaited<ReturnType<typeof launchPhone>>;

export interface BrowserSuite<S> {
  server: S;
  phone: Phone | null;
  page: Page;
  /** Chromium failing to start: `needsBrowser` fails the test in CI, skips it elsewhere. */
  launchError: unknown;
}

type Closable = { close(): Promise<void> } | { stop(): Promise<void> };

/**
 * Builds the app as `buildId`, starts `serve` on the build, opens a phone and a page, and
 * hands them to `ready` before the first test.
 */
export function browserSuite<S extends Closable>(
  buildId: string,
  serve: (dist: string) => Promise<S>,
  ready: (suite: BrowserSuite<S>) => void,
): void {
  let build = '';
  const suite = { phone: null, launchError: null } as BrowserSuite<S>;
  beforeAll(async () => {
    build = await buildApp(buildId);
    suite.server = await serve(build);
    try {
      suite.phone = await launchPhone();
      suite.page = await suite.phone.context.newPage();
    } catch (e) {
      suite.launchError = e;
    }
    ready(suite);
  });
  afterAll(async () => {
    await suite.phone?.close();
    const server = suite.server as Closable | undefined;
    if (server) await ('stop' in server ? server.stop() : server.close());
    if (build) rmSync(build, { recursive: true, force: true });
  });
}
