/**
 * Where the server can be opened, for the start-up message. A server bound to every
 * address (`0.0.0.0`, `::`) is not reachable *at* that address: it is opened on this
 * machine as localhost and from a phone at one of the machine's network addresses.
 */
import { networkInterfaces } from 'node:os';

const UNSPECIFIED = new Set(['0.0.0.0', '::', '[::]', '']);

/** `http://host:port`, with an IPv6 address in brackets. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The URL to open on this machine: the bound address, or localhost when bound to every address. */
export function localUrl(host: string, port: number): string {
  return httpUrl(UNSPECIFIED.has(host) ? 'localhost' : host, port);
}

/** The machine's own network addresses (IPv4, not loopback) as URLs, when bound to every address. */
export function networkUrls(host: string, port: number): string[] {
  if (!UNSPECIFIED.has(host)) return [];
  const urls: string[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) urls.push(httpUrl(a.address, port));
  }
  return urls;
}
