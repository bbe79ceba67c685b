/**
 * The sync engine's requests: JSON with the device's token, each answer sorted into
 * "use it", "try again later" (network failure, 5xx, 408, 429, no answer in time, a
 * proxy's 407) or "stop" (any other 4xx on the whole request), with the protocol's error
 * body read through the domain's schema.
 *
 * Every request has a deadline (`timeoutMs`, 60 s by default) for the whole exchange,
 * answer body included: a connection that stalls on a flaky 2G link would otherwise hold
 * the sync lock, the page's scheduler and the Background Sync worker's event forever.
 */
import { API_BASE, errorBodySchema, type FieldError, type Lang } from '../domain';
import { parseRetryAfter } from './backoff';
import type { SyncError } from './sync-state';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export type HttpResult =
  /** `serverDated`: the server's Date header was read (else `serverTime` is the phone's own clock). */
  | { ok: true; status: number; body: unknown; serverTime: Date; serverDated: boolean }
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
  /** Give up on a request (a retryable network failure) when its answer is not in after this many ms. Default 60 s. */
  timeoutMs?: number;
}

export const REQUEST_TIMEOUT_MS = 60_000;

/** The phone's own codes for a request that got no answer (status 0): the network failed, or the deadline passed. */
export const NO_ANSWER = { network: 'network', timeout: 'timeout' } as const;

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
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Aborting stops the fetch and its body; the race also ends a fetch that ignores the signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new Error(`no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`);
      e.name = 'TimeoutError';
      reject(e);
      abort.abort(e);
    }, timeoutMs);
  });
  try {
    const exchange = (async () => {
      const r = await opts.fetch(`${opts.serverUrl}${API_BASE}${path}`, { method, headers, body, signal: abort.signal });
      return [r, await r.text()] as const;
    })();
    exchange.catch(() => {}); // settled after the deadline won: nothing waits for it
    [res, text] = await Promise.race([exchange, deadline]);
  } catch (e) {
    // No answer at all: the code tells the screen which plain words to show (sync-words.ts);
    // the browser's own text ("Failed to fetch") stays in `message`, for diagnosis only.
    const code = e instanceof Error && e.name === 'TimeoutError' ? NO_ANSWER.timeout : NO_ANSWER.network;
    return { ok: false, retry: true, retryAfterMs: null, error: { status: 0, code, message: messageOf(e) } };
  } finally {
    clearTimeout(timer);
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
    return { ok: true, status: res.status, body: parsed, serverTime, serverDated: !Number.isNaN(dated) };
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
  // A proxy asking for its own login (407) stands between the phone and the server: no
  // connection yet, tried again later. Any other 4xx stops (SYNC-PROTOCOL.md), our
  // server's JSON or not: without it that is mostly the server's own front end (an nginx
  // 404 after a move, a WAF's 403 page, a 400 "Request Header Too Large"), which a retry
  // would meet again after resending the batch on paid data. A captive portal's page
  // stops too; its words say to sign in to the Wi-Fi first (sync-words.ts).
  if (res.status === 407) return retryable(0, NO_ANSWER.network, 'HTTP 407 (a proxy asks for its login)');
  return { ok: false, retry: false, error: { status: res.status, code, message }, details: err.success ? err.data.error.details ?? [] : [] };
}

function retryable(status: number, code: string | null, message: string): HttpResult {
  return { ok: false, retry: true, retryAfterMs: null, error: { status, code, message } };
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
