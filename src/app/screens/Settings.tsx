/**
 * Pengaturan: the library profile, the language, storage health, backup export and
 * import, and the app's version.
 */
import { useEffect, useState } from 'preact/hooks';
import { activityTypeLabel, formatBytes, formatNumber, todayIn, type Rulebook, type Strategy } from '../../domain';
import { exportCsv, exportJson, importJson, isLocalLibraryId, setLibrary, storageHealth, type CsvLabels, type StorageHealth } from '../../device';
import { FilePicker } from '../components/FilePicker';
import { LanguageSelect } from '../components/LanguageSelect';
import { ProfileForm } from '../components/ProfileForm';
import { useApp, useUi } from '../context';
import { focusFirstError } from '../focus';
import { ui, type UiKey } from '../i18n';
import { importNotice } from '../import-words';
import { useSyncCounts } from '../live';
import { MonitorLink, monitorTitle } from '../monitor/link';


export function Settings({ version }: { version: string }) {
  const app = useApp();
  const { db, lang, library, now } = app;
  const u = useUi();
  const [notice, setNotice] = useState<string | null>(null);
  // A backup of another library, asked about before anything is written: its text, and what to ask.
  const [asking, setAsking] = useState<{ text: string; question: string } | null>(null);
  const [health, setHealth] = useState<StorageHealth | null>(null);
  const counts = useSyncCounts(db);
  // Enrolled (the library's id is the server's), the profile is the server's: shown, not edited.
  const enrolled = !isLocalLibraryId(library.id);
  useEffect(() => {
    void storageHealth().then(setHealth);
  }, [counts]);

  async function download(kind: 'json' | 'csv') {
    const text = kind === 'json' ? await exportJson(db, library, now()) : await exportCsv(db, csvLabels(app.rulebook));
    const type = kind === 'json' ? 'application/json' : 'text/csv';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
    // The library's date, as every screen shows it (the UTC date is yesterday's until 07:00 WIB).
    a.download = `lapor-tpbis-${todayIn(library.timezone, now())}.${kind}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  async function restore(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setAsking(null);
    let text: string;
    try {
      text = await file.text();
    } catch {
      // Unreadable (a cloud file not downloaded, a file gone): nothing changed.
      return setNotice(u('settings.importFailed'));
    } finally {
      input.value = '';
    }
    await merge(text, false);
  }

  async function merge(text: string, moveConfirmed: boolean) {
    let result: Awaited<ReturnType<typeof importJson>>;
    try {
      result = await importJson(db, text, { moveConfirmed });
    } catch {
      // Storage full: the merge is one transaction, so nothing changed.
      return setNotice(u('settings.importFailed'));
    }
    const said = importNotice(result, lang, library.name);
    if (!result.ok && result.error === 'confirmMove') {
      setNotice(null);
      setAsking({ text, question: said });
      // The safe answer has focus, as in enrolment's choice: a hurried tap changes nothing.
      focusFirstError(['import-no']);
      return;
    }
    setNotice(said);
  }

  function answer(yes: boolean) {
    const asked = asking;
    setAsking(null);
    if (yes && asked) void merge(asked.text, true);
    else setNotice(u('settings.importMoveCancelled'));
    document.getElementById('import')?.focus();
  }

  return (
    <>
      <h1 tabIndex={-1}>{u('nav.settings')}</h1>
      <div role="status">{notice && <p class="notice">{notice}</p>}</div>

      <section>
        <h2 id="s-lang">{u('settings.language')}</h2>
        <LanguageSelect id="lang" label={u('settings.language')} lang={lang} onChange={app.setLang} />
      </section>

      <section>
        <h2 id="s-profile">{u('settings.profile')}</h2>
        {enrolled && <p id="profile-server">{u('settings.profileFromServer')}</p>}
        <ProfileForm
          readOnly={enrolled}
          describedBy={enrolled ? 'profile-server' : undefined}
          // Anew when the library changes under it (an enrolment, maybe in another tab): its
          // values would otherwise write the old profile over the enrolled library's.
          key={`${lang}:${library.id}`}
          lang={lang}
          library={library}
          submitLabel={u('profile.save')}
          onSave={async (l) => {
            app.setLibrary(await setLibrary(db, l));
            setNotice(u('profile.saved'));
          }}
        />
      </section>

      <section>
        <h2 id="s-storage">{u('settings.storage')}</h2>
        <p>
          {health?.persisted === true
            ? u('settings.persisted')
            : health?.persisted === false
              ? u('settings.notPersisted')
              : u('settings.persistUnknown')}
        </p>
        {health?.usage != null && health.quota != null && (
          <p>{u('settings.usage', { usage: formatBytes(health.usage, lang), quota: formatBytes(health.quota, lang) })}</p>
        )}
        {counts && <p>{u('settings.entries', { count: formatNumber(counts.live, lang), pending: formatNumber(counts.waiting, lang) })}</p>}
        {counts && counts.deletesWaiting > 0 && <p>{u('settings.deletesWaiting', { count: formatNumber(counts.deletesWaiting, lang) })}</p>}
      </section>

      <section>
        <h2 id="s-backup">{u('settings.backup')}</h2>
        <p class="hint">{u('settings.photosStay')}</p>
        <div class="actions stack">
          <button type="button" onClick={() => download('json')}>
            {u('settings.exportJson')}
          </button>
          <button type="button" onClick={() => download('csv')}>
            {u('settings.exportCsv')}
          </button>
        </div>
        <div class="field">
          <label for="import" id="import-label">
            {u('settings.import')}
          </label>
          <FilePicker id="import" text={u('settings.pickBackup')} accept="application/json,.json" onChange={restore} />
        </div>
        {asking && (
          <div class="warning" role="alert">
            <p>{asking.question}</p>
            <div class="actions">
              <button type="button" onClick={() => answer(true)}>
                {u('settings.importMoveYes', { to: library.name })}
              </button>
              <button type="button" id="import-no" onClick={() => answer(false)}>
                {u('settings.importMoveNo')}
              </button>
            </div>
          </div>
        )}
      </section>

      <section>
        <h2 id="s-monitor">{monitorTitle(lang)}</h2>
        <MonitorLink lang={lang} />
      </section>

      <section>
        <h2 id="s-version">{u('settings.version')}</h2>
        <p data-app-version={version}>{version}</p>
      </section>
    </>
  );
}

/** The spreadsheet's words for the codes: Indonesian, like its headers. */
function csvLabels(rulebook: Rulebook): CsvLabels {
  return {
    activityType: (strategy, code) => activityTypeLabel(rulebook, strategy as Strategy, code, 'id'),
    // Entries are checked against the schema, whose kinds and sources all have a word.
    partnerKind: (code) => ui('id', `partner.${code}` as UiKey),
    fundingSource: (code) => ui('id', `funding.${code}` as UiKey),
  };
}
