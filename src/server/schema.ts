/**
 * The server's tables, as Kysely sees them. Every table that holds one library's data
 * has `library_id` first in its primary key, so the schema distributes on Citus by
 * `library_id` without change (DESIGN.md, "The server"). Instants are ISO 8601 text
 * in UTC (`…Z`, milliseconds), which sorts and compares correctly as text on both
 * databases.
 */
import type { Generated, Kysely, Selectable } from 'kysely';

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
  /** Grows with every push transaction that touches the library: a stored KPI of another count is out of date. */
  change_count: Generated<number>;
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
  /** SHA-256 (hex) of the enrolling phone's `retryKey`, if it sent one. */
  retry_key_hash: string | null;
  /** The device's token, sealed with a key only that `retryKey` gives (store/enrollment.ts). */
  retry_token: string | null;
}

/**
 * One `invalid_code` answer to one address, or (address prefixed `login:`) one
 * `invalid_login`; the rate limits of store/rate-limit.ts count these.
 */
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

/** A regional supervisor (issue 6): logs in with `name` and a password, sees `scope`. */
export interface SupervisorsTable {
  /** The login name ("Nama pengguna"), lower case. */
  name: string;
  /** `national`, `province:<name>` or `regency:<name>` (domain's formatScope). */
  scope: string;
  /** Self-describing scrypt hash (passwords.ts). */
  password_hash: string;
  created_at: string;
}

/** A supervisor's login session; like device tokens, only the cookie token's SHA-256 is kept. */
export interface SupervisorSessionsTable {
  token_hash: string;
  name: string;
  created_at: string;
  expires_at: string;
}

/** A published rulebook (`npm run admin -- rulebook publish`); the current one has the highest `seq`. */
export interface RulebooksTable {
  rulebook_id: string;
  seq: number;
  /** The document as `rulebookSchema` outputs it, JSON. */
  body: string;
  published_at: string;
}

/**
 * A library's stored KPI, for monitoring (DESIGN.md, "The server"): fresh while its
 * rulebook is the current one, `computed_for` is today in the library's time zone and
 * `change_count` is the library's; otherwise recomputed before it is shown or aggregated.
 */
export interface LibraryKpiTable {
  library_id: string;
  rulebook_id: string;
  computed_for: string;
  change_count: number;
  colour: string;
  score: number;
  /** Counted entries per strategy in the KPI period (the sum of its `monthly`). */
  layanan: number;
  pelibatan: number;
  advokasi: number;
  computed_at: string;
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
  rulebooks: RulebooksTable;
  library_kpi: LibraryKpiTable;
  supervisors: SupervisorsTable;
  supervisor_sessions: SupervisorSessionsTable;
}

export type Db = Kysely<Schema>;

/** A libraries row as read (`change_count` has a default, so it is optional only when inserting). */
export type LibraryRow = Selectable<LibrariesTable>;
