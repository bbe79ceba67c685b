/** /library, /rulebook, /healthz, authentication, and the built app (SYNC-PROTOCOL.md, "Other routes"). */
import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeKpi, defaultRulebook, libraryResponseSchema } from '../../src/domain';
import { BIG_ASSET, DB_KINDS, addLibrary, call, enrollNew, fakeDist, makeEntry, pushEntries, startTestServer, type TestServer } from './harness';

describe.each(DB_KINDS)('routes on %s', (kind) => {
  let s: TestServer;
  let dist: string;
  beforeAll(async () => {
    dist = fakeDist({ 'index-abc123.js': 'console.log(1);', 'big-abc123.js': BIG_ASSET });
    s = await startTestServer(kind, { distDir: dist });
  });
  afterAll(async () => {
    await s?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('GET /healthz answers ok with the database kind', async () => {
    const res = await call(s, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, db: kind });
  });

  it("GET /library: its kpi equals computeKpi over the same entries, with lastPushAt", async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const before = await call(s, 'GET', '/api/v1/library', { token: dev.token });
    expect(before.body.lastPushAt).toBeNull();
    expect(before.body.kpi.colour).toBe('abu-abu');

    const entries = [
      makeEntry(lib.id),
      makeEntry(lib.id, { strategy: 'advokasi', activityType: 'musyawarah_desa', successStory: 'Dana desa naik.' }),
      makeEntry(lib.id, { strategy: 'layanan', activityType: 'layanan_tik', date: '2025-09-03' }),
      makeEntry(lib.id, { deleted: true }),
    ];
    await pushEntries(s, dev, entries);
    const res = await call(s, 'GET', '/api/v1/library', { token: dev.token });
    expect(res.status).toBe(200);
    const body = libraryResponseSchema.parse(res.body);
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token });
    expect(body.kpi).toEqual(computeKpi(pulled.body.entries, lib, defaultRulebook, s.clock.now()));
    expect(body.kpi.colour).toBe('kuning');
    expect(body.library).toEqual(lib);
    expect(body.lastPushAt).toBe(s.clock.now().toISOString());
  });

  it('lets a phone served from another origin call the API (CORS, no credentials)', async () => {
    const origin = { origin: 'https://app.contoh.id' };
    const preflight = await call(s, 'OPTIONS', '/api/v1/sync/push', {
      headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,content-encoding' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    // OPTIONS elsewhere is an unknown method, like any other (SYNC-PROTOCOL.md: 404 not_found).
    for (const path of ['/api/v1/nope', '/api/v1/sync', '/api/v1/sync/push/x']) {
      const unknown = await call(s, 'OPTIONS', path, { headers: { ...origin, 'access-control-request-method': 'POST' } });
      expect(unknown.status, path).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
    }
    const unauthorised = await call(s, 'GET', '/api/v1/library', { headers: origin });
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers.get('access-control-allow-origin')).toBe('*');
    // Every answer of the device routes: pushes, gzipped pulls, errors, Retry-After readable.
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const pushed = await call(s, 'POST', '/api/v1/sync/push', {
      token: dev.token,
      headers: origin,
      json: { mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(lib.id) }] },
    });
    const pulled = await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token, headers: { ...origin, 'accept-encoding': 'gzip' } });
    const gap = await call(s, 'POST', '/api/v1/sync/push', {
      token: dev.token,
      headers: origin,
      json: { mutations: [{ seq: 9, baseVersion: 0, entry: makeEntry(lib.id) }] },
    });
    expect([pushed.status, pulled.status, gap.status]).toEqual([200, 200, 409]);
    for (const res of [pushed, pulled, gap]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After, Date');
      expect(res.headers.get('date')).not.toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('sends the app and pulled pages gzipped to a client that accepts it', async () => {
    const { gunzipSync } = await import('node:zlib');
    const { request } = await import('node:http');
    const raw = (path: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        request(`${s.url}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    const asset = await raw('/assets/big-abc123.js');
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(asset.body).toString()).toContain('Perpustakaan desa Perpustakaan desa');
    expect(asset.body.length).toBeLessThan(1000);
  });

  it('GET /rulebook answers the current rulebook', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const res = await call(s, 'GET', '/api/v1/rulebook', { token: dev.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(defaultRulebook);
  });

  it('answers 401 unauthorized to a missing, unknown or revoked token on every device route, whatever the body', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    await s.database.db.updateTable('devices').set({ revoked_at: s.clock.now().toISOString() }).where('device_id', '=', dev.deviceId).execute();
    const routes: [string, string][] = [
      ['POST', '/api/v1/sync/push'],
      ['GET', '/api/v1/sync/pull'],
      ['GET', '/api/v1/library'],
      ['GET', '/api/v1/rulebook'],
    ];
    for (const [method, path] of routes) {
      const variants: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${dev.token}` }, { authorization: dev.token }];
      for (const headers of variants) {
        const res = await call(s, method, path, { headers, raw: method === 'POST' ? '{not json' : undefined });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    }
  });

  it('takes the Bearer scheme in any letter case, the token only as it is', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      expect((await call(s, 'GET', '/api/v1/library', { headers: { authorization: `${scheme} ${dev.token}` } })).status).toBe(200);
    }
    const res = await call(s, 'GET', '/api/v1/library', { headers: { authorization: `Bearer ${dev.token.toUpperCase()}` } });
    expect(res.status).toBe(401);
  });

  it('answers 404 not_found to unknown routes and methods', async () => {
    // However a server path is spelt, it is never the app's page (a 200 a client would take for an answer).
    const spellings = [['GET', '//api/v1/nope'], ['GET', '/API/v1/nope'], ['GET', '/api%2Fv1%2Fnope'], ['GET', '//api/v1/sync/pull'], ['GET', '/healthz/'], ['GET', '/HEALTHZ'], ['GET', '/healthz/db']];
    for (const [method, path] of [['GET', '/api/v1/nope'], ['GET', '/api/v1/enroll'], ['DELETE', '/api/v1/sync/push'], ['GET', '/api'], ...spellings]) {
      const res = await call(s, method, path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('serves the app: index.html and sw.js revalidated, hashed assets immutable, app routes fall back to index.html', async () => {
    const index = await fetch(`${s.url}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>Lapor</title>');
    const sw = await fetch(`${s.url}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('content-type')).toContain('javascript');
    const asset = await fetch(`${s.url}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const route = await fetch(`${s.url}/kegiatan/baru`);
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toContain('<title>Lapor</title>');
    expect((await fetch(`${s.url}/assets/missing.js`)).status).toBe(404);
    // A path that climbs out of dist/ never reads outside it.
    const climb = await fetch(`${s.url}/..%2f..%2f..%2f..%2fetc%2fpasswd`);
    expect(await climb.text()).not.toContain('root:');
  });

  it('answers a revalidation of an unchanged file with 304 and no body: the browser checks sw.js at every visit', async () => {
    for (const path of ['/sw.js', '/', '/kegiatan/baru', '/assets/index-abc123.js']) {
      const first = await fetch(`${s.url}${path}`);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
      await first.arrayBuffer();
      const again = await fetch(`${s.url}${path}`, { headers: { 'if-none-match': etag! } });
      expect(again.status, path).toBe(304);
      expect((await again.arrayBuffer()).byteLength, path).toBe(0);
      expect(again.headers.get('cache-control'), path).toBe(first.headers.get('cache-control'));
      // A list holding it, its strong form, or `*` match too; another file's tag does not.
      for (const header of [`W/"other", ${etag}`, etag!.slice(2), '*']) {
        expect((await fetch(`${s.url}${path}`, { headers: { 'if-none-match': header } })).status, header).toBe(304);
      }
      const changed = await fetch(`${s.url}${path}`, { headers: { 'if-none-match': 'W/"ganti"' } });
      expect(changed.status, path).toBe(200);
      expect((await changed.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
    }
    // index.html and sw.js differ, so do their tags.
    expect((await fetch(`${s.url}/`)).headers.get('etag')).not.toBe((await fetch(`${s.url}/sw.js`)).headers.get('etag'));
  });

  it('writes one JSON log line per request with method, path, status, duration and device, never the token', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    s.logs.length = 0;
    const secret = 'Kisah yang sangat rahasia';
    await pushEntries(s, dev, [makeEntry(lib.id, { successStory: secret })]);
    expect(s.logs).toHaveLength(1);
    expect(s.logs[0]).toMatchObject({ method: 'POST', path: '/api/v1/sync/push', status: 200, deviceId: dev.deviceId });
    expect(typeof s.logs[0].durationMs).toBe('number');
    const text = JSON.stringify(s.logs);
    expect(text).not.toContain(dev.token);
    expect(text).not.toContain(secret);
  });

  it("logs a push's size on the wire, and whether it came gzipped; other requests, neither", async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const body = (seq: number) => JSON.stringify({ mutations: [{ seq, baseVersion: 0, entry: makeEntry(lib.id, { title: 'x'.repeat(2000) }) }] });
    const plain = Buffer.from(body(1));
    const packed = gzipSync(body(2));
    s.logs.length = 0;
    const headers = { 'content-type': 'application/json' };
    expect((await call(s, 'POST', '/api/v1/sync/push', { token: dev.token, raw: plain, headers })).status).toBe(200);
    expect((await call(s, 'POST', '/api/v1/sync/push', { token: dev.token, raw: packed, headers: { ...headers, 'content-encoding': 'gzip' } })).status).toBe(200);
    expect((await call(s, 'GET', '/api/v1/sync/pull', { token: dev.token })).status).toBe(200);
    // A body, but not a push's (a login's size would tell a password's length).
    expect((await call(s, 'POST', '/api/v1/enroll', { json: { code: 'SALAH-KODE-1' } })).status).toBeGreaterThanOrEqual(400);
    expect(packed.byteLength).toBeLessThan(plain.byteLength / 4);
    expect(s.logs).toHaveLength(4);
    expect(s.logs[0]).toMatchObject({ path: '/api/v1/sync/push', requestBytes: plain.byteLength });
    expect(s.logs[0]).not.toHaveProperty('gzip');
    expect(s.logs[1]).toMatchObject({ path: '/api/v1/sync/push', requestBytes: packed.byteLength, gzip: true });
    expect(s.logs[2]).toMatchObject({ path: '/api/v1/sync/pull', status: 200 });
    expect(s.logs[2]).not.toHaveProperty('requestBytes');
    expect(s.logs[2]).not.toHaveProperty('gzip');
    expect(s.logs[3]).toMatchObject({ path: '/api/v1/enroll' });
    expect(s.logs[3]).not.toHaveProperty('requestBytes');
  });
});
