/** Devices: enrolment, token look-up, listing and revocation. Tokens are stored as SHA-256 only. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Library } from '../../domain';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db';
import type { Db, DevicesTable, LibraryRow } from '../schema';
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

const DEVICE_BY_TOKEN =
  'SELECT d.device_id, l.* FROM devices d JOIN libraries l ON l.library_id = d.library_id ' +
  'WHERE d.token_hash = ? AND d.revoked_at IS NULL';

const DEVICES_BY_TOKENS = {
  name: 'devices-by-tokens',
  text:
    'SELECT d.token_hash, d.device_id, l.* FROM devices d JOIN libraries l ON l.library_id = d.library_id ' +
    'WHERE d.token_hash = ANY($1::text[]) AND d.revoked_at IS NULL',
};

type DeviceRow = LibraryRow & { device_id: string; token_hash?: string };

/**
 * PostgreSQL: the token look-ups that arrive within one turn of the event loop go to
 * the database as one query (a named statement, planned once per connection), so a
 * hundred requests at once cost one round trip, not a hundred. Each look-up still
 * starts after its request arrived: a token revoked before that is refused.
 */
class TokenLookups {
  private pending = new Map<string, { resolve: (row: DeviceRow | undefined) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  constructor(private readonly pool: pg.Pool) {}

  find(hash: string): Promise<DeviceRow | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(hash);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(hash, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    this.pool.query<DeviceRow>({ ...DEVICES_BY_TOKENS, values: [[...batch.keys()]] }).then(
      ({ rows }) => {
        const byHash = new Map<string, DeviceRow>();
        for (const row of rows) if (!byHash.has(row.token_hash!)) byHash.set(row.token_hash!, row);
        for (const [hash, waiting] of batch) for (const w of waiting) w.resolve(byHash.get(hash));
      },
      (error: unknown) => {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
      },
    );
  }
}

const lookups = new WeakMap<pg.Pool, TokenLookups>();

/**
 * The enrolled, unrevoked device holding `token`, with its library, or null. Every
 * request but enrolment runs this, so it skips Kysely's query builder: on SQLite the
 * SQL goes through Kysely's connection (its lock and the statement cache); on
 * PostgreSQL concurrent look-ups share one query (`TokenLookups`).
 */
export async function findDeviceByToken(database: Database, token: string): Promise<AuthedDevice | null> {
  const hash = hashToken(token);
  let row: DeviceRow | undefined;
  if (database.kind === 'postgres') {
    let batcher = lookups.get(database.pool);
    if (!batcher) lookups.set(database.pool, (batcher = new TokenLookups(database.pool)));
    row = await batcher.find(hash);
  } else {
    row = (await database.db.executeQuery<DeviceRow>(CompiledQuery.raw(DEVICE_BY_TOKEN, [hash]))).rows[0];
  }
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
