/**
 * Defences against clients that mean harm: logins refused by a lock cost no scrypt and
 * scrypt runs few at a time; requests must arrive in time; bodies may not nest deep; an
 * IPv6 client is counted by its /64; the app's cache policy follows the file served; and
 * every answer carries the browser-hardening headers.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_NESTING, nestsDeeperThan } from '../../src/server/body';
import { rateLimitKey } from '../../src/server/client-address';
import { checkPassword, dummyHash, hashPassword, MAX_RUNNING_CHECKS, MAX_WAITING_CHECKS } from '../../src/server/passwords';
import { startServer, type RunningServer } from '../../src/server/server';
import { createSession, insertSupervisor } from '../../src/server/store/supervisors';
import {
  BIG_ASSET,
  DB_KINDS,
  addLibrary,
  call,
  enrollNew,
  fakeDist,
  freshDatabaseUrl,
  makeEntry,
  newCode,
  openUrl,
  startTestServer,
  type Enrolled,
  type TestServer,
} from './harness';

// The real scrypt, watched: how many ran, how many at once, and (while `held` is set)
// kept waiting, so a test can fill the queue of password checks.
const scrypts = vi.hoisted(() => ({ started: 0, running: 0, mostAtOnce: 0, held: null as (() => void)[] | null }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const scrypt = (...args: unknown[]) => {
    const done = args.pop() as (err: Error | null, key: Buffer) => void;
    scrypts.started++;
    scrypts.running++;
    scrypts.mostAtOnce = Math.max(scrypts.mostAtOnce, scrypts.running);
    const run = () =>
      (real.scrypt as (...a: unknown[]) => void)(...args, (err: Error | null, key: Buffer) => {
        scrypts.running--;
        done(err, key);
      });
    if (scrypts.held) scrypts.held.push(run);
    else run();
  };
  return { ...real, default: { ...real, scrypt }, scrypt };
});

/** Lets the held scrypts run, and the next ones run at once. */
function releaseScrypts(): void {
  const held = scrypts.held ?? [];
  scrypts.held = null;
  for (const run of held) run();
}

const MONITOR = '/api/v1/monitor';
const PASSWORD = 'rahasia-jatim-1';
/** 520,000 `[` and as many `]`: under 1 MiB, and 1 KB gzipped. */
const DEEP = '['.repeat(520_000) + ']'.repeat(520_000);

describe('nestsDeeperThan', () => {
  const deep = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);
  it.each([
    ['a flat body', '{"mutations":[{"seq":1,"entry":{"id":"x","partners":[{"name":"a"}]}}]}', false],
    ['exactly the limit', deep(MAX_NESTING), false],
    ['one past it', deep(MAX_NESTING + 1), true],
    ['one past it, with whitespace between', deep(MAX_NESTING + 1, '[ \n\t', ' ]'), true],
    ['one past it, objects and arrays mixed with keys', '{"a":['.repeat(33) + '1' + ']}'.repeat(33), true],
    ['one past it, with siblings before each level', '[[],'.repeat(MAX_NESTING + 1) + ']'.repeat(MAX_NESTING + 1), true],
    ['brackets inside a string', `["${'['.repeat(1000)}"]`, false],
    ['closing brackets in strings, hiding nothing', '["]",'.repeat(MAX_NESTING + 1) + '1' + ']'.repeat(MAX_NESTING + 1), true],
    ['an escaped quote keeping the string open', `["\\"${'['.repeat(1000)}"]`, false],
    ['an escaped backslash closing the string', `["\\\\",${'['.repeat(MAX_NESTING)}]`, true],
    ['UTF-8 text', `["kata sandi é 漢字 ${'['.repeat(100)}"]`, false],
  ])('%s', (_, json, deeper) => {
    expect(nestsDeeperThan(new TextEncoder().encode(json), MAX_NESTING)).toBe(deeper);
  });
});

describe('rateLimitKey', () => {
  it.each([
    ['10.9.0.1', '10.9.0.1'],
    ['::ffff:10.9.0.1', '10.9.0.1'],
    ['::FFFF:a09:1', '10.9.0.1'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:fffe', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0:0:0:1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::10.9.0.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
    ['not an address', 'not an address'],
  ])('%s counts as %s', (address, key) => {
    expect(rateLimitKey(address)).toBe(key);
  });
});

describe('checkPassword', () => {
  afterEach(releaseScrypts);

  it(`runs at most ${MAX_RUNNING_CHECKS} scrypts at once, lets ${MAX_WAITING_CHECKS} more wait their turn, and refuses the next unchecked`, async () => {
    const stored = await hashPassword(PASSWORD);
    const before = scrypts.started;
    scrypts.mostAtOnce = 0;
    scrypts.held = [];
    const waiting = Array.from({ length: MAX_RUNNING_CHECKS + MAX_WAITING_CHECKS }, (_, i) =>
      checkPassword(i % 2 ? PASSWORD : 'salah', stored),
    );
    expect(scrypts.started - before).toBe(MAX_RUNNING_CHECKS);
    const refused = checkPassword(PASSWORD, stored);
    expect(scrypts.started - before).toBe(MAX_RUNNING_CHECKS);
    expect(await refused).toBe('busy');
    releaseScrypts();
    const checks = await Promise.all(waiting);
    expect(checks.filter((c) => c === 'right')).toHaveLength(waiting.length / 2);
    expect(checks.filter((c) => c === 'wrong')).toHaveLength(waiting.length / 2);
    expect(scrypts.started - before).toBe(waiting.length);
    expect(scrypts.mostAtOnce).toBe(MAX_RUNNING_CHECKS);
    // The queue is free again.
    expect(await checkPassword(PASSWORD, stored)).toBe('right');
  });
});

describe.each(DB_KINDS)('hardened routes on %s', (kind) => {
  let s: TestServer;
  let dev: Enrolled;
  let libraryId: string;
  beforeAll(async () => {
    s = await startTestServer(kind);
    const lib = await addLibrary(s);
    libraryId = lib.id;
    dev = await enrollNew(s, lib);
    const passwordHash = await hashPassword(PASSWORD);
    for (const name of ['kunci', 'sibuk', 'enam']) await insertSupervisor(s.database.db, { name, scope: 'national', passwordHash }, s.clock.now());
    await dummyHash(); // made once, before any count below
  });
  afterAll(async () => {
    releaseScrypts();
    await s?.stop();
  });

  const login = (username: string, address: string, password = 'salah-sandi') =>
    call(s, 'POST', `${MONITOR}/login`, { json: { username, password }, headers: { 'x-forwarded-for': address } });
  const failuresOf = (keys: string[]) => s.database.db.selectFrom('enroll_failures').select('address').where('address', 'in', keys).execute();

  describe('logins refused by a lock', () => {
    it('answers a locked address 429 at once, running no scrypt, whatever name it tries, even the right password', async () => {
      for (let i = 0; i < 10; i++) expect((await login(`tebak-${i}`, '10.7.0.1')).status).toBe(401);
      const before = scrypts.started;
      const answers = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => login(`lagi-${i}`, '10.7.0.1')),
        login('kunci', '10.7.0.1', PASSWORD),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(429);
        expect(res.body.error.code).toBe('rate_limited');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(scrypts.started - before).toBe(0);
    });

    it('answers a locked name 429 at once, running no scrypt, from any address, known or not', async () => {
      for (const name of ['kunci', 'tidak-ada']) {
        for (let i = 0; i < 5; i++) expect((await login(name, `10.7.1.${i + 1}`)).status).toBe(401);
      }
      const before = scrypts.started;
      const answers = await Promise.all(
        ['kunci', 'tidak-ada'].flatMap((name) => Array.from({ length: 10 }, (_, i) => login(name, `10.7.2.${i + 1}`, PASSWORD))),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(429));
      expect(scrypts.started - before).toBe(0);
    });

    it('answers 429 with Retry-After, unchecked and counted for no limit, while too many logins wait for their check', async () => {
      const stored = await dummyHash();
      scrypts.held = [];
      const before = scrypts.started;
      const filling = Array.from({ length: MAX_RUNNING_CHECKS + MAX_WAITING_CHECKS }, () => checkPassword(PASSWORD, stored));
      try {
        expect(scrypts.started - before).toBe(MAX_RUNNING_CHECKS);
        const busy = await login('sibuk', '10.7.3.1', PASSWORD);
        expect(busy.status).toBe(429);
        expect(busy.body.error.code).toBe('rate_limited');
        expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(scrypts.started - before).toBe(MAX_RUNNING_CHECKS);
        expect(await failuresOf(['name:sibuk', 'login:10.7.3.1'])).toEqual([]);
      } finally {
        releaseScrypts();
        await Promise.all(filling);
      }
      expect((await login('sibuk', '10.7.3.1', PASSWORD)).status).toBe(200);
    });

    it('counts an IPv6 address by its /64 for the login lock', async () => {
      for (let i = 0; i < 10; i++) expect((await login(`v6-${i}`, `2001:db8:7:1::${i + 1}`)).status).toBe(401);
      expect((await login('enam', '2001:db8:7:1:abcd::99', PASSWORD)).status).toBe(429);
      expect((await login('enam', '2001:db8:7:2::1', PASSWORD)).status).toBe(200);
    });
  });

  describe('enrolment lock', () => {
    const enroll = (code: string, address: string) =>
      call(s, 'POST', '/api/v1/enroll', { json: { code }, headers: { 'x-forwarded-for': address } });

    it('counts an IPv6 address by its /64: another address of it is locked too, the next /64 is not', async () => {
      for (let i = 0; i < 10; i++) expect((await enroll('ABCD-EFGH', `2001:db8:5:1::${i + 1}`)).status).toBe(401);
      const good = await newCode(s, libraryId);
      const blocked = await enroll(good, '2001:db8:5:1:ffff:ffff:ffff:ffff');
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('rate_limited');
      expect((await enroll(good, '2001:db8:5:2::1')).status).toBe(201);
    });

    it('counts an IPv4-mapped address as the IPv4 address', async () => {
      for (let i = 0; i < 10; i++) expect((await enroll('ABCD-EFGH', i % 2 ? '10.7.9.1' : '::ffff:10.7.9.1')).status).toBe(401);
      expect((await enroll(await newCode(s, libraryId), '10.7.9.1')).status).toBe(429);
    });
  });

  describe('deeply nested bodies', () => {
    const post = (path: string, raw: Uint8Array | string, headers: Record<string, string> = {}, token?: string) =>
      call(s, 'POST', path, { raw, token, headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.7.10.1', ...headers } });

    it.each([
      ['/api/v1/enroll', false],
      ['/api/v1/sync/push', true],
    ])('answers 400 invalid_request, unparsed, to a body nested past the limit on %s, plain or gzipped; within it, the body is read as usual', async (path, withToken) => {
      const token = withToken ? dev.token : undefined;
      const gzipped = gzipSync(DEEP);
      expect(gzipped.byteLength).toBeLessThan(2048);
      for (const res of [await post(path, DEEP, {}, token), await post(path, gzipped, { 'content-encoding': 'gzip' }, token)]) {
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
        expect(res.body.error.details).toEqual([{ path: '', message: `Bersarang lebih dari ${MAX_NESTING} tingkat.` }]);
      }
      // Nested within the limit, the body is read and checked as usual.
      const shallow = await post(path, `{"deep":${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}}`, {}, token);
      expect(shallow.status).toBe(400);
      expect(shallow.body.error.code).toBe('invalid_request');
      expect(shallow.body.error.details).not.toContainEqual(expect.objectContaining({ path: '' }));
    });

    it('still takes an ordinary push and enrolment', async () => {
      const entry = makeEntry(libraryId, { partners: [{ name: 'SD Negeri 1', kind: 'sekolah' }] });
      const body = JSON.stringify({ mutations: [{ seq: dev.nextSeq, baseVersion: 0, entry }] });
      const pushed = await post('/api/v1/sync/push', gzipSync(body), { 'content-encoding': 'gzip' }, dev.token);
      expect(pushed.status).toBe(200);
      expect(pushed.body.results[0].status).toBe('applied');
      dev.nextSeq++;
      expect((await post('/api/v1/enroll', JSON.stringify({ code: await newCode(s, libraryId) }))).status).toBe(201);
    });
  });
});

describe('request timeouts', () => {
  let running: RunningServer;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl('sqlite');
    cleanup = fresh.cleanup;
    running = await startServer({
      database: openUrl(fresh.url),
      port: 0,
      host: '127.0.0.1',
      logger: () => {},
      requestTimeoutMs: 1_000,
      headersTimeoutMs: 500,
    });
  });
  afterAll(async () => {
    await running?.stop();
    await cleanup?.();
  });

  /**
   * Sends `head` at once, then `body` a byte at a time, 50 ms apart; resolves once the
   * connection is closed, with what the server answered and whether every byte was sent by then.
   */
  const trickle = (head: string, body: string) =>
    new Promise<{ answer: string; sentAll: boolean }>((resolve, reject) => {
      const url = new URL(running.url);
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      const text = head + body;
      let sent = head.length;
      let answer = '';
      socket.write(head);
      const drip = setInterval(() => {
        if (sent < text.length && socket.writable) socket.write(text[sent++]);
        else if (sent === text.length) socket.end(); // all sent: the answer, then the server closes
      }, 50);
      socket.on('data', (c) => (answer += c.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ answer, sentAll: sent === text.length });
      });
    });

  it('closes the connection of a request whose body trickles past the request timeout, answering 408', async () => {
    const body = JSON.stringify({ code: 'ABCD-EFGH', deviceName: 'x'.repeat(120) });
    const head = `POST /api/v1/enroll HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { answer, sentAll } = await trickle(head, body);
    expect(sentAll).toBe(false);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes the connection of a request whose headers trickle past the headers timeout', async () => {
    const { answer, sentAll } = await trickle('GET /healthz HTTP/1.1\r\n', `Host: a\r\nX-Slow: ${'x'.repeat(100)}\r\n\r\n`);
    expect(sentAll).toBe(false);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('the app and its headers', () => {
  let s: TestServer;
  let dist: string;
  beforeAll(async () => {
    dist = fakeDist({ 'index-abc123.js': BIG_ASSET });
    s = await startTestServer('sqlite', { distDir: dist });
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('picks the cache policy by the file served: sw.js reached through /assets/.. is revalidated, not kept a year', async () => {
    const sw = await (await fetch(`${s.url}/sw.js`)).text();
    for (const path of ['/assets/..%2fsw.js', '/assets/..%2Fsw.js', '/assets/%2e%2e%2fsw.js']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(sw);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
    }
    expect((await fetch(`${s.url}/assets/index-abc123.js`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('sends nosniff, no referrer and no framing with every answer: app files, API answers, errors, preflights, exports', async () => {
    await insertSupervisor(s.database.db, { name: 'pusat', scope: 'national', passwordHash: 'x' }, s.clock.now());
    const session = await createSession(s.database.db, 'pusat', s.clock.now(), 'x');
    const cookie = { cookie: `tpbis_session=${session!.token}` };
    const etag = (await fetch(`${s.url}/sw.js`)).headers.get('etag')!;
    const answers: [string, Response][] = [
      ['index', await fetch(`${s.url}/`)],
      ['gzipped asset', await fetch(`${s.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } })],
      ['304', await fetch(`${s.url}/sw.js`, { headers: { 'if-none-match': etag } })],
      ['app route', await fetch(`${s.url}/kegiatan/baru`)],
      ['health', await fetch(`${s.url}/healthz`)],
      ['API error', await fetch(`${s.url}/api/v1/sync/pull`)],
      ['404', await fetch(`${s.url}/api/v1/tidak-ada`)],
      [
        'preflight',
        await fetch(`${s.url}/api/v1/sync/push`, {
          method: 'OPTIONS',
          headers: { origin: 'https://app.contoh.id', 'access-control-request-method': 'POST' },
        }),
      ],
      ['monitoring', await fetch(`${s.url}${MONITOR}/me`, { headers: cookie })],
      ['export', await fetch(`${s.url}${MONITOR}/export/summary.csv`, { headers: cookie })],
    ];
    for (const [what, res] of answers) {
      await res.arrayBuffer();
      expect(res.status, what).toBeLessThan(500);
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('content-security-policy'), what).toBeNull();
    }
    expect(answers.find(([w]) => w === 'export')![1].status).toBe(200);
    expect(answers.find(([w]) => w === '304')![1].status).toBe(304);
  });
});
