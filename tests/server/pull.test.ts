/** GET /api/v1/sync/pull (SYNC-PROTOCOL.md, "Pull"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullResponseSchema } from '../../src/domain';
import { DB_KINDS, addLibrary, call, enrollNew, makeEntry, pushEntries, startTestServer, type TestServer } from './harness';

describe.each(DB_KINDS)('pull on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const pull = (token: string, query = '') => call(s, 'GET', `/api/v1/sync/pull${query}`, { token });

  it('pages through the library in version order, each entry once, then an empty page with the same cursor', async () => {
    const lib = await addLibrary(s);
    const a = await enrollNew(s, lib);
    const b = await enrollNew(s, lib);
    const entries = Array.from({ length: 7 }, (_, i) => makeEntry(lib.id, { title: `Kegiatan ${i}` }));
    await pushEntries(s, a, entries.slice(0, 4));
    await pushEntries(s, b, entries.slice(4));

    const seen: { id: string; version: number }[] = [];
    let cursor = '';
    const pages: number[] = [];
    for (;;) {
      const res = await pull(b.token, `?limit=3&cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(200);
      const page = pullResponseSchema.parse(res.body);
      pages.push(page.entries.length);
      seen.push(...page.entries.map((e) => ({ id: e.id, version: e.version })));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(seen.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
    const versions = seen.map((e) => e.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    const empty = await pull(b.token, `?cursor=${encodeURIComponent(cursor)}`);
    expect(empty.body).toEqual({ entries: [], cursor, hasMore: false });
  });

  it('brings an entry written again after the cursor back at its new version, and tombstones too', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    const e = makeEntry(lib.id);
    const other = makeEntry(lib.id);
    const v1 = (await pushEntries(s, dev, [e, other])).body.results[0].version;
    const first = await pull(dev.token);
    expect(first.body.entries).toHaveLength(2);

    const gone = { ...e, deleted: true, updatedAt: '2025-10-02T00:00:00.000Z' };
    const v2 = (await pushEntries(s, dev, [gone], [v1])).body.results[0].version;
    const next = await pull(dev.token, `?cursor=${first.body.cursor}`);
    expect(next.body.entries).toEqual([{ ...gone, version: v2 }]);
    expect(next.body.hasMore).toBe(false);
    // From the start, the entry appears once, at its latest version.
    const all = await pull(dev.token);
    expect(all.body.entries.filter((x: { id: string }) => x.id === e.id)).toEqual([{ ...gone, version: v2 }]);
  });

  it('shows a device only its own library', async () => {
    const mine = await addLibrary(s);
    const theirs = await addLibrary(s, { name: 'Perpustakaan Lain' });
    const me = await enrollNew(s, mine);
    const them = await enrollNew(s, theirs);
    await pushEntries(s, them, [makeEntry(theirs.id)]);
    const res = await pull(me.token);
    expect(res.body.entries).toEqual([]);
    // A cursor made for another library is not accepted either.
    const theirCursor = (await pull(them.token)).body.cursor;
    const cross = await pull(me.token, `?cursor=${theirCursor}`);
    expect(cross.status).toBe(400);
    expect(cross.body.error.code).toBe('invalid_cursor');
  });

  it('refuses a cursor it did not make with 400 invalid_cursor', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    await pushEntries(s, dev, [makeEntry(lib.id)]);
    const good: string = (await pull(dev.token)).body.cursor;
    const forged = ['abc', '42', '1.AAAAAAAAAAAAAAAAAAAAAA', `${good}x`, good.replace(/^[0-9a-z]+/, 'zz'), '%00', 'a'.repeat(201), `${good}${'A'.repeat(300)}`];
    for (const cursor of forged) {
      const res = await pull(dev.token, `?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_cursor');
    }
  });

  it('refuses a limit outside 1–1000 with 400 invalid_request', async () => {
    const lib = await addLibrary(s);
    const dev = await enrollNew(s, lib);
    for (const limit of ['0', '1001', '-1', 'abc', '1.5', '']) {
      const res = await pull(dev.token, `?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await pull(dev.token, '?limit=1000')).status).toBe(200);
  });

  it('never skips a committed write while several devices push concurrently', async () => {
    const lib = await addLibrary(s);
    const devices = await Promise.all([1, 2, 3, 4].map(() => enrollNew(s, lib)));
    const reader = await enrollNew(s, lib);
    const pushed = new Set<string>();
    let pushing = true;
    const writers = Promise.all(
      devices.map(async (dev) => {
        for (let round = 0; round < 8; round++) {
          const batch = Array.from({ length: 5 }, () => makeEntry(lib.id));
          const res = await pushEntries(s, dev, batch);
          expect(res.status).toBe(200);
          for (const e of batch) pushed.add(e.id as string);
        }
      }),
    ).finally(() => (pushing = false));
    // Follow the library with one cursor, as a phone would, while the writes land.
    const seen = new Set<string>();
    let cursor: string = '';
    let last = 0;
    const follow = async () => {
      for (;;) {
        const page = await pull(reader.token, `?limit=7&cursor=${encodeURIComponent(cursor)}`);
        for (const e of page.body.entries) {
          expect(e.version).toBeGreaterThan(last);
          last = e.version;
          seen.add(e.id);
        }
        cursor = page.body.cursor as string;
        if (!page.body.hasMore) return;
      }
    };
    while (pushing) await follow();
    await writers;
    await follow();
    expect(seen).toEqual(pushed);
  });
});
