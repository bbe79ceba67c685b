/** Enrolment: a valid code becomes a device with a fresh token, in one transaction. */
import type { Library } from '../../domain';
import type { Db } from '../schema';
import { redeemCode } from './codes';
import { insertDevice, newDeviceId, newToken } from './devices';
import { findLibrary } from './libraries';

export async function enrollDevice(
  db: Db,
  code: string,
  deviceName: string | undefined,
  now: Date,
): Promise<{ deviceId: string; token: string; library: Library } | null> {
  return db.transaction().execute(async (trx) => {
    const deviceId = newDeviceId();
    const libraryId = await redeemCode(trx, code, deviceId, now);
    if (libraryId === null) return null;
    const found = await findLibrary(trx, libraryId);
    if (!found) return null;
    const token = newToken();
    await insertDevice(trx, { libraryId, deviceId, name: deviceName ?? null, token }, now);
    return { deviceId, token, library: found.library };
  });
}
