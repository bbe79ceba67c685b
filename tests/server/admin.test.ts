/** The admin command line (SYNC-PROTOCOL.md, "Operating the server"). */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/server/admin';
import { DB_KINDS, call, makeEntry, pushEntries, startTestServer, type TestServer } from './harness';

describe.each(DB_KINDS)('admin on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** Runs a command in-process against the test server's database; returns exit code and output. */
  async function admin(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(argv, s.database, { out: (l) => out.push(l), err: (l) => err.push(l), now: s.clock.now, readStdin: async () => '' });
    return { code, out, err, json: out.length ? JSON.parse(out[out.length - 1]) : undefined };
  }

  it('adds a library, issues a code a phone enrols with, lists and revokes the device', async () => {
    const added = await admin('library', 'add', '--name', 'Perpustakaan Desa Maju', '--village', 'Maju', '--district', 'Lowokwaru',
      '--regency', 'Kota Malang', '--province', 'Jawa Timur', '--npp', '3573000001', '--tz', 'Asia/Jakarta', '--json');
    expect(added.code).toBe(0);
    const libraryId: string = added.json.id;
    expect(libraryId).toMatch(/^[a-z0-9-]+$/);

    const issued = await admin('code', 'issue', '--library', libraryId, '--days', '3', '--json');
    expect(issued.code).toBe(0);
    expect(issued.json.code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(issued.json.expiresAt).toBe(new Date(s.clock.ms + 3 * 86_400_000).toISOString());

    const enrolled = await call(s, 'POST', '/api/v1/enroll', { json: { code: issued.json.code, deviceName: 'HP Bu Sri' } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.library).toMatchObject({ id: libraryId, npp: '3573000001', timezone: 'Asia/Jakarta' });
    const device = { ...enrolled.body, nextSeq: 1 };
    await pushEntries(s, device, [makeEntry(libraryId)]);

    const libraries = await admin('library', 'list', '--json');
    expect(libraries.json.libraries).toContainEqual({
      id: libraryId,
      name: 'Perpustakaan Desa Maju',
      region: 'Maju, Lowokwaru, Kota Malang, Jawa Timur',
      colour: 'merah',
      entries: 1,
      lastPushAt: s.clock.now().toISOString(),
    });

    const devices = await admin('device', 'list', '--library', libraryId, '--json');
    expect(devices.json.devices).toEqual([
      expect.objectContaining({ deviceId: device.deviceId, name: 'HP Bu Sri', lastSeq: 1, revoked: false }),
    ]);

    const revoked = await admin('device', 'revoke', device.deviceId, '--json');
    expect(revoked).toMatchObject({ code: 0, json: { deviceId: device.deviceId, revoked: true } });
    const after = await call(s, 'GET', '/api/v1/library', { token: device.token });
    expect(after.status).toBe(401);
  });

  it('exits 2 with a message on bad arguments', async () => {
    const bad: string[][] = [
      [],
      ['library'],
      ['library', 'add', '--name', 'X'],
      ['library', 'add', '--name', 'X', '--village', 'V', '--district', 'D', '--regency', 'R', '--province', 'P', '--tz', 'Europe/Paris'],
      ['library', 'list', '--colour', 'hijau'],
      ['code', 'issue'],
      ['code', 'issue', '--library', 'nope'],
      ['code', 'issue', '--library', 'nope', '--days', 'ten'],
      ['device', 'list', '--library'],
      ['device', 'revoke'],
      ['device', 'revoke', 'no-such-device'],
    ];
    for (const argv of bad) {
      const r = await admin(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n').length).toBeGreaterThan(0);
    }
  });
});

describe('admin as a process', () => {
  it('prints one JSON object on its last line with --json, and exits 2 on bad arguments', () => {
    const env = { ...process.env, DATABASE_URL: 'sqlite::memory:' };
    const ok = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', 'library', 'list', '--json'], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual({ libraries: [] });
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/admin.ts', 'library', 'remove'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command: library remove');
  });
});
