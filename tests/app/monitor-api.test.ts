/**
 * The monitoring section's requests (src/app/monitor/api.ts) with a fake fetch and a
 * fresh fake IndexedDB: validation before use, the last good answer kept per URL and
 * shown when the server cannot be reached, login errors as values, and logout and
 * login forgetting what the previous session saw. Plus the address ⇄ view mapping.
 */
import { IDBFactory } from 'fake-indexeddb';
import { get, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { monitorSummarySchema, supervisorInfoSchema, type MonitorSummary } from '../../src/domain';
import { fetchExport, login, logout, readJson, settlePendingLogout, type MonitorDeps } from '../../src/app/monitor/api';
import { areaHash, effectiveArea, libraryHash, librariesUrl, meUrl, parseView, summaryUrl } from '../../src/app/monitor/view';

const NOW = new Date('2025-10-20T03:00:00.000Z');

function fakeStore(): UseStore {
  const open = new IDBFactory().open('views');
  open.onupgradeneeded = () => open.result.createObjectStore('views');
  const db = new Promise<IDBDatabase>((ok, fail) => {
    open.onsuccess = () => ok(open.result);
    open.onerror = () => fail(open.error);
  });
  return (mode, use) => db.then((d) => use(d.transaction('views', mode).objectStore('views')));
}

type Answer = Response | 'network-error';

/** The copy is written after the answer is returned: wait until it is there. */
const kept = (d: MonitorDeps, at: string) => expect.poll(() => get(at, d.store())).toBeDefined();

/** Deps whose fetch answers from `answers` in turn, recording each request. */
function deps(answers: Answer[]): MonitorDeps & { requests: { url: string; init?: RequestInit }[] } {
  const store = fakeStore();
  const requests: { url: string; init?: RequestInit }[] = [];
  return {
    requests,
    store: () => store,
    now: () => NOW,
    fetch: async (url, init) => {
      requests.push({ url, init });
      const next = answers.shift();
      if (next === undefined || next === 'network-error') throw new TypeError('Failed to fetch');
      return next;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const error = (status: number, code: string, headers: Record<string, string> = {}) => json(status, { error: { code, message: code } }, headers);

const figures = { name: 'Jawa Timur', libraries: 2, colours: { hijau: 1, kuning: 0, merah: 1, 'abu-abu': 0 }, entries: { layanan: 1, pelibatan: 2, advokasi: 0 }, stale: 1 };
const summary: MonitorSummary = {
  area: { province: 'Jawa Timur' },
  rulebookId: 'perkiraan-2025.1',
  asOf: NOW.toISOString(),
  total: figures,
  children: [{ ...figures, name: 'Kabupaten Malang' }],
  childLevel: 'regency',
};
const url = summaryUrl({ province: 'Jawa Timur' });

describe('readJson', () => {
  it('returns a valid answer, and the kept copy with its time when the network fails', async () => {
    const d = deps([json(200, summary), 'network-error']);
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: true, data: summary, savedAt: null });
    expect(d.requests[0].init?.credentials).toBe('same-origin');
    await kept(d, url);
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: true, data: summary, savedAt: NOW.toISOString() });
  });

  it('treats a proxy’s 502/503/504 as the server being unreachable', async () => {
    const d = deps([json(200, summary), error(503, 'internal')]);
    await readJson(url, monitorSummarySchema, d);
    await kept(d, url);
    expect(await readJson(url, monitorSummarySchema, d)).toMatchObject({ ok: true, savedAt: NOW.toISOString() });
  });

  it('says unreachable when nothing was kept for that address', async () => {
    const d = deps(['network-error']);
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
  });

  it('refuses a body that does not match the contract, and does not keep it', async () => {
    const d = deps([json(200, { ...summary, total: { name: 'x' } }), new Response('<html>', { status: 200 }), 'network-error']);
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'invalid' } });
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'invalid' } });
    expect(await get(url, d.store())).toBeUndefined();
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
  });

  it('reports 401 as unauthorized and other errors with their status and code', async () => {
    const d = deps([error(401, 'unauthorized'), error(403, 'out_of_scope'), error(404, 'not_found'), new Response('oops', { status: 500 })]);
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'unauthorized' } });
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'status', status: 403, code: 'out_of_scope', retryAfterMs: null } });
    expect(await readJson(url, monitorSummarySchema, d)).toMatchObject({ ok: false, error: { status: 404, code: 'not_found' } });
    expect(await readJson(url, monitorSummarySchema, d)).toMatchObject({ ok: false, error: { status: 500, code: null } });
  });
});

describe('fetchExport', () => {
  const csvUrl = '/api/v1/monitor/export/libraries.csv?province=Jawa+Timur';

  it('returns the file and the name the server gave it, and keeps nothing', async () => {
    const file = new Response('Nama;Warna\r\nA;hijau\r\n', { status: 200, headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="perpustakaan-jawa-timur-2025-10-20.csv"' } });
    const d = deps([file]);
    const got = await fetchExport(csvUrl, d);
    expect(got).toMatchObject({ ok: true, fileName: 'perpustakaan-jawa-timur-2025-10-20.csv' });
    expect(got.ok && (await got.blob.text())).toBe('Nama;Warna\r\nA;hijau\r\n');
    expect(d.requests[0].init?.credentials).toBe('same-origin');
    expect(await get(csvUrl, d.store())).toBeUndefined();
  });

  it('says why there is no file — never hands an error body over as the download', async () => {
    const d = deps(['network-error', error(503, 'internal'), error(403, 'out_of_scope'), error(401, 'login_required')]);
    expect(await fetchExport(csvUrl, d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
    expect(await fetchExport(csvUrl, d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
    expect(await fetchExport(csvUrl, d)).toEqual({ ok: false, error: { kind: 'status', status: 403, code: 'out_of_scope', retryAfterMs: null } });
    expect(await fetchExport(csvUrl, d)).toEqual({ ok: false, error: { kind: 'unauthorized' } });
  });

  it('a 401 ends the session here too: the kept views are forgotten', async () => {
    const d = deps([json(200, summary), error(401, 'login_required')]);
    await readJson(url, monitorSummarySchema, d);
    await kept(d, url);
    await fetchExport(csvUrl, d);
    expect(await get(url, d.store())).toBeUndefined();
  });
});

describe('login', () => {
  const me = { name: 'jatim', scope: { level: 'province', name: 'Jawa Timur' } };

  it('posts the name and password as JSON and returns who signed in', async () => {
    const d = deps([json(200, me)]);
    expect(await login('jatim', 'rahasia-123', d)).toEqual({ ok: true, me });
    expect(d.requests[0].init?.method).toBe('POST');
    expect(JSON.parse(String(d.requests[0].init?.body))).toEqual({ username: 'jatim', password: 'rahasia-123' });
    expect(new Headers(d.requests[0].init?.headers).get('content-type')).toBe('application/json');
  });

  it('words a wrong password as invalid_login and a lockout with its Retry-After', async () => {
    const d = deps([error(401, 'invalid_login'), error(429, 'rate_limited', { 'retry-after': '840' }), 'network-error']);
    expect(await login('jatim', 'salah-sekali', d)).toEqual({ ok: false, error: { kind: 'status', status: 401, code: 'invalid_login', retryAfterMs: null } });
    expect(await login('jatim', 'salah-sekali', d)).toEqual({ ok: false, error: { kind: 'status', status: 429, code: 'rate_limited', retryAfterMs: 840_000 } });
    expect(await login('jatim', 'salah-sekali', d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
  });

  it('words a name or password no account can have (too long, a NUL) as a wrong login, without asking the server', async () => {
    const d = deps([]);
    const wrong = { ok: false, error: { kind: 'status', status: 401, code: 'invalid_login', retryAfterMs: null } };
    expect(await login('jatim', 'x'.repeat(250), d)).toEqual(wrong);
    expect(await login('j'.repeat(150), 'rahasia-123', d)).toEqual(wrong);
    expect(await login('jatim', 'rahasia\u0000', d)).toEqual(wrong);
    expect(d.requests).toEqual([]);
  });

  it('forgets the previous session’s views and keeps who signed in, for opening offline', async () => {
    const d = deps([json(200, summary), json(200, me), 'network-error', 'network-error']);
    await readJson(url, monitorSummarySchema, d);
    await kept(d, url);
    await login('jatim', 'rahasia-123', d);
    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
    expect(await readJson(meUrl(), supervisorInfoSchema, d)).toEqual({ ok: true, data: me, savedAt: NOW.toISOString() });
  });

  it('a logout that could not be sent stays pending: sent before the next look-up, and before the next login', async () => {
    const d = deps([json(200, me), 'network-error', 'network-error', new Response(null, { status: 204 })]);
    await login('jatim', 'rahasia-123', d);
    await logout(d);
    // Still offline: not settled, so the page must not ask who is signed in.
    expect(await settlePendingLogout(d)).toBe(false);
    // Online again: sent once, then nothing is pending.
    expect(await settlePendingLogout(d)).toBe(true);
    expect(await settlePendingLogout(d)).toBe(true);
    expect(d.requests.map((r) => [r.url, r.init?.method])).toEqual([
      ['/api/v1/monitor/login', 'POST'],
      ['/api/v1/monitor/logout', 'POST'],
      ['/api/v1/monitor/logout', 'POST'],
      ['/api/v1/monitor/logout', 'POST'],
    ]);
  });

  it('the next login sends a pending logout first, and a login clears it (sent later, it would end the new session)', async () => {
    // The server fails the pending logout (500) but takes the login: the flag must go all the same.
    const d = deps(['network-error', error(500, 'internal'), json(200, me)]);
    await logout(d);
    await login('jatim', 'rahasia-123', d);
    expect(d.requests.map((r) => r.url)).toEqual(['/api/v1/monitor/logout', '/api/v1/monitor/logout', '/api/v1/monitor/login']);
    expect(await settlePendingLogout(d)).toBe(true);
    expect(d.requests).toHaveLength(3);
  });

  it('Keluar reaches the server even when nothing can be written here (storage full or blocked)', async () => {
    const d = deps([json(200, me), new Response(null, { status: 204 })]);
    await login('jatim', 'rahasia-123', d);
    const refusing = { ...d, store: () => (() => Promise.reject(new DOMException('full', 'QuotaExceededError'))) as unknown as ReturnType<MonitorDeps['store']> };
    await logout(refusing);
    expect(d.requests.map((r) => r.url)).toEqual(['/api/v1/monitor/login', '/api/v1/monitor/logout']);
  });

  it('logout forgets every kept view, even offline', async () => {
    const d = deps([json(200, me), 'network-error', 'network-error']);
    await login('jatim', 'rahasia-123', d);
    await logout(d);
    expect(d.requests[1].url).toBe('/api/v1/monitor/logout');
    expect(await readJson(meUrl(), supervisorInfoSchema, d)).toEqual({ ok: false, error: { kind: 'unreachable' } });
  });
});

describe('the address of a view', () => {
  it('reads back what areaHash and libraryHash write', () => {
    const area = { province: 'Jawa Timur', regency: 'Kabupaten Malang' };
    expect(parseView(areaHash(area, { q: 'Suka maju', tab: 'hijau' }).slice('#/pantau'.length))).toEqual({ kind: 'area', area, q: 'Suka maju', tab: 'hijau' });
    // Any colour: red and grey are the libraries to call.
    for (const tab of ['kuning', 'merah', 'abu-abu'] as const) {
      expect(areaHash(area, { tab })).toContain(`warna=${tab}`);
      expect(parseView(areaHash(area, { tab }).slice('#/pantau'.length))).toEqual({ kind: 'area', area, q: '', tab });
    }
    expect(parseView('?warna=ungu')).toEqual({ kind: 'area', area: {}, q: '', tab: 'all' });
    expect(parseView(areaHash(area, { tab: 'stale' }).slice('#/pantau'.length))).toEqual({ kind: 'area', area, q: '', tab: 'stale' });
    expect(areaHash(area, { tab: 'stale' })).toMatch(/belum-sinkron=ya$/);
    expect(parseView('')).toEqual({ kind: 'area', area: {}, q: '', tab: 'all' });
    expect(parseView(libraryHash('0190abcd-0000-7000-8000-000000000001').slice('#/pantau'.length))).toEqual({ kind: 'library', id: '0190abcd-0000-7000-8000-000000000001' });
  });

  it('starts from the supervisor’s own scope when no area is named', () => {
    expect(effectiveArea({}, { level: 'province', name: 'Jawa Timur' })).toEqual({ province: 'Jawa Timur' });
    expect(effectiveArea({}, { level: 'regency', name: 'Kota Surabaya' })).toEqual({ regency: 'Kota Surabaya' });
    expect(effectiveArea({}, { level: 'national' })).toEqual({});
    expect(effectiveArea({ province: 'Bali' }, { level: 'national' })).toEqual({ province: 'Bali' });
  });

  it('asks the API with only the parameters that are set', () => {
    expect(summaryUrl({})).toBe('/api/v1/monitor/summary');
    expect(librariesUrl({ province: 'Jawa Timur' }, 'Suka', 'hijau')).toBe('/api/v1/monitor/libraries?province=Jawa+Timur&q=Suka&colour=hijau');
    expect(librariesUrl({ province: 'Jawa Timur' }, '', 'abu-abu')).toBe('/api/v1/monitor/libraries?province=Jawa+Timur&colour=abu-abu');
    expect(librariesUrl({ regency: 'Kota Batu' }, '', 'stale')).toBe('/api/v1/monitor/libraries?regency=Kota+Batu&stale=true');
    expect(librariesUrl({}, '', 'all')).toBe('/api/v1/monitor/libraries');
  });
});

describe('a session the server ended (401)', () => {
  const me = { name: 'jatim', scope: { level: 'province', name: 'Jawa Timur' } };

  it('forgets the kept views and "who is signed in"; a late 401 of the session before a new login does not', async () => {
    const store = fakeStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const answers: (() => Promise<Response>)[] = [
      async () => json(200, me), // login
      async () => json(200, summary),
      async () => error(401, 'unauthorized'),
      async () => json(200, me), // second login
      async () => {
        await gate; // slow: answered only after a third login
        return error(401, 'unauthorized');
      },
      async () => json(200, me), // third login
    ];
    const d: MonitorDeps = { store: () => store, now: () => NOW, fetch: () => answers.shift()!() };
    await login('jatim', 'rahasia-123', d);
    await readJson(url, monitorSummarySchema, d);
    await kept(d, url);
    expect(await get(meUrl(), store)).toBeDefined();

    expect(await readJson(url, monitorSummarySchema, d)).toEqual({ ok: false, error: { kind: 'unauthorized' } });
    expect(await get(url, store)).toBeUndefined();
    expect(await get(meUrl(), store)).toBeUndefined();

    await login('jatim', 'rahasia-123', d);
    const old = readJson(url, monitorSummarySchema, d); // sent in the second session
    await new Promise((r) => setTimeout(r, 10));
    await login('jatim', 'rahasia-123', d); // the third
    release();
    await old;
    expect(await get(meUrl(), store)).toEqual({ savedAt: expect.any(String), body: me });
  });
});
