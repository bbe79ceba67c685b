/**
 * The server's tables, as Kysely sees them. Every table that holds one library's data
 * has `library_id` first in its primary key, so the schema distributes on Citus by
 * `library_id` without change (DESIGN.md, "The server"). Instants are ISO 8601 text
 * in UTC (`…Z`, milliseconds), which sorts and compares correctly as text on both
 * databases.
 */
import type { Generated, Kysely } from 'kysely';

export interface LibrariesTable {
  library_id: string;
  name: string;
  npp: string | null;
  village: string;
  district: string;
  regency: string;
  province: string;
  timezone: string;
  created_at: string;
  /** The last push from any device of the library; the push transaction locks this row. */
  last_push_at: string | null;
}

export interface DevicesTable {
  library_id: string;
  device_id: string;
  name: string | null;
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  token_hash: string;
  /** The highest `seq` processed for this device. */
  last_seq: number;
  created_at: string;
  last_push_at: string | null;
  revoked_at: string | null;
}

export interface EntriesTable {
  library_id: string;
  entry_id: string;
  /** The server-wide change number of the entry's last stored write. */
  version: number;
  /** The device that made the last stored write. */
  device_id: string;
  /** The last write's `updatedAt`, clamped to the server clock; the conflict rule compares it. */
  updated_at: string;
  deleted: number;
  /** The entry as parsed by the domain schema, JSON. */
  body: string;
}

export interface EnrollmentCodesTable {
  library_id: string;
  /** Normalised: 8 characters, upper case, no dash. */
  code: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  device_id: string | null;
}

/** One `invalid_code` answer to one address; the rate limit counts these. */
export interface EnrollFailuresTable {
  address: string;
  failed_at: string;
  nonce: string;
}

/** Server-wide values shared by every process: the cursor key; on SQLite the version counter. */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface VersionCounterTable {
  id: number;
  value: Generated<number>;
}

export interface Schema {
  libraries: LibrariesTable;
  devices: DevicesTable;
  entries: EntriesTable;
  enrollment_codes: EnrollmentCodesTable;
  enroll_failures: EnrollFailuresTable;
  settings: SettingsTable;
  version_counter: VersionCounterTable;
}

export type Db = Kysely<Schema>;
