/**
 * The sync engine's requests: JSON with the device's token, each answer sorted into
 * "use it", "try again later" (network failure, 5xx, 429) or "stop" (any other 4xx on the
 * whole request), with the protocol's error body read through the domain's schema.
 */
import { API_BASE, errorBodySchema, type FieldError, type Lang } from '../domain';
import { parseRetryAfter } from './backoff';
import type { SyncError } from './sync-state';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export type HttpResult =
  | { ok: true; status: number; body: unknown; serverTime: Date }
  | { ok: false; retry: true; error: SyncError; retryAfterMs: number | null }
  | { ok: false; retry: false; error: SyncError; details: FieldError[] };

export interface RequestOptions {
  fetch: FetchFn;
  now: () => Date;
  serverUrl: string;
  token?: string;
  lang?: Lang;
  /** Gzip a JSON body larger than this many bytes (when CompressionStream exists); null: never. */
  gzipAbove?: number | null;
}

/** Bytes sent by this module, for the benchmark: raw JSON and as sent on the wire. */
export const bytesSent = { raw: 0, wire: 0 };

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer> | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function request(
  opts: RequestOptions,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': opts.lang ?? 'id' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (json !== undefined) {
    const text = JSON.stringify(json);
    // The server refuses text/plain, which is what fetch sends for a string body.
    headers['content-type'] = 'application/json';
    const raw = new TextEncoder().encode(text);
    body = raw;
    if (opts.gzipAbove != null && raw.byteLength > opts.gzipAbove) {
      const packed = await gzip(text);
      if (packed && packed.byteLength < raw.byteLength) {
        headers['content-encoding'] = 'gzip';
        body = packed;
      }
    }
    bytesSent.raw += raw.byteLength;
    bytesSent.wire += (body as Uint8Array).byteLength;
  }
  let res: Response;
  let text: string;
  try {
    res = await opts.fetch(`${opts.serverUrl}${API_BASE}${path}`, { method, headers, body });
    text = await res.text();
  } catch (e) {
    return { ok: false, retry: true, retryAfterMs: null, error: { status: 0, code: null, message: messageOf(e) } };
  }
  const dated = Date.parse(res.headers.get('date') ?? '');
  const serverTime = Number.isNaN(dated) ? opts.now() : new Date(dated);
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (res.status >= 200 && res.status < 300) {
    // A success whose body does not arrive whole is a lost response: ask again.
    if (parsed === undefined) return retryable(res.status, null, 'unreadable response');
    return { ok: true, status: res.status, body: parsed, serverTime };
  }
  const err = errorBodySchema.safeParse(parsed);
  const code = err.success ? err.data.error.code : null;
  const message = err.success ? err.data.error.message : `HTTP ${res.status}`;
  if (res.status === 429 || res.status >= 500 || res.status === 408) {
    return {
      ok: false,
      retry: true,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), opts.now()),
      error: { status: res.status, code, message },
    };
  }
  return { ok: false, retry: false, error: { status: res.status, code, message }, details: err.success ? err.data.error.details ?? [] : [] };
}

function retryable(status: number, code: string | null, message: string): HttpResult {
  return { ok: false, retry: true, retryAfterMs: null, error: { status, code, message } };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
