/** Where a request came from: the client's address (for rate limits), and whether it came over HTTPS. */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address for the rate limits. Behind a trusted proxy (TRUST_PROXY), the
 * rightmost X-Forwarded-For entry: the one our proxy appended, the address it saw. The
 * entries left of it were written by the client (or proxies we know nothing of), so
 * they can say anything; trusting the leftmost would let a client pick a fresh address
 * for each attempt. (Several header lines read as one list, in order.)
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const last = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (last) return last.slice(0, 100);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request in a test)
  }
}

/**
 * Whether the client reached us over HTTPS, so the session cookie may be marked
 * `Secure`: directly, or (behind a trusted proxy that ends TLS) per X-Forwarded-Proto.
 */
export function cameOverHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
