/**
 * Regional monitoring (`#/pantau`), loaded on first use as its own chunk so the
 * librarian's first load does not grow. Needs no library profile: a supervisor on a
 * laptop never fills one. Asks the server who is signed in; no session → the login
 * form; then the area or library the address names (view.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { MONITOR_ASSET, MONITOR_CACHE } from '../../device/names';
import { type Lang, type SupervisorInfo } from '../../domain';
import { LanguageSelect } from '../components/LanguageSelect';
import { supervisorInfoSchema } from '../../domain/monitor';
import { logout, readJson, settlePendingLogout, type MonitorError } from './api';
import { AreaView } from './AreaView';
import { LibraryDetail } from './LibraryDetail';
import { LoginForm } from './LoginForm';
import { ErrorNote, scopeText, useRetry } from './parts';
import { meUrl, parseView } from './view';
import { mw } from './words';
import './monitor.css';

type Session =
  | { state: 'checking' }
  | { state: 'login'; ended?: boolean }
  | { state: 'in'; me: SupervisorInfo }
  | { state: 'error'; error: MonitorError };


export interface MonitorProps {
  /** What follows `#/pantau` in the address. */
  view: string;
  lang: Lang;
  setLang: (lang: Lang) => void;
}

/**
 * Keeps this chunk and its stylesheet for reading offline (they are not precached). The
 * worker's route keeps them too, but not on the visit that installed it, which loaded
 * them before it took over. Copies of earlier versions are dropped.
 */
function keepForOffline(): void {
  if (!('caches' in self)) return;
  const links = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]'), (l) => l.href);
  const mine = [import.meta.url, ...links].filter((u) => MONITOR_ASSET.test(new URL(u, location.href).pathname));
  if (mine.length === 0) return; // the dev server: nothing hashed to keep
  void caches
    .open(MONITOR_CACHE)
    .then(async (cache) => {
      for (const request of await cache.keys()) if (!mine.includes(request.url)) await cache.delete(request);
      for (const url of mine) if (!(await cache.match(url))) await cache.add(url);
    })
    .catch(() => {}); // storage full or blocked: the worker's route may still keep them
}

export function Monitor({ view, lang, setLang }: MonitorProps) {
  useEffect(keepForOffline, []);
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    void (async () => {
      // A "Keluar" tapped offline goes first; until the server has it, nobody is signed in here.
      if (!(await settlePendingLogout())) {
        if (live) setSession({ state: 'login' });
        return;
      }
      const r = await readJson(meUrl(), supervisorInfoSchema);
      if (!live) return;
      if (r.ok) setSession({ state: 'in', me: r.data });
      // The session ended on the server; readJson has forgotten what it kept, as "Keluar" does.
      else if (r.error.kind === 'unauthorized') setSession({ state: 'login' });
      else setSession({ state: 'error', error: r.error });
    })();
    return () => {
      live = false;
    };
  }, [attempt]);
  useEffect(() => {
    const retry = () => void settlePendingLogout();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, []);
  // Signing in or out replaces the form or the screen that had focus: take it to the new
  // screen's heading, as a change of route does, so a screen reader hears where it is.
  const [moved, setMoved] = useState(0);
  useEffect(() => {
    if (moved > 0) document.querySelector<HTMLElement>('#main h1')?.focus();
  }, [moved, session.state]);
  useEffect(() => {
    document.title = `${mw(lang, 'title')} — Lapor TPBIS`;
    return () => {
      document.title = 'Lapor TPBIS';
    };
  }, [lang]);

  // After the effects above: focus goes to what the new attempt brought, not the heading alone.
  const retry = useRetry(session.state !== 'checking', () => {
    // Asking again shows "Memeriksa…" instead of the old error, as the views show "Memuat…".
    setSession({ state: 'checking' });
    setAttempt((a) => a + 1);
  });

  // A 401 while signed in: the session ended on the server (12 hours, removed, a new password). Said on the login form.
  const toLogin = () => setSession({ state: 'login', ended: true });
  const signedOut = () => {
    setSession({ state: 'login' });
    setMoved((n) => n + 1);
  };
  const shown = parseView(view);

  return (
    <>
      <header class="top">
        <p class="app-name">Lapor TPBIS · {mw(lang, 'title')}</p>
        <a class="top-sync" href="#/">
          {mw(lang, 'toApp')}
        </a>
      </header>
      <main id="main" class="screen monitor">
        {session.state === 'in' && (
          <div class="who">
            <p>{mw(lang, 'who', { name: session.me.name, scope: scopeText(session.me.scope, lang) })}</p>
            <button
              type="button"
              onClick={async () => {
                await logout();
                signedOut();
              }}
            >
              {mw(lang, 'logout')}
            </button>
          </div>
        )}
        {session.state === 'checking' && (
          <>
            <h1 tabIndex={-1}>{mw(lang, 'title')}</h1>
            <p role="status">{mw(lang, 'checking')}</p>
          </>
        )}
        {session.state === 'error' && (
          <>
            <h1 tabIndex={-1}>{mw(lang, 'title')}</h1>
            <ErrorNote error={session.error} lang={lang} onRetry={retry} />
          </>
        )}
        {session.state === 'login' && (
          <>
            <h1 tabIndex={-1}>{mw(lang, 'title')}</h1>
            {session.ended && <p class="notice">{mw(lang, 'login.ended')}</p>}
            <p>{mw(lang, 'intro')}</p>
            <LoginForm
              lang={lang}
              onLoggedIn={(me) => {
                setSession({ state: 'in', me });
                setMoved((n) => n + 1);
              }}
            />
          </>
        )}
        {session.state === 'in' &&
          (shown.kind === 'library' ? (
            <LibraryDetail key={shown.id} me={session.me} id={shown.id} lang={lang} onUnauthorized={toLogin} />
          ) : (
            <AreaView me={session.me} view={shown} lang={lang} onUnauthorized={toLogin} />
          ))}
        <div class="monitor-lang">
          <LanguageSelect id="m-lang" label={mw(lang, 'language')} lang={lang} onChange={setLang} />
        </div>
      </main>
    </>
  );
}
