/** First run: the library profile, so the app is useful offline before any enrolment. */
import type { Lang, Library } from '../../domain';
import { ProfileForm } from '../components/ProfileForm';
import { ui } from '../i18n';
import { MonitorLink } from '../monitor/link';

export function FirstRun({ lang, onSave }: { lang: Lang; onSave: (library: Library) => Promise<void> }) {
  return (
    <main id="main" class="screen">
      <h1>{ui(lang, 'firstRun.title')}</h1>
      <p>{ui(lang, 'firstRun.intro')}</p>
      <ProfileForm lang={lang} library={null} submitLabel={ui(lang, 'firstRun.start')} onSave={onSave} />
      <MonitorLink lang={lang} />
    </main>
  );
}
