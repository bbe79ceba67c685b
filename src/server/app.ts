/**
 * The HTTP application: routes of SYNC-PROTOCOL.md, the built app, one JSON log line
 * per request, and error bodies for everything else. `createApp` takes its
 * dependencies, so tests run it against any database with a fixed clock.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { API_BASE, MONITOR_BASE } from '../domain';
import { requireDevice } from './auth';
import { contentEncoding, declaredLength } from './body';
import type { Env, ServerDeps } from './context';
import { errorReply } from './errors';
import { enrollRoute } from './routes/enroll';
import { healthRoute } from './routes/health';
import { libraryRoute, rulebookRoute } from './routes/library';
import { librariesRoute, libraryDetailRoute, summaryRoute } from './routes/monitor';
import { loginRoute, logoutRoute, meRoute } from './routes/monitor-auth';
import { librariesExportRoute, summaryExportRoute } from './routes/monitor-export';
import { pullRoute } from './routes/pull';
import { pushRoute } from './routes/push';
import { isServerPath, staticRoute } from './static';
import { requireSupervisor } from './supervisor-auth';

/** The request's connection was closed before its answer (only on @hono/node-server; the tests' app.fetch has none). */
function connectionGone(c: Context<Env>): boolean {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.destroyed === true;
}

/** A push's path: the one request whose body a phone pays for by the megabyte. */
const PUSH_PATH = `${API_BASE}/sync/push`;

/**
 * A push's declared size on the wire (its Content-Length), and whether it came gzipped: what
 * the phone paid for in data (it gzips any body over 1 KB). Only for pushes: a login's size
 * beside the supervisor's name would tell the length of the password.
 */
function pushOnWire(path: string, headers: Headers): { requestBytes?: number; gzip?: true } {
  if (path !== PUSH_PATH) return {};
  const length = declaredLength(headers);
  if (!length) return {};
  return { requestBytes: length, ...(contentEncoding(headers) === 'gzip' && { gzip: true as const }) };
}

/**
 * Sent with every answer, the app's files and the API's alike: no browser guesses a type
 * other than the one declared (an exported CSV is never run as a page), no page of this
 * server is framed by another site (a login under someone else's frame), and no address
 * of it leaves in a Referer (the app links nowhere that needs one). No
 * Content-Security-Policy yet: the service worker and the styles would need it tested.
 */
const HARDENING_HEADERS: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
];

export function createApp(deps: ServerDeps): Hono<Env> {
  const app = new Hono<Env>();

  // Set on the answer once made, not as prepared headers, so that answers built as a
  // Response of their own (the exports) and the preflights carry them too.
  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of HARDENING_HEADERS) c.res.headers.set(name, value);
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // Who called: the device, or on the monitoring routes the supervisor's name (never
      // the cookie or what was typed at login).
      const supervisor = c.get('supervisor');
      deps.logger({
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(supervisor ? { supervisor: supervisor.name } : { deviceId: c.get('device')?.deviceId ?? null }),
        ...pushOnWire(c.req.path, c.req.raw.headers),
        // The connection is gone (signal lost mid-upload, cut at shutdown, or answered 408 by the
        // request timeout): `status` is what the server would have answered; the client did not
        // get it, and will send again.
        ...(connectionGone(c) && { unanswered: true }),
      });
    }
  });

  // Village data is paid by the megabyte: the app's files and pulled pages go out gzipped
  // (the first visit moves ~105 KB instead of ~320 KB). Pushes are answered plainly: their
  // answers are small, and their latency is budgeted.
  const gzip = compress({ encoding: 'gzip' });
  app.use('*', (c, next) => (c.req.method === 'GET' ? gzip(c, next) : next()));

  // A phone whose app is served from elsewhere ("Alamat server") calls the API cross-origin.
  // Devices authenticate with a bearer token, never a cookie, so any origin may call.
  // Not the monitoring routes: they authenticate with a cookie, and are called only by
  // the app on this server's own origin, so no other origin gets CORS headers for them
  // (not even a preflight: a cross-site page cannot post a JSON login).
  //
  // Preflights go to Hono's cors(). Other requests get their two headers as prepared
  // headers, which every answer made through the context carries: cors() would build a
  // Response before the route runs and copy it into the route's, two Response objects
  // per request, ~5 % of a small push's CPU.
  const monitorPath = `${API_BASE}${MONITOR_BASE}`;
  const preflight = cors({
    origin: '*',
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding', 'Accept-Language'],
    // Date: the phone compares its clock with the server's (an app served elsewhere reads it too).
    exposeHeaders: ['Retry-After', 'Date'],
    maxAge: 86_400,
  });
  // A preflight only for the device routes: OPTIONS anywhere else is an unknown method (404).
  const devicePaths = new Set(['/enroll', '/sync/push', '/sync/pull', '/library', '/rulebook'].map((p) => `${API_BASE}${p}`));
  app.use(`${API_BASE}/*`, (c, next) => {
    // No API answer is kept by a browser's HTTP cache: a supervisor's figures would stay
    // readable there after "Keluar" (a shared office computer), a library's entries after
    // a phone is handed on. The app keeps what it needs itself, and forgets it on purpose.
    c.header('Cache-Control', 'no-store');
    if (c.req.path === monitorPath || c.req.path.startsWith(`${monitorPath}/`)) return next();
    if (c.req.method === 'OPTIONS' && devicePaths.has(c.req.path)) return preflight(c, next);
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Access-Control-Expose-Headers', 'Retry-After, Date');
    return next();
  });

  const auth = requireDevice(deps);
  app.get('/healthz', healthRoute(deps));
  app.post(`${API_BASE}/enroll`, enrollRoute(deps));
  app.post(`${API_BASE}/sync/push`, auth, pushRoute(deps));
  app.get(`${API_BASE}/sync/pull`, auth, pullRoute(deps));
  app.get(`${API_BASE}/library`, auth, libraryRoute(deps));
  app.get(`${API_BASE}/rulebook`, auth, rulebookRoute(deps));
  // Regional monitoring: session cookie only (supervisor-auth.ts).
  const supervisor = requireSupervisor(deps);
  app.post(`${monitorPath}/login`, loginRoute(deps));
  app.post(`${monitorPath}/logout`, logoutRoute(deps));
  app.get(`${monitorPath}/me`, supervisor, meRoute());
  app.get(`${monitorPath}/summary`, supervisor, summaryRoute(deps));
  app.get(`${monitorPath}/libraries`, supervisor, librariesRoute(deps));
  app.get(`${monitorPath}/libraries/:id`, supervisor, libraryDetailRoute(deps));
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`${monitorPath}/export/summary.${format}`, supervisor, summaryExportRoute(deps, format));
    app.get(`${monitorPath}/export/libraries.${format}`, supervisor, librariesExportRoute(deps, format));
  }
  if (deps.distDir !== null) {
    const serveApp = staticRoute(deps.distDir);
    app.get('*', (c, next) => (isServerPath(c.req.path) ? next() : serveApp(c, next)));
  }

  app.notFound((c) => errorReply(c, 'not_found'));
  app.onError((err, c) => {
    deps.logger({ level: 'error', method: c.req.method, path: c.req.path, error: err instanceof Error ? err.message : String(err) });
    return errorReply(c, 'internal');
  });
  return app;
}
