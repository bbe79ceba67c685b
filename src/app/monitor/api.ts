/**
 * The monitoring section's requests. The session is the server's HttpOnly cookie, so
 * every fetch is same-origin with credentials and nothing here sees a token. Each body is
 * checked against its domain schema before anything renders it.
 *
 * The last good answer of every GET is kept in IndexedDB (idb-keyval, its own database,
 * keyed by URL) — here in the page, never in the service worker, which must not cache
 * /api/. When the server cannot be reached the kept answer is returned with the time it
 * was saved, and the screen says the data is from then. A 401 forgets them all, as
 * "Keluar" does: the server ended the session, so nothing of it may open offline.
 */
import { clear, createStore, del, get, set, type UseStore } from 'idb-keyval';
import { errorBodySchema, type ErrorCode, type SupervisorInfo } from '../../domain';
import { loginRequestSchema, supervisorInfoSchema } from '../../domain/monitor';
import { parseRetryAfter } from '../../device/backoff';
import { loginUrl, logoutUrl, meUrl } from './view';

export type MonitorError =
  /** No session, or it ended: the kept views are already forgotten; show the login form. */
  | { kind: 'unauthorized' }
  /** The server answered with an error (403 out_of_scope, 404, 429, 5xx…). */
  | { kind: 'status'; status: number; code: ErrorCode | null; retryAfterMs: number | null }
  /** No network, or the server is down, and nothing kept for this request. */
  | { kind: 'unreachable' }
  /** A 2xx whose body is not what the contract says. */
  | { kind: 'invalid' };

export type Fetched<T> =
  /** `savedAt`: set when this is the kept answer shown because the server could not be reached. */
  | { ok: true; data: T; savedAt: string | null }
  | { ok: false; error: MonitorError };

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export interface MonitorDeps {
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** The idb-keyval store of kept answers. */
  store: () => UseStore;
  now: () => Date;
}

let store: UseStore | null = null;
export const browserDeps: MonitorDeps = {
  fetch: (input, init) => fetch(input, init),
  // Opened on first use: the database is created only when monitoring is used.
  store: () => (store ??= createStore('tpbis-pantau', 'views')),
  now: () => new Date(),
};

interface Kept {
  savedAt: string;
  body: unknown;
}

/** A proxy's answers while the server behind it is down count as unreachable too. */
const DOWN = new Set([502, 503, 504]);

/**
 * GETs `url` with the session: its successful answer, or what went wrong (no network and
 * a proxy's 502/503/504 are `unreachable`; a 401 has already forgotten the kept views).
 */
async function getWithSession(url: string, accept: string, deps: MonitorDeps): Promise<Response | MonitorError> {
  const session = generation;
  let res: Response;
  try {
    res = await deps.fetch(url, { credentials: 'same-origin', headers: { accept } });
  } catch {
    return { kind: 'unreachable' };
  }
  if (DOWN.has(res.status)) return { kind: 'unreachable' };
  if (res.ok) return res;
  const error = await errorOf(res, deps);
  if (error.kind === 'unauthorized') await sessionEnded(session, deps);
  return error;
}

/** GETs `url`, validates the body; on no network, answers with the kept copy if any. */
export async function readJson<T>(url: string, schema: Schema<T>, deps: MonitorDeps = browserDeps): Promise<Fetched<T>> {
  const session = generation;
  const res = await getWithSession(url, 'application/json', deps);
  if ('kind' in res) return res.kind === 'unreachable' ? fromKept(url, schema, deps) : { ok: false, error: res };
  const body = await bodyOf(res);
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, error: { kind: 'invalid' } };
  // An answer that arrives after a logout or another login is not kept for the next person.
  if (session === generation) void keep(url, body, deps);
  return { ok: true, data: parsed.data, savedAt: null };
}

export type Download = { ok: true; blob: Blob; fileName: string } | { ok: false; error: MonitorError };

/**
 * An export (CSV or XLSX) fetched with the session, so that a failure is said on the page:
 * followed as a plain link, an ended session saved the 401's JSON as the download. Never kept.
 */
export async function fetchExport(url: string, deps: MonitorDeps = browserDeps): Promise<Download> {
  const res = await getWithSession(url, '*/*', deps);
  if ('kind' in res) return { ok: false, error: res };
  try {
    return { ok: true, blob: await res.blob(), fileName: fileNameOf(res.headers.get('content-disposition'), url) };
  } catch {
    return { ok: false, error: { kind: 'unreachable' } }; // the connection broke mid-file
  }
}

/** The name the server gave the file (`attachment; filename="…"`), or the URL's last part. */
function fileNameOf(disposition: string | null, url: string): string {
  const named = disposition ? /filename="([^"]+)"/.exec(disposition)?.[1] : undefined;
  return named ?? new URL(url, 'http://x').pathname.split('/').pop()!;
}

/** Keeping is best effort: a full or private-mode storage must not hide fresh data. */
function keep(url: string, body: unknown, deps: MonitorDeps): Promise<void> {
  return set(url, { savedAt: deps.now().toISOString(), body } satisfies Kept, deps.store()).catch(() => {});
}

async function fromKept<T>(url: string, schema: Schema<T>, deps: MonitorDeps): Promise<Fetched<T>> {
  const kept = await get<Kept>(url, deps.store()).catch(() => undefined);
  const parsed = kept && typeof kept.savedAt === 'string' ? schema.safeParse(kept.body) : null;
  return parsed?.success ? { ok: true, data: parsed.data, savedAt: kept!.savedAt } : { ok: false, error: { kind: 'unreachable' } };
}

async function bodyOf(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

async function errorOf(res: Response, deps: MonitorDeps): Promise<MonitorError> {
  if (res.status === 401) return { kind: 'unauthorized' };
  const err = errorBodySchema.safeParse(await bodyOf(res));
  return {
    kind: 'status',
    status: res.status,
    code: err.success ? err.data.error.code : null,
    retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), deps.now()),
  };
}

export type LoginResult = { ok: true; me: SupervisorInfo } | { ok: false; error: MonitorError };

/**
 * A "Keluar" the server has not had yet (tapped offline), kept beside the views. Until it
 * reaches the server, the session cookie (HttpOnly, 12 h) would sign the next person in
 * on this computer; so the page treats itself as signed out and sends it first.
 */
const LOGOUT_PENDING = 'logout-pending';

/** Signs in; the server sets the session cookie. A 401 here is a wrong name or password. */
export async function login(username: string, password: string, deps: MonitorDeps = browserDeps): Promise<LoginResult> {
  const request = loginRequestSchema.safeParse({ username, password });
  // Too long, or a NUL: no account has such a name or password (the admin refuses them), so
  // it is a wrong name or password, and is worded so — not "the request is malformed".
  if (!request.success) return { ok: false, error: { kind: 'status', status: 401, code: 'invalid_login', retryAfterMs: null } };
  // The previous person's "Keluar", if it never reached the server, ends their session first.
  await settlePendingLogout(deps);
  let res: Response;
  try {
    res = await deps.fetch(loginUrl(), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request.data),
    });
  } catch {
    return { ok: false, error: { kind: 'unreachable' } };
  }
  if (!res.ok) {
    const error = await errorOf(res, deps);
    // The login's own 401 carries `invalid_login`; keep it as a status error to word it.
    return { ok: false, error: error.kind === 'unauthorized' ? { kind: 'status', status: 401, code: 'invalid_login', retryAfterMs: null } : error };
  }
  const me = supervisorInfoSchema.safeParse(await bodyOf(res));
  if (!me.success) return { ok: false, error: { kind: 'invalid' } };
  // Another person may sign in on this laptop: never show them the previous one's views.
  // (This also drops a logout still pending: sent now, it would end the new session.)
  await forgetViews(deps);
  // Kept as the answer to "who is signed in", so the section opens offline after a reload.
  await keep(meUrl(), me.data, deps);
  return { ok: true, me: me.data };
}

/**
 * Ends the session. The kept views are forgotten at once; if the server cannot be reached,
 * the logout stays pending and is sent before anything else (`settlePendingLogout`).
 */
export async function logout(deps: MonitorDeps = browserDeps): Promise<void> {
  await forgetViews(deps);
  // Written first, so a logout cut short is remembered; sent whether or not it could be
  // written (a full or blocked storage must not keep the session alive).
  await set(LOGOUT_PENDING, true, deps.store()).catch(() => {});
  if (await sendLogout(deps)) await del(LOGOUT_PENDING, deps.store()).catch(() => {});
}

/**
 * Sends a logout that could not be sent before; true when none is pending any more. Call
 * it before asking who is signed in, and when the computer comes back online.
 */
export async function settlePendingLogout(deps: MonitorDeps = browserDeps): Promise<boolean> {
  const pending = await get<boolean>(LOGOUT_PENDING, deps.store()).catch(() => undefined);
  if (!pending) return true;
  if (!(await sendLogout(deps))) return false;
  await del(LOGOUT_PENDING, deps.store()).catch(() => {});
  return true;
}

/** Asks the server to end the session; true when it has (401: there was none left to end). */
async function sendLogout(deps: MonitorDeps): Promise<boolean> {
  try {
    const res = await deps.fetch(logoutUrl(), { method: 'POST', credentials: 'same-origin' });
    return res.ok || res.status === 401;
  } catch {
    return false;
  }
}

/** Counts logins and logouts in this page. */
let generation = 0;

/**
 * The server ended the session a request was sent with (12 hours passed, `supervisor
 * remove` or `passwd`). Left kept, "who is signed in" and the views would open again
 * offline after a reload — the supervisor shown as signed in, everything readable — so
 * they are forgotten as "Keluar" forgets them. Unless someone signed in or out since the
 * request left (`sentIn`): then the 401 is the old session's, and what is kept now (the
 * new person's "who is signed in") stays. Nothing is sent: there is no session to end.
 */
async function sessionEnded(sentIn: number, deps: MonitorDeps): Promise<void> {
  if (sentIn === generation) await forgetViews(deps);
}

function forgetViews(deps: MonitorDeps): Promise<void> {
  generation++;
  return clear(deps.store()).catch(() => {});
}
