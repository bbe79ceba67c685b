/**
 * The libraries of an area as a table: name (a link to the library), colour as word and
 * swatch, village and district, score, entries per strategy, the last push and, in its
 * own mark, "belum sinkron 30+ hari". The colour comes right after the name, and the
 * name column stays put when the table scrolls sideways, so on a 360 px phone both show
 * without scrolling. With its CSV and XLSX export links.
 */
import { formatNumber, STRATEGIES, t, type Area, type Lang, type MonitorLibraries } from '../../domain';
import { ColourWord, ExportLinks, formatInstant, StaleMark } from './parts';
import { exportLibrariesUrl, isColour, libraryHash, type ListTab } from './view';
import { mw } from './words';

export interface LibraryTableProps {
  data: MonitorLibraries;
  area: Area;
  q: string;
  tab: ListTab;
  /** The area holds no library at all (the summary says so): no tab's list can say more. */
  areaEmpty: boolean;
  /** The area's name, for the caption. */
  caption: string;
  lang: Lang;
  /** An export answered 401: the session ended; show the login form. */
  onUnauthorized: () => void;
}

export function LibraryTable({ data, area, q, tab, areaEmpty, caption, lang, onUnauthorized }: LibraryTableProps) {
  const n = (v: number) => formatNumber(v, lang);
  const rows = data.libraries;
  const count = n(rows.length);
  return (
    <>
      <p role="status" class="list-count" data-count={rows.length}>
        {q ? mw(lang, 'list.searchFor', { q, count }) : mw(lang, 'list.count', { count })}
      </p>
      {data.truncated && <p class="warning">{mw(lang, 'list.truncated', { count })}</p>}
      {rows.length === 0 ? (
        // Nothing searched: the area has no library yet (or the scope is misspelt: the administrator's to check).
        <p>
          {q
            ? mw(lang, 'list.empty')
            : areaEmpty || tab === 'all'
              ? mw(lang, 'list.emptyArea')
              : tab === 'stale'
                ? mw(lang, 'list.emptyStale')
                : mw(lang, 'list.emptyColour', { libraries: lowerFirst(mw(lang, `list.colour.${tab}`)) })}
        </p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="m-libraries-caption">
          <table class="monitor-table">
            <caption id="m-libraries-caption">
              {isColour(tab)
                ? mw(lang, 'list.captionColour', { libraries: mw(lang, `list.colour.${tab}`), area: caption })
                : mw(lang, tab === 'stale' ? 'list.captionStale' : 'list.caption', { area: caption })}
            </caption>
            <thead>
              <tr>
                <th scope="col" rowSpan={2} class="sticky-col">
                  {mw(lang, 'col.name')}
                </th>
                <th scope="col" rowSpan={2}>
                  {mw(lang, 'col.colour')}
                </th>
                <th scope="col" rowSpan={2}>
                  {mw(lang, area.regency ? 'col.place' : 'col.placeWithRegency')}
                </th>
                <th scope="col" rowSpan={2} class="num">
                  {mw(lang, 'col.score')}
                </th>
                <th scope="colgroup" colSpan={3} class="group">
                  {mw(lang, 'col.entries')}
                </th>
                <th scope="col" rowSpan={2}>
                  {mw(lang, 'col.lastPush')}
                </th>
              </tr>
              <tr>
                {STRATEGIES.map((s) => (
                  <th key={s} scope="col" class="num">
                    <abbr title={t(lang, `strategy.${s}`)}>{mw(lang, `col.${s}`)}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-library-id={r.id} data-colour={r.colour} data-stale={r.stale ? 'true' : 'false'}>
                  <th scope="row" class="sticky-col">
                    <a href={libraryHash(r.id)}>{r.name}</a>
                  </th>
                  <td class="colour-cell">
                    <ColourWord colour={r.colour} lang={lang} />
                  </td>
                  <td class="place">{area.regency ? `${r.village}, ${r.district}` : `${r.village}, ${r.district}, ${r.regency}`}</td>
                  <td class="num">{n(Math.round(r.score))}</td>
                  {STRATEGIES.map((s) => (
                    <td key={s} class="num">
                      {n(r.entries[s])}
                    </td>
                  ))}
                  <td>
                    <span class="date">{r.lastPushAt ? formatInstant(r.lastPushAt, lang, false, r.timezone) : mw(lang, 'never')}</span>
                    {r.stale && (
                      <>
                        {' '}
                        <StaleMark lang={lang} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ExportLinks table="libraries" csv={exportLibrariesUrl(area, q, tab, 'csv')} xlsx={exportLibrariesUrl(area, q, tab, 'xlsx')} lang={lang} onUnauthorized={onUnauthorized} />
    </>
  );
}

/** "Perpustakaan hijau" inside a sentence: "Belum ada perpustakaan hijau di wilayah ini." */
const lowerFirst = (words: string) => words.charAt(0).toLowerCase() + words.slice(1);
