/**
 * Small pieces every monitoring view uses: the colour as swatch *and* word (the phones'
 * words and swatch styles), the staleness mark, the offline note, error messages, the
 * breadcrumb and the export links.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage, t, type Area, type Colour, type Lang, type Scope } from '../../domain';
import { ui } from '../i18n';
import { fetchExport, type MonitorError } from './api';
import { areaHash, inScope } from './view';
import { mw } from './words';

const LOCALE: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };

/** An instant as "20 Oktober 2025" or, with the time, "20 Oktober 2025 pukul 10.15". */
export function formatInstant(iso: string, lang: Lang, withTime = false, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // A time names its zone ("pukul 12.28 WITA"): supervisors read libraries of three zones, and
  // the exports write WIB; a library's own time is shown in its zone (`timeZone`).
  const options: Intl.DateTimeFormatOptions = withTime
    ? { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone }
    : { dateStyle: 'long', timeZone };
  return new Intl.DateTimeFormat(LOCALE[lang], options).format(d);
}

export function scopeText(scope: Scope, lang: Lang): string {
  return scope.level === 'national' ? mw(lang, 'scope.national') : mw(lang, `scope.${scope.level}`, { name: scope.name });
}

/** The name of the area being looked at: its kabupaten/kota, else its province, else Indonesia. */
export function areaName(area: Area, lang: Lang): string {
  return area.regency ?? area.province ?? mw(lang, 'indonesia');
}

export function ColourWord({ colour, lang }: { colour: Colour; lang: Lang }) {
  return (
    <span class="colour-word" data-colour={colour}>
      <span class={`swatch swatch-sm swatch-${colour}`} aria-hidden="true" />
      {t(lang, `colour.${colour}`)}
    </span>
  );
}

/** "belum sinkron 30+ hari", beside — never instead of — the colour. */
export function StaleMark({ lang }: { lang: Lang }) {
  return <span class="stale-mark">{mw(lang, 'stale')}</span>;
}

/**
 * The browser has a network: a request that got no answer then met a server that is down, not
 * a phone without signal, and "coba lagi saat ada sinyal" would send the reader looking for one.
 */
const browserOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

export function OfflineNote({ savedAt, lang }: { savedAt: string | null; lang: Lang }) {
  if (savedAt === null) return null;
  return <p class="warning offline-note">{mw(lang, browserOnline() ? 'offlineNoteOnline' : 'offlineNote', { time: formatInstant(savedAt, lang, true) })}</p>;
}

/**
 * The rulebook the colours were computed with, named as the phone names it: its title,
 * then its id, small, for whoever compares with a phone. A view kept offline by an
 * earlier version has only the id.
 */
export function RulebookName({ title, id, lang }: { title: { id: string; en: string } | undefined; id: string; lang: Lang }) {
  const code = ui(lang, 'kpi.rulebookId', { id });
  if (!title) return <span>{code}</span>;
  return (
    <>
      <span>{ui(lang, 'kpi.rulebook', { title: title[lang] })}</span> <small>· {code}</small>
    </>
  );
}

/** A failed request in plain words, with "Coba lagi" where trying again can help. */
export function ErrorNote({ error, lang, onRetry, notFound = 'notFound' }: { error: MonitorError; lang: Lang; onRetry: () => void; notFound?: 'notFound' | 'libraryNotFound' }) {
  const retry = error.kind === 'unreachable' || error.kind === 'invalid' || (error.kind === 'status' && error.status >= 500);
  return (
    <div class="error-note">
      <p class="error" role="alert">
        {errorText(error, lang, notFound)}
      </p>
      {retry && (
        <button type="button" onClick={onRetry}>
          {mw(lang, 'retry')}
        </button>
      )}
    </div>
  );
}

/**
 * "Coba lagi": runs `again` (a new attempt at the view's requests). The loading text
 * replaces the pressed button, so once `settled` (every request has answered), focus goes
 * to the result: the new error's "Coba lagi", else the heading.
 */
export function useRetry(settled: boolean, again: () => void): () => void {
  const waiting = useRef(false);
  useEffect(() => {
    if (!waiting.current || !settled) return;
    waiting.current = false;
    const retryAgain = document.querySelector<HTMLElement>('#main .error-note button');
    (retryAgain ?? document.querySelector<HTMLElement>('#main h1'))?.focus();
  }, [settled]);
  return () => {
    waiting.current = true;
    again();
  };
}

/** The same failure (two requests of one view): said once, not twice. */
export function sameError(a: MonitorError, b: MonitorError): boolean {
  return errorText(a, 'id', 'notFound') === errorText(b, 'id', 'notFound');
}

function errorText(error: MonitorError, lang: Lang, notFound: 'notFound' | 'libraryNotFound'): string {
  if (error.kind === 'unreachable') return mw(lang, browserOnline() ? 'unreachableOnline' : 'unreachable');
  if (error.kind === 'invalid') return mw(lang, 'badBody');
  if (error.kind === 'unauthorized') return errorMessage(lang, 'login_required');
  if (error.status === 403) return errorMessage(lang, 'out_of_scope');
  if (error.status === 404) return mw(lang, notFound);
  if (error.code) return errorMessage(lang, error.code);
  return mw(lang, 'serverError', { status: error.status });
}

/** "Indonesia › Jawa Timur › Kabupaten Malang": levels inside the scope are links, the current one is not. */
export function Breadcrumb({ scope, area, current, lang }: { scope: Scope; area: Area; current?: string; lang: Lang }) {
  const levels: { name: string; area: Area }[] = [{ name: mw(lang, 'indonesia'), area: {} }];
  if (area.province) levels.push({ name: area.province, area: { province: area.province } });
  if (area.regency) levels.push({ name: area.regency, area: { province: area.province, regency: area.regency } });
  const items = current ? [...levels.map((l) => ({ ...l, here: false })), { name: current, area, here: true }] : levels.map((l, i) => ({ ...l, here: i === levels.length - 1 }));
  return (
    <nav class="breadcrumb" aria-label={mw(lang, 'breadcrumb')}>
      <ol>
        {items.map((l) => (
          <li key={l.name}>
            {l.here ? (
              <span aria-current="page">{l.name}</span>
            ) : inScope(l.area, scope) ? (
              <a href={areaHash(l.area)}>{l.name}</a>
            ) : (
              <span>{l.name}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * "Unduh CSV" and "Unduh XLSX": links to the files. Each is named by its words alone, as the
 * screens and the issue call them; their group is named for the table it exports ("Unduh
 * daftar perpustakaan"), as two tables on one page each have a pair, so a screen reader says
 * which one it is entering. A hint says which suits Excel.
 *
 * A tap fetches the file with the session and saves it, so that no signal is said here and
 * a session that has ended opens the login form, instead of a download of an error's JSON.
 * A click with a modifier (a new tab, "save link as") is left to the browser.
 */
export function ExportLinks({
  table,
  csv,
  xlsx,
  lang,
  onUnauthorized,
}: {
  table: 'province' | 'regency' | 'libraries';
  csv: string;
  xlsx: string;
  lang: Lang;
  /** The session has ended (401): the login form, as every other request of the section shows it. */
  onUnauthorized: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const busy = useRef(false);
  const save = async (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    // A second tap while a large file is still on its way would fetch it twice.
    if (busy.current) return;
    busy.current = true;
    setProblem(null);
    const got = await fetchExport((e.currentTarget as HTMLAnchorElement).href).finally(() => (busy.current = false));
    if (!got.ok && got.error.kind === 'unauthorized') return onUnauthorized();
    // Not the screens' "nothing kept for this view": a file is never kept, it needs the server.
    if (!got.ok) return setProblem(got.error.kind === 'unreachable' ? mw(lang, 'export.offline') : errorText(got.error, lang, 'notFound'));
    const url = URL.createObjectURL(got.blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = got.fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  return (
    <div class="exports" role="group" aria-label={mw(lang, 'export.group', { table: mw(lang, `export.table.${table}`) })}>
      <a class="button" href={csv} download="" onClick={save}>
        {mw(lang, 'export.csv')}
      </a>
      <a class="button" href={xlsx} download="" onClick={save}>
        {mw(lang, 'export.xlsx')}
      </a>
      <p class="hint export-hint">{mw(lang, 'export.hint')}</p>
      <div role="alert">{problem && <p class="error">{problem}</p>}</div>
    </div>
  );
}
