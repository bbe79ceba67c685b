/**
 * Parses the admin command line: `<noun> <verb> [positional] [--flag value]… [--json]`.
 * Returns a command or a usage error (the caller prints it and exits 2).
 */
import { hasControlCharacter, invisibleOnly, parseScope, tidyName, type Scope } from '../domain';
import { NAME_PATTERN, normaliseName } from './store/supervisors';

export type AdminCommand =
  | { kind: 'library add'; fields: Record<'name' | 'village' | 'district' | 'regency' | 'province', string> & { npp?: string; tz: string } }
  | { kind: 'library edit'; libraryId: string; changes: LibraryChanges }
  | { kind: 'library list' }
  | { kind: 'library remove'; libraryId: string }
  | { kind: 'code issue'; libraryId: string; days: number }
  | { kind: 'device list'; libraryId: string }
  | { kind: 'device revoke'; deviceId: string }
  | { kind: 'rulebook publish'; file: string }
  | { kind: 'supervisor add'; name: string; scope: Scope }
  | { kind: 'supervisor list' }
  | { kind: 'supervisor remove'; name: string }
  | { kind: 'supervisor passwd'; name: string }
  | { kind: 'supervisor unlock' }
  | { kind: 'database restored' };

/** What `library edit` sets: only the options given; `npp: null` (`--npp ""`) removes the NPP. */
export type LibraryChanges = Partial<Record<'name' | 'village' | 'district' | 'regency' | 'province' | 'tz', string>> & { npp?: string | null };

const LIBRARY_OPTIONS = ['name', 'village', 'district', 'regency', 'province', 'npp', 'tz'] as const;

export type ParsedArgs = { ok: true; command: AdminCommand; json: boolean } | { ok: true; help: true } | { ok: false; error: string };

export const USAGE = `usage: npm run admin -- <command> [--json]
  library add --name … --village … --district … --regency … --province … [--npp …] [--tz Asia/Jakarta|Asia/Makassar|Asia/Jayapura]
  library edit <id> [--name …] [--village …] [--district …] [--regency …] [--province …] [--npp …] [--tz …]   (--npp "" removes it)
  library list
  library remove <id>   (only a library no phone has sent an entry to: one added by mistake, or the demo)
  code issue --library <id> [--days 14]
  device list --library <id>
  device revoke <deviceId>
  rulebook publish <file.json>
  supervisor add --name <login> --scope national|province:<name>|regency:<name>   (password: first line of stdin)
  supervisor list
  supervisor remove <login>
  supervisor passwd <login>   (new password: first line of stdin; ends their sessions, lifts a lock)
  supervisor unlock   (lifts every address's login lock: ten wrong logins from one address)
  database restored   (once after restoring a backup, every server stopped: phones pull everything again)`;

const FLAGS: Record<string, { allowed: string[]; required: string[]; positional: number }> = {
  'library add': { allowed: [...LIBRARY_OPTIONS], required: ['name', 'village', 'district', 'regency', 'province'], positional: 0 },
  'library edit': { allowed: [...LIBRARY_OPTIONS], required: [], positional: 1 },
  'library list': { allowed: [], required: [], positional: 0 },
  'library remove': { allowed: [], required: [], positional: 1 },
  'code issue': { allowed: ['library', 'days'], required: ['library'], positional: 0 },
  'device list': { allowed: ['library'], required: ['library'], positional: 0 },
  'device revoke': { allowed: [], required: [], positional: 1 },
  'rulebook publish': { allowed: [], required: [], positional: 1 },
  'supervisor add': { allowed: ['name', 'scope'], required: ['name', 'scope'], positional: 0 },
  'supervisor list': { allowed: [], required: [], positional: 0 },
  'supervisor remove': { allowed: [], required: [], positional: 1 },
  'supervisor passwd': { allowed: [], required: [], positional: 1 },
  'supervisor unlock': { allowed: [], required: [], positional: 0 },
  'database restored': { allowed: [], required: [], positional: 0 },
};

export function parseAdminArgs(argv: readonly string[]): ParsedArgs {
  const fail = (error: string): ParsedArgs => ({ ok: false, error });
  let json = false;
  const words: string[] = [];
  const flags = new Map<string, string>();
  if (argv.length === 1 && argv[0] === 'help') return { ok: true, help: true };
  let optionsEnded = false;
  let valueless: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // `--` ends the options, as in every Unix command: what follows are words, even `--json`.
    if (optionsEnded) {
      words.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    // As an option of its own, not as another option's value (`--name --help` is an error).
    if (arg === '--help' || arg === '-h') return { ok: true, help: true };
    if (arg === '--json') {
      json = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) {
        // Said once the command is known: an option it does not have is unknown, not valueless.
        valueless ??= name;
        // The next option is read as one (`--npp --village V`), but not `--help`: no help then.
        if (value !== undefined && value !== '--help') i--;
        continue;
      }
      if (flags.has(name)) return fail(`--${name} given twice`);
      flags.set(name, value);
    } else {
      words.push(arg);
    }
  }
  const kind = words.slice(0, 2).join(' ');
  const spec = FLAGS[kind];
  if (!spec) {
    // `library` alone: the commands it has.
    const family = Object.keys(FLAGS).filter((k) => k.startsWith(`${words[0]} `)).map((k) => k.split(' ')[1]);
    if (words.length === 1 && family.length > 0) return fail(`${words[0]} needs a command: ${family.join(', ')}`);
    return fail(words.length === 0 ? 'no command given' : `unknown command: ${kind}`);
  }
  const positional = words.slice(2);
  if (positional.length !== spec.positional) {
    // Typed without the `--` after `npm run admin`, npm takes the options for its own: only their values arrive.
    const npmAteFlags = flags.size === 0 && spec.required.length > 0 ? ' (with npm, options come after --: npm run admin -- <command> --option value)' : '';
    return fail(spec.positional === 0 ? `unexpected argument: ${positional[0]}${npmAteFlags}` : `${kind} needs exactly one ${kind.startsWith('supervisor') ? 'name' : kind === 'rulebook publish' ? 'file' : 'id'}`);
  }
  for (const name of [...flags.keys(), ...(valueless ? [valueless] : [])]) if (!spec.allowed.includes(name)) return fail(`unknown option for ${kind}: --${name}`);
  if (valueless) return fail(`--${valueless} needs a value`);
  for (const name of spec.required) if (!flags.get(name)?.trim()) return fail(`${kind} needs --${name}`);
  const flag = (name: string) => flags.get(name)!.trim();

  switch (kind) {
    case 'library add': {
      const fields = {
        name: flag('name'),
        village: flag('village'),
        district: flag('district'),
        regency: flag('regency'),
        province: flag('province'),
        // Given but empty is refused by the library schema, like any other zone it does not know.
        tz: flags.has('tz') ? flag('tz') : 'Asia/Jakarta',
        ...(flags.has('npp') ? { npp: flag('npp') } : {}),
      };
      return { ok: true, json, command: { kind, fields } };
    }
    case 'library edit': {
      const changes: LibraryChanges = {};
      for (const name of LIBRARY_OPTIONS) {
        if (!flags.has(name)) continue;
        // Given but empty: refused by the library schema (a name is required), but for the NPP, which it removes.
        if (name === 'npp') changes.npp = flag('npp') === '' ? null : flag('npp');
        else changes[name] = flag(name);
      }
      if (Object.keys(changes).length === 0) return fail(`library edit needs at least one of ${LIBRARY_OPTIONS.map((o) => `--${o}`).join(', ')}`);
      return { ok: true, json, command: { kind, libraryId: positional[0].trim().toLowerCase(), changes } };
    }
    case 'library list':
      return { ok: true, json, command: { kind } };
    case 'library remove':
      return { ok: true, json, command: { kind, libraryId: positional[0].trim().toLowerCase() } };
    case 'code issue': {
      const raw = flags.get('days') ?? '14';
      const days = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
      if (!(days >= 1 && days <= 365)) return fail('--days must be a whole number from 1 to 365');
      return { ok: true, json, command: { kind, libraryId: flag('library').toLowerCase(), days } };
    }
    case 'device list':
      return { ok: true, json, command: { kind, libraryId: flag('library').toLowerCase() } };
    case 'supervisor add': {
      const name = normaliseName(flag('name'));
      if (!NAME_PATTERN.test(name)) return fail('--name must be letters, digits, ".", "_", "-" or "@" (at most 100), starting with a letter or digit');
      // Spacing is tidied as `library add` tidies the places it stores, so that they match;
      // then the places' own rules: no control character, something visible (domain text.ts).
      const tidied = tidyName(flag('scope'));
      const parsed = hasControlCharacter(tidied) ? null : parseScope(tidied);
      // The name after the colon is tidied too: `province:\u200bJawa Timur` is `Jawa Timur`.
      const scope = parsed && parsed.level !== 'national' ? { ...parsed, name: tidyName(parsed.name) } : parsed;
      if (!scope || (scope.level !== 'national' && invisibleOnly(scope.name))) {
        return fail('--scope must be national, province:<name> or regency:<name>, the name as libraries have it (at most 100 characters)');
      }
      return { ok: true, json, command: { kind, name, scope } };
    }
    case 'supervisor list':
    case 'supervisor unlock':
    case 'database restored':
      return { ok: true, json, command: { kind } };
    case 'supervisor remove':
    case 'supervisor passwd':
      return { ok: true, json, command: { kind, name: normaliseName(positional[0]) } };
    case 'rulebook publish':
      return { ok: true, json, command: { kind, file: positional[0] } };
    default:
      return { ok: true, json, command: { kind: 'device revoke', deviceId: positional[0].trim().toLowerCase() } };
  }
}
