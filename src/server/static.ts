/**
 * Serves the built app from dist/. `index.html` and `sw.js` are revalidated on every
 * load (so an update reaches phones), hashed files under /assets/ are immutable, and
 * any other GET outside /api falls back to index.html (the app's own routes).
 *
 * Every file carries an ETag, so a revalidation of an unchanged `sw.js` (the browser
 * checks it at each visit) is a 304 of a few bytes, not its 18 KB again: village data
 * is paid by the megabyte. Weak, because the answer may go out gzipped.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Handler } from 'hono';
import type { Env } from './context';
import { errorReply } from './errors';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

async function fileAt(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

/**
 * A path of the server's own, under /api or /healthz, however it is spelt: `//api/…`,
 * `/API/…`, `/api%2F…` or `/healthz/` are no route and get the JSON 404, not the app's page
 * with a 200, which a client would take for an answer (a load balancer probing `/healthz/`
 * would call a server whose database is down healthy).
 */
export function isServerPath(path: string): boolean {
  let p: string;
  try {
    p = decodeURIComponent(path);
  } catch {
    p = path;
  }
  p = p.replace(/\/{2,}/g, '/').toLowerCase();
  return p === '/api' || p.startsWith('/api/') || p === '/healthz' || p.startsWith('/healthz/');
}

export function staticRoute(distDir: string): Handler<Env> {
  const root = normalize(distDir + sep);
  const assets = join(root, 'assets', sep);
  return async (c) => {
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path);
    } catch {
      return errorReply(c, 'not_found');
    }
    const target = normalize(join(root, rel));
    const inside = target.startsWith(root) && !rel.includes('\0');
    const file = inside && !target.endsWith(sep) ? await fileAt(target) : null;
    if (file) {
      // By the file served, not by the path asked: `/assets/..%2fsw.js` is sw.js, which must
      // not be kept for a year.
      const cache = target.startsWith(assets) ? IMMUTABLE : REVALIDATE;
      return answer(c, file, TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream', cache);
    }
    // A missing file is a 404; a path without an extension is one of the app's routes.
    if (extname(rel) !== '' || rel.startsWith('/assets/')) return errorReply(c, 'not_found');
    const index = await fileAt(join(root, 'index.html'));
    if (!index) return errorReply(c, 'not_found');
    return answer(c, index, TYPES['.html'], REVALIDATE);
  };
}

/** The file, or 304 when the browser's copy (If-None-Match) is this one. */
function answer(c: Context<Env>, file: Buffer, type: string, cache: string): Response {
  const etag = `W/"${createHash('sha256').update(file).digest('base64url').slice(0, 27)}"`;
  if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, { etag, 'cache-control': cache });
  return c.body(new Uint8Array(file), 200, { 'content-type': type, 'cache-control': cache, etag });
}

/** If-None-Match's weak comparison (RFC 9110 13.1.2): `*`, or any listed tag equal but for `W/`. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === opaque;
  });
}
