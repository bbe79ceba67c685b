/** Devices: enrolment, token look-up, listing and revocation. Tokens are stored as SHA-256 only. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Library } from '../../domain';
import type { Db, DevicesTable } from '../schema';
import { libraryFromRow } from './libraries';

/** 256 random bits, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newDeviceId(): string {
  return randomUUID();
}

export async function insertDevice(
  db: Db,
  device: { libraryId: string; deviceId: string; name: string | null; token: string },
  now: Date,
): Promise<void> {
  await db
    .insertInto('devices')
    .values({
      library_id: device.libraryId,
      device_id: device.deviceId,
      name: device.name,
      token_hash: hashToken(device.token),
      last_seq: 0,
      created_at: now.toISOString(),
      last_push_at: null,
      revoked_at: null,
    })
    .execute();
}

export interface AuthedDevice {
  deviceId: string;
  libraryId: string;
  /** The device's library as of this request (one query with the token look-up). */
  library: Library;
  lastPushAt: string | null;
}

/** The enrolled, unrevoked device holding `token`, with its library, or null. */
export async function findDeviceByToken(db: Db, token: string): Promise<AuthedDevice | null> {
  const row = await db
    .selectFrom('devices')
    .innerJoin('libraries', 'libraries.library_id', 'devices.library_id')
    .select('devices.device_id')
    .selectAll('libraries')
    .where('devices.token_hash', '=', hashToken(token))
    .where('devices.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return { deviceId: row.device_id, libraryId: row.library_id, library: libraryFromRow(row), lastPushAt: row.last_push_at };
}

export async function listDevices(db: Db, libraryId: string): Promise<DevicesTable[]> {
  return db.selectFrom('devices').selectAll().where('library_id', '=', libraryId).orderBy('created_at').execute();
}

/** Revokes the device's token; false when there is no such device. */
export async function revokeDevice(db: Db, deviceId: string, now: Date): Promise<boolean> {
  const rows = await db
    .updateTable('devices')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now.toISOString())) }))
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return Number(rows.numUpdatedRows) > 0;
}
