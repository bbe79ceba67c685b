/**
 * Serves the built app from dist/. `index.html` and `sw.js` are revalidated on every
 * load (so an update reaches phones), hashed files under /assets/ are immutable, and
 * any other GET outside /api falls back to index.html (the app's own routes).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Handler } from 'hono';
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

export function staticRoute(distDir: string): Handler<Env> {
  const root = normalize(distDir + sep);
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
      const cache = rel.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
      return c.body(new Uint8Array(file), 200, {
        'content-type': TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': cache,
      });
    }
    // A missing file is a 404; a path without an extension is one of the app's routes.
    if (extname(rel) !== '' || rel.startsWith('/assets/')) return errorReply(c, 'not_found');
    const index = await fileAt(join(root, 'index.html'));
    if (!index) return errorReply(c, 'not_found');
    return c.body(new Uint8Array(index), 200, { 'content-type': TYPES['.html'], 'cache-control': REVALIDATE });
  };
}
