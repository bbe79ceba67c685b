/**
 * Enrolment: "Kode pendaftaran" and "Daftarkan", plus "Alamat server" when the app is
 * not served by the server it syncs with (its own origin answers /healthz with something
 * else; no answer at all, offline, does not count: served.ts).
 * Entries logged before are moved to the enrolled library and queued (src/device/enrol.ts).
 * A code for another library than the one the phone was enrolled for asks first what
 * becomes of that library's entries (`ChoosePanel`).
 */
import { useRef, useState } from 'preact/hooks';
import { formatNumber, tidyName, type Lang, type Library } from '../../domain';
import { enrol, type EnrolChoice } from '../../device';
import { Field, inputProps } from '../components/Field';
import { useApp, type AppContext } from '../context';
import { focusFirstError } from '../focus';
import { useServedByServer } from '../served';
import { syncErrorText, syncWord } from '../sync-words';

/** `env`: where the app's context is not there yet (the first-run screen, before any library). */
export function Enrol({ onEnrolled, env }: { onEnrolled: (library: Library, queued: number) => void; env?: Pick<AppContext, 'db' | 'lang' | 'now'> }) {
  const app = useApp();
  const { db, lang, now } = env ?? app;
  const w = (k: Parameters<typeof syncWord>[1], p?: Record<string, string | number>) => syncWord(lang, k, p);
  const served = useServedByServer();
  const [code, setCode] = useState('');
  const [server, setServer] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  // Also a ref: a second tap before the re-render must not send the code twice.
  const sending = useRef(false);
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<EnrolChoice | null>(null);
  const [note, setNote] = useState<string | null>(null);

  /** The message goes under the code field, and focus to the field, which it describes: a screen reader reads both. */
  function fail(message: string) {
    setError(message);
    // Sent with Enter from the field, focus is there already and would not move: nothing would
    // be read. Focused after the render: the field may be coming back (the choice panel goes);
    // the librarian may have gone to another screen meanwhile, where there is none.
    const active = document.activeElement as HTMLElement | null;
    const field = document.getElementById('enrol-code') as HTMLInputElement | null;
    if (field && active && field.form?.contains(active)) active.blur();
    focusFirstError(['enrol-code']);
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (sending.current) return;
    if (code.trim() === '') return fail(w('enrol.required'));
    sending.current = true;
    setBusy(true);
    setError(null);
    setNote(null);
    let result: Awaited<ReturnType<typeof enrol>>;
    try {
      result = await enrol({
        db,
        fetch: (input, init) => fetch(input, init),
        now,
        serverUrl: served ? '' : server.trim(),
        code: code.trim(),
        // The server refuses control characters in it (pasted along, never typed): dropped here.
        deviceName: tidyName(name).replace(/\p{Cc}/gu, '') || undefined,
        lang,
      });
    } catch {
      // The answer could not be stored (storage full): the same code works again (its retry key).
      return fail(w('enrol.notStored'));
    } finally {
      sending.current = false;
      setBusy(false);
    }
    if (result.ok === true) onEnrolled(result.library, result.queued);
    else if (result.ok === 'choose') {
      setChoice(result.choice);
      focusFirstError(['enrol-choice-title']);
    }
    // The server's own answer ("Kode pendaftaran tidak dikenal…") is in `lang` already;
    // anything else in plain words: no answer or a proxy's 407 as offline; a proxy's bare
    // 502; another site's 404 (a wrong address, a Wi-Fi's login page) as a refusal with
    // its code, saying to sign in to the Wi-Fi first, else to ask the district officer.
    else if (result.error.status === 0) fail(w('enrol.offline'));
    // Locked out for a while (429): how long, rather than the server's "later".
    else if (result.error.status === 429 && result.retryAfterMs !== null) fail(w('enrol.wait', { minutes: Math.max(1, Math.ceil(result.retryAfterMs / 60_000)) }));
    else fail(result.error.code !== null ? result.error.message : syncErrorText(result.error, lang));
  }

  async function choose(how: 'move' | 'leave' | 'cancel') {
    if (!choice || sending.current) return;
    const from = choice.from.name;
    if (how === 'cancel') {
      setChoice(null);
      setNote(w('enrol.cancelled', { library: from }));
      focusFirstError(['enrol-code']);
      return;
    }
    sending.current = true;
    setBusy(true);
    try {
      const done = await choice.complete(how);
      setChoice(null);
      if (done.ok) onEnrolled(done.library, done.queued);
      // Another tab logged a change meanwhile: asking again shows the new counts.
      else fail(w('enrol.changedMeanwhile', { library: from }));
    } catch {
      setChoice(null);
      fail(w('enrol.notStored'));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  const enrolForm = (
    <section aria-labelledby="enrol-title">
      <h2 id="enrol-title">{w('enrol.title')}</h2>
      <p>{w('enrol.intro')}</p>
      <form onSubmit={submit} noValidate>
        <Field id="enrol-code" label={w('enrol.code')} hint={w('enrol.codeHint')} error={error ?? undefined}>
          {(d, invalid) => (
            <input
              {...inputProps('enrol-code', d, invalid)}
              aria-required="true"
              type="text"
              autocomplete="off"
              autocapitalize="characters"
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
          )}
        </Field>
        {served === false && (
          <Field id="enrol-server" label={w('enrol.server')} hint={w('enrol.serverHint')}>
            {(d, invalid) => (
              <input
                {...inputProps('enrol-server', d, invalid)}
                type="url"
                inputMode="url"
                value={server}
                onInput={(e) => setServer((e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
        )}
        <Field id="enrol-name" label={w('enrol.name')}>
          {(d, invalid) => (
            <input {...inputProps('enrol-name', d, invalid)} type="text" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          )}
        </Field>
        <div class="actions">
          {/* Not `disabled` while sending: a disabled button loses focus to the page. The submit ignores taps instead. */}
          <button type="submit" class="primary" aria-disabled={busy}>
            {busy ? w('enrol.busy') : w('enrol.submit')}
          </button>
        </div>
      </form>
    </section>
  );

  return (
    <>
      {/* Kept in the page whether the form or the choice shows, so that its words are read. */}
      <div role="status">{note && <p class="notice">{note}</p>}</div>
      {choice ? <ChoosePanel choice={choice} busy={busy} w={w} lang={lang} onChoose={choose} /> : enrolForm}
    </>
  );
}

type Words = (k: Parameters<typeof syncWord>[1], p?: Record<string, string | number>) => string;

/**
 * The code is for another library than the one whose entries this phone holds: move them
 * there (the first code was the wrong one), delete them from the phone (it changed hands;
 * only when all are on their server), or cancel (the new code is the mistake).
 */
function ChoosePanel({ choice, busy, w, lang, onChoose }: { choice: EnrolChoice; busy: boolean; w: Words; lang: Lang; onChoose: (how: 'move' | 'leave' | 'cancel') => void }) {
  const from = choice.from.name;
  const to = choice.to.name;
  const place = [choice.to.village, choice.to.regency].join(', ');
  return (
    <section aria-labelledby="enrol-choice-title">
      <h2 id="enrol-choice-title" tabIndex={-1}>
        {w('enrol.otherTitle')}
      </h2>
      <p>{w('enrol.otherIntro', { from, count: formatNumber(choice.entries, lang), to, place })}</p>
      {choice.unsent > 0 && <p class="error">{w('enrol.otherUnsent', { from, count: formatNumber(choice.unsent, lang) })}</p>}
      <div class="actions stack">
        <button type="button" class="primary" aria-describedby="enrol-move-hint" aria-disabled={busy} onClick={() => onChoose('move')}>
          {w('enrol.moveTo', { library: to })}
        </button>
        <p class="hint" id="enrol-move-hint">
          {choice.own > 0 ? w('enrol.moveHint', { from, to, count: formatNumber(choice.own, lang) }) : w('enrol.moveNone')}
          {choice.ownSent > 0 && ` ${w('enrol.moveSent', { from, count: formatNumber(choice.ownSent, lang) })}`}
          {choice.entries > choice.own && ` ${w('enrol.moveOthers', { from, count: formatNumber(choice.entries - choice.own, lang) })}`}
        </p>
        {choice.unsent === 0 && (
          <>
            <button type="button" aria-describedby="enrol-leave-hint" aria-disabled={busy} onClick={() => onChoose('leave')}>
              {w('enrol.leave', { library: from })}
            </button>
            <p class="hint" id="enrol-leave-hint">
              {w('enrol.leaveHint', { from, to })}
              {choice.photos > 0 && ` ${w('enrol.leavePhotos', { count: formatNumber(choice.photos, lang) })}`}
            </p>
          </>
        )}
        <button type="button" aria-describedby="enrol-cancel-hint" aria-disabled={busy} onClick={() => onChoose('cancel')}>
          {w('enrol.cancel')}
        </button>
        <p class="hint" id="enrol-cancel-hint">
          {w('enrol.cancelHint', { from })}
        </p>
      </div>
    </section>
  );
}
