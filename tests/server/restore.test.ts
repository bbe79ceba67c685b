/**
 * `npm run admin -- database restored` after a backup is restored (README "Backups"): the
 * phones' cursors and rows lie past the restored database; after the command, each phone's
 * next pull is `invalid_cursor`, its pull from the start brings every entry at a version
 * above any it has seen, and new writes reach it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/server/admin';
import { startServer, type RunningServer } from '../../src/server/server';
import { addLibrary, DB_KINDS, enrollNew, makeEntry, openUrl, pushEntries, startTestServer, type TestServer } from './harness';

describe.each(DB_KINDS)('a restored backup on %s', (kind) => {
  let s: TestServer;
  let second: RunningServer | null = null;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await second?.stop();
    await s?.stop();
  });

  const pull = async (url: string, token: string, cursor: string) => {
    const res = await fetch(`${url}/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const counter = async () =>
    Number(
      kind === 'postgres'
        ? (await sql<{ v: string }>`SELECT last_value AS v FROM entry_version`.execute(s.database.db)).rows[0].v
        : (await s.database.db.selectFrom('version_counter').select('value').executeTakeFirstOrThrow()).value,
    );
  const setCounter = async (v: number) =>
    kind === 'postgres'
      ? void (await sql`SELECT setval('entry_version', ${v}, true)`.execute(s.database.db))
      : void (await s.database.db.updateTable('version_counter').set({ value: v }).execute());

  it('moves versions above all the phones have seen and renews the cursor key: phones pull everything again, new writes reach them', async () => {
    const library = await addLibrary(s);
    const writer = await enrollNew(s, library, 'HP penulis');
    const reader = await enrollNew(s, library, 'HP pembaca');
    const before = [makeEntry(library.id), makeEntry(library.id), makeEntry(library.id)];
    expect((await pushEntries(s, writer, before)).status).toBe(200);

    // The backup is taken here.
    const atBackup = await counter();
    const lost = [makeEntry(library.id), makeEntry(library.id)];
    expect((await pushEntries(s, writer, lost)).status).toBe(200);
    const seen = await pull(s.url, reader.token, '');
    expect(seen.body.entries).toHaveLength(5);
    const highestSeen = Math.max(...seen.body.entries.map((c: { version: number }) => c.version));

    // The backup is restored: what came after it is gone, the counter and the writer's seq are back.
    await s.database.db.deleteFrom('entries').where('entry_id', 'in', lost.map((e) => String(e.id))).execute();
    await setCounter(atBackup);
    await s.database.db.updateTable('devices').set({ last_seq: 3 }).where('device_id', '=', writer.deviceId).execute();
    writer.nextSeq = 4;

    // Without the command, a new write is never pulled by the phone whose cursor lies past it.
    const unseen = makeEntry(library.id);
    expect((await pushEntries(s, writer, [unseen])).status).toBe(200);
    const missed = await pull(s.url, reader.token, seen.body.cursor);
    expect(missed.status).toBe(200);
    expect(missed.body.entries).toHaveLength(0);

    const out: string[] = [];
    const code = await runAdmin(['database', 'restored', '--json'], s.database, { out: (l) => out.push(l), err: () => {}, now: s.clock.now, readStdin: async () => '' });
    expect(code).toBe(0);
    const fixed = JSON.parse(out.at(-1)!);
    expect(fixed).toMatchObject({ entries: 4, firstVersion: s.clock.ms * 1000 });

    // The servers start again (the key is read at start).
    second = await startServer({ database: openUrl(s.databaseUrl), port: 0, host: '127.0.0.1', logger: () => {}, now: s.clock.now, distDir: null, trustProxy: false });
    expect((await pull(second.url, reader.token, seen.body.cursor)).body.error.code).toBe('invalid_cursor');
    const again = await pull(second.url, reader.token, '');
    expect(again.status).toBe(200);
    expect(again.body.entries.map((c: { id: string }) => c.id).sort()).toEqual([...before, unseen].map((e) => e.id).sort());
    // Above anything the phone holds: its rows take the restored copies.
    for (const c of again.body.entries) expect(c.version).toBeGreaterThan(highestSeen);

    const next = makeEntry(library.id);
    const pushed = await fetch(`${second.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mutations: [{ seq: writer.nextSeq, baseVersion: 0, entry: next }] }),
    });
    expect(pushed.status).toBe(200);
    const after = await pull(second.url, reader.token, again.body.cursor);
    expect(after.body.entries.map((c: { id: string }) => c.id)).toEqual([next.id]);
    expect(after.body.entries[0].version).toBe(fixed.lastVersion + 1);
  });
});
