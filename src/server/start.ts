/**
 * `npm start`: builds the app when dist/ is missing or older than its sources, then
 * runs the server (migrating first). On an empty database it creates one demo library
 * and prints its enrolment code and the URL, so a phone can enrol at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runServer } from './main';
import { ensureDemoLibrary } from './demo';

/** What the built app is made of; the server's own sources do not change dist/. */
const APP_SOURCES = ['index.html', 'vite.config.ts', 'package.json', 'public', 'src/app', 'src/device', 'src/sw', 'src/domain'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

function distIsStale(root = '.'): boolean {
  const built = join(root, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(...APP_SOURCES.map((p) => newestMtime(join(root, p))));
  return statSync(built).mtimeMs < sources;
}

if (distIsStale()) {
  process.stdout.write('» building the app (vite build)\n');
  const build = spawnSync(join('node_modules', '.bin', 'vite'), ['build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('vite build failed\n');
    process.exit(1);
  }
}

/**
 * The admin command as this server's operator must type it: a DATABASE_URL given to the
 * server goes to the command too, or it reads the default database, silently another one.
 * A SQLite path is printed as it is; a PostgreSQL URL is not (its password would be in the log).
 */
function adminCommand(databaseUrl = process.env.DATABASE_URL): string {
  if (!databaseUrl) return 'npm run admin --';
  if (/^sqlite:[\w./:-]+$/.test(databaseUrl)) return `DATABASE_URL=${databaseUrl} npm run admin --`;
  return "DATABASE_URL='<as for this server>' npm run admin --";
}

// A database or port that cannot be used ends the process in runServer, with one line
// naming the setting to check (exit 1); so does a failure of the demo library below.
const admin = adminCommand();

await runServer(async (running, { db }) => {
  const demo = await ensureDemoLibrary(db, new Date());
  if (demo) {
    process.stdout.write(
      `\nDemo library created: ${demo.library.name} (${demo.library.id})\n` +
        `Enrolment code: ${demo.code} (valid until ${demo.expiresAt})\n` +
        'On the phone: open the address below; on its first screen, "Sudah punya kode pendaftaran? Daftarkan HP ini"\n' +
        '(after a first run with a profile: Kirim data → Kode pendaftaran → Daftarkan).\n',
    );
  }
  const onNetwork = running.networkUrls;
  process.stdout.write(
    `\nLapor TPBIS is running at ${running.url}/\n` +
      (onNetwork.length > 0
        ? `From another device on this network: ${onNetwork.map((u) => `${u}/`).join(' ')}\n` +
          '(Phones keep the app offline only over HTTPS or on localhost: for real use, put an HTTPS proxy in front, see README.)\n'
        : /^http:\/\/(127\.|localhost[:/]|\[::1\])/.test(running.url)
          ? 'Only this computer can open it: for a phone on your network, start it with HOST=0.0.0.0.\n'
          : '') +
      `More enrolment codes: ${admin} library list, then ${admin} code issue --library <id>\n` +
      `Regional monitoring: ${running.url}/#/pantau — first add a supervisor: ` +
      `printf 'a-long-password\\n' | ${admin} supervisor add --name <login> --scope national\n\n`,
  );
});
