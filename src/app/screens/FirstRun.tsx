/** First run: the library profile, so the app is useful offline before any enrolment. */
import type { Lang, Library } from '../../domain';
import { ProfileForm } from '../components/ProfileForm';
import { ui } from '../i18n';
import { useOfflineReady } from '../offline-ready';
import { MonitorLink } from '../monitor/link';

/**
 * `workerRegistering`: the page registers the service worker (not in development). The
 * screen promises offline use only once the worker holds the app ('preparing' until it
 * has installed, precache included).
 */
export function FirstRun({ lang, workerRegistering, onSave }: { lang: Lang; workerRegistering: boolean; onSave: (library: Library) => Promise<void> }) {
  const offline = useOfflineReady(workerRegistering);
  return (
    <main id="main" class="screen">
      <h1>{ui(lang, 'firstRun.title')}</h1>
      <p>{ui(lang, 'firstRun.intro')}</p>
      <p role="status" class={offline === 'ready' ? 'notice' : undefined}>
        {offline === 'ready' ? ui(lang, 'firstRun.offlineReady') : offline === 'preparing' ? ui(lang, 'firstRun.offlinePreparing') : null}
      </p>
      <ProfileForm lang={lang} library={null} submitLabel={ui(lang, 'firstRun.start')} onSave={onSave} />
      <MonitorLink lang={lang} />
    </main>
  );
}
