/** POST /api/v1/enroll (SYNC-PROTOCOL.md, "Enrolment"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRulebook, enrollResponseSchema } from '../../src/domain';
import { hashToken, revokeDevice } from '../../src/server/store/devices';
import { startServer } from '../../src/server/server';
import { DB_KINDS, addLibrary, call, makeEntry, newCode, openUrl, startTestServer, type TestServer } from './harness';

const enroll = (s: TestServer, json: unknown, address = '10.0.0.1') =>
  call(s, 'POST', '/api/v1/enroll', { json, headers: { 'x-forwarded-for': address } });

describe.each(DB_KINDS)('enrol on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('enrols a device with a right code: 201 with device, token, library and rulebook', async () => {
    const lib = await addLibrary(s);
    const code = await newCode(s, lib.id);
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    const res = await enroll(s, { code, deviceName: 'HP Bu Sri' });
    expect(res.status).toBe(201);
    const body = enrollResponseSchema.parse(res.body);
    expect(body.library).toEqual(lib);
    expect(body.rulebook).toEqual(defaultRulebook);
    // 256 random bits; only the hash is stored.
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    const row = await s.database.db.selectFrom('devices').selectAll().where('device_id', '=', body.deviceId).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(body.token));
    expect(JSON.stringify(row)).not.toContain(body.token);
    expect(row.name).toBe('HP Bu Sri');
  });

  it('matches a code ignoring case, spaces and dashes', async () => {
    const lib = await addLibrary(s);
    const code = await newCode(s, lib.id);
    const sloppy = ` ${code.slice(0, 2)} ${code.slice(2).toLowerCase().replace('-', ' - ')} `;
    const res = await enroll(s, { code: sloppy });
    expect(res.status).toBe(201);
  });

  it('refuses a wrong code with 401 invalid_code', async () => {
    const res = await enroll(s, { code: 'ABCD-EFGH' }, '10.0.1.1');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_code');
    expect(res.body.error.message).toBe('Kode pendaftaran tidak dikenal, sudah dipakai, atau kedaluwarsa.');
  });

  it('refuses a used code', async () => {
    const lib = await addLibrary(s);
    const code = await newCode(s, lib.id);
    expect((await enroll(s, { code }, '10.0.2.1')).status).toBe(201);
    const again = await enroll(s, { code }, '10.0.2.1');
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_code');
  });

  it('a used code asked again with the same retryKey (its answer lost): the same answer, same device and token — only for that key, within the hour, before the device has pushed', async () => {
    const lib = await addLibrary(s);
    const code = await newCode(s, lib.id);
    const retryKey = 'kunci-ulang-HP-Bu-Sri-0123456789';
    const first = await enroll(s, { code, retryKey }, '10.0.3.1');
    expect(first.status).toBe(201);
    const lost = enrollResponseSchema.parse(first.body);

    // Without the key, or with another, a used code is still a used code.
    for (const body of [{ code }, { code, retryKey: 'kunci-lain-yang-cukup-panjang-99' }]) {
      const refused = await enroll(s, body, '10.0.3.1');
      expect([refused.status, refused.body.error.code]).toEqual([401, 'invalid_code']);
    }

    const again = await enroll(s, { code: code.toLowerCase(), retryKey }, '10.0.3.1');
    expect(again.status).toBe(201);
    const answer = enrollResponseSchema.parse(again.body);
    expect(answer.deviceId).toBe(lost.deviceId);
    expect(answer.library).toEqual(lib);
    // The same token: a late copy of the first request must not end the one the phone stored.
    expect(answer.token).toBe(lost.token);
    expect(await s.database.db.selectFrom('devices').select('device_id').where('library_id', '=', lib.id).execute()).toHaveLength(1);
    expect((await call(s, 'GET', '/api/v1/library', { token: answer.token })).status).toBe(200);
    // The database holds neither the key nor the token in the clear.
    const row = await s.database.db.selectFrom('enrollment_codes').selectAll().where('retry_key_hash', 'is not', null).where('device_id', '=', lost.deviceId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(retryKey);
    expect(JSON.stringify(row)).not.toContain(lost.token);

    // Once the device has pushed, it had its answer: the key opens nothing any more.
    const pushed = await call(s, 'POST', '/api/v1/sync/push', { token: answer.token, json: { mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(lib.id) }] } });
    expect(pushed.status).toBe(200);
    expect((await enroll(s, { code, retryKey }, '10.0.3.1')).status).toBe(401);
  });

  it('a retryKey opens nothing after an hour, or for a revoked device; a malformed one is 400', async () => {
    const lib = await addLibrary(s);
    const retryKey = 'kunci-ulang-untuk-jam-dan-cabut-1';
    const late = await newCode(s, lib.id);
    expect((await enroll(s, { code: late, retryKey }, '10.0.4.1')).status).toBe(201);
    s.clock.advance(61 * 60_000);
    expect((await enroll(s, { code: late, retryKey }, '10.0.4.1')).status).toBe(401);

    const revoked = await newCode(s, lib.id);
    const made = enrollResponseSchema.parse((await enroll(s, { code: revoked, retryKey }, '10.0.4.2')).body);
    await revokeDevice(s.database.db, made.deviceId, s.clock.now());
    expect((await enroll(s, { code: revoked, retryKey }, '10.0.4.2')).status).toBe(401);

    const fresh = await newCode(s, lib.id);
    const bad = await enroll(s, { code: fresh, retryKey: 'pendek' }, '10.0.4.3');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
    expect((await enroll(s, { code: fresh }, '10.0.4.3')).status).toBe(201);
  });

  it('refuses an expired code', async () => {
    const lib = await addLibrary(s);
    const code = await newCode(s, lib.id, 14);
    s.clock.advance(14 * 86_400_000 + 1000);
    const res = await enroll(s, { code }, '10.0.3.1');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_code');
  });

  it('refuses malformed bodies with 400 without counting them towards the rate limit', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await enroll(s, { code: 42 }, '10.0.4.1');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const long = await enroll(s, { code: 'ABCD-EFGH', deviceName: 'x'.repeat(101) }, '10.0.4.1');
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].path).toBe('deviceName');
    expect((await enroll(s, { code: 'ABCD-EFGH' }, '10.0.4.1')).status).toBe(401);
  });

  it('refuses a device name with a NUL (which PostgreSQL cannot store) with 400, leaving the code unused', async () => {
    const lib = await addLibrary(s);
    const code = await newCode(s, lib.id, 14);
    const nul = await enroll(s, { code, deviceName: 'HP\u0000x' }, '10.0.4.2');
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('invalid_request');
    expect(nul.body.error.details[0].path).toBe('deviceName');
    // Nor escape codes, which `device list` would write to the administrator's terminal.
    const escapes = await enroll(s, { code, deviceName: 'HP\u001b]0;judul\u0007\u001b[31mMERAH' }, '10.0.4.2');
    expect(escapes.status).toBe(400);
    expect(escapes.body.error.details[0].path).toBe('deviceName');
    const ok = await enroll(s, { code, deviceName: 'HP Bu Sari' }, '10.0.4.2');
    expect(ok.status).toBe(201);
  });

  it('rate-limits an address after 10 invalid codes in 15 minutes, with Retry-After, until the window slides', async () => {
    const lib = await addLibrary(s);
    const address = '10.0.5.1';
    for (let i = 0; i < 10; i++) {
      expect((await enroll(s, { code: 'WXYZ-WXYZ' }, address)).status).toBe(401);
      s.clock.advance(60_000); // one a minute: the first leaves the window at 15 min
    }
    const good = await newCode(s, lib.id);
    const blocked = await enroll(s, { code: good }, address);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    // The first failure was 10 minutes ago: it leaves the window in 5 minutes.
    expect(Number(blocked.headers.get('retry-after'))).toBe(300);
    // Other addresses are not affected.
    expect((await enroll(s, { code: 'WXYZ-WXYZ' }, '10.0.5.2')).status).toBe(401);
    // Still blocked just before, free just after the oldest failure leaves the window.
    s.clock.advance(299_000);
    expect((await enroll(s, { code: good }, address)).status).toBe(429);
    s.clock.advance(1_000);
    expect((await enroll(s, { code: good }, address)).status).toBe(201);
  });

  it('lets at most 10 of 30 invalid codes sent at once from one address be tried', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => enroll(s, { code: 'WXYZ-WXYZ' }, '10.0.8.1')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((x) => x === 401)).toHaveLength(10);
    expect(statuses.filter((x) => x === 429)).toHaveLength(20);
  });

  it('counts the address the trusted proxy saw (the rightmost X-Forwarded-For entry): rotating the client-written entries does not escape the limit', async () => {
    const lib = await addLibrary(s);
    for (let i = 0; i < 10; i++) {
      // The client writes whatever it likes on the left; the proxy appends what it saw.
      expect((await enroll(s, { code: 'WXYZ-WXYZ' }, `203.0.113.${i}, 10.0.7.1`)).status).toBe(401);
    }
    const good = await newCode(s, lib.id);
    const blocked = await enroll(s, { code: good }, '198.51.100.1, 10.0.7.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    // A client whose own entry names the blocked address, seen by the proxy from elsewhere, is not blocked.
    expect((await enroll(s, { code: good }, '10.0.7.1, 10.0.7.2')).status).toBe(201);
  });

  it('keeps the count in the database, so a second server process on it refuses too', async () => {
    const address = '10.0.6.1';
    for (let i = 0; i < 10; i++) await enroll(s, { code: 'WXYZ-WXYZ' }, address);
    const second = await startServer({
      database: openUrl(s.databaseUrl),
      port: 0,
      host: '127.0.0.1',
      logger: () => {},
      now: s.clock.now,
      trustProxy: true,
    });
    try {
      const res = await fetch(`${second.url}/api/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ code: 'WXYZ-WXYZ' }),
      });
      expect(res.status).toBe(429);
    } finally {
      await second.stop();
    }
  });
});
