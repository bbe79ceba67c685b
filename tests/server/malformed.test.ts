/**
 * Bad input never hurts the server: 2,000 generated malformed requests per database
 * (wrong types, huge strings, deep nesting, invalid UTF-8, truncated gzip, wrong
 * content type or encoding, bad tokens, bad cursors and limits) → every answer is a 4xx
 * with an error body whose code matches its status, no row changes (every row of every table compared), and the server
 * still answers /healthz and a valid push afterwards.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS, errorBodySchema } from '../../src/domain';
import { DB_KINDS, addLibrary, call, enrollNew, makeEntry, pushEntries, startTestServer, tableSnapshot, type Enrolled, type TestServer } from './harness';

const RUNS = 2000;
const MiB = 1024 * 1024;

interface BadRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Anything that is not a string. */
const nonString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }));
/** Anything that is not a whole number ≥ 1. */
const notSeq = fc.oneof(fc.integer({ max: 0 }), fc.double().filter((d) => !Number.isInteger(d)), nonString.filter((v) => typeof v !== 'number'));
/** Anything that is not a whole number ≥ 0. */
const notBaseVersion = fc.oneof(fc.integer({ max: -1 }), fc.double().filter((d) => !Number.isInteger(d)), nonString.filter((v) => typeof v !== 'number'));

/** Deeply nested JSON text (JSON.stringify itself would overflow the stack building it). */
function nestedText(depth: number): string {
  const open = Array.from({ length: depth }, (_, i) => (i % 2 ? '[' : '{"a":')).join('');
  const close = Array.from({ length: depth }, (_, i) => (i % 2 ? ']' : '}')).reverse().join('');
  return `${open}1${close}`;
}

function arbitraries(token: string, libraryId: string) {
  const entry = makeEntry(libraryId);
  const validPush = { mutations: [{ seq: 1, baseVersion: 0, entry }] };
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const badEntry = fc.oneof(
    nonString,
    fc.string(),
    fc.record({ id: nonString, libraryId: fc.constant(libraryId) }),
    fc.record({ id: fc.string(), libraryId: nonString }),
    fc.record({ libraryId: fc.constant(libraryId) }),
  );
  const badMutation = fc.oneof(
    fc.record({ seq: notSeq, baseVersion: fc.nat(), entry: fc.constant(entry) }),
    fc.record({ seq: fc.constant(1), baseVersion: notBaseVersion, entry: fc.constant(entry) }),
    fc.record({ seq: fc.constant(1), baseVersion: fc.constant(0), entry: badEntry }),
    nonString.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  );
  const badPushValue = fc.oneof<fc.Arbitrary<unknown>[]>(
    fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || !('mutations' in v)),
    fc.record({ mutations: fc.oneof(nonString.filter((v) => !Array.isArray(v)), fc.constant([])) }),
    fc.tuple(fc.nat({ max: 3 }), badMutation).map(([good, bad]) => ({
      mutations: [...Array.from({ length: good }, (_, i) => ({ seq: i + 1, baseVersion: 0, entry })), bad],
    })),
    // Seqs that are not consecutive.
    fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 2, max: 50 })).map(([a, gap]) => ({
      mutations: [{ seq: a, baseVersion: 0, entry }, { seq: a + gap, baseVersion: 0, entry: makeEntry(libraryId) }],
    })),
    fc.integer({ min: 1_000, max: 300_000 }).map((n) => ({ mutations: 'x'.repeat(n) })),
    fc.integer({ min: 1, max: 50_000 }).map((n) => ({ mutations: [{ seq: 1, baseVersion: 0, entry: { id: 'é'.repeat(n) } }] })),
  );
  const badPushText = fc.oneof(
    { arbitrary: badPushValue.map((v) => JSON.stringify(v)), weight: 8 },
    { arbitrary: fc.integer({ min: 100, max: 50_000 }).map((depth) => `{"mutations":${nestedText(depth)}}`), weight: 1 },
    { arbitrary: fc.integer({ min: 100, max: 50_000 }).map((depth) => nestedText(depth)), weight: 1 },
  );

  const badPush: fc.Arbitrary<BadRequest> = fc.oneof(
    badPushText.map((text) => ({ label: 'wrong shape', method: 'POST', path: '/api/v1/sync/push', headers: auth, body: utf8(text) })),
    badPushText.map((text) => ({
      label: 'wrong shape, gzip', method: 'POST', path: '/api/v1/sync/push',
      headers: { ...auth, 'content-encoding': 'gzip' }, body: gzipSync(text),
    })),
    fc.nat().map((cut) => {
      const gz = gzipSync(JSON.stringify(validPush));
      return { label: 'truncated gzip', method: 'POST', path: '/api/v1/sync/push', headers: { ...auth, 'content-encoding': 'gzip' }, body: gz.subarray(0, cut % gz.length) };
    }),
    fc.tuple(fc.nat(), fc.constantFrom(0xff, 0xfe, 0xc0, 0xc1, 0x80, 0xed)).map(([at, byte]) => {
      const bytes = utf8(JSON.stringify(validPush));
      const i = at % bytes.length;
      return { label: 'invalid UTF-8', method: 'POST', path: '/api/v1/sync/push', headers: auth, body: new Uint8Array([...bytes.subarray(0, i), byte, ...bytes.subarray(i)]) };
    }),
    fc.string({ minLength: 1 }).map((text) => ({ label: 'not JSON', method: 'POST', path: '/api/v1/sync/push', headers: auth, body: utf8(`{${text}`) })),
    // A wrong content type is refused even on a push that would otherwise be applied.
    fc
      .tuple(
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/xml', 'application/json; charset=latin1', null),
        fc.boolean(),
      )
      .map(([type, validBody]) => ({
        label: 'wrong content type',
        method: 'POST',
        path: '/api/v1/sync/push',
        headers: type === null ? { authorization: auth.authorization } : { ...auth, 'content-type': type },
        body: utf8(validBody ? JSON.stringify(validPush) : 'mutations=1&seq=1'),
      })),
    fc.constantFrom('br', 'deflate', 'compress', 'zstd', 'gzip;q=1', 'identity, gzip').map((enc) => ({
      label: 'unsupported encoding', method: 'POST', path: '/api/v1/sync/push', headers: { ...auth, 'content-encoding': enc }, body: utf8(JSON.stringify(validPush)),
    })),
    fc.oneof(fc.constant(''), fc.string(), fc.constant(`Bearer ${token}x`), fc.constant(`Basic ${token}`), fc.constant(token)).map((authorization) => ({
      label: 'bad token', method: 'POST', path: '/api/v1/sync/push', headers: { authorization, 'content-type': 'application/json' }, body: utf8(JSON.stringify(validPush)),
    })),
    fc.constant(0).map(() => ({ label: 'too large', method: 'POST', path: '/api/v1/sync/push', headers: auth, body: utf8(JSON.stringify({ ...validPush, pad: 'x'.repeat(MiB) })) })),
  );

  const badPull: fc.Arbitrary<BadRequest> = fc.oneof(
    fc.string({ minLength: 1, maxLength: 300 }).map((cursor) => ({ label: 'bad cursor', method: 'GET', path: `/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}`, headers: auth })),
    fc.string({ maxLength: 20 })
      .filter((limit) => !(/^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1000))
      .map((limit) => ({ label: 'bad limit', method: 'GET', path: `/api/v1/sync/pull?limit=${encodeURIComponent(limit)}`, headers: auth })),
  );

  const badEnrollValue = fc.oneof(
    fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { code?: unknown }).code !== 'string'),
    fc.record({ code: nonString }),
    fc.record({ code: fc.constantFrom('', 'x'.repeat(65)) }),
    fc.record({ code: fc.constant('ABCD-2345'), deviceName: fc.oneof(fc.integer(), fc.boolean(), fc.constant('n'.repeat(101))) }),
  );
  const badEnroll: fc.Arbitrary<BadRequest> = fc.oneof(
    badEnrollValue.map((v) => ({ label: 'bad enrol', method: 'POST', path: '/api/v1/enroll', headers: { 'content-type': 'application/json' }, body: utf8(JSON.stringify(v)) })),
    fc.nat().map((cut) => {
      const gz = gzipSync(JSON.stringify({ code: 'ABCD-2345' }));
      return { label: 'enrol truncated gzip', method: 'POST', path: '/api/v1/enroll', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gz.subarray(0, cut % gz.length) };
    }),
  );

  const badRoute: fc.Arbitrary<BadRequest> = fc.tuple(
    fc.constantFrom('PUT', 'DELETE', 'PATCH'),
    fc.constantFrom('/api/v1/sync/push', '/api/v1/sync/pull', '/api/v1/enroll', '/api/v1/library', '/api/v1/x', '/api/v2/sync/push'),
  ).map(([method, path]) => ({ label: 'unknown route', method, path, headers: auth, body: utf8('{}') }));

  return fc.oneof(
    { arbitrary: badPush, weight: 6 },
    { arbitrary: badPull, weight: 2 },
    { arbitrary: badEnroll, weight: 2 },
    { arbitrary: badRoute, weight: 1 },
  );
}

describe.each(DB_KINDS)('malformed requests on %s', (kind) => {
  let s: TestServer;
  let dev: Enrolled;
  let libraryId: string;
  beforeAll(async () => {
    s = await startTestServer(kind);
    const lib = await addLibrary(s);
    libraryId = lib.id;
    dev = await enrollNew(s, lib);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it(`answers ${RUNS} generated malformed requests with a 4xx error body and changes no row`, async () => {
    const before = await tableSnapshot(s.database);
    await fc.assert(
      fc.asyncProperty(arbitraries(dev.token, libraryId), async (req) => {
        const res = await fetch(`${s.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body as BodyInit | undefined });
        const text = await res.text();
        expect(res.status, req.label).toBeGreaterThanOrEqual(400);
        expect(res.status, req.label).toBeLessThan(500);
        const body = errorBodySchema.parse(JSON.parse(text));
        expect(ERROR_STATUS[body.error.code], req.label).toBe(res.status);
      }),
      { numRuns: RUNS },
    );
    expect(await tableSnapshot(s.database)).toBe(before);
    expect((await call(s, 'GET', '/healthz')).status).toBe(200);
    const ok = await pushEntries(s, dev, [makeEntry(libraryId)]);
    expect(ok.status).toBe(200);
    expect(ok.body.results[0].status).toBe('applied');
  });
});
