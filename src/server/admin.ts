/**
 * The admin command line: `npm run admin -- <command> [--json]`, against the same
 * DATABASE_URL as the server (SYNC-PROTOCOL.md, "Operating the server"). With
 * `--json` each command prints one JSON object on its last line. Bad arguments print
 * a message and the usage and exit 2; an unknown library or device id is also 2, and so
 * is a rulebook file that cannot be read, is invalid, or reuses a published id.
 * `supervisor add` reads the password from the first line of standard input, so it
 * never appears in the shell's history or the process list.
 */
import { pathToFileURL } from 'node:url';
import { computeKpi, formatScope, TIMEZONES } from '../domain';
import { parseAdminArgs, USAGE, type AdminCommand } from './admin-args';
import { readConfig } from './config';
import { openDatabase, type Database } from './db';
import { migrate } from './migrations';
import { hashPassword } from './passwords';
import { readRulebookFile } from './rulebook-file';
import { rulebookSourceFor } from './rulebook-source';
import { issueCode } from './store/codes';
import { listDevices, revokeDevice } from './store/devices';
import { allEntries, countLiveEntries } from './store/entries';
import { createLibrary, findLibrary, libraryFromRow, listLibraryRows } from './store/libraries';
import { currentRulebook, publishRulebook } from './store/rulebooks';
import { findSupervisor, insertSupervisor, listSupervisors, lockedForSeconds, removeSupervisor } from './store/supervisors';

export interface AdminIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
  /** Standard input, read up to its first line break (or its end). */
  readStdin: () => Promise<string>;
}

/** LoginRequest takes at most 200 characters; 8 is the least we accept. */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 200;

class BadArgument extends Error {}

export async function runAdmin(argv: readonly string[], database: Database | (() => Database), io: AdminIo): Promise<number> {
  const parsed = parseAdminArgs(argv);
  if (!parsed.ok) {
    io.err(`${parsed.error}\n${USAGE}`);
    return 2;
  }
  const db = typeof database === 'function' ? database() : database;
  try {
    await migrate(db.db, db.kind);
    const result = await execute(parsed.command, db, io);
    for (const line of result.text) io.out(line);
    if (parsed.json) io.out(JSON.stringify(result.json));
    return 0;
  } catch (e) {
    if (e instanceof BadArgument) {
      io.err(e.message);
      return 2;
    }
    throw e;
  } finally {
    if (typeof database === 'function') await db.close();
  }
}

async function execute(cmd: AdminCommand, database: Database, io: AdminIo): Promise<{ text: string[]; json: unknown }> {
  const { db } = database;
  switch (cmd.kind) {
    case 'library add': {
      const { tz, ...rest } = cmd.fields;
      if (!(TIMEZONES as readonly string[]).includes(tz)) throw new BadArgument(`--tz must be one of ${TIMEZONES.join(', ')}`);
      const made = await createLibrary(db, { ...rest, timezone: tz as (typeof TIMEZONES)[number] }, io.now());
      if (!made.ok) throw new BadArgument(`invalid library: ${describeError(made.error)}`);
      return { text: [`Library created: ${made.library.id} (${made.library.name})`], json: { id: made.library.id } };
    }
    case 'library list': {
      const rows = await listLibraryRows(db);
      const counts = await countLiveEntries(db);
      const rulebook = await currentRulebook(db);
      const libraries = [];
      for (const row of rows) {
        const library = libraryFromRow(row);
        const kpi = computeKpi(await allEntries(db, library.id), library, rulebook, io.now());
        libraries.push({
          id: library.id,
          name: library.name,
          region: [library.village, library.district, library.regency, library.province].join(', '),
          colour: kpi.colour,
          entries: counts.get(library.id) ?? 0,
          lastPushAt: row.last_push_at,
        });
      }
      const text = libraries.map((l) => `${l.id}  ${l.name}  ${l.region}  ${l.colour}  ${l.entries} entries  last push ${l.lastPushAt ?? 'never'}`);
      return { text: text.length ? text : ['No libraries.'], json: { libraries } };
    }
    case 'code issue': {
      if (!(await findLibrary(db, cmd.libraryId))) throw new BadArgument(`no library with id ${cmd.libraryId}`);
      const issued = await issueCode(db, cmd.libraryId, cmd.days, io.now());
      return { text: [`Enrolment code: ${issued.code} (valid until ${issued.expiresAt})`], json: issued };
    }
    case 'device list': {
      if (!(await findLibrary(db, cmd.libraryId))) throw new BadArgument(`no library with id ${cmd.libraryId}`);
      const devices = (await listDevices(db, cmd.libraryId)).map((d) => ({
        deviceId: d.device_id,
        name: d.name,
        createdAt: d.created_at,
        lastPushAt: d.last_push_at,
        lastSeq: Number(d.last_seq),
        revoked: d.revoked_at !== null,
      }));
      const text = devices.map((d) => `${d.deviceId}  ${d.name ?? '-'}  enrolled ${d.createdAt}  last push ${d.lastPushAt ?? 'never'}${d.revoked ? '  REVOKED' : ''}`);
      return { text: text.length ? text : ['No devices.'], json: { devices } };
    }
    case 'device revoke': {
      if (!(await revokeDevice(db, cmd.deviceId, io.now()))) throw new BadArgument(`no device with id ${cmd.deviceId}`);
      return { text: [`Device revoked: ${cmd.deviceId}`], json: { deviceId: cmd.deviceId, revoked: true } };
    }
    case 'rulebook publish': {
      const read = await readRulebookFile(cmd.file);
      if (!read.ok) throw new BadArgument(read.error);
      const published = await publishRulebook(db, read.rulebook, io.now());
      if (!published.ok) {
        throw new BadArgument(`rulebook ${published.rulebookId} is already published with other contents; give the new one a new id`);
      }
      // Servers of this process on this database follow at once; others within a second.
      rulebookSourceFor(database).invalidate();
      const { rulebookId, publishedAt } = published;
      const text = published.status === 'published' ? `Rulebook published: ${rulebookId}` : `Rulebook ${rulebookId} was already published on ${publishedAt}: nothing changed`;
      return { text: [text], json: { rulebookId, publishedAt } };
    }
    case 'supervisor add': {
      // Checked before the password is asked for; the insert below still refuses a race.
      const taken = `supervisor ${cmd.name} already exists (supervisor remove ${cmd.name} first to replace it)`;
      if (await findSupervisor(db, cmd.name)) throw new BadArgument(taken);
      const password = (await io.readStdin()).split(/\r?\n/)[0];
      if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
        throw new BadArgument(`the password (first line of standard input) must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
      }
      const scope = formatScope(cmd.scope);
      if (!(await insertSupervisor(db, { name: cmd.name, scope, passwordHash: await hashPassword(password) }, io.now()))) {
        throw new BadArgument(taken);
      }
      return { text: [`Supervisor added: ${cmd.name} (${scope})`], json: { name: cmd.name, scope } };
    }
    case 'supervisor list': {
      const supervisors = (await listSupervisors(db)).map((row) => ({
        name: row.name,
        scope: row.scope,
        createdAt: row.created_at,
        locked: lockedForSeconds(row, io.now()) !== null,
      }));
      const text = supervisors.map((v) => `${v.name}  ${v.scope}  added ${v.createdAt}${v.locked ? '  LOCKED' : ''}`);
      return { text: text.length ? text : ['No supervisors.'], json: { supervisors } };
    }
    case 'supervisor remove': {
      if (!(await removeSupervisor(db, cmd.name))) throw new BadArgument(`no supervisor named ${cmd.name}`);
      return { text: [`Supervisor removed: ${cmd.name} (sessions ended)`], json: { name: cmd.name, removed: true } };
    }
  }
}

/**
 * Reads up to the first line break or the end of the stream, then lets go of it: a
 * piped password ends with EOF, a typed one with Enter (it is echoed; pipe it to avoid that).
 */
function readFirstLine(stream: NodeJS.ReadStream): Promise<string> {
  if (stream.isTTY) process.stderr.write('Password: ');
  stream.setEncoding('utf8'); // whole characters, even when one spans two chunks
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => {
      stream.off('data', onData).off('end', done).off('error', reject);
      stream.pause();
      resolve(text);
    };
    const onData = (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) done();
    };
    stream.on('data', onData).once('end', done).once('error', reject);
  });
}

function describeError(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  return issues ? issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(error);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const read = readConfig(process.env);
  if (!read.ok) {
    process.stderr.write(`${read.error}\n`);
    process.exit(2);
  }
  runAdmin(process.argv.slice(2), () => openDatabase(read.config.database, { poolSize: 1 }), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => new Date(),
    readStdin: () => readFirstLine(process.stdin),
  }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
