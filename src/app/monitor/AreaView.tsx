/**
 * One area (the nation, a province, a kabupaten/kota): libraries per colour and their
 * shares, entries per strategy this year, the libraries not synced for 30+ days (apart
 * from the colours), a table of its provinces or kabupaten/kota to drill into, and the
 * list of its libraries — searchable, with a tab for each colour (green for awards, red and
 * grey to call) and one for those not synced for 30+ days.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  COLOUR_RANK,
  COLOURS,
  formatNumber,
  STRATEGIES,
  t,
  type Area,
  type AreaFigures,
  type Lang,
  type MonitorSummary,
  type SupervisorInfo,
} from '../../domain';
// Straight from the module, not the domain's index: see api.ts.
import { monitorLibrariesSchema, monitorSummarySchema, sharePercents } from '../../domain/monitor';
import { areaName, Breadcrumb, ColourWord, ErrorNote, ExportLinks, formatInstant, OfflineNote, RulebookName, sameError, scopeText, useRetry } from './parts';
import { LibraryTable } from './LibraryTable';
import { useFetched } from './use-fetched';
import { areaHash, effectiveArea, exportSummaryUrl, librariesUrl, summaryUrl, type MonitorView } from './view';
import { mw } from './words';

/** Best colour first, as an award list reads. */
const COLOURS_SHOWN = [...COLOUR_RANK].reverse();

export interface AreaViewProps {
  me: SupervisorInfo;
  view: Extract<MonitorView, { kind: 'area' }>;
  lang: Lang;
  onUnauthorized: () => void;
}

export function AreaView({ me, view, lang, onUnauthorized }: AreaViewProps) {
  const [attempt, setAttempt] = useState(0);
  const area = effectiveArea(view.area, me.scope);
  const summary = useFetched(summaryUrl(area), monitorSummarySchema, attempt, onUnauthorized);
  // A national list would be tens of thousands of rows: it waits for a province, a search or a tab.
  const wantsList = Boolean(area.province || area.regency || view.q || view.tab !== 'all');
  const list = useFetched(wantsList ? librariesUrl(area, view.q, view.tab) : null, monitorLibrariesSchema, attempt, onUnauthorized);
  const retry = useRetry(summary.ok !== null && (!wantsList || list.ok !== null), () => setAttempt((a) => a + 1));
  // Both refused alike (an area out of scope, no signal): said once, with one "Coba lagi".
  const listError = list.ok === false && !(summary.ok === false && sameError(summary.error, list.error));
  // Out of scope (a link from a colleague, an address typed): nothing of it can be listed, so
  // no list, tabs or search; the way back to the supervisor's own area instead.
  const outOfScope = summary.ok === false && summary.error.kind === 'status' && summary.error.status === 403;
  // A kabupaten/kota supervisor's area names no province; the server's summary does, when the
  // kabupaten/kota lies in one. Never a listed library's: a national search, a colour's list or a
  // name found in two provinces would show a province the figures do not cover.
  const known: Area = {
    province: area.province ?? (summary.ok ? summary.data.area.province : undefined),
    regency: area.regency,
  };

  return (
    <>
      <Breadcrumb scope={me.scope} area={known} lang={lang} />
      <h1 tabIndex={-1}>{areaName(area, lang)}</h1>
      {summary.ok === null && <p role="status">{mw(lang, 'loading')}</p>}
      {summary.ok === false && <ErrorNote error={summary.error} lang={lang} onRetry={retry} />}
      {outOfScope && (
        <p>
          <a class="button" href={areaHash({})}>
            {mw(lang, 'toOwnArea', { scope: scopeText(me.scope, lang) })}
          </a>
        </p>
      )}
      {summary.ok && (
        <>
          <OfflineNote savedAt={summary.savedAt} lang={lang} />
          <Figures figures={summary.data.total} lang={lang} />
          {/* The colours are our estimate, not the official SIM TPBIS score: said where they are shown. */}
          <p class="disclaimer">{t(lang, 'disclaimer')}</p>
          <p class="hint">
            {mw(lang, 'asOf', { time: formatInstant(summary.data.asOf, lang, true) })} ·{' '}
            <RulebookName title={summary.data.rulebookTitle} id={summary.data.rulebookId} lang={lang} />
          </p>
          {summary.data.childLevel !== 'none' && <Children summary={summary.data} area={known} lang={lang} onUnauthorized={onUnauthorized} />}
        </>
      )}

      {!outOfScope && (
        <section aria-labelledby="m-list" class="monitor-list">
          <h2 id="m-list">{mw(lang, 'list.title')}</h2>
          <ListControls view={view} lang={lang} />
          {!wantsList && <p class="hint">{mw(lang, 'list.national')}</p>}
          {wantsList && list.ok === null && <p role="status">{mw(lang, 'loading')}</p>}
          {wantsList && listError && <ErrorNote error={list.error} lang={lang} onRetry={retry} />}
          {wantsList && list.ok && (
            <>
              {/* The summary's note already says so when both are kept copies. */}
              {!(summary.ok && summary.savedAt) && <OfflineNote savedAt={list.savedAt} lang={lang} />}
              <LibraryTable
                data={list.data}
                area={area}
                q={view.q}
                tab={view.tab}
                areaEmpty={summary.ok === true && summary.data.total.libraries === 0}
                caption={areaName(area, lang)}
                lang={lang}
                onUnauthorized={onUnauthorized}
              />
            </>
          )}
        </section>
      )}
    </>
  );
}

/** The area's totals: colours with counts and shares, entries per strategy, the stale count. */
function Figures({ figures, lang }: { figures: AreaFigures; lang: Lang }) {
  const n = (v: number) => formatNumber(v, lang);
  // All four at once, so that they add up to 100 (sharePercents says how).
  const shares = sharePercents(figures.colours);
  return (
    <div class="figures">
      <section class="card" aria-labelledby="m-colours" data-libraries={figures.libraries}>
        <h2 id="m-colours">{mw(lang, 'summary.colours')}</h2>
        <p class="figure-total">{mw(lang, 'summary.libraries', { count: n(figures.libraries) })}</p>
        <div class="share-bar" aria-hidden="true">
          {COLOURS_SHOWN.map((c) => (
            <div key={c} class={`swatch-${c}`} style={{ width: `${(figures.libraries ? figures.colours[c] / figures.libraries : 0) * 100}%` }} />
          ))}
        </div>
        <ul class="colour-counts">
          {COLOURS_SHOWN.map((c) => (
            <li key={c} data-colour-count={c} data-count={figures.colours[c]}>
              <span>
                <ColourWord colour={c} lang={lang} /> <span class="kpi-level">({t(lang, `colourLevel.${c}`)})</span>
              </span>
              <span class="figure">{mw(lang, 'summary.colourCount', { count: n(figures.colours[c]), share: shares[c] })}</span>
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="m-entries">
        <h2 id="m-entries">{mw(lang, 'summary.entries')}</h2>
        <ul class="colour-counts">
          {STRATEGIES.map((s) => (
            <li key={s} data-strategy-count={s} data-count={figures.entries[s]}>
              <span>{t(lang, `strategy.${s}`)}</span>
              <span class="figure">{mw(lang, 'summary.entryCount', { count: n(figures.entries[s]) })}</span>
            </li>
          ))}
        </ul>
      </section>
      <section class="card stale-card" aria-labelledby="m-stale" data-stale={figures.stale}>
        <h2 id="m-stale">{mw(lang, 'summary.stale')}</h2>
        <p>{mw(lang, 'summary.staleCount', { count: n(figures.stale) })}</p>
      </section>
    </div>
  );
}

/** The provinces (of the nation) or kabupaten/kota (of a province), each a link one level down. */
function Children({ summary, area, lang, onUnauthorized }: { summary: MonitorSummary; area: Area; lang: Lang; onUnauthorized: () => void }) {
  const level = summary.childLevel === 'province' ? 'province' : 'regency';
  const href = (child: string) => (level === 'province' ? areaHash({ province: child }) : areaHash({ province: area.province, regency: child }));
  return (
    <section aria-labelledby="m-children">
      <h2 id="m-children">{mw(lang, `children.${level}`)}</h2>
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="m-children-caption">
        <table class="monitor-table">
          <caption id="m-children-caption">{mw(lang, `children.caption.${level}`)}</caption>
          <thead>
            <tr>
              <th scope="col">{mw(lang, 'col.area')}</th>
              <th scope="col" class="num">{mw(lang, 'col.libraries')}</th>
              {COLOURS_SHOWN.map((c) => (
                <th key={c} scope="col" class="num">
                  <ColourWord colour={c} lang={lang} />
                </th>
              ))}
              <th scope="col" class="num">{mw(lang, 'col.stale')}</th>
            </tr>
          </thead>
          <tbody>
            {summary.children.map((child) => (
              <ChildRow key={child.name} child={child} href={href(child.name)} lang={lang} />
            ))}
          </tbody>
        </table>
      </div>
      <ExportLinks table={level} csv={exportSummaryUrl(area, 'csv')} xlsx={exportSummaryUrl(area, 'xlsx')} lang={lang} onUnauthorized={onUnauthorized} />
    </section>
  );
}

/** One province or kabupaten/kota: its libraries, per colour with shares that add up to 100, and the stale ones. */
function ChildRow({ child, href, lang }: { child: AreaFigures; href: string; lang: Lang }) {
  const n = (v: number) => formatNumber(v, lang);
  const shares = sharePercents(child.colours);
  return (
    <tr data-area={child.name}>
      <th scope="row">
        <a href={href}>{child.name}</a>
      </th>
      <td class="num">{n(child.libraries)}</td>
      {COLOURS_SHOWN.map((c) => (
        <td key={c} class="num" data-colour-count={c}>
          {mw(lang, 'share', { count: n(child.colours[c]), share: shares[c] })}
        </td>
      ))}
      <td class="num">{n(child.stale)}</td>
    </tr>
  );
}

/** "Semua perpustakaan" / "Perpustakaan hijau" and the search by name. */
function ListControls({ view, lang }: { view: AreaViewProps['view']; lang: Lang }) {
  const [q, setQ] = useState(view.q);
  // The field follows the address (a search made, cleared, or a link followed) without the
  // controls being made anew: the button or tab that had focus keeps it.
  const shownQ = useRef(view.q);
  useEffect(() => {
    if (shownQ.current === view.q) return;
    shownQ.current = view.q;
    setQ(view.q);
    // "Hapus pencarian" went with the search it cleared: the search field takes its focus.
    if (!view.q && document.activeElement === document.body) document.getElementById('m-search')?.focus();
  }, [view.q]);
  return (
    <>
      <nav class="tabs" aria-label={mw(lang, 'list.tabs')}>
        <a href={areaHash(view.area, { q: view.q })} aria-current={view.tab === 'all' ? 'page' : undefined}>
          {mw(lang, 'list.all')}
        </a>
        {COLOURS.map((c) => (
          <a key={c} href={areaHash(view.area, { q: view.q, tab: c })} aria-current={view.tab === c ? 'page' : undefined}>
            <span class={`swatch swatch-sm swatch-${c}`} aria-hidden="true" />
            {mw(lang, `list.colour.${c}`)}
          </a>
        ))}
        <a href={areaHash(view.area, { q: view.q, tab: 'stale' })} aria-current={view.tab === 'stale' ? 'page' : undefined}>
          {mw(lang, 'list.stale')}
        </a>
      </nav>
      <form
        role="search"
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = areaHash(view.area, { q: q.trim(), tab: view.tab });
        }}
      >
        <label for="m-search">{mw(lang, 'list.search')}</label>
        <div class="search-row">
          <input id="m-search" type="search" value={q} maxLength={100} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          <button type="submit">{mw(lang, 'list.searchButton')}</button>
        </div>
        {view.q && (
          <a class="button" href={areaHash(view.area, { tab: view.tab })}>
            {mw(lang, 'list.clear')}
          </a>
        )}
      </form>
    </>
  );
}
