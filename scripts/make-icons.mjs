#!/usr/bin/env node
// Draws the app's PNG icons (an open book on the programme green) with no dependencies:
// a tiny PNG encoder over node:zlib. Run once, commit the output: `node scripts/make-icons.mjs`.
// The maskable icon keeps the book inside the central 80 % safe zone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const GREEN = [0x0b, 0x6e, 0x4f];
const WHITE = [0xff, 0xff, 0xff];
const GOLD = [0xf2, 0xc2, 0x00];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x / size, y / size), y * (size * 3 + 1) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An open book centred in a box of relative size `scale`, on green. */
function book(scale) {
  return (u, v) => {
    const x = (u - 0.5) / scale + 0.5;
    const y = (v - 0.5) / scale + 0.5;
    const inPage = y > 0.3 && y < 0.72 && x > 0.18 && x < 0.82 && Math.abs(x - 0.5) > 0.02;
    // Pages droop towards the spine.
    const droop = 0.06 * (1 - Math.abs(x - 0.5) / 0.32);
    if (inPage && y > 0.3 + droop * 0.5) {
      const line = Math.abs(x - 0.5) > 0.07 && Math.abs(x - 0.5) < 0.27 && [0.42, 0.5, 0.58].some((l) => Math.abs(y - l - droop * 0.5) < 0.012);
      return line ? GREEN : WHITE;
    }
    if (y > 0.74 && y < 0.78 && x > 0.16 && x < 0.84) return GOLD;
    return GREEN;
  };
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, book(1)));
writeFileSync('public/icons/icon-512.png', png(512, book(1)));
writeFileSync('public/icons/maskable-512.png', png(512, book(0.72)));
writeFileSync('public/icons/apple-touch-icon.png', png(180, book(0.9)));
console.log('icons written to public/icons/');
