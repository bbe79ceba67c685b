/**
 * Housekeeping (src/server/housekeeping.ts): counted failures older than every limit's
 * window and ended sessions are deleted; what still counts or still works is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db';
import { keepHouse } from '../../src/server/housekeeping';
import { migrate } from '../../src/server/migrations';
import { startServer } from '../../src/server/server';
import { issueCode } from '../../src/server/store/codes';
import { enrollDevice, RETRY_WINDOW_MS } from '../../src/server/store/enrollment';
import { createLibrary } from '../../src/server/store/libraries';
import { ENROLL_LIMIT, LOGIN_NAME_LIMIT, limitState, reserveFailure } from '../../src/server/store/rate-limit';
import { createSession, findSession, insertSupervisor, SESSION_TTL_MS } from '../../src/server/store/supervisors';
import { DB_KINDS, freshDatabaseUrl, openUrl, TestClock } from './harness';

const MINUTE = 60_000;

describe.each(DB_KINDS)('housekeeping on %s', (kind) => {
  // A database with no server running on it: a server's own round at start, late on a busy
  // machine, would delete the test's old failures before the round the test counts.
  let s: { database: Database; databaseUrl: string; clock: TestClock; cleanup: () => Promise<void> };
  beforeAll(async () => {
    const { url: databaseUrl, cleanup } = await freshDatabaseUrl(kind);
    const database = openUrl(databaseUrl);
    await migrate(database.db, database.kind);
    s = { database, databaseUrl, clock: new TestClock(), cleanup };
  });
  afterAll(async () => {
    await s?.database.close();
    await s?.cleanup();
  });

  it('forgets failures no limit counts and ended sessions, keeping the rest', async () => {
    const db = s.database.db;
    const at = (minutesAgo: number) => new Date(s.clock.ms - minutesAgo * MINUTE);
    // Made-up names and addresses tried once, long ago: nothing would ever delete them.
    for (let i = 0; i < 30; i++) await reserveFailure(s.database, LOGIN_NAME_LIMIT, `tebakan-${i}`, at(15.01 + i));
    await reserveFailure(s.database, ENROLL_LIMIT, '203.0.113.9', at(60));
    // A name at its limit right now: its lock must survive.
    for (let i = 0; i < LOGIN_NAME_LIMIT.limit; i++) await reserveFailure(s.database, LOGIN_NAME_LIMIT, 'siti', at(10 - i));
    expect(await limitState(db, LOGIN_NAME_LIMIT, 'siti', s.clock.now())).toMatchObject({ blocked: true });

    await insertSupervisor(db, { name: 'budi', scope: 'national', passwordHash: 'x' }, at(24 * 60));
    const ended = (await createSession(db, 'budi', new Date(s.clock.ms - SESSION_TTL_MS - MINUTE), 'x'))!;
    const live = (await createSession(db, 'budi', at(5), 'x'))!;

    const done = await keepHouse(s.database, s.clock.now());
    expect(done).toEqual({ failures: 31, sessions: 1, retryTokens: 0 });

    const left = await db.selectFrom('enroll_failures').select('address').execute();
    expect(left.map((r) => r.address).sort()).toEqual(Array(LOGIN_NAME_LIMIT.limit).fill('name:siti'));
    expect(await limitState(db, LOGIN_NAME_LIMIT, 'siti', s.clock.now())).toMatchObject({ blocked: true });
    expect(await findSession(db, live.token, s.clock.now())).toMatchObject({ name: 'budi' });
    const sessions = await db.selectFrom('supervisor_sessions').select('expires_at').execute();
    expect(sessions.map((r) => r.expires_at)).toEqual([live.expiresAt]);
    expect(ended.expiresAt <= s.clock.now().toISOString()).toBe(true);

    // Nothing more to do: a second round deletes nothing.
    expect(await keepHouse(s.database, s.clock.now())).toEqual({ failures: 0, sessions: 0, retryTokens: 0 });
  });

  it("forgets an enrolment's sealed token once its retry window has passed, keeping one still within it", async () => {
    const db = s.database.db;
    const made = await createLibrary(db, { name: 'Perpustakaan Lama', village: 'Maju', district: 'Maju', regency: 'Kota Malang', province: 'Jawa Timur', timezone: 'Asia/Jakarta' }, s.clock.now());
    if (!made.ok) throw new Error('library');
    const enrolAt = async (minutesAgo: number) => {
      const at = new Date(s.clock.ms - minutesAgo * MINUTE);
      const { code } = await issueCode(db, made.library.id, 14, at);
      const retryKey = `kunci-coba-lagi-${minutesAgo}-xxxxxxxxxxxx`;
      const first = (await enrollDevice(db, code, undefined, at, retryKey))!;
      return { code, retryKey, first };
    };
    const old = await enrolAt(RETRY_WINDOW_MS / MINUTE + 1);
    const recent = await enrolAt(30);
    const sealed = () => db.selectFrom('enrollment_codes').select(['code', 'retry_token', 'retry_key_hash']).where('retry_token', 'is not', null).execute();
    const stored = (code: string) => code.replace('-', '');
    expect((await sealed()).map((r) => r.code).sort()).toEqual([stored(old.code), stored(recent.code)].sort());

    expect(await keepHouse(s.database, s.clock.now())).toEqual({ failures: 0, sessions: 0, retryTokens: 1 });
    expect((await sealed()).map((r) => r.code)).toEqual([stored(recent.code)]);
    const forgotten = await db.selectFrom('enrollment_codes').select(['retry_token', 'retry_key_hash', 'device_id']).where('code', '=', stored(old.code)).executeTakeFirstOrThrow();
    expect(forgotten).toEqual({ retry_token: null, retry_key_hash: null, device_id: old.first.deviceId });
    // The one within its window still answers its retry with the same device and token.
    expect(await enrollDevice(db, recent.code, undefined, s.clock.now(), recent.retryKey)).toMatchObject({ deviceId: recent.first.deviceId, token: recent.first.token });
    expect(await enrollDevice(db, old.code, undefined, s.clock.now(), old.retryKey)).toBeNull();
  });

  it('keeps house when a server process starts (and every 10 minutes after)', async () => {
    await reserveFailure(s.database, ENROLL_LIMIT, '198.51.100.7', new Date(s.clock.ms - 30 * MINUTE));
    const logs: Record<string, unknown>[] = [];
    const second = await startServer({
      database: openUrl(s.databaseUrl),
      port: 0,
      host: '127.0.0.1',
      logger: (line) => void logs.push(line as Record<string, unknown>),
      now: s.clock.now,
      distDir: null,
    });
    await second.stop(); // waits for the round in progress
    expect(logs).toContainEqual({ event: 'housekeeping', failures: 1, sessions: 0, retryTokens: 0 });
    expect(await s.database.db.selectFrom('enroll_failures').select('address').where('address', '=', '198.51.100.7').execute()).toEqual([]);
  });
});
