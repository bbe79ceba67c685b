/** DATABASE_URL as the server and the admin command read it, and as their messages show it. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskDatabaseUrl, readConfig } from '../../src/server/config';
import { parseDatabaseUrl } from '../../src/server/db';

describe('DATABASE_URL', () => {
  it('sqlite: takes the path as written, sqlite:/// as absolute, and refuses sqlite://x (read once as /x, elsewhere as x)', () => {
    const sqlite = (path: string) => ({ kind: 'sqlite', path });
    expect(parseDatabaseUrl('sqlite:./x.sqlite')).toEqual(sqlite('./x.sqlite'));
    expect(parseDatabaseUrl('sqlite:data/x.sqlite')).toEqual(sqlite('data/x.sqlite'));
    expect(parseDatabaseUrl('sqlite:/srv/x.sqlite')).toEqual(sqlite('/srv/x.sqlite'));
    expect(parseDatabaseUrl('sqlite:///srv/x.sqlite')).toEqual(sqlite('/srv/x.sqlite'));
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual(sqlite(':memory:'));
    // Before, sqlite://./x.sqlite was //./x.sqlite, that is /x.sqlite at the filesystem's root.
    expect(parseDatabaseUrl('sqlite://./x.sqlite')).toBeNull();
    expect(parseDatabaseUrl('sqlite://data/x.sqlite')).toBeNull();
    expect(parseDatabaseUrl('sqlite://')).toBeNull();
    expect(parseDatabaseUrl('sqlite:')).toBeNull();
    expect(readConfig({ DATABASE_URL: 'sqlite://data/x.sqlite' })).toEqual({
      ok: false,
      error: 'DATABASE_URL sqlite://data/x.sqlite is ambiguous: write sqlite:data/x.sqlite for a path in the working directory, or sqlite:/data/x.sqlite for an absolute path',
    });
  });

  it('sqlite://x.sqlite makes no file anywhere: the admin command says how to write it and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-relative-'));
    const name = `tpbis-relative-${process.pid}.sqlite`;
    try {
      const admin = join(process.cwd(), 'src/server/admin.ts');
      const tsx = import.meta.resolve('tsx');
      for (const url of [`sqlite://./${name}`, `sqlite://sub/${name}`]) {
        const r = spawnSync(process.execPath, ['--import', tsx, admin, 'library', 'list', '--json'], { cwd: dir, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain('is ambiguous: write sqlite:');
      }
      expect(existsSync(join(dir, name))).toBe(false);
      expect(existsSync(join(dir, 'sub'))).toBe(false);
      expect(existsSync(join('/', name))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(join('/', name), { force: true });
      rmSync(join('/', `${name}-wal`), { force: true });
      rmSync(join('/', `${name}-shm`), { force: true });
    }
  });

  it('is shown in messages with its password masked', () => {
    expect(maskDatabaseUrl('postgres://tpbis:s3cret@db.example:5432/tpbis')).toBe('postgres://tpbis:***@db.example:5432/tpbis');
    expect(maskDatabaseUrl('postgresql://u:p%40ss@h/d?sslmode=require')).toBe('postgresql://u:***@h/d?sslmode=require');
    expect(maskDatabaseUrl('postgres://u@h/d?password=s3cret')).toBe('postgres://u@h/d?password=***');
    expect(maskDatabaseUrl('postgres://u@h/d')).toBe('postgres://u@h/d');
    expect(maskDatabaseUrl('postgres://[s3cret')).toBe('postgres://…');
    // Unescaped '@', '#', '/', '?' in the password: URL parsing would cut it elsewhere and show most of it.
    expect(maskDatabaseUrl('postgres://tpbis:p@ss#wordSECRET@127.0.0.1:1/x')).toBe('postgres://tpbis:***@127.0.0.1:1/x');
    // A query password is masked to the end: it may hold '@', '#' or '&' as well.
    expect(maskDatabaseUrl('postgres://u:a/b?c@h:5432/d?password=x&sslmode=require')).toBe('postgres://u:***@h:5432/d?password=***');
    // An '@' after `password=` may belong to the login's password or the query's: the scheme alone.
    expect(maskDatabaseUrl('postgres://h:5432/d?password=se@cretTAIL')).toBe('postgres://…');
    expect(maskDatabaseUrl('postgres://u@h:5432/d?password=p@ssTAIL')).toBe('postgres://…');
    expect(maskDatabaseUrl('postgres://u@h/d?sslmode=require&password=ab#cd&TAIL')).toBe('postgres://u@h/d?sslmode=require&password=***');
    expect(maskDatabaseUrl('postgres://u:1234?password=x@h/d')).toBe('postgres://…');
    expect(maskDatabaseUrl('sqlite:/srv/x.sqlite')).toBe('sqlite:/srv/x.sqlite');
    // A password with characters a URL reads otherwise: said so, without a piece of it.
    for (const url of ['postgres://tpbis:p@ss#w@127.0.0.1:5432/x', 'postgres://tpbis:a/b@h/d', 'postgres://tpbis:a?b@h/d']) {
      const r = readConfig({ DATABASE_URL: url });
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^DATABASE_URL is not a valid URL: a user name or password holding @ # \/ \? or % must be percent-encoded/);
    }
    expect(readConfig({ DATABASE_URL: 'postgres://tpbis:p%40ss%23w@127.0.0.1:5432/x' }).ok).toBe(true);
    expect(readConfig({ DATABASE_URL: 'postgres://127.0.0.1/x?sslmode=require' }).ok).toBe(true);
    expect(readConfig({ DATABASE_URL: 'postgres://h:5432/d?password=se@cret' }).ok).toBe(true);
    // The driver's own readings: a '%' it takes literally, the Unix-socket form with no host.
    expect(readConfig({ DATABASE_URL: 'postgres://tpbis:50%off@h/d' }).ok).toBe(true);
    expect(readConfig({ DATABASE_URL: 'postgres://tpbis:pw@/tpbis?host=/var/run/postgresql' }).ok).toBe(true);
    const read = readConfig({ DATABASE_URL: 'postgres://tpbis:s3cret@h/d' });
    expect(read.ok && read.config.databaseSetting).toBe('postgres://tpbis:***@h/d (DATABASE_URL)');
    const unset = readConfig({});
    expect(unset.ok && unset.config.databaseSetting).toBe('sqlite:./data/tpbis.sqlite (the default: DATABASE_URL is unset)');
  });
});

describe('PORT', () => {
  it('takes decimal digits only, 0–65535; unset or empty is 8080', () => {
    const port = (PORT: string | undefined) => {
      const r = readConfig({ DATABASE_URL: 'sqlite:x.sqlite', PORT });
      return r.ok ? r.config.port : r.error;
    };
    expect(port(undefined)).toBe(8080);
    expect(port('')).toBe(8080);
    expect(port('18445')).toBe(18445);
    expect(port('0')).toBe(0);
    expect(port('65535')).toBe(65535);
    for (const bad of ['0x4000', '1e4', '0b11', '+18445', '18445 ', ' 18445', '-1', '80.5', '65536', 'http', '123456'])
      expect(port(bad)).toBe('PORT must be a port number (0–65535)');
  });
});

describe('TRUST_PROXY', () => {
  it('is 1 or 0 (or unset); any other value is refused, not read as unset', () => {
    const trust = (TRUST_PROXY: string | undefined) => {
      const r = readConfig({ DATABASE_URL: 'sqlite:x.sqlite', TRUST_PROXY });
      return r.ok ? r.config.trustProxy : r.error;
    };
    expect([trust(undefined), trust(''), trust('0'), trust('1')]).toEqual([false, false, false, true]);
    for (const bad of ['true', 'yes', 'on', ' 1', '2'])
      expect(trust(bad)).toBe('TRUST_PROXY must be 1 (behind one proxy of yours that appends X-Forwarded-For) or 0');
  });

  it('is not the admin command line\'s business, nor is PORT: a value meant for the server does not stop it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-admin-env-'));
    try {
      const admin = join(process.cwd(), 'src/server/admin.ts');
      // An existing (empty) file: a new one would be said on stderr (admin.ts), and this wants stderr empty.
      writeFileSync(join(dir, 'x.sqlite'), '');
      const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'x.sqlite')}`, PORT: 'http', TRUST_PROXY: 'yes', DEBUG: '' };
      const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), admin, 'library', 'list'], { env, encoding: 'utf8', timeout: 60_000 });
      expect([r.status, r.stderr]).toEqual([0, '']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the SQLite file\'s folder', () => {
  it('is made when missing; under a file, or where no folder can be made, one clear line and exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpbis-folder-'));
    try {
      const admin = join(process.cwd(), 'src/server/admin.ts');
      const tsx = import.meta.resolve('tsx');
      // A hang guard only (mkdirSync's recursive spun for ever under /proc), not a speed limit.
      const run = (url: string) =>
        spawnSync(process.execPath, ['--import', tsx, admin, 'library', 'list'], { env: { ...process.env, DATABASE_URL: url, DEBUG: '' }, encoding: 'utf8', timeout: 60_000 });
      const made = run(`sqlite:${join(dir, 'a', 'b', 'x.sqlite')}`);
      expect(made.status, made.stderr).toBe(0);
      expect(existsSync(join(dir, 'a', 'b', 'x.sqlite'))).toBe(true);
      writeFileSync(join(dir, 'berkas'), 'bukan folder');
      const underFile = run(`sqlite:${join(dir, 'berkas', 'x.sqlite')}`);
      expect(underFile.status).toBe(1);
      expect(underFile.stderr).toBe(`Cannot open the database sqlite:${join(dir, 'berkas', 'x.sqlite')} (DATABASE_URL): ${join(dir, 'berkas')} is not a folder\n`);
      const deeper = run(`sqlite:${join(dir, 'berkas', 'data', 'x.sqlite')}`);
      expect(deeper.status).toBe(1);
      expect(deeper.stderr).toBe(`Cannot open the database sqlite:${join(dir, 'berkas', 'data', 'x.sqlite')} (DATABASE_URL): ${join(dir, 'berkas')} is not a folder\n`);
      // A database gone when the command ends: refused, not "added to".
      const memory = run('sqlite::memory:');
      expect(memory.status).toBe(2);
      expect(memory.stderr).toContain('lives only as long as one process');
      const proc = run('sqlite:/proc/tpbis-tidak-ada/x.sqlite');
      expect(proc.status).toBe(1);
      expect(proc.stderr).toContain("mkdir '/proc/tpbis-tidak-ada'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
