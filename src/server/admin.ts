/**
 * The admin command line: `npm run admin -- <command> [--json]`, against the same
 * DATABASE_URL as the server (SYNC-PROTOCOL.md, "Operating the server"). With
 * `--json` each command prints one JSON object and nothing else on stdout. Bad arguments print
 * a message and the usage and exit 2; an unknown library or device id is also 2, and so
 * is a rulebook file that cannot be read, is invalid, reuses a published id (the shipped
 * rulebook's too) with other contents, or is an older rulebook published again (it
 * would not become current: that takes a new id). `--help` prints the usage and exits 0.
 * `supervisor add` and `supervisor passwd` read the password from the first line of
 * standard input, so it never appears in the shell's history or the process list.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { activityTypesOf, defaultRulebook, formatScope, OTHER_ACTIVITY_TYPE, tidyName, TIMEZONES, type FieldError, type Library, type Rulebook, type Scope, type Strategy } from '../domain';
import { parseAdminArgs, USAGE, type AdminCommand } from './admin-args';
import { databaseFailure, databaseUseFailure, exitWithFailure, readDatabaseConfig } from './config';
import { openDatabase, type Database } from './db';
import { migrate } from './migrations';
import { hashPassword } from './passwords';
import { readRulebookFile } from './rulebook-file';
import { rulebookSourceFor } from './rulebook-source';
import { issueCode } from './store/codes';
import { listDevices, revokeDevice } from './store/devices';
import { countByActivityType, countLiveEntries } from './store/entries';
import { createLibrary, findLibrary, libraryFromRow, listLibraryRows, removeLibrary, updateLibrary } from './store/libraries';
import { librariesInScope, placeNames } from './store/monitor';
import { currentRulebook, publishRulebook } from './store/rulebooks';
import { refreshSnapshots, staleLibraryIds } from './store/kpi-snapshots';
import { afterRestore } from './store/restore';
import { blockedSubjects, clearAllFailures, clearFailures, LOGIN_LIMIT, LOGIN_NAME_LIMIT } from './store/rate-limit';
import { findSupervisor, insertSupervisor, listSupervisors, lockedForSeconds, removeSupervisor, setSupervisorPassword } from './store/supervisors';

export interface AdminIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
  /** Standard input, read up to its first line break (or its end). */
  readStdin: () => Promise<string>;
  /**
   * Where relative file names are read from: the directory `npm run admin` was typed in
   * (npm's INIT_CWD), not the project's, where npm runs the command. Default: process.cwd().
   */
  cwd?: string;
}

/** LoginRequest takes at most 200 characters; 8 is the least we accept. */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 200;

class BadArgument extends Error {}

/** The database could not be opened or migrated: said apart from a command failing on it (see the process's end below). */
class CannotOpen extends Error {
  constructor(readonly reason: unknown) {
    super('cannot open the database');
  }
}

/**
 * A line as the terminal should show it: any control character (a device's name is chosen on
 * the phone; a row stored before the schemas refused them) written as `\xNN`, never run as an
 * escape code that sets the title, recolours or forges a line.
 */
export function terminalSafe(line: string): string {
  return line.replace(/\p{Cc}/gu, (c) => `\\x${c.codePointAt(0)!.toString(16).padStart(2, '0')}`);
}

export async function runAdmin(argv: readonly string[], database: Database | (() => Database), io: AdminIo): Promise<number> {
  const parsed = parseAdminArgs(argv);
  if (!parsed.ok) {
    io.err(`${parsed.error}\n${USAGE}`);
    return 2;
  }
  if ('help' in parsed) {
    io.out(USAGE);
    return 0;
  }
  let db: Database;
  try {
    db = typeof database === 'function' ? database() : database;
  } catch (e) {
    throw new CannotOpen(e);
  }
  try {
    await migrate(db.db, db.kind).catch((e: unknown) => {
      throw new CannotOpen(e);
    });
    const result = await execute(parsed.command, db, io);
    // For scripts, nothing but the object: `npm run -s admin -- … --json | jq` (npm's own
    // banner needs -s). Warnings go to stderr either way.
    if (parsed.json) io.out(JSON.stringify(result.json));
    else for (const line of result.text) io.out(terminalSafe(line));
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

/**
 * The stored entries that counted under `before` and do not under `after`: an activity type
 * a rulebook does not list for the entry's strategy is refused by its entry schema, and the
 * KPI ignores refused entries. (Those `before` did not count either are not news.)
 */
async function entriesItDrops(database: Database, before: Rulebook | null, after: Rulebook): Promise<{ strategy: string; activityType: string; n: number }[]> {
  const is = activityTypesOf(after);
  const was = before && activityTypesOf(before);
  const lists = (types: ReturnType<typeof activityTypesOf>, c: { strategy: string; activityType: string }) =>
    c.activityType === OTHER_ACTIVITY_TYPE ? c.strategy in types : (types[c.strategy as Strategy] ?? []).includes(c.activityType);
  return (await countByActivityType(database)).filter((c) => (was === null || lists(was, c)) && !lists(is, c));
}

async function execute(cmd: AdminCommand, database: Database, io: AdminIo): Promise<{ text: string[]; json: unknown }> {
  const { db } = database;
  switch (cmd.kind) {
    case 'library add': {
      const { tz, ...rest } = cmd.fields;
      if (!(TIMEZONES as readonly string[]).includes(tz)) throw new BadArgument(`--tz must be one of ${TIMEZONES.join(', ')}`);
      // Read before the insert: the new library's own places would match themselves.
      const places = await placeNames(db);
      const made = await createLibrary(db, { ...rest, timezone: tz as (typeof TIMEZONES)[number] }, io.now());
      if (!made.ok) throw new BadArgument(`invalid library: ${describeFieldErrors(made.errors)}`);
      // Added all the same (a new province or kabupaten/kota is normal), but a variant
      // spelling would be a place of its own that its supervisors never see: said at once.
      for (const line of placeWarnings(made.library, places)) io.err(line);
      // A command run twice (a script, a retyped line) adds the library twice: its copy would stay
      // grey in monitoring, with no phone. Said, not refused: two libraries may share a name.
      const same = await db
        .selectFrom('libraries')
        .select('library_id')
        .where('village', '=', made.library.village)
        .where('district', '=', made.library.district)
        .where('regency', '=', made.library.regency)
        .where('province', '=', made.library.province)
        .where('library_id', '<>', made.library.id)
        .where('name', '=', made.library.name)
        .execute();
      if (same.length > 0) {
        io.err(`warning: ${same.map((r) => r.library_id).join(', ')} has the same name and place: if this one was added twice by mistake, issue codes only for one of them.`);
      }
      return { text: [`Library created: ${made.library.id} (${made.library.name})`], json: { id: made.library.id } };
    }
    case 'library edit': {
      const { tz, ...rest } = cmd.changes;
      if (tz !== undefined && !(TIMEZONES as readonly string[]).includes(tz)) throw new BadArgument(`--tz must be one of ${TIMEZONES.join(', ')}`);
      // The other libraries' places: this one's old spelling, about to go, is no existing name.
      const places = await placeNames(db, cmd.libraryId);
      const edited = await updateLibrary(db, cmd.libraryId, { ...rest, ...(tz !== undefined && { timezone: tz as (typeof TIMEZONES)[number] }) });
      if (edited === null) throw new BadArgument(`no library with id ${cmd.libraryId} (library list shows them)`);
      if (!edited.ok) throw new BadArgument(`invalid library: ${describeFieldErrors(edited.errors)}`);
      const { before, library, changed } = edited;
      // Only a place this edit moves the library to is news.
      for (const line of placeWarnings(library, places, changed)) io.err(line);
      if (changed.includes('timezone') && (await listDevices(db, library.id)).some((d) => d.revoked_at === null)) {
        // Phones take the profile at their next sync; the server checks dates in the new zone at once.
        io.err(`warning: the library's enrolled phones keep the time zone ${before.timezone} until their next sync: until then the server may refuse an entry a phone dates "today" just after its midnight.`);
      }
      return {
        text: [
          changed.length === 0 ? `Library ${library.id} unchanged (${library.name})` : `Library updated: ${library.id} (${library.name})`,
          ...changed.map((f) => `  ${f}: ${before[f] ?? '(none)'} → ${library[f] ?? '(none)'}`),
        ],
        json: { id: library.id, changed, library },
      };
    }
    case 'library list': {
      const rows = await listLibraryRows(db);
      const counts = await countLiveEntries(db);
      // The stored KPIs monitoring reads, brought up to date first: only libraries changed
      // since (or of a past day, or another rulebook) are computed again, not every entry of
      // every library at each listing (seconds with a province's data).
      const rulebook = await currentRulebook(db);
      const now = io.now();
      const stale = await staleLibraryIds(db, rulebook.id, now);
      for (let i = 0; i < stale.length; i += 50) await refreshSnapshots(db, rulebook, now, stale.slice(i, i + 50));
      const colours = new Map((await db.selectFrom('library_kpi').select(['library_id', 'colour']).execute()).map((r) => [r.library_id, r.colour]));
      const libraries = [];
      for (const row of rows) {
        const library = libraryFromRow(row);
        libraries.push({
          id: library.id,
          name: library.name,
          region: [library.village, library.district, library.regency, library.province].join(', '),
          colour: colours.get(library.id) ?? 'abu-abu',
          entries: counts.get(library.id) ?? 0,
          lastPushAt: row.last_push_at,
        });
      }
      const text = libraries.map((l) => `${l.id}  ${l.name}  ${l.region}  ${l.colour}  ${l.entries} ${l.entries === 1 ? 'entry' : 'entries'}  last push ${l.lastPushAt ?? 'never'}`);
      return { text: text.length ? text : ['No libraries.'], json: { libraries } };
    }
    case 'library remove': {
      const outcome = await removeLibrary(database, cmd.libraryId);
      if (!outcome.removed && outcome.reason === 'missing') throw new BadArgument(`no library with id ${cmd.libraryId} (library list shows them)`);
      if (!outcome.removed) {
        const { library, entries } = outcome;
        throw new BadArgument(
          `${library.id} (${library.name}) holds ${entries} ${entries === 1 ? 'entry' : 'entries'} sent by its phones: it is kept. ` +
            `A name or place is corrected with library edit ${library.id}; a phone is stopped with device revoke.`,
        );
      }
      const { library, devices, codes } = outcome;
      return {
        text: [
          `Library removed: ${library.id} (${library.name}), with its ${devices} ${devices === 1 ? 'device' : 'devices'} and ${codes} enrolment ${codes === 1 ? 'code' : 'codes'}` +
            (devices > 0 ? ': its phones are refused at their next sync.' : '.'),
        ],
        json: { id: library.id, removed: true, devices, codes },
      };
    }
    case 'database restored': {
      const fixed = await afterRestore(database, io.now());
      return {
        text: [
          fixed.entries === 0
            ? 'No entries; the version counter and the cursor key are renewed.'
            : `${fixed.entries} ${fixed.entries === 1 ? 'entry' : 'entries'} now at versions ${fixed.firstVersion}–${fixed.lastVersion}; cursors signed with a new key.`,
          'Start the servers: each phone pulls everything again at its next sync. What happened after the backup was taken is undone: do again the device revocations, password changes and supervisor removals made since; phones enrolled since must enrol again (README "Backups").',
        ],
        json: fixed,
      };
    }
    case 'code issue': {
      if (!(await findLibrary(db, cmd.libraryId))) throw new BadArgument(`no library with id ${cmd.libraryId} (library list shows them)`);
      const issued = await issueCode(db, cmd.libraryId, cmd.days, io.now());
      return { text: [`Enrolment code: ${issued.code} (valid until ${issued.expiresAt})`], json: issued };
    }
    case 'device list': {
      if (!(await findLibrary(db, cmd.libraryId))) throw new BadArgument(`no library with id ${cmd.libraryId} (library list shows them)`);
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
      const read = await readRulebookFile(resolve(io.cwd ?? process.cwd(), cmd.file));
      if (!read.ok) throw new BadArgument(read.error);
      // A stored rulebook that no longer parses must not stop the publish that replaces it.
      const before = await currentRulebook(db).catch(() => null);
      const published = await publishRulebook(db, read.rulebook, io.now());
      if (!published.ok) {
        const { rulebookId } = published;
        if (published.error === 'not_current') {
          throw new BadArgument(
            `rulebook ${rulebookId} was published before; the current rulebook is ${published.currentId}; publish it under a new id to make it current`,
          );
        }
        const shipped = rulebookId === defaultRulebook.id ? ' (the rulebook shipped with the app)' : '';
        throw new BadArgument(`rulebook ${rulebookId} is already published with other contents${shipped}; give the new one a new id`);
      }
      const { rulebookId, publishedAt } = published;
      if (published.status === 'unchanged') {
        const when = publishedAt === null ? 'is the rulebook shipped with the app and the current one' : `was already published on ${publishedAt} and is the current one`;
        return { text: [`Rulebook ${rulebookId} ${when}: nothing changed`], json: { rulebookId, publishedAt, changed: false } };
      }
      // Servers of this process on this database follow at once; others within a second.
      rulebookSourceFor(database).invalidate();
      const dropped = await entriesItDrops(database, before, read.rulebook);
      const total = dropped.reduce((sum, d) => sum + d.n, 0);
      if (total > 0) {
        const which = dropped.map((d) => `${d.strategy}/${d.activityType}: ${d.n}`).join(', ');
        // On stderr, with --json too: a script reads the count from the object, a person the warning.
        const them = total === 1 ? '1 stored entry has' : `${total} stored entries have`;
        io.err(`Warning: ${them} an activity type this rulebook does not list (${which}); ${total === 1 ? 'it no longer counts' : 'they no longer count'} towards any KPI`);
      }
      return { text: [`Rulebook published: ${rulebookId}`], json: { rulebookId, publishedAt, changed: true, entriesNotCounted: total } };
    }
    case 'supervisor add': {
      // Checked before the password is asked for; the insert below still refuses a race.
      const taken = `supervisor ${cmd.name} already exists (supervisor remove ${cmd.name} first to replace it)`;
      if (await findSupervisor(db, cmd.name)) throw new BadArgument(taken);
      const passwordHash = await hashPassword(await readPassword(io));
      const scope = formatScope(cmd.scope);
      if (!(await insertSupervisor(db, { name: cmd.name, scope, passwordHash }, io.now()))) {
        throw new BadArgument(taken);
      }
      // Added even when no library is in the scope (supervisors may come before their
      // libraries), but a mistyped name is said at once, not found by an empty screen.
      const count = await librariesInScope(db, cmd.scope);
      if (count === 0 && cmd.scope.level !== 'national') {
        for (const line of emptyScopeWarning(cmd.name, cmd.scope, await placeNames(db))) io.err(line);
      }
      const covered = `${count} ${count === 1 ? 'library' : 'libraries'} in scope`;
      return { text: [`Supervisor added: ${cmd.name} (${scope}), ${covered}`], json: { name: cmd.name, scope, librariesInScope: count } };
    }
    case 'supervisor list': {
      const supervisors = (await listSupervisors(db)).map((row) => ({
        name: row.name,
        scope: row.scope,
        createdAt: row.created_at,
        locked: lockedForSeconds(row, io.now()) !== null,
      }));
      const lines = supervisors.map((v) => `${v.name}  ${v.scope}  added ${v.createdAt}${v.locked ? '  LOCKED' : ''}`);
      const text = lines.length ? lines : ['No supervisors.'];
      // An address's lock (ten wrong logins) stops every supervisor behind it — an office
      // NAT, a proxy without TRUST_PROXY — so it is shown here, with the way to lift it.
      const lockedAddresses = await blockedSubjects(db, LOGIN_LIMIT, io.now());
      if (lockedAddresses.length > 0) {
        text.push(
          `Logins refused from ${lockedAddresses.length === 1 ? 'one address' : `${lockedAddresses.length} addresses`} after ten wrong passwords: ` +
            `${lockedAddresses.map((a) => `${a.subject} (until ${a.until})`).join(', ')}; supervisor unlock lifts this.`,
        );
      }
      return { text, json: { supervisors, lockedAddresses } };
    }
    case 'supervisor unlock': {
      const lifted = await blockedSubjects(db, LOGIN_LIMIT, io.now());
      await clearAllFailures(db, LOGIN_LIMIT);
      const what = lifted.length === 0 ? 'no address was locked' : `lifted for ${lifted.map((a) => a.subject).join(', ')}`;
      return { text: [`Address login locks: ${what}; every address's count starts again`], json: { unlocked: lifted.map((a) => a.subject) } };
    }
    case 'supervisor passwd': {
      if (!(await findSupervisor(db, cmd.name))) throw new BadArgument(`no supervisor named ${cmd.name}`);
      const passwordHash = await hashPassword(await readPassword(io));
      if (!(await setSupervisorPassword(db, cmd.name, passwordHash))) throw new BadArgument(`no supervisor named ${cmd.name}`);
      // Whoever was locked out by wrong passwords may try the new one at once.
      await clearFailures(db, LOGIN_NAME_LIMIT, cmd.name);
      return { text: [`Password changed: ${cmd.name} (sessions ended)`], json: { name: cmd.name, passwordChanged: true } };
    }
    case 'supervisor remove': {
      if (!(await removeSupervisor(db, cmd.name))) throw new BadArgument(`no supervisor named ${cmd.name}`);
      return { text: [`Supervisor removed: ${cmd.name} (sessions ended)`], json: { name: cmd.name, removed: true } };
    }
  }
}

/** The password on the first line of standard input, checked as the login form would take it. */
async function readPassword(io: AdminIo): Promise<string> {
  const password = (await io.readStdin()).split(/\r?\n/)[0];
  // A NUL could never be typed into the login form (LoginRequest refuses it).
  if (password.includes('\u0000')) throw new BadArgument('the password may not contain a NUL character');
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new BadArgument(`the password (first line of standard input) must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  }
  // Eight spaces pass the length check and are what an empty `echo "$UNSET_VARIABLE   "` gives.
  if (password.trim() === '') throw new BadArgument('the password (first line of standard input) may not be only spaces');
  return password;
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

type Places = Awaited<ReturnType<typeof placeNames>>;
type PlaceScope = Exclude<Scope, { level: 'national' }>;

/** What `supervisor add` says on stderr when no library is in a province or kabupaten/kota scope. */
function emptyScopeWarning(name: string, scope: PlaceScope, places: Places): string[] {
  const scopeText = formatScope(scope);
  const levelWord = scope.level === 'province' ? 'province' : 'regency (kabupaten/kota)';
  if (places.province.length === 0) {
    return [
      `warning: ${scopeText} covers no library: none has been added yet. ${name} will see an empty area until libraries whose ${levelWord} is exactly "${scope.name}" are added.`,
    ];
  }
  const lines = [
    `warning: no library has the ${levelWord} "${scope.name}" (names match exactly, letter case too): ${name} will see an empty area.`,
  ];
  const close = closestScopes(scope, places);
  if (close.length > 0) {
    lines.push(`  closest existing: ${close.join(', ')}`);
  } else {
    const existing = places[scope.level];
    const shown = existing.slice(0, 10).map((n) => `${scope.level}:${n}`);
    lines.push(`  no existing name is close; existing: ${shown.join(', ')}${existing.length > shown.length ? `, … (${existing.length} in all)` : ''}`);
  }
  lines.push(`  if it is a mistake: supervisor remove ${name}, then supervisor add again with the right --scope`);
  return lines;
}

/**
 * What `library add` and `library edit` say on stderr when the library's province or kabupaten/kota is not
 * one that exists but is close to one: the same but for letter case or spacing, or a new
 * name a few letters off. A new name close to none is a new place, and says nothing.
 */
function placeWarnings(library: Library, places: Places, levels: readonly string[] = ['province', 'regency']): string[] {
  const lines: string[] = [];
  for (const level of (['province', 'regency'] as const).filter((l) => levels.includes(l))) {
    const name = library[level];
    if (places[level].includes(name)) continue;
    const close = closestScopes({ level, name }, places);
    if (close.length === 0) continue;
    const levelWord = level === 'province' ? 'province' : 'regency (kabupaten/kota)';
    const variant = places[level].find((p) => placeKey(p) === placeKey(name));
    lines.push(
      variant === undefined
        ? `warning: the ${levelWord} "${name}" is new (no other library has it) yet close to existing names: if it is misspelt, supervisors of the right name will not see this library.`
        : `warning: the ${levelWord} "${name}" differs from the existing "${variant}" only in letter case or spacing; names match exactly, so a supervisor with scope ${level}:${variant} will not see this library.`,
      `  closest existing: ${close.join(', ')}`,
    );
    // The closest name of this level (the list holds both levels': a province may be closest to a kabupaten's name).
    const fix = variant ?? close.find((c) => c.startsWith(`${level}:`))?.slice(level.length + 1);
    if (fix !== undefined) lines.push(`  if it is a mistake: npm run admin -- library edit ${library.id} --${level} "${fix}"`);
  }
  return lines;
}

/** How two place names are compared for likeness (never for matching, which is exact): case and spacing aside. */
function placeKey(name: string): string {
  return tidyName(name).toLowerCase();
}

/**
 * Up to five existing places, as scopes, whose names are close to the scope's: the same
 * in another case or spacing, one containing the other, or a few letters off — of either
 * level, so a kabupaten/kota given as a province is found too.
 */
function closestScopes(scope: PlaceScope, places: Places): string[] {
  const wanted = placeKey(scope.name);
  const tolerance = Math.max(2, Math.floor(wanted.length / 4));
  const found: { text: string; distance: number; otherLevel: boolean }[] = [];
  for (const level of ['province', 'regency'] as const) {
    for (const place of places[level]) {
      const have = placeKey(place);
      const contains = Math.min(have.length, wanted.length) >= 4 && (have.includes(wanted) || wanted.includes(have));
      const distance = have === wanted ? 0 : contains ? 1 : 1 + editDistance(have, wanted, tolerance);
      if (distance <= 1 + tolerance) found.push({ text: `${level}:${place}`, distance, otherLevel: level !== scope.level });
    }
  }
  found.sort((a, b) => a.distance - b.distance || Number(a.otherLevel) - Number(b.otherLevel) || (a.text < b.text ? -1 : 1));
  return found.slice(0, 5).map((f) => f.text);
}

/** Levenshtein distance, or more than `limit` as soon as it must be (names are short, places a few hundred). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...row) > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length];
}

/** "Library name may have at most 200 characters (--name)": the domain's English sentence and the option to change. */
function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.message} (--${e.path === 'timezone' ? 'tz' : e.path})`).join('; ');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wantsHelp = parseAdminArgs(process.argv.slice(2));
  if (wantsHelp.ok && 'help' in wantsHelp) {
    // Before the configuration: the usage needs no database, even a misconfigured one.
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  // Only the database's settings: a PORT or TRUST_PROXY meant for the server is not the admin's business.
  const read = readDatabaseConfig(process.env);
  if (!read.ok) {
    process.stderr.write(`${read.error}\n`);
    process.exit(2);
  }
  if (read.config.database.kind === 'sqlite' && read.config.database.path === ':memory:') {
    // It would "add" a library to a database that is gone when the command ends.
    process.stderr.write('DATABASE_URL sqlite::memory: lives only as long as one process: give the admin command the server\'s database\n');
    process.exit(2);
  }
  // A mistyped SQLite path opens a new, empty file: said, so that "No libraries." is not taken
  // for the server's database having lost them.
  const target = read.config.database;
  const sqliteFile = target.kind === 'sqlite' ? resolve(target.path) : null;
  const newFile = sqliteFile !== null && !existsSync(sqliteFile) ? sqliteFile : null;
  runAdmin(process.argv.slice(2), () => openDatabase(target, { poolSize: 1 }), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => new Date(),
    readStdin: () => readFirstLine(process.stdin),
    cwd: process.env.INIT_CWD || process.cwd(),
  }).then(
    (code) => {
      if (newFile !== null && existsSync(newFile)) {
        process.stderr.write(`note: ${newFile} did not exist: a new, empty database was made there (if you meant the server's, check DATABASE_URL)\n`);
      }
      process.exit(code);
    },
    // One line naming DATABASE_URL (password masked): the setting to check, not a stack.
    (e: unknown) => exitWithFailure(e instanceof CannotOpen ? databaseFailure(read.config, e.reason) : databaseUseFailure(read.config, e)),
  );
}
