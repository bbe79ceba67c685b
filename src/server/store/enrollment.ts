/**
 * Enrolment: a valid code becomes a device with a fresh token, in one transaction.
 *
 * A phone on a bad line can lose the answer after the server has used the code: without
 * a remedy its librarian needs a new code from an administrator before anything is sent.
 * So a phone sends a random `retryKey` with the code, and the same code with the same key
 * again gets the device that code made a new token (the lost one is replaced, unseen) —
 * but only within RETRY_WINDOW_MS of the first use, and only while that device has never
 * pushed and is not revoked: a device that has pushed had its answer. Anyone else asking
 * with a used code still gets `invalid_code`, as SYNC-PROTOCOL.md says.
 */
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
  const retryKeyHash = retryKey === undefined ? null : hashToken(retryKey);
  return db.transaction().execute(async (trx) => {
    const deviceId = newDeviceId();
    const libraryId = await redeemCode(trx, code, deviceId, now, retryKeyHash);
    if (libraryId === null) return retryKeyHash === null ? null : answerAgain(trx, code, retryKeyHash, now);
    const found = await findLibrary(trx, libraryId);
    if (!found) return null;
    const token = newToken();
    await insertDevice(trx, { libraryId, deviceId, name: deviceName ?? null, token }, now);
    return { deviceId, token, library: found.library };
  });
}

/** The device a used code made for this retry key, with a new token; null when it may not be. */
async function answerAgain(trx: Db, input: string, retryKeyHash: string, now: Date) {
  const code = normaliseCode(input);
  if (code === null) return null;
  const used = await trx
    .selectFrom('enrollment_codes')
    .select(['library_id', 'device_id', 'used_at'])
    .where('code', '=', code)
    .where('retry_key_hash', '=', retryKeyHash)
    .executeTakeFirst();
  if (!used?.used_at || !used.device_id || Date.parse(used.used_at) < now.getTime() - RETRY_WINDOW_MS) return null;
  const token = newToken();
  const replaced = await trx
    .updateTable('devices')
    .set({ token_hash: hashToken(token) })
    .where('library_id', '=', used.library_id)
    .where('device_id', '=', used.device_id)
    .where('revoked_at', 'is', null)
    .where('last_seq', '=', 0)
    .where('last_push_at', 'is', null)
    .executeTakeFirst();
  if (Number(replaced.numUpdatedRows) !== 1) return null;
  const found = await findLibrary(trx, used.library_id);
  return found ? { deviceId: used.device_id, token, library: found.library } : null;
}
