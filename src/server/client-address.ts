/** Where a request came from: the client (as the rate limits count it), and whether it came over HTTPS. */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIPv6 } from 'node:net';

/**
 * The client for the enrolment and login rate limits: its address, as `rateLimitKey`
 * counts it. Behind a trusted proxy (TRUST_PROXY), the rightmost X-Forwarded-For entry:
 * the one our proxy appended, the address it saw. The entries left of it were written by
 * the client (or proxies we know nothing of), so they can say anything; trusting the
 * leftmost would let a client pick a fresh address for each attempt. (Several header
 * lines read as one list, in order.)
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  return rateLimitKey(connectingAddress(c, trustProxy));
}

function connectingAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const last = rightmost(c.req.header('x-forwarded-for'));
    if (last) return last.slice(0, 100);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request in a test)
  }
}

/** The last entry of a comma-separated header: the one our proxy wrote. */
function rightmost(header: string | undefined): string | undefined {
  return header?.split(',').pop()?.trim();
}

/**
 * What the rate limits count for an address: an IPv4 address as it is (also written
 * IPv4-mapped, `::ffff:192.0.2.1`, as a server listening on `::` sees it); an IPv6
 * address as its /64, `2001:db8:1:2::/64`. One subscriber line or phone gets a whole /64
 * and may pick any address in it, so counting single IPv6 addresses would let it try a
 * fresh one each time. Anything else (`unknown`, a proxy's odd entry) as it is.
 */
export function rateLimitKey(address: string): string {
  const bare = address.split('%')[0]; // a zone, as in fe80::1%eth0
  if (!isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address: `::` filled with zeros, a dotted IPv4 ending as two groups. */
function ipv6Groups(address: string): number[] {
  const halves = address.split('::');
  const groupsOf = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const head = groupsOf(halves[0]);
  if (halves.length === 1) return head;
  const tail = groupsOf(halves[1]);
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * Whether the client reached us over HTTPS, so the session cookie may be marked
 * `Secure`: directly, or (behind a trusted proxy that ends TLS) per X-Forwarded-Proto —
 * its rightmost entry, as for X-Forwarded-For: our proxy's, not one the client sent along.
 */
export function cameOverHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return trustProxy && rightmost(c.req.header('x-forwarded-proto'))?.toLowerCase() === 'https';
}
