/** Bodies on the wire: size limit, gzip, encodings, JSON and UTF-8 (SYNC-PROTOCOL.md, "Transport and errors"). */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { errorBodySchema } from '../../src/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, addLibrary, call, enrollNew, makeEntry, rowCounts, startTestServer, type Enrolled, type TestServer } from './harness';

const MiB = 1024 * 1024;

describe.each(DB_KINDS)('transport on %s', (kind) => {
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

  const push = (raw: Uint8Array | string, headers: Record<string, string> = {}) =>
    call(s, 'POST', '/api/v1/sync/push', { token: dev.token, raw, headers: { 'content-type': 'application/json', ...headers } });

  /** A valid push body padded with an unknown field to `bytes`. */
  const paddedBody = (bytes: number, seq = 1) => {
    const base = JSON.stringify({ mutations: [{ seq, baseVersion: 0, entry: makeEntry(libraryId) }], pad: '' });
    return base.replace('"pad":""', `"pad":"${' '.repeat(bytes - base.length)}"`);
  };

  /** Writes `bytes` on a new connection and returns all the server sends back until it closes. */
  const rawExchange = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const url = new URL(s.url);
      const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => socket.write(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  it("answers what Node's HTTP parser refuses with the protocol's error body, and stays healthy", async () => {
    const cases: [string, number][] = [
      ['GARBAGE\r\n\r\n', 400],
      // Headers over Node's 16 KB: 400, the status the protocol gives invalid_request (not HTTP's 431).
      [`GET /api/v1/sync/pull?cursor=${'x'.repeat(100_000)} HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${dev.token}\r\n\r\n`, 400],
      [`GET /api/v1/library HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${'y'.repeat(20_000)}\r\n\r\n`, 400],
      ['POST /api/v1/sync/push HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n', 400],
    ];
    for (const [request, status] of cases) {
      const answer = await rawExchange(request);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} Bad Request`);
      expect(head).toMatch(/\r\ncontent-type: application\/json/i);
      expect(errorBodySchema.parse(JSON.parse(body)).error.code).toBe('invalid_request');
    }
    expect((await call(s, 'GET', '/healthz')).status).toBe(200);
  });

  it('logs a push whose phone broke off mid-upload as unanswered (a lost signal, not bad JSON)', async () => {
    const url = new URL(s.url);
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const logged = s.logs.length;
    socket.write(
      `POST /api/v1/sync/push HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${dev.token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 5000\r\n\r\n{"mutations":[`,
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await expect.poll(() => s.logs.slice(logged).filter((l) => l.path === '/api/v1/sync/push')).toEqual([
      expect.objectContaining({ status: 400, unanswered: true }),
    ]);
    // An answered request carries no such mark.
    const answered = await push('{');
    expect(answered.status).toBe(400);
    expect(s.logs.at(-1)).toMatchObject({ path: '/api/v1/sync/push', status: 400 });
    expect(s.logs.at(-1)).not.toHaveProperty('unanswered');
  });

  it('accepts a gzip-compressed push', async () => {
    const body = JSON.stringify({ mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(libraryId) }] });
    const res = await push(gzipSync(body), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.body.results[0].status).toBe('applied');
  });

  it('answers 413 payload_too_large to a body over 1 MiB, declared or streamed, and accepts exactly 1 MiB', async () => {
    const before = await rowCounts(s.database);
    const big = await push(paddedBody(MiB + 1, 2));
    expect(big.status).toBe(413);
    expect(big.body.error).toEqual({ code: 'payload_too_large', message: 'Kiriman terlalu besar (maksimal 1 MiB).' });
    // Without Content-Length (chunked), the limit holds while reading.
    const chunks = new TextEncoder().encode(paddedBody(MiB + 10, 2));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < chunks.length; i += 64 * 1024) controller.enqueue(chunks.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(`${s.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await rowCounts(s.database)).toEqual(before);
    const exact = await push(paddedBody(MiB, 2));
    expect(exact.status).toBe(200);
  });

  it('answers 413 to a gzip body that inflates past 1 MiB', async () => {
    const bomb = gzipSync(paddedBody(4 * MiB, 99));
    expect(bomb.length).toBeLessThan(MiB);
    const res = await push(bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('unpacks a gzip body over 64 KiB (on the thread pool) as a small one: applied, 400 if cut short, 413 past 1 MiB', async () => {
    const noise = (chars: number) => randomBytes(chars / 2).toString('hex'); // compresses to ~half
    const envelope = (pad: string) => JSON.stringify({ mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(libraryId) }], pad });
    const large = gzipSync(envelope(noise(300_000)));
    expect(large.byteLength).toBeGreaterThan(64 * 1024);
    const taken = await push(large, { 'content-encoding': 'gzip' });
    expect(taken.status).toBe(200);
    expect(taken.body.results).toHaveLength(1);

    const before = await rowCounts(s.database);
    const cut = await push(large.subarray(0, large.byteLength - 1000), { 'content-encoding': 'gzip' });
    expect(cut.status).toBe(400);
    expect(cut.body.error.code).toBe('invalid_json');
    const bomb = gzipSync(envelope(noise(300_000) + ' '.repeat(2 * MiB)));
    expect(bomb.byteLength).toBeGreaterThan(64 * 1024);
    const refused = await push(bomb, { 'content-encoding': 'gzip' });
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe('payload_too_large');
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it('answers 415 unsupported_encoding to any encoding but gzip', async () => {
    for (const encoding of ['br', 'deflate', 'gzip, br', 'x-custom']) {
      const res = await push('{}', { 'content-encoding': encoding });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_encoding');
    }
  });

  it('answers 400 invalid_json to corrupt or truncated gzip, invalid UTF-8 and unparseable JSON', async () => {
    const gz = gzipSync(JSON.stringify({ mutations: [] }));
    const bodies: [Uint8Array | string, Record<string, string>][] = [
      [gz.subarray(0, gz.length - 6), { 'content-encoding': 'gzip' }],
      [Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }],
      [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}],
      ['{"mutations": [', {}],
      ['', {}],
    ];
    for (const [raw, headers] of bodies) {
      const res = await push(raw, headers);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
    }
  });

  it('refuses a body not declared as JSON in UTF-8, however it parses: 400 invalid_request naming the header, nothing stored', async () => {
    // A device of its own, whose first push would be applied were it taken.
    const lib = await addLibrary(s);
    const fresh = await enrollNew(s, lib);
    const body = JSON.stringify({ mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(lib.id) }] });
    const before = await rowCounts(s.database);
    const refused: (string | null)[] = [
      'text/plain;charset=UTF-8', // what fetch says for a string body
      'application/x-www-form-urlencoded', // curl -d
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=latin1',
      'application/jsonx',
      null, // no Content-Type at all
    ];
    for (const type of refused) {
      const res = await call(s, 'POST', '/api/v1/sync/push', {
        token: fresh.token,
        raw: new TextEncoder().encode(body),
        headers: type === null ? {} : { 'content-type': type },
      });
      expect(res.status, String(type)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details).toEqual([{ path: 'content-type', message: 'Harus application/json.' }]);
    }
    expect(await rowCounts(s.database)).toEqual(before);
    // Enrolment too, without counting towards the address's lock.
    const code = await call(s, 'POST', '/api/v1/enroll', { raw: JSON.stringify({ code: 'ABCD-2345' }), headers: { 'content-type': 'text/plain' } });
    expect(code.status).toBe(400);
    expect(code.body.error.details[0].path).toBe('content-type');
    expect(await rowCounts(s.database)).toEqual(before);
    // JSON's own labels are taken, in any case, with a UTF-8 charset or none.
    for (const type of ['Application/JSON; charset="UTF-8"', 'application/vnd.api+json']) {
      const res = await call(s, 'POST', '/api/v1/sync/push', { token: fresh.token, raw: body, headers: { 'content-type': type } });
      expect(res.status, type).toBe(200);
      expect(res.body.results[0].status).toBe(type.startsWith('App') ? 'applied' : 'duplicate');
    }
    const en = await call(s, 'POST', '/api/v1/sync/push', { token: fresh.token, raw: body, headers: { 'content-type': 'text/plain', 'accept-language': 'en' } });
    expect(en.body.error.details).toEqual([{ path: 'content-type', message: 'Must be application/json.' }]);
  });

  it('words error messages in Accept-Language: Indonesian by default, English on request', async () => {
    const id = await push('{');
    expect(id.body.error.message).toBe('Isi permintaan bukan JSON yang valid.');
    const en = await push('{', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.body.error.message).toBe('The request body is not valid JSON.');
  });
});

describe.each(DB_KINDS)('stopping on %s', (kind) => {
  it('cuts a request still arriving after the grace, answers it nothing, and closes the database', async () => {
    const s = await startTestServer(kind, { shutdownGraceMs: 300 });
    try {
      const lib = await addLibrary(s);
      const dev = await enrollNew(s, lib);
      const body = JSON.stringify({ mutations: [{ seq: 1, baseVersion: 0, entry: makeEntry(lib.id) }] });
      const url = new URL(s.url);
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      let received = '';
      socket.on('data', (c) => (received += c.toString('utf8')));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        `POST /api/v1/sync/push HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${dev.token}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
      );
      // "100 Continue": the server has taken the request; a stalled phone then sends 20 bytes and no more.
      await new Promise<void>((resolve) => socket.on('data', () => received.includes('100 Continue') && resolve()));
      socket.write(body.slice(0, 20));
      await s.running.stop();
      await closed;
      expect(received).not.toMatch(/HTTP\/1\.1 200/);
      await expect(s.database.db.selectFrom('entries').select('entry_id').execute()).rejects.toThrow();
      // The log says the client got nothing, beside the status the server would have given.
      expect(s.logs.filter((l) => l.path === '/api/v1/sync/push')).toEqual([expect.objectContaining({ status: 400, unanswered: true })]);
    } finally {
      await s.stop();
    }
  });
});
