/**
 * Kirim data: enrolment until the phone is enrolled; then the overall sync status — how
 * many changes wait, how many entries the server rejected (to correct in Daftar kegiatan),
 * the last successful sync, the next try, online or offline — and the "Kirim sekarang" button.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../../domain';
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
  const [busy, setBusy] = useState(false);
  // Also a ref: a second tap before the re-render must not start a second send.
  const sending = useRef(false);
  const [notice, setNotice] = useState<{ text: string; failed: boolean } | null>(null);
  const say = (text: string, failed = false) => setNotice({ text, failed });
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
  // Changes, and the activities they belong to when that is fewer (Pengaturan counts activities).
  const waitingLine = (changes: number, entries: number | null) =>
    entries !== null && entries > 0 && entries < changes
      ? w('sync.waitingOf', { count: formatNumber(changes, lang), entries: formatNumber(entries, lang) })
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
  async function outcomeOf(result: SyncResult): Promise<{ text: string; failed: boolean }> {
    // The enrolment is gone (reset in another tab): a revoked one's words say what to do.
    if (result.status === 'not-enrolled') return { text: w('sync.notSent', { message: syncErrorText({ status: 401, code: 'unauthorized' }, lang) }), failed: true };
    if (result.status === 'stopped') return { text: w('sync.stopped', { message: syncErrorText(result.error, lang) }), failed: true };
    if (result.status === 'retry') return { text: w('sync.notSent', { message: syncErrorText(result.error, lang) }), failed: true };
    const { rejected } = await entrySyncCounts(db);
    if (rejected === 0) return { text: w('sync.ok'), failed: false };
    return { text: w(result.rejected > 0 ? 'sync.okRejected' : 'sync.okStillRejected', rejectedParams(rejected, lang)), failed: false };
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
        <section class="sync-status" aria-live="polite">
          <p>{w('sync.library', { library: library.name })}</p>
          <p data-sync-online={online ? 'yes' : 'no'}>{online ? w('sync.online') : w('sync.offline')}</p>
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
          {state.lastError && (
            <p class="error">
              {w(state.lastError.stopped ? 'sync.stopped' : 'sync.error', { message: syncErrorText(state.lastError, lang) })}
            </p>
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
