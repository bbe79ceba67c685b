/**
 * Reads a request's JSON body within the protocol's limits: 1 MiB before and after
 * gunzip (413), only `gzip` or no encoding (415), and strict UTF-8 and JSON (400
 * invalid_json, also for a corrupt gzip stream). Never throws for anything a client sent.
 *
 * A body labelled anything but JSON in UTF-8 (SYNC-PROTOCOL.md) is `400 invalid_request`
 * unread, however it parses — issue 4 counts a wrong content type among the malformed
 * requests that change nothing. (The phone labels its bodies; `fetch` would say
 * `text/plain` for a string, curl's `-d` a form.) For the monitoring login it also keeps
 * cross-site forms out (routes/monitor-auth.ts).
 *
 * A body nested deeper than MAX_NESTING is `400 invalid_request` (a wrong shape: no request
 * of the protocol nests so deep) before JSON.parse sees it: 1 KB of gzip can unpack to half
 * a million `[`, a second of parsing for anyone, without a token (enrolment).
 */
import { isUtf8 } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { detailMessage, langFromAcceptLanguage, MAX_BODY_BYTES, type ErrorCode, type FieldError } from '../domain';
import { parseEnvelopeInStretches, STRETCH_BYTES } from './json-bytes';

const gunzipAsync = promisify(gunzip);

/**
 * Output chunk of the gunzip. zlib's default 16 KiB made a 1 MiB gzip bomb 3.4 ms of
 * chunks to stop; 64 KiB stops it in 0.4 ms.
 */
const GUNZIP_CHUNK = 64 * 1024;

/**
 * A gzip body up to this size is unpacked in the request's own turn; a larger one on libuv's
 * thread pool. A phone's push fits (500 entries: 5 KB of gzip for 185 KB of JSON) and unpacks
 * in ~0.1 ms, where the pool's round trips cost 0.6–1.1 ms. But inflating costs by the input,
 * not the output: 1 MiB of crafted empty deflate blocks took 54 ms, which in the event loop
 * would hold every other request, and anyone may send it to /enroll. At 64 KiB, ~3.4 ms.
 */
const GUNZIP_IN_TURN_BYTES = 64 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; code: ErrorCode; details?: FieldError[] };

const fail = (code: ErrorCode): BodyResult => ({ ok: false, code });

/** `invalid_request` with one detail, worded in the request's language. */
function refuse(req: Request, path: string, message: Parameters<typeof detailMessage>[1]): BodyResult {
  const lang = langFromAcceptLanguage(req.headers.get('accept-language'));
  return { ok: false, code: 'invalid_request', details: [{ path, message: detailMessage(lang, message, { depth: String(MAX_NESTING) }) }] };
}

/** No request of the protocol nests more than 6 deep (a push: body, mutations, a mutation, its entry, partners, a partner). */
export const MAX_NESTING = 64;

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d;

/**
 * Whether the JSON in `bytes` opens more than `limit` arrays or objects at once. Brackets
 * inside strings do not count: a string is skipped to its closing quote, stepping over
 * each escaped character (UTF-8's multi-byte characters never hold an ASCII byte). For
 * valid JSON the count is exact; for invalid JSON it is exact up to the first error,
 * where JSON.parse stops too, so the parser never goes deeper than this saw.
 *
 * One pass, no allocation: on a 500-entry push, some 40 % of JSON.parse's own time.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  const end = bytes.length;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      for (i++; i < end; i++) {
        const inString = bytes[i];
        if (inString === QUOTE) break;
        if (inString === BACKSLASH) i++;
      }
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** `application/json` or any `…+json`; a `charset` parameter, if any, must be UTF-8 (JSON has no other). */
function isJsonType(contentType: string): boolean {
  const [type, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"(.*)"$/, '$1');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** Whether the request's body is declared JSON in UTF-8 (`Content-Type`). */
function declaresJson(req: Request): boolean {
  const contentType = req.headers.get('content-type');
  return contentType !== null && isJsonType(contentType);
}

/** The raw bytes, or null as soon as they pass `limit` (the rest is never buffered). */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The body's declared Content-Length, which the HTTP parser enforces (digits only); null without one. */
export function declaredLength(headers: Headers): number | null {
  const length = headers.get('content-length');
  return length !== null && /^\d{1,10}$/.test(length) ? Number(length) : null;
}

/** The body's Content-Encoding, trimmed and lower-cased; '' without one. */
export function contentEncoding(headers: Headers): string {
  return (headers.get('content-encoding') ?? '').trim().toLowerCase();
}

export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  if (!declaresJson(req)) return refuse(req, 'content-type', 'notJson');
  const encoding = contentEncoding(req.headers);
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip') return fail('unsupported_encoding');
  const declared = declaredLength(req.headers);
  if (declared !== null && declared > limit) return fail('payload_too_large');

  let bytes: Uint8Array | null;
  try {
    // With a Content-Length within the limit, the HTTP parser delivers exactly that many
    // bytes, so the body can be read whole: on @hono/node-server that is a direct read of
    // the socket's chunks, without building a web stream and a Request for it (a third of
    // a small push's time). Without one (chunked), the limit is enforced while reading.
    bytes = declared !== null ? new Uint8Array(await req.arrayBuffer()) : await readLimited(req.body, limit);
  } catch {
    return fail('invalid_json'); // the client broke off mid-body
  }
  if (bytes === null || bytes.byteLength > limit) return fail('payload_too_large');

  if (encoding === 'gzip') {
    try {
      const options = { maxOutputLength: limit, chunkSize: GUNZIP_CHUNK };
      bytes = bytes.byteLength <= GUNZIP_IN_TURN_BYTES ? gunzipSync(bytes, options) : await gunzipAsync(bytes, options);
    } catch (e) {
      return fail((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'payload_too_large' : 'invalid_json');
    }
  }

  if (nestsDeeperThan(bytes, MAX_NESTING)) return refuse(req, '', 'tooDeep');
  if (bytes.byteLength > STRETCH_BYTES) {
    // A large push, parsed without one large string (json-bytes.ts says why).
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!isUtf8(buffer)) return fail('invalid_json');
    const envelope = parseEnvelopeInStretches(buffer);
    if (envelope !== undefined) return { ok: true, value: envelope };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return fail('invalid_json');
  }
}
