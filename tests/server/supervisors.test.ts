/**
 * Supervisor accounts (issue 6): the admin commands, login, sessions, lockout, and the
 * separation of the monitoring routes (cookie only) from the sync routes (bearer only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { supervisorInfoSchema } from '../../src/domain';
import { runAdmin } from '../../src/server/admin';
import { cameOverHttps, clientAddress } from '../../src/server/client-address';
import { checkPassword } from '../../src/server/passwords';
import { startServer } from '../../src/server/server';
import { hashToken } from '../../src/server/store/devices';
import { createSession } from '../../src/server/store/supervisors';
import { DB_KINDS, addLibrary, call, enrollNew, makeEntry, openUrl, pushEntries, startTestServer, type TestServer } from './harness';

// The real checkPassword, watched: which hash each login was checked against tells
// whether it reached the password check (and paid for scrypt), or was refused before it.
vi.mock('../../src/server/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/server/passwords')>();
  return { ...real, checkPassword: vi.fn(real.checkPassword) };
});

const MONITOR = '/api/v1/monitor';
const PASSWORD = 'rahasia-jatim-1';
const MINUTE = 60_000;

/** The session token a response's Set-Cookie carries (or '' for a cleared cookie), and the cookie's text. */
function sessionCookie(headers: Headers): { token: string; text: string } | null {
  const text = headers.getSetCookie().find((c) => c.startsWith('tpbis_session='));
  return text ? { token: /^tpbis_session=([^;]*)/.exec(text)![1], text } : null;
}

const withSession = (token: string) => ({ cookie: `tpbis_session=${token}` });

const verify = vi.mocked(checkPassword);
/** How many logins since the last `verify.mockClear()` were checked against `hash`. */
const checkedAgainst = (hash: string) => verify.mock.calls.filter(([, h]) => h === hash).length;
const statusCounts = (answers: { status: number }[]) =>
  answers.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

describe.each(DB_KINDS)('supervisors on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** Runs an admin command in-process, with `stdin` as standard input. */
  async function admin(argv: string[], stdin = '') {
    const out: string[] = [];
    const err: string[] = [];
    let stdinRead = false;
    const code = await runAdmin(argv, s.database, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      now: s.clock.now,
      readStdin: async () => {
        stdinRead = true;
        return stdin;
      },
    });
    return { code, out, err, stdinRead, json: argv.includes('--json') && code === 0 ? JSON.parse(out[out.length - 1]) : undefined };
  }

  async function addSupervisor(name: string, scope: string, password = PASSWORD): Promise<void> {
    const r = await admin(['supervisor', 'add', '--name', name, '--scope', scope], `${password}\n`);
    if (r.code !== 0) throw new Error(r.err.join('\n'));
  }

  /** Each test logs in from its own address, so the per-address limit of one test leaves the others alone. */
  const login = (username: string, password: string, address: string, headers: Record<string, string> = {}) =>
    call(s, 'POST', `${MONITOR}/login`, { json: { username, password }, headers: { 'x-forwarded-for': address, ...headers } });

  async function storedHash(name: string): Promise<string> {
    const row = await s.database.db.selectFrom('supervisors').select('password_hash').where('name', '=', name).executeTakeFirstOrThrow();
    return row.password_hash;
  }

  async function loggedIn(name: string, address: string): Promise<string> {
    const res = await login(name, PASSWORD, address);
    expect(res.status).toBe(200);
    return sessionCookie(res.headers)!.token;
  }

  describe('admin commands', () => {
    it('adds a supervisor with the password from stdin, stores only its scrypt hash, lists and refuses a second add', async () => {
      // Spacing, and a zero-width space pasted after the colon, are tidied as `library add` tidies places.
      const added = await admin(['supervisor', 'add', '--name', 'Jatim', '--scope', 'province: \u200bJawa Timur ', '--json'], `${PASSWORD}\nignored\n`);
      expect(added.code).toBe(0);
      expect(added.json).toEqual({ name: 'jatim', scope: 'province:Jawa Timur', librariesInScope: 0 });
      const row = await s.database.db.selectFrom('supervisors').selectAll().where('name', '=', 'jatim').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ scope: 'province:Jawa Timur', created_at: s.clock.now().toISOString() });
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
      // Only the first line is the password.
      expect((await login('jatim', PASSWORD, '10.1.0.1')).status).toBe(200);
      expect((await login('jatim', `${PASSWORD}\nignored`, '10.1.0.1')).status).toBe(401);

      const again = await admin(['supervisor', 'add', '--name', 'jatim', '--scope', 'national'], 'another-password\n');
      expect(again.code).toBe(2);
      expect(again.err.join('\n')).toContain('supervisor jatim already exists');
      expect(again.stdinRead).toBe(false);

      await addSupervisor('malang', 'regency:Kabupaten Malang');
      const listed = await admin(['supervisor', 'list', '--json']);
      expect(listed.code).toBe(0);
      expect(listed.json.supervisors).toEqual(
        expect.arrayContaining([
          { name: 'jatim', scope: 'province:Jawa Timur', createdAt: s.clock.now().toISOString(), locked: false },
          { name: 'malang', scope: 'regency:Kabupaten Malang', createdAt: s.clock.now().toISOString(), locked: false },
        ]),
      );
      expect(JSON.stringify(listed)).not.toContain('scrypt');
    });

    it('removes a supervisor and ends their sessions', async () => {
      await addSupervisor('pergi', 'national');
      const token = await loggedIn('pergi', '10.1.1.1');
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) })).status).toBe(200);
      const removed = await admin(['supervisor', 'remove', 'pergi', '--json']);
      expect(removed).toMatchObject({ code: 0, json: { name: 'pergi', removed: true } });
      const sessions = await s.database.db.selectFrom('supervisor_sessions').selectAll().where('name', '=', 'pergi').execute();
      expect(sessions).toEqual([]);
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) })).status).toBe(401);
      expect((await login('pergi', PASSWORD, '10.1.1.1')).status).toBe(401);
      expect((await admin(['supervisor', 'remove', 'pergi'])).code).toBe(2);
    });

    it('changes a password from stdin: the old one stops working, sessions end, a lock is lifted', async () => {
      await addSupervisor('lupa', 'national');
      const token = await loggedIn('lupa', '10.1.2.1');
      // Locked out by wrong passwords (from several addresses).
      for (let i = 0; i < 5; i++) expect((await login('lupa', 'salah-terus', `10.1.2.${10 + i}`)).status).toBe(401);
      expect((await login('lupa', PASSWORD, '10.1.2.20')).status).toBe(429);

      const oldHash = await storedHash('lupa');
      const changed = await admin(['supervisor', 'passwd', 'Lupa', '--json'], 'kata-sandi-baru\n');
      expect(changed).toMatchObject({ code: 0, json: { name: 'lupa', passwordChanged: true } });
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) })).status).toBe(401);
      expect((await login('lupa', PASSWORD, '10.1.2.21')).status).toBe(401);
      expect((await login('lupa', 'kata-sandi-baru', '10.1.2.22')).status).toBe(200);
      // A login that checked the old password just before the change gets no session.
      expect(await createSession(s.database.db, 'lupa', s.clock.now(), oldHash)).toBeNull();

      // An unknown name, or a password the login form could not take: exit 2, nothing changed.
      const before = await storedHash('lupa');
      expect((await admin(['supervisor', 'passwd', 'tidak-ada'], 'kata-sandi-baru\n')).code).toBe(2);
      const short = await admin(['supervisor', 'passwd', 'lupa'], 'pendek\n');
      expect(short.code).toBe(2);
      expect(short.err.join('\n')).toContain('8 to 200 characters');
      const blank = await admin(['supervisor', 'passwd', 'lupa'], '        \n');
      expect(blank.code).toBe(2);
      expect(blank.err.join('\n')).toContain('may not be only spaces');
      expect(await storedHash('lupa')).toBe(before);
    });

    it('exits 2 with a message on bad arguments or a bad password, adding nobody', async () => {
      const bad: [string[], string][] = [
        [['supervisor', 'add', '--name', 'x1'], PASSWORD],
        [['supervisor', 'add', '--scope', 'national'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'kecamatan:Lowokwaru'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'province:'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'nation'], PASSWORD],
        // The places' own rules: no control character (DEL, ESC), something visible, 100 at most.
        [['supervisor', 'add', '--name', 'x1', '--scope', 'province:Jawa\u007fTimur'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'regency:\u001b[31mMalang'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'province:\u200b'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', `province:${'x'.repeat(101)}`], PASSWORD],
        [['supervisor', 'add', '--name', 'dua kata', '--scope', 'national'], PASSWORD],
        [['supervisor', 'add', '--name', '-x1', '--scope', 'national'], PASSWORD],
        [['supervisor', 'add', '--name', 'x'.repeat(101), '--scope', 'national'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'national', 'extra'], PASSWORD],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'national'], ''],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'national'], '\nsecret123\n'],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'national'], 'pendek\n'],
        [['supervisor', 'add', '--name', 'x1', '--scope', 'national'], 'x'.repeat(201)],
        [['supervisor', 'list', 'x1'], ''],
        [['supervisor', 'remove'], ''],
        [['supervisor', 'remove', 'a', 'b'], ''],
        [['supervisor', 'remove', 'nobody'], ''],
        [['supervisor', 'passwd', 'x1'], ''],
      ];
      for (const [argv, stdin] of bad) {
        const r = await admin(argv, stdin);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.err.join('\n').length).toBeGreaterThan(0);
      }
      const short = await admin(['supervisor', 'add', '--name', 'x1', '--scope', 'national'], 'pendek\n');
      expect(short.err.join('\n')).toContain('8 to 200 characters');
      expect(await s.database.db.selectFrom('supervisors').selectAll().where('name', '=', 'x1').execute()).toEqual([]);
    });
  });

  describe('login', () => {
    beforeAll(async () => {
      await addSupervisor('surabaya', 'regency:Kota Surabaya');
    });

    it('logs in with the right password: 200 SupervisorInfo and an HttpOnly, SameSite=Strict session cookie', async () => {
      const res = await login('Surabaya ', PASSWORD, '10.2.0.1');
      expect(res.status).toBe(200);
      expect(supervisorInfoSchema.parse(res.body)).toEqual({ name: 'surabaya', scope: { level: 'regency', name: 'Kota Surabaya' } });
      expect(res.headers.get('cache-control')).toBe('no-store');
      const cookie = sessionCookie(res.headers)!;
      const attributes = cookie.text.split(';').slice(1).map((a) => a.trim());
      expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/api/v1/monitor', 'SameSite=Strict'].sort());
      // 256 random bits; only their SHA-256 is stored.
      expect(Buffer.from(cookie.token, 'base64url')).toHaveLength(32);
      const row = await s.database.db.selectFrom('supervisor_sessions').selectAll().where('token_hash', '=', hashToken(cookie.token)).executeTakeFirstOrThrow();
      expect(row).toEqual({
        token_hash: hashToken(cookie.token),
        name: 'surabaya',
        created_at: s.clock.now().toISOString(),
        expires_at: new Date(s.clock.ms + 12 * 60 * MINUTE).toISOString(),
      });
      expect(JSON.stringify(await s.database.db.selectFrom('supervisor_sessions').selectAll().execute())).not.toContain(cookie.token);
    });

    it('marks the cookie Secure behind a trusted proxy that says HTTPS', async () => {
      const res = await login('surabaya', PASSWORD, '10.2.1.1', { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(200);
      expect(sessionCookie(res.headers)!.text.split(/;\s*/)).toContain('Secure');
    });

    it('trusts X-Forwarded-Proto only behind a trusted proxy', async () => {
      const direct = await startServer({ database: openUrl(s.databaseUrl), port: 0, host: '127.0.0.1', logger: () => {}, now: s.clock.now, trustProxy: false });
      try {
        const res = await fetch(`${direct.url}${MONITOR}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          body: JSON.stringify({ username: 'surabaya', password: PASSWORD }),
        });
        expect(res.status).toBe(200);
        expect(sessionCookie(res.headers)!.text.split(/;\s*/)).not.toContain('Secure');
      } finally {
        await direct.stop();
      }
    });

    it('refuses a wrong password and an unknown name alike: 401 invalid_login, no cookie', async () => {
      const wrong = await login('surabaya', 'bukan-sandinya', '10.2.2.1');
      const unknown = await login('tidak-ada', PASSWORD, '10.2.2.1');
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: { code: 'invalid_login', message: 'Nama pengguna atau kata sandi salah.' } });
        expect(sessionCookie(res.headers)).toBeNull();
      }
      const en = await login('tidak-ada', PASSWORD, '10.2.2.1', { 'accept-language': 'en' });
      expect(en.body.error.message).toBe('Wrong user name or password.');
    });

    it('takes JSON only, and refuses malformed bodies with 400 without counting them as failures', async () => {
      const counted = () =>
        s.database.db.selectFrom('enroll_failures').selectAll().where('address', 'in', ['name:surabaya', 'login:10.2.3.1']).orderBy('nonce').execute();
      const before = await counted();
      const address = { 'x-forwarded-for': '10.2.3.1' };
      const body = JSON.stringify({ username: 'surabaya', password: 'bukan-sandinya' });
      for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }]) {
        const res = await fetch(`${s.url}${MONITOR}/login`, { method: 'POST', headers: { ...address, ...headers } as Record<string, string>, body: new Blob([body]) });
        expect(res.status).toBe(400);
        expect((await res.json()).error.code).toBe('invalid_request');
      }
      for (let i = 0; i < 12; i++) {
        const res = await call(s, 'POST', `${MONITOR}/login`, { json: { username: 'surabaya' }, headers: address });
        expect(res.status).toBe(400);
      }
      expect((await call(s, 'POST', `${MONITOR}/login`, { raw: '{', headers: { ...address, 'content-type': 'application/json' } })).status).toBe(400);
      const huge = await call(s, 'POST', `${MONITOR}/login`, { json: { username: 'surabaya', password: 'x'.repeat(5000) }, headers: address });
      expect(huge.status).toBe(413);
      // The login's own limit, not the sync protocol's 1 MiB.
      expect(huge.body.error).toEqual({ code: 'payload_too_large', message: 'Kiriman terlalu besar (maksimal 4 KB).' });
      expect(await counted()).toEqual(before);
      expect((await login('surabaya', PASSWORD, '10.2.3.1')).status).toBe(200);
    });

    it('refuses a NUL character in the name or the password with 400 and a field message, never a 5xx', async () => {
      const address = '10.2.4.1';
      const cases: [Record<string, string>, string[]][] = [
        [{ username: 'sura\u0000baya', password: PASSWORD }, ['username']],
        [{ username: '\u0000', password: PASSWORD }, ['username']],
        [{ username: 'surabaya', password: `${PASSWORD}\u0000` }, ['password']],
        [{ username: 'surabaya\u0000', password: '\u0000' }, ['username', 'password']],
      ];
      for (const [json, paths] of cases) {
        const res = await call(s, 'POST', `${MONITOR}/login`, { json, headers: { 'x-forwarded-for': address } });
        expect(res.status, JSON.stringify(json)).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
        expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(paths);
      }
      const id = await call(s, 'POST', `${MONITOR}/login`, { json: cases[0][0], headers: { 'x-forwarded-for': address } });
      expect(id.body.error.details).toEqual([{ path: 'username', message: 'Nama pengguna tidak boleh berisi karakter NUL' }]);
      const en = await call(s, 'POST', `${MONITOR}/login`, { json: cases[2][0], headers: { 'x-forwarded-for': address, 'accept-language': 'en' } });
      expect(en.body.error.details).toEqual([{ path: 'password', message: 'Password may not contain a NUL character' }]);
      // Refused before anything is counted: the address and the name can still log in.
      expect((await login('surabaya', PASSWORD, address)).status).toBe(200);
    });
  });

  describe('sessions', () => {
    beforeAll(async () => {
      await addSupervisor('nasional', 'national');
    });

    it('answers /me with the session supervisor; without a valid session 401', async () => {
      const token = await loggedIn('nasional', '10.3.0.1');
      const me = await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ name: 'nasional', scope: { level: 'national' } });
      expect(me.headers.get('cache-control')).toBe('no-store');
      for (const headers of [{}, withSession(''), withSession('x'.repeat(43)), withSession(`${token}x`), { cookie: `other=${token}` }]) {
        const res = await call(s, 'GET', `${MONITOR}/me`, { headers });
        expect(res.status).toBe(401);
        // Its own code and words: not the device's "Perangkat belum terdaftar…".
        expect(res.body).toEqual({ error: { code: 'login_required', message: 'Silakan masuk dulu.' } });
      }
      const en = await call(s, 'GET', `${MONITOR}/me`, { headers: { 'accept-language': 'en' } });
      expect(en.body).toEqual({ error: { code: 'login_required', message: 'Please log in first.' } });
    });

    it('lets no browser cache keep an answer of the API: the figures are gone with the session', async () => {
      // A shared office computer: after "Keluar", the HTTP cache must not still hold the lists.
      const token = await loggedIn('nasional', '10.3.0.9');
      const lib = await addLibrary(s);
      const device = await enrollNew(s, lib);
      for (const path of ['/summary', '/libraries', `/libraries/${lib.id}`, '/me']) {
        const res = await call(s, 'GET', `${MONITOR}${path}`, { headers: withSession(token) });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('cache-control'), path).toBe('no-store');
      }
      const refused = await call(s, 'GET', `${MONITOR}/summary`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      // The phone's routes too: a library's entries stay out of a handed-on phone's cache.
      for (const path of ['/api/v1/sync/pull', '/api/v1/library', '/api/v1/rulebook']) {
        const res = await call(s, 'GET', path, { token: device.token });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('cache-control'), path).toBe('no-store');
      }
    });

    it('logs out: 204, the cookie cleared, the session gone', async () => {
      const token = await loggedIn('nasional', '10.3.1.1');
      const other = await loggedIn('nasional', '10.3.1.1');
      const out = await call(s, 'POST', `${MONITOR}/logout`, { headers: withSession(token) });
      expect(out.status).toBe(204);
      const cleared = sessionCookie(out.headers)!;
      expect(cleared.token).toBe('');
      expect(cleared.text.split(/;\s*/)).toEqual(expect.arrayContaining(['Max-Age=0', 'Path=/api/v1/monitor', 'HttpOnly', 'SameSite=Strict']));
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) })).status).toBe(401);
      // Only that session: the supervisor's other login still works.
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(other) })).status).toBe(200);
      // Logging out again, or without a session, is harmless.
      expect((await call(s, 'POST', `${MONITOR}/logout`, { headers: withSession(token) })).status).toBe(204);
      expect((await call(s, 'POST', `${MONITOR}/logout`)).status).toBe(204);
    });

    it('ends a session 12 hours after login', async () => {
      const token = await loggedIn('nasional', '10.3.2.1');
      s.clock.advance(12 * 60 * MINUTE - 1000);
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) })).status).toBe(200);
      s.clock.advance(1000);
      expect((await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) })).status).toBe(401);
      // The next login clears the supervisor's ended sessions.
      await loggedIn('nasional', '10.3.2.1');
      const left = await s.database.db.selectFrom('supervisor_sessions').select('token_hash').where('token_hash', '=', hashToken(token)).execute();
      expect(left).toEqual([]);
    });
  });

  describe('lockout', () => {
    beforeAll(async () => {
      await addSupervisor('kunci', 'province:Jawa Barat');
      await addSupervisor('kunci2', 'province:Jawa Barat');
    });

    it('locks a name for 15 minutes after 5 wrong passwords in a row, even for the right password', async () => {
      for (let i = 0; i < 5; i++) {
        // From different addresses: the name's lock, not the address's.
        const res = await login('kunci', `salah-${i}-sandi`, `10.4.0.${i + 1}`);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('invalid_login');
      }
      const locked = await login('kunci', PASSWORD, '10.4.0.9');
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('rate_limited');
      expect(locked.headers.get('retry-after')).toBe('900');
      expect(sessionCookie(locked.headers)).toBeNull();
      expect((await admin(['supervisor', 'list', '--json'])).json.supervisors).toContainEqual(expect.objectContaining({ name: 'kunci', locked: true }));
      // Another name is not locked.
      await addSupervisor('lain', 'national');
      expect((await login('lain', PASSWORD, '10.4.0.9')).status).toBe(200);

      s.clock.advance(10 * MINUTE);
      const still = await login('kunci', PASSWORD, '10.4.0.9');
      expect(still.status).toBe(429);
      expect(still.headers.get('retry-after')).toBe('300');
      s.clock.advance(5 * MINUTE);
      expect((await login('kunci', PASSWORD, '10.4.0.9')).status).toBe(200);
    });

    it('starts counting again after a successful login', async () => {
      for (let i = 0; i < 4; i++) expect((await login('kunci2', 'salah-sandi', '10.4.1.1')).status).toBe(401);
      expect((await login('kunci2', PASSWORD, '10.4.1.2')).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await login('kunci2', 'salah-sandi', '10.4.1.3')).status).toBe(401);
      expect((await login('kunci2', PASSWORD, '10.4.1.4')).status).toBe(200);
    });

    it('refuses an address for 15 minutes after 10 failures, whatever names it tried, and lets other addresses in', async () => {
      await addSupervisor('alamat', 'province:Bali');
      for (let i = 0; i < 10; i++) {
        // Unknown names, and the known one once: no name reaches its own lockout.
        const res = await login(i === 0 ? 'alamat' : `coba-${i}`, 'salah-sandi', '10.4.2.1');
        expect(res.status).toBe(401);
        s.clock.advance(MINUTE);
      }
      const blocked = await login('alamat', PASSWORD, '10.4.2.1');
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('rate_limited');
      expect(blocked.headers.get('retry-after')).toBe(String(5 * 60)); // the first failure leaves the window in 5 minutes
      expect((await login('alamat', PASSWORD, '10.4.2.2')).status).toBe(200);
      s.clock.advance(5 * MINUTE);
      expect((await login('alamat', PASSWORD, '10.4.2.1')).status).toBe(200);
    });

    it('shows a locked address in supervisor list, and supervisor unlock lifts it at once', async () => {
      await addSupervisor('kantor', 'province:Bali');
      // Ten wrong logins from one office address (a NAT): every supervisor behind it is refused.
      for (let i = 0; i < 10; i++) expect((await login(`salah-${i}`, 'salah-sandi', '10.4.5.1')).status).toBe(401);
      expect((await login('kantor', PASSWORD, '10.4.5.1')).status).toBe(429);
      const listed = await admin(['supervisor', 'list', '--json']);
      expect(listed.json.lockedAddresses).toEqual([{ subject: '10.4.5.1', until: expect.any(String) }]);
      const human = await admin(['supervisor', 'list']);
      expect(human.out.join('\n')).toContain('Logins refused from one address after ten wrong passwords: 10.4.5.1');
      expect(human.out.join('\n')).toContain('supervisor unlock lifts this');

      const unlocked = await admin(['supervisor', 'unlock', '--json']);
      expect(unlocked.code).toBe(0);
      expect(unlocked.json).toEqual({ unlocked: ['10.4.5.1'] });
      expect((await login('kantor', PASSWORD, '10.4.5.1')).status).toBe(200);
      expect((await admin(['supervisor', 'list', '--json'])).json.lockedAddresses).toEqual([]);
      // A name's own lock is not an address's: supervisor passwd lifts that one.
      expect((await admin(['supervisor', 'unlock', 'extra'])).code).toBe(2);
    });

    it('lets at most 5 of 40 wrong passwords sent at once for one name reach the password check', async () => {
      await addSupervisor('serentak', 'province:Jawa Barat');
      const hash = await storedHash('serentak');
      verify.mockClear();
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login('serentak', `salah-${i}-sandi`, '10.4.3.1')));
      expect(statusCounts(answers)).toEqual({ 401: 5, 429: 35 });
      expect(checkedAgainst(hash)).toBe(5);
      // The refused ones are answered without a password check: a flood of them runs no scrypt.
      expect(verify).toHaveBeenCalledTimes(5);
      for (const res of answers.filter((r) => r.status === 429)) expect(res.body.error.code).toBe('rate_limited');
      expect((await login('serentak', PASSWORD, '10.4.3.2')).status).toBe(429);
    });

    it('lets at most 10 of 40 failures sent at once from one address reach the password check', async () => {
      await addSupervisor('serentak2', 'province:Jawa Barat');
      const hash = await storedHash('serentak2');
      verify.mockClear();
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => login(i === 0 ? 'serentak2' : `tebak-${i}`, 'salah-sandi', '10.4.4.1')),
      );
      expect(statusCounts(answers)).toEqual({ 401: 10, 429: 30 });
      expect(verify).toHaveBeenCalledTimes(10);
      expect(checkedAgainst(hash)).toBeLessThanOrEqual(1);
      expect((await login('serentak2', PASSWORD, '10.4.4.1')).status).toBe(429);
      expect((await login('serentak2', PASSWORD, '10.4.4.2')).status).toBe(200);
    });

    it('keeps both limits across server processes on one database, for attempts sent at once to each', async () => {
      const second = await startServer({ database: openUrl(s.databaseUrl), port: 0, host: '127.0.0.1', logger: () => {}, now: s.clock.now, trustProxy: true });
      try {
        const to = (url: string, username: string, address: string) =>
          fetch(`${url}${MONITOR}/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
            body: JSON.stringify({ username, password: 'salah-sandi' }),
          });
        // One name from many addresses: 5 in all reach the check.
        const byName = await Promise.all(Array.from({ length: 30 }, (_, i) => to(i % 2 ? second.url : s.url, 'dua-proses', `10.4.7.${i + 1}`)));
        expect(statusCounts(byName)).toEqual({ 401: 5, 429: 25 });
        // One address, many names: 10 in all.
        const byAddress = await Promise.all(Array.from({ length: 30 }, (_, i) => to(i % 2 ? second.url : s.url, `dua-proses-${i}`, '10.4.8.1')));
        expect(statusCounts(byAddress)).toEqual({ 401: 10, 429: 20 });
      } finally {
        await second.stop();
      }
    });

    it('refuses unknown and known names alike: 429 after 5 failures for both, with no password check once locked', async () => {
      await addSupervisor('ada', 'province:Jawa Barat');
      for (const name of ['ada', 'tidak-ada']) {
        for (let i = 0; i < 5; i++) expect((await login(name, `salah-${i}-sandi`, `10.4.5.${i + 1}`)).status).toBe(401);
      }
      verify.mockClear();
      const known = await login('ada', PASSWORD, '10.4.5.9');
      const unknown = await login('Tidak-Ada ', PASSWORD, '10.4.5.9');
      for (const res of [known, unknown]) {
        expect(res.status).toBe(429);
        expect(res.body).toEqual({ error: { code: 'rate_limited', message: 'Terlalu banyak percobaan. Coba lagi nanti.' } });
        expect(res.headers.get('retry-after')).toBe('900');
      }
      // Neither paid for scrypt: the lock holds for both, so neither the answer nor its time tells which name exists.
      expect(verify).not.toHaveBeenCalled();
      s.clock.advance(15 * MINUTE);
      expect((await login('ada', PASSWORD, '10.4.5.9')).status).toBe(200);
      expect((await login('tidak-ada', PASSWORD, '10.4.5.9')).status).toBe(401);
    });

    it('counts the address the trusted proxy saw (the rightmost X-Forwarded-For entry), so rotating the others does not help', async () => {
      await addSupervisor('putar', 'province:Bali');
      for (let i = 0; i < 10; i++) {
        expect((await login(`putar-${i}`, 'salah-sandi', `203.0.113.${i}, 10.4.6.1`)).status).toBe(401);
      }
      const blocked = await login('putar', PASSWORD, '198.51.100.1, 10.4.6.1');
      expect(blocked.status).toBe(429);
      expect((await login('putar', PASSWORD, '10.4.6.1, 10.4.6.2')).status).toBe(200);
    });
  });

  describe('separation from the sync routes', () => {
    it('never takes a device token on the monitoring routes, nor a session cookie on the sync routes', async () => {
      await addSupervisor('pisah', 'national');
      const lib = await addLibrary(s);
      const device = await enrollNew(s, lib);
      const token = await loggedIn('pisah', '10.5.0.1');

      for (const headers of [{ authorization: `Bearer ${device.token}` }, { authorization: `Bearer ${token}` }]) {
        const me = await call(s, 'GET', `${MONITOR}/me`, { headers });
        expect(me.status).toBe(401);
        expect(me.body.error.code).toBe('login_required');
      }

      const cookie = withSession(token);
      const push = await call(s, 'POST', '/api/v1/sync/push', {
        headers: cookie,
        json: { mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(lib.id) }] },
      });
      expect(push.status).toBe(401);
      expect(push.body.error.code).toBe('unauthorized');
      for (const path of ['/api/v1/sync/pull', '/api/v1/library', '/api/v1/rulebook']) {
        expect((await call(s, 'GET', path, { headers: cookie })).status, path).toBe(401);
      }
      // The session token as a bearer token is no device either.
      expect((await call(s, 'GET', '/api/v1/sync/pull', { token })).status).toBe(401);
      expect(await s.database.db.selectFrom('entries').selectAll().where('library_id', '=', lib.id).execute()).toEqual([]);
      // The device itself still pushes.
      expect((await pushEntries(s, device, [makeEntry(lib.id)])).status).toBe(200);
    });

    it('gives other origins no CORS headers on the monitoring routes, while the sync routes keep theirs', async () => {
      const origin = 'https://jahat.contoh.id';
      const preflight = await fetch(`${s.url}${MONITOR}/login`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const token = await loggedIn('pisah', '10.5.1.1');
      const me = await call(s, 'GET', `${MONITOR}/me`, { headers: { origin, ...withSession(token) } });
      expect(me.status).toBe(200);
      expect(me.headers.get('access-control-allow-origin')).toBeNull();
      expect(me.headers.get('access-control-allow-credentials')).toBeNull();
      const login = await call(s, 'POST', `${MONITOR}/login`, {
        json: { username: 'pisah', password: PASSWORD },
        headers: { origin, 'x-forwarded-for': '10.5.1.1' },
      });
      expect(login.headers.get('access-control-allow-origin')).toBeNull();
      expect(login.headers.get('access-control-allow-credentials')).toBeNull();
      const sync = await call(s, 'GET', '/api/v1/library', { headers: { origin } });
      expect(sync.headers.get('access-control-allow-origin')).toBe('*');
    });
  });

  it('logs the supervisor name on the monitoring routes, never the password, the token or the cookie', async () => {
    await addSupervisor('catat', 'province:Jawa Tengah');
    s.logs.length = 0;
    const wrong = 'sandi-yang-salah-99';
    await login('catat', wrong, '10.6.0.1');
    const res = await login('catat', PASSWORD, '10.6.0.1');
    const token = sessionCookie(res.headers)!.token;
    await call(s, 'GET', `${MONITOR}/me`, { headers: withSession(token) });
    await call(s, 'POST', `${MONITOR}/logout`, { headers: withSession(token) });
    expect(s.logs).toHaveLength(4);
    expect(s.logs[0]).toMatchObject({ method: 'POST', path: `${MONITOR}/login`, status: 401 });
    expect(s.logs[0].supervisor).toBeUndefined();
    expect(s.logs[1]).toMatchObject({ path: `${MONITOR}/login`, status: 200, supervisor: 'catat' });
    expect(s.logs[2]).toMatchObject({ method: 'GET', path: `${MONITOR}/me`, status: 200, supervisor: 'catat' });
    expect(s.logs[3]).toMatchObject({ path: `${MONITOR}/logout`, status: 204, supervisor: 'catat' });
    // The supervisor's name in place of a device id, once known.
    expect(s.logs[0].deviceId).toBeNull();
    for (const line of s.logs.slice(1)) expect(line.deviceId).toBeUndefined();
    const text = JSON.stringify(s.logs);
    for (const secret of [PASSWORD, wrong, token, hashToken(token)]) expect(text).not.toContain(secret);
  });
});

describe('supervisor add as a process', () => {
  /** On an empty database of its own each time. */
  const run = (argv: string[], input: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-supervisor-'));
    try {
      return spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', ...argv], {
        env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'kosong.sqlite')}` },
        encoding: 'utf8',
        input,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads the password piped to standard input, and exits 2 for a short one', () => {
    const ok = run(['supervisor', 'add', '--name', 'jatim', '--scope', 'province:Jawa Timur', '--json'], 'secret123\n');
    // An empty database: the account is made, with a warning that its scope covers no library yet.
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('province:Jawa Timur');
    expect(JSON.parse(ok.stdout)).toEqual({ name: 'jatim', scope: 'province:Jawa Timur', librariesInScope: 0 });
    expect(ok.stdout).not.toContain('secret123');
    const short = run(['supervisor', 'add', '--name', 'jatim', '--scope', 'province:Jawa Timur'], 'secret\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('8 to 200 characters');
  });
});

describe('clientAddress', () => {
  it('behind a trusted proxy is the rightmost X-Forwarded-For entry, the one the proxy saw; else the connection', async () => {
    const answer = async (trustProxy: boolean, headers: [string, string][] = []) => {
      const app = new Hono().get('/', (c) => c.text(clientAddress(c, trustProxy)));
      return (await app.request('http://tpbis.contoh.id/', { headers })).text();
    };
    const xff = (v: string): [string, string] => ['x-forwarded-for', v];
    expect(await answer(true, [xff('10.9.0.1')])).toBe('10.9.0.1');
    expect(await answer(true, [xff('203.0.113.7, 10.9.0.1')])).toBe('10.9.0.1');
    expect(await answer(true, [xff(' 203.0.113.7 ,  10.9.0.2 ')])).toBe('10.9.0.2');
    // A second header line, as a proxy appends it after the client's own.
    expect(await answer(true, [xff('203.0.113.7'), xff('10.9.0.3')])).toBe('10.9.0.3');
    // No usable entry, or no trusted proxy: the connection's address (none under app.request).
    expect(await answer(true, [xff('10.9.0.1, ')])).toBe('unknown');
    expect(await answer(true)).toBe('unknown');
    expect(await answer(false, [xff('10.9.0.1')])).toBe('unknown');
  });
});

describe('cameOverHttps', () => {
  it('is true for an https request URL, or per the rightmost X-Forwarded-Proto entry only behind a trusted proxy', async () => {
    const answer = async (url: string, trustProxy: boolean, proto?: string) => {
      const app = new Hono().get('/', (c) => c.text(String(cameOverHttps(c, trustProxy))));
      return (await app.request(url, { headers: proto ? { 'x-forwarded-proto': proto } : {} })).text();
    };
    expect(await answer('https://tpbis.contoh.id/', false)).toBe('true');
    expect(await answer('http://tpbis.contoh.id/', false)).toBe('false');
    expect(await answer('http://tpbis.contoh.id/', false, 'https')).toBe('false');
    expect(await answer('http://tpbis.contoh.id/', true, 'https')).toBe('true');
    // The rightmost entry, our proxy's, as for X-Forwarded-For: one the client sent along is ignored.
    expect(await answer('http://tpbis.contoh.id/', true, 'http, HTTPS')).toBe('true');
    expect(await answer('http://tpbis.contoh.id/', true, 'https, http')).toBe('false');
    expect(await answer('http://tpbis.contoh.id/', true, 'http')).toBe('false');
  });
});
