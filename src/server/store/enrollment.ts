/**
 * Enrolment: a valid code becomes a device with a fresh token, in one transaction.
 *
 * A phone on a bad line can lose the answer after the server has used the code: without
 * a remedy its librarian needs a new code from an administrator before anything is sent.
 * So a phone sends a random `retryKey` with the code, and the same code with the same key
 * again gets the same answer — the same device and the same token — within
 * RETRY_WINDOW_MS of the first use, while that device has never pushed and is not revoked.
 * The same token, not a new one: a late copy of the first request (a proxy's retry, the
 * phone's own attempt that timed out) must not end the token the phone stored. The token
 * is kept sealed with a key derived from `retryKey`, which the server never stores (only
 * its hash, under another derivation), so a database dump does not give it away. Anyone
 * else asking with a used code still gets `invalid_code`, as SYNC-PROTOCOL.md says.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Library } from '../../domain';
import type { Db } from '../schema';
import { normaliseCode, redeemCode } from './codes';
import { hashToken, insertDevice, newDeviceId, newToken } from './devices';
import { findLibrary } from './libraries';

/** How long after a code's first use its answer can be asked for again. */
export const RETRY_WINDOW_MS = 60 * 60_000;

export async function enrollDevice(
  db: Db,
  code: string,
  deviceName: string | undefined,
  now: Date,
  retryKey?: string,
): Promise<{ deviceId: string; token: string; library: Library } | null> {
  return db.transaction().execute(async (trx) => {
    const deviceId = newDeviceId();
    const token = newToken();
    const retry = retryKey === undefined ? null : { keyHash: hashToken(retryKey), token: seal(token, retryKey) };
    const libraryId = await redeemCode(trx, code, deviceId, now, retry);
    if (libraryId === null) return retryKey === undefined ? null : answerAgain(trx, code, retryKey, now);
    const found = await findLibrary(trx, libraryId);
    if (!found) return null;
    await insertDevice(trx, { libraryId, deviceId, name: deviceName ?? null, token }, now);
    return { deviceId, token, library: found.library };
  });
}

/**
 * Forgets the sealed tokens (and their keys' hashes) of codes first used more than
 * RETRY_WINDOW_MS ago: they can answer no retry any more, and kept they would be a copy of
 * every such device's token for good, though sealed (housekeeping.ts). Returns how many.
 */
export async function forgetSealedTokens(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - RETRY_WINDOW_MS).toISOString();
  const result = await db
    .updateTable('enrollment_codes')
    .set({ retry_token: null, retry_key_hash: null })
    .where('retry_token', 'is not', null)
    .where('used_at', '<', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The first answer again, for the code's own retry key; null when it may not be given. */
async function answerAgain(trx: Db, input: string, retryKey: string, now: Date) {
  const code = normaliseCode(input);
  if (code === null) return null;
  const used = await trx
    .selectFrom('enrollment_codes')
    .select(['library_id', 'device_id', 'used_at', 'retry_token'])
    .where('code', '=', code)
    .where('retry_key_hash', '=', hashToken(retryKey))
    .executeTakeFirst();
  if (!used?.used_at || !used.device_id || !used.retry_token || Date.parse(used.used_at) < now.getTime() - RETRY_WINDOW_MS) return null;
  const token = unseal(used.retry_token, retryKey);
  if (token === null) return null;
  const device = await trx
    .selectFrom('devices')
    .select('device_id')
    .where('library_id', '=', used.library_id)
    .where('device_id', '=', used.device_id)
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .where('last_seq', '=', 0)
    .where('last_push_at', 'is', null)
    .executeTakeFirst();
  if (!device) return null;
  const found = await findLibrary(trx, used.library_id);
  return found ? { deviceId: used.device_id, token, library: found.library } : null;
}

/** AES-256-GCM under a key derived from the retry key (not its stored hash: another input). */
const sealKey = (retryKey: string) => createHash('sha256').update(`tpbis enrol retry seal\0${retryKey}`, 'utf8').digest();

function seal(token: string, retryKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(retryKey), iv);
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

function unseal(text: string, retryKey: string): string | null {
  try {
    const bytes = Buffer.from(text, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealKey(retryKey), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
