/**
 * The environment a server or admin process runs with (SYNC-PROTOCOL.md, "Operating the
 * server"), and how a failure to use it is told: one plain line naming the setting to
 * check, not a stack trace (a stack says where the code was, not what to change).
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_PG_CONNECT_TIMEOUT_MS, DEFAULT_SQLITE_PATH, isAmbiguousSqliteUrl, parseDatabaseUrl, type DatabaseTarget } from './db';

export interface ServerConfig {
  database: DatabaseTarget;
  /** Where the database is, for messages: DATABASE_URL with its password masked, and which setting it came from. */
  databaseSetting: string;
  port: number;
  host: string;
  trustProxy: boolean;
}

export function readConfig(env: NodeJS.ProcessEnv): { ok: true; config: ServerConfig } | { ok: false; error: string } {
  const read = readDatabaseConfig(env);
  if (!read.ok) return read;
  // Decimal digits only: Number() would also take 0x4000, 1e4 or ' 18445 ' and serve somewhere unexpected.
  if (env.PORT !== undefined && env.PORT !== '' && !/^\d{1,5}$/.test(env.PORT)) return { ok: false, error: 'PORT must be a port number (0–65535)' };
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (port > 65535) return { ok: false, error: 'PORT must be a port number (0–65535)' };
  // "true" or "yes" read as unset would leave the limits keyed on the proxy's address, silently.
  if (![undefined, '', '0', '1'].includes(env.TRUST_PROXY)) return { ok: false, error: 'TRUST_PROXY must be 1 (behind one proxy of yours that appends X-Forwarded-For) or 0' };
  return { ok: true, config: { ...read.config, port, host: env.HOST || '127.0.0.1', trustProxy: env.TRUST_PROXY === '1' } };
}

export type DatabaseConfig = Pick<ServerConfig, 'database' | 'databaseSetting'>;

/** The database settings alone (DATABASE_URL, PGCONNECT_TIMEOUT): all the admin command line reads. */
export function readDatabaseConfig(
  env: NodeJS.ProcessEnv,
): { ok: true; config: DatabaseConfig } | { ok: false; error: string } {
  const url = env.DATABASE_URL ?? '';
  if (isAmbiguousSqliteUrl(url)) {
    const rest = url.slice('sqlite://'.length);
    return {
      ok: false,
      error: `DATABASE_URL ${url} is ambiguous: write sqlite:${rest} for a path in the working directory, or sqlite:/${rest} for an absolute path`,
    };
  }
  const parsed = parseDatabaseUrl(env.DATABASE_URL);
  if (!parsed) return { ok: false, error: 'DATABASE_URL must be sqlite:<path> or postgres://…' };
  if (parsed.kind === 'postgres' && !hasEncodedUserInfo(url)) {
    // Said before the driver reads it: `p@ss#w` gave "no such host: ss" (a piece of the
    // password, and the wrong cause) or a bare "Invalid URL".
    return { ok: false, error: 'DATABASE_URL is not a valid URL: a user name or password holding @ # / ? or % must be percent-encoded (@ → %40, # → %23, / → %2F, ? → %3F, % → %25), and a port is a number' };
  }
  // Read only for PostgreSQL: a stray value must not stop a server on SQLite.
  const timeout = parsed.kind === 'postgres' ? connectTimeoutMs(env.PGCONNECT_TIMEOUT) : undefined;
  if (timeout === null) return { ok: false, error: 'PGCONNECT_TIMEOUT must be a whole number of seconds (0: wait for ever)' };
  const database: DatabaseTarget = parsed.kind === 'postgres' && timeout !== undefined ? { ...parsed, connectTimeoutMs: timeout } : parsed;
  return { ok: true, config: { database, databaseSetting: databaseSetting(env.DATABASE_URL) } };
}

/**
 * False when the URL cannot read as written: a `#` starts a fragment the driver drops (with
 * what followed it in the password), and an `@`, `/` or `?` in the password makes no URL at
 * all — but for the Unix-socket form with no host (`…@/db?host=/var/run/postgresql`), which
 * the driver reads itself.
 */
function hasEncodedUserInfo(url: string): boolean {
  if (url.includes('#')) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return /^postgres(?:ql)?:\/\/[^/]*@\//.test(url) || /^postgres(?:ql)?:\/\/\//.test(url);
  }
}

/** PGCONNECT_TIMEOUT, libpq's name for it, in seconds: undefined when unset, null when not a whole number. */
function connectTimeoutMs(value: string | undefined): number | undefined | null {
  if (value === undefined || value.trim() === '') return undefined;
  return /^\s*\d{1,6}\s*$/.test(value) ? Number(value) * 1000 : null;
}

function databaseSetting(url: string | undefined): string {
  if (url === undefined || url === '') return `sqlite:${DEFAULT_SQLITE_PATH} (the default: DATABASE_URL is unset)`;
  return `${maskDatabaseUrl(url)} (DATABASE_URL)`;
}

/** The URL with its password replaced by `***`: messages end up in logs and terminals shared with others. */
export function maskDatabaseUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  // By the text, not by URL parsing: a password may hold '@', '#', '/' or '?' unescaped, and
  // parsing then cuts it elsewhere ('p@ss#word' reads as a host and a fragment) and shows
  // most of it. The login's: everything between the user's ':' and the last '@'. pg's query
  // parameter: from `password=` to the end (it may hold '&' or '#' too). An '@' after a
  // `password=` could belong to either, so then only the scheme is shown. Masking too much
  // (a host after an '@' in the query) is the price of never showing a piece of a password.
  const schemeOnly = `${url.split(':')[0]}://…`;
  const query = url.search(/[?&]password=/i);
  if (query >= 0 && url.includes('@', query)) return schemeOnly;
  let masked = query < 0 ? url : `${url.slice(0, query)}${url.slice(query).replace(/^([?&]password=).*$/is, '$1***')}`;
  const scheme = masked.indexOf('://');
  const at = masked.lastIndexOf('@');
  if (scheme >= 0 && at > scheme) {
    const colon = masked.indexOf(':', scheme + 3);
    if (colon >= 0 && colon < at) masked = `${masked.slice(0, colon + 1)}***${masked.slice(at)}`;
  }
  try {
    new URL(masked);
    return masked;
  } catch {
    // Unparsable: show only the scheme rather than risk showing the password.
    return schemeOnly;
  }
}

/** A failure already worded for the operator: its process prints the message alone and exits 1. */
export class PlainFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PlainFailure';
  }
}

/** The database could not be opened, connected to or migrated. */
export function databaseFailure(config: DatabaseConfig, error: unknown): PlainFailure {
  const hint = config.database.kind === 'sqlite' ? sqliteHint(config.database.path) : postgresHint(config.database, error);
  return new PlainFailure(`Cannot open the database ${config.databaseSetting}: ${reasonOf(error)}${hint}`, { cause: error });
}

/** The database failed during an admin command, after it had opened. */
export function databaseUseFailure(config: DatabaseConfig, error: unknown): PlainFailure {
  return new PlainFailure(`The database ${config.databaseSetting} failed: ${reasonOf(error)}`, { cause: error });
}

/** pg's words for its own connect timeout (a new connection, or none free in the pool). */
const PG_TIMEOUT = /connection timeout|timeout exceeded when trying to connect/i;

/** A connect timeout: how long was waited, and the setting that decides it. */
function postgresHint(target: Extract<DatabaseTarget, { kind: 'postgres' }>, error: unknown): string {
  if (!(error instanceof Error) || !PG_TIMEOUT.test(error.message)) return '';
  const seconds = (target.connectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS) / 1000;
  return ` (no answer within ${seconds} s: is the host right and reachable? PGCONNECT_TIMEOUT sets the wait)`;
}

/** Where a relative path lands, or that the path is a directory: the two ways a SQLite path surprises. */
function sqliteHint(path: string): string {
  if (path === ':memory:') return '';
  const file = resolve(path);
  if (existsSync(file) && statSync(file).isDirectory()) return ` (${file} is a directory, not a database file)`;
  return isAbsolute(path) ? '' : ` (the file ${file})`;
}

/** The server could not listen: PORT or HOST is the setting to check. Null when the error is not about listening. */
export function listenFailure(config: ServerConfig, error: unknown): PlainFailure | null {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const where = `${config.host}:${config.port}`;
  const say = (message: string) => new PlainFailure(message, { cause: error });
  if (code === 'EADDRINUSE') return say(`Port ${config.port} is in use (PORT): another program is listening on ${where}; stop it or set PORT to a free port`);
  if (code === 'EACCES' && syscall === 'listen') {
    return say(`Port ${config.port} may not be opened by this user (PORT): ports below 1024 need root; set PORT to 1024 or above`);
  }
  if (code === 'EADDRNOTAVAIL') return say(`Cannot listen on ${config.host} (HOST): no network interface of this machine has that address`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return say(`Cannot listen on ${config.host} (HOST): no such host name`);
  return null;
}

/** The cause in a few words: the driver's message, with the network's codes said plainly. */
export function reasonOf(error: unknown): string {
  // Node reports a refused connection to each address of a name as one AggregateError with no message.
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const { code, address, port, hostname } = error as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const at = address === undefined ? '' : ` at ${address}:${port}`;
  if (code === 'ECONNREFUSED') return `connection refused${at} (is the database server running, on that host and port?)`;
  if (code === 'ENOTFOUND' && hostname !== undefined) return `no such host: ${hostname}`;
  if (code === 'ETIMEDOUT') return `no answer${at} (connection timed out)`;
  return error.message || code || error.name;
}

/** How a process ends on a failure it cannot go on from: one line, and the stack only when DEBUG is set. */
export function exitWithFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): never {
  const plain = error instanceof PlainFailure;
  process.stderr.write(`${plain ? error.message : `Cannot start: ${reasonOf(error)}`}\n`);
  if (env.DEBUG) process.stderr.write(`${stackOf(error)}\n`);
  // A failure nobody foresaw is a bug to report, and its report needs the stack.
  else if (!plain) process.stderr.write('(set DEBUG=1 to print where it failed)\n');
  process.exit(1);
}

function stackOf(error: unknown): string {
  const cause = error instanceof PlainFailure ? error.cause : error;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
