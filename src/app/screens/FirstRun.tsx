/**
 * First run: the library profile, so the app is useful offline before any enrolment; or,
 * for a phone joining a library that already reports (a second phone, a replaced one),
 * enrolment at once with the administrator's code — the profile then comes from the server,
 * with the library's entries, and nothing needs typing twice; or, for a replaced phone of a
 * library never enrolled (no signal: its backup file is the only other copy), a restore that
 * brings the profile and the entries together.
 */
import { useState } from 'preact/hooks';
import type { Lang, Library } from '../../domain';
import { importJson, type LaporDb } from '../../device';
import { FilePicker } from '../components/FilePicker';
import { importNotice } from '../import-words';
import { LanguageSelect } from '../components/LanguageSelect';
import { Lazy } from '../components/Lazy';
import { focusFirstError } from '../focus';
import { ProfileForm } from '../components/ProfileForm';
import { ui } from '../i18n';
import { useOfflineReady } from '../offline-ready';
import { MonitorLink } from '../monitor/link';

const loadEnrol = () => import('./Enrol');

/**
 * `workerRegistering`: the page registers the service worker (not in development). The
 * screen promises offline use only once the worker holds the app ('preparing' until it
 * has installed, precache included).
 */
export function FirstRun({
  db,
  lang,
  workerRegistering,
  onSave,
  onEnrolled,
  onRestored,
  onLang,
}: {
  db: LaporDb;
  lang: Lang;
  /** The language choice, here too: an English reader need not fill the form in Indonesian first. */
  onLang: (lang: Lang) => void;
  workerRegistering: boolean;
  onSave: (library: Library) => Promise<void>;
  onEnrolled: (library: Library) => void;
  /** A backup restored, its profile now the phone's (the app's library watch shows Beranda): what to say there. */
  onRestored: (message: string) => void;
}) {
  const { state: offline, retry } = useOfflineReady(workerRegistering);
  const [enrolling, setEnrolling] = useState(false);
  // What the restore says: under way, or why it stored nothing.
  const [restoring, setRestoring] = useState<{ busy: true } | { problem: string } | null>(null);

  async function restore(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    // Thousands of entries take a few seconds on a slow phone: said, not a screen that seems stuck.
    setRestoring({ busy: true });
    let said: string;
    try {
      const result = await importJson(db, await file.text(), { adoptProfile: true, lang });
      said = importNotice(result, lang, '');
      if (result.ok) return onRestored(said);
    } catch {
      said = ui(lang, 'settings.importFailed');
    }
    input.value = '';
    setRestoring({ problem: said });
  }
  return (
    <main id="main" class="screen">
      <h1 id="first-run-title" tabIndex={-1}>
        {ui(lang, 'firstRun.title')}
      </h1>
      <LanguageSelect id="first-lang" label={ui(lang, 'settings.language')} lang={lang} onChange={onLang} />
      {/* Live: the button below swaps what the screen offers and then names the other choice (no
          aria-expanded: "expanded" on those words said the opposite); this line says the swap. */}
      <p role="status">{ui(lang, enrolling ? 'firstRun.introEnrol' : 'firstRun.intro')}</p>
      <div role="status" class={offline === 'ready' ? 'notice' : offline === 'failed' ? 'warning' : undefined}>
        {offline === 'ready' ? ui(lang, 'firstRun.offlineReady') : offline === 'preparing' ? ui(lang, 'firstRun.offlinePreparing') : null}
        {offline === 'failed' && (
          <>
            <p>{ui(lang, 'firstRun.offlineFailed')}</p>
            <button
              type="button"
              onClick={() => {
                retry();
                // The button goes while it tries: the heading keeps focus, the status says the rest.
                focusFirstError(['first-run-title']);
              }}
            >
              {ui(lang, 'lazy.retry')}
            </button>
          </>
        )}
      </div>
      <div class="actions">
        <button type="button" onClick={() => setEnrolling(!enrolling)}>
          {ui(lang, enrolling ? 'firstRun.profileInstead' : 'firstRun.haveCode')}
        </button>
      </div>
      {enrolling ? (
        <Lazy load={loadEnrol}>{(m) => <m.Enrol env={{ db, lang, now: () => new Date() }} onEnrolled={(library) => onEnrolled(library)} />}</Lazy>
      ) : (
        <>
          <ProfileForm lang={lang} library={null} submitLabel={ui(lang, 'firstRun.start')} onSave={onSave} />
          <section aria-labelledby="first-restore">
            <h2 id="first-restore">{ui(lang, 'firstRun.restoreTitle')}</h2>
            <p>{ui(lang, 'firstRun.restoreIntro')}</p>
            <div class="field">
              <label for="first-import">{ui(lang, 'settings.import')}</label>
              <FilePicker id="first-import" text={ui(lang, 'settings.pickBackup')} accept="application/json,.json" onChange={restore} />
            </div>
            <div role="status">
              {restoring && ('busy' in restoring ? <p class="notice">{ui(lang, 'firstRun.restoring')}</p> : <p class="error">{restoring.problem}</p>)}
            </div>
          </section>
        </>
      )}
      <MonitorLink lang={lang} />
    </main>
  );
}
