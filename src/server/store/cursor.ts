/**
 * Pull cursors: opaque to the phone, made only by the server. A cursor is the last
 * version the phone has seen, in base 36, and an HMAC of the library and that version
 * under a key kept in the database (shared by every server process), so a cursor the
 * server did not make, or one made for another library, is refused.
 *
 * Example: `2n9c.Jt0cQ3f1y8m0vJmB4G5f1w` = version 123456 + 16 bytes of HMAC, base64url.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../schema';

const CURSOR_PATTERN = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

export async function loadCursorKey(db: Db): Promise<Buffer> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'cursor_key').executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'hex');
}

function mac(key: Buffer, libraryId: string, version: number): Buffer {
  return createHmac('sha256', key).update(`${libraryId}:${version}`).digest().subarray(0, 16);
}

export function makeCursor(key: Buffer, libraryId: string, version: number): string {
  return `${version.toString(36)}.${mac(key, libraryId, version).toString('base64url')}`;
}

/** The version inside a cursor this server made for this library, or null. */
export function readCursor(key: Buffer, libraryId: string, cursor: string): number | null {
  const m = CURSOR_PATTERN.exec(cursor);
  if (!m) return null;
  const version = parseInt(m[1], 36);
  if (!Number.isSafeInteger(version) || version.toString(36) !== m[1]) return null;
  const given = Buffer.from(m[2], 'base64url');
  const expected = mac(key, libraryId, version);
  return given.length === expected.length && timingSafeEqual(given, expected) ? version : null;
}
