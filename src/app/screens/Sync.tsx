/**
 * Kirim data: enrolment until the phone is enrolled; then the overall sync status — how
 * many changes wait, how many entries the server rejected (to correct in Daftar kegiatan),
 * the last successful sync, the next try, online or offline — and the "Kirim sekarang" button.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { englishPlural, formatNumber } from '../../domain';
import { entrySyncCounts, getLibrary, syncOverview, type SyncResult } from '../../device';
import { useApp } from '../context';
import { focusFirstError } from '../focus';
import { useLive, useSyncCounts } from '../live';
import { syncNowFromPage } from '../sync-client';
import { rejectedParams, syncErrorText, syncTime, syncWord } from '../sync-words';
import { Enrol } from './Enrol';

function useOnline(): boolean {
  const [online, setOnline] = useState(typeof navigator === 'undefined' ? true : navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

export function Sync() {
  const app = useApp();
  const { db, lang, library } = app;
  const w = (k: Parameters<typeof syncWord>[1], p?: Record<string, string | number>) => syncWord(lang, k, p);
  const overview = useLive(() => syncOverview(db), [db]);
  const counts = useSyncCounts(db);
  const online = useOnline();
  // Whether the connection changed since the screen opened: then, and not on opening, it is said.
  const onlineAtOpen = useRef(online);
  const connectionChanged = useRef(false);
  if (online !== onlineAtOpen.current) connectionChanged.current = true;
  const [busy, setBusy] = useState(false);
  // Also a ref: a second tap before the re-render must not start a second send.
  const sending = useRef(false);
  // `failed`: the reason's words, so the stored failure below is not said a second time.
  const [notice, setNotice] = useState<{ text: string; failed?: string } | null>(null);
  const say = (text: string, failed?: string) => setNotice({ text, failed });
  // A failure said here goes once a later sync succeeds (on its own: the signal back, a timer),
  // which the lines below then show: it would contradict them.
  const lastSuccess = overview?.state.lastSuccessAt ?? null;
  const successSeen = useRef(lastSuccess);
  useEffect(() => {
    if (lastSuccess === successSeen.current) return;
    successSeen.current = lastSuccess;
    setNotice((n) => (n?.failed ? null : n));
  }, [lastSuccess]);
  if (!overview) return null;
  const { waiting, state, enrolment } = overview;
  const stored = state.lastError && { stopped: state.lastError.stopped, message: syncErrorText(state.lastError, lang) };
  // Changes, and the activities they belong to when that is fewer (Pengaturan counts activities).
  const waitingLine = (changes: number, entries: number | null) =>
    entries !== null && entries > 0 && entries < changes
      ? w('sync.waitingOf', { count: formatNumber(changes, lang), entries: formatNumber(entries, lang), activities: englishPlural(entries, 'activity', 'activities') })
      : w('sync.waiting', { count: formatNumber(changes, lang) });

  const enrolForm = (
    <Enrol
      onEnrolled={async (enrolled, queued) => {
        app.setLibrary((await getLibrary(db)) ?? enrolled);
        say(w('enrol.done', { library: enrolled.name, count: formatNumber(queued, lang) }));
        // The form that had focus is gone: the screen's heading, as a new screen would; the
        // status region says the enrolment (and then the first sync's outcome).
        focusFirstError(['sync-title']);
        // The count above is right only until this first sync has sent them: then say how it went.
        const outcome = await outcomeOf(await syncNowFromPage(db));
        if (!outcome.failed) say(`${w('enrol.doneSynced', { library: enrolled.name })} ${outcome.text}`);
      }}
    />
  );

  /**
   * Not `disabled` while sending: a disabled button loses focus, and a screen-reader or
   * switch user would be sent back to the top of the page. Taps are ignored instead.
   */
  async function sendNow() {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setNotice(null);
    try {
      const outcome = await outcomeOf(await syncNowFromPage(db));
      say(outcome.text, outcome.failed);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  /**
   * What this sync did, for the notice, failed or not: the "Gagal terakhir" line may be
   * left from an earlier attempt, so it alone does not say how this one went. Entries the
   * server rejected, in this sync or an earlier one, are not done until corrected: say so,
   * never "Semua terkirim." alone.
   */
  async function outcomeOf(result: SyncResult): Promise<{ text: string; failed?: string }> {
    const failure = (key: 'sync.notSent' | 'sync.stopped', error: Parameters<typeof syncErrorText>[0]) => {
      const message = syncErrorText(error, lang);
      return { text: w(key, { message }), failed: message };
    };
    // The enrolment is gone (reset in another tab): a revoked one's words say what to do.
    if (result.status === 'not-enrolled') return failure('sync.notSent', { status: 401, code: 'unauthorized' });
    if (result.status === 'stopped') return failure('sync.stopped', result.error);
    if (result.status === 'retry') return failure('sync.notSent', result.error);
    const { rejected } = await entrySyncCounts(db);
    if (rejected === 0) return { text: w('sync.ok') };
    // Refused in this send; else still refused from before, beside what this send did (or did not) carry.
    const key = result.rejected > 0 ? 'sync.okRejected' : result.pushed > 0 ? 'sync.okSentStillRejected' : 'sync.okStillRejected';
    return { text: w(key, rejectedParams(rejected, lang)) };
  }

  return (
    <>
      <h1 id="sync-title" tabIndex={-1}>
        {w('sync.title')}
      </h1>
      <div role="status">{notice && <p class={notice.failed ? 'notice failed' : 'notice'}>{notice.text}</p>}</div>
      {!enrolment ? (
        enrolForm
      ) : (
        // Not a live region: its counts change as entries are sent or pulled; how a send went is
        // said by the status region above.
        <section class="sync-status">
          <p>{w('sync.library', { library: library.name })}</p>
          <p data-sync-online={online ? 'yes' : 'no'}>{online ? w('sync.online') : w('sync.offline')}</p>
          {/* The line above, said once when it changes (it is no live region, like its neighbours). */}
          <div role="status" class="sr-only">
            {connectionChanged.current && (online ? w('sync.online') : w('sync.offline'))}
          </div>
          <p data-sync-waiting={waiting}>{waitingLine(waiting, counts ? counts.waiting + counts.deletesWaiting : null)}</p>
          {counts && counts.rejected > 0 && (
            <p class="error" data-sync-rejected={counts.rejected}>
              {w('sync.rejectedWaiting', rejectedParams(counts.rejected, lang))}{' '}
              <a class="button" href="#/daftar/ditolak">
                {w('sync.rejectedLink')}
              </a>
            </p>
          )}
          <p>{state.lastSuccessAt ? w('sync.lastSuccess', { time: syncTime(state.lastSuccessAt, lang) }) : w('sync.never')}</p>
          {state.nextTryAt && <p>{w('sync.nextTry', { time: syncTime(state.nextTryAt, lang) })}</p>}
          {/* Not when the notice above says the same failure; one from a sync started elsewhere
              (app start, Background Sync, the timer, another view) shows here. */}
          {stored && stored.message !== notice?.failed && (
            <p class="error">{w(stored.stopped ? 'sync.stopped' : 'sync.error', { message: stored.message })}</p>
          )}
          <div class="actions">
            <button type="button" class="primary" onClick={sendNow} aria-disabled={busy}>
              {busy ? w('sync.sending') : w('sync.sendNow')}
            </button>
          </div>
        </section>
      )}
      {/* A revoked token: enrol again with a new code; the queue is kept and resent. */}
      {enrolment && state.lastError?.code === 'unauthorized' && enrolForm}
    </>
  );
}
