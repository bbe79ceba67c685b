/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, 12 random bits, the
 * variant `10`, 62 random bits — `0190f3c2-7a1b-7c3d-9e4f-0123456789ab`. Ids sort by
 * creation time, which keeps IndexedDB and the server's indexes append-mostly.
 * The clock and the random source are parameters so tests can pin them.
 */
export function uuidv7(
  now: () => number = Date.now,
  fillRandom: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b),
): string {
  const bytes = new Uint8Array(16);
  fillRandom(bytes);
  const ms = now();
  // 48-bit big-endian timestamp; division, not shifts, because shifts are 32-bit.
  for (let i = 5; i >= 0; i--) bytes[5 - i] = Math.floor(ms / 2 ** (8 * i)) & 0xff;
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
