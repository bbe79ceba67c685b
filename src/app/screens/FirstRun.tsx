/** First run: the library profile, so the app is useful offline before any enrolment. */
import type { Lang, Library } from '../../domain';
import { ProfileForm } from '../components/ProfileForm';
import { ui } from '../i18n';
import type { OfflineReadiness } from '../offline-ready';
import { MonitorLink } from '../monitor/link';

/**
 * `offline`: whether the app is stored for use without signal yet ('preparing' until the
 * service worker has installed, precache included); null where no worker is registered.
 * The screen promises offline use only once it holds.
 */
export function FirstRun({ lang, offline, onSave }: { lang: Lang; offline: OfflineReadiness; onSave: (library: Library) => Promise<void> }) {
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
