/**
 * Enrolment codes: 8 characters from an alphabet without look-alikes (no 0, O, 1, I),
 * shown as `XXXX-XXXX`, single-use, expiring. Matching ignores case, spaces and dashes.
 */
import { randomBytes } from 'node:crypto';
import { codeAsMatched } from '../../domain';
import type { Db } from '../schema';

/** 32 symbols, so a random byte masked to 5 bits picks one without bias. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;
export const DEFAULT_CODE_DAYS = 14;
const CODE_PATTERN = /^[2-9A-HJ-NP-Z]{8}$/;

export function generateCode(): string {
  return Array.from(randomBytes(CODE_LENGTH), (b) => CODE_ALPHABET[b & 31]).join('');
}

/** `abcd 2345`, `ABCD-2345` → `ABCD2345`; null when it cannot be a code. */
export function normaliseCode(input: string): string | null {
  const code = codeAsMatched(input);
  return CODE_PATTERN.test(code) ? code : null;
}

/** `ABCD2345` → `ABCD-2345`. */
export function displayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export async function issueCode(
  db: Db,
  libraryId: string,
  days: number,
  now: Date,
): Promise<{ code: string; expiresAt: string }> {
  const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString();
  for (;;) {
    const code = generateCode();
    // Codes are looked up without their library, so one must never exist twice.
    const taken = await db.selectFrom('enrollment_codes').select('code').where('code', '=', code).executeTakeFirst();
    if (taken) continue;
    await db
      .insertInto('enrollment_codes')
      .values({ library_id: libraryId, code, created_at: now.toISOString(), expires_at: expiresAt, used_at: null, device_id: null, retry_key_hash: null, retry_token: null })
      .execute();
    return { code: displayCode(code), expiresAt };
  }
}

/**
 * Marks an unused, unexpired code used in one statement, so two phones racing with one
 * code cannot both win. Returns its library, or null.
 */
export async function redeemCode(
  db: Db,
  input: string,
  deviceId: string,
  now: Date,
  retry: { keyHash: string; token: string } | null = null,
): Promise<string | null> {
  const code = normaliseCode(input);
  if (code === null) return null;
  const nowIso = now.toISOString();
  const row = await db
    .updateTable('enrollment_codes')
    .set({ used_at: nowIso, device_id: deviceId, retry_key_hash: retry?.keyHash ?? null, retry_token: retry?.token ?? null })
    .where('code', '=', code)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .returning('library_id')
    .executeTakeFirst();
  return row?.library_id ?? null;
}
