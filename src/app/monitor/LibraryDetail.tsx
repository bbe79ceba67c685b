/**
 * One library as its supervisor sees it: colour (swatch and word, as on the phone's
 * card), score, progress per component, entries per strategy this year, the last push
 * and the staleness mark, kept apart from the colour.
 */
import { useState } from 'preact/hooks';
import { describeNextSteps, formatNumber, hasMessage, STRATEGIES, t, type Lang, type MonitorLibraryDetail, type SupervisorInfo } from '../../domain';
import { monitorLibraryDetailSchema } from '../../domain/monitor';
import { amountText, scoreText } from '../components/KpiCard';
import { ui } from '../i18n';
import { Breadcrumb, ErrorNote, formatInstant, OfflineNote, RulebookName, StaleMark, useRetry } from './parts';
import { useFetched } from './use-fetched';
import { libraryUrl } from './view';
import { mw } from './words';

export interface LibraryDetailProps {
  me: SupervisorInfo;
  id: string;
  lang: Lang;
  onUnauthorized: () => void;
}

export function LibraryDetail({ me, id, lang, onUnauthorized }: LibraryDetailProps) {
  const [attempt, setAttempt] = useState(0);
  const detail = useFetched(libraryUrl(id), monitorLibraryDetailSchema, attempt, onUnauthorized);
  const retry = useRetry(detail.ok !== null, () => setAttempt((a) => a + 1));
  if (!detail.ok) {
    return (
      <>
        <h1 tabIndex={-1}>{mw(lang, 'title')}</h1>
        {detail.ok === null ? (
          <p role="status">{mw(lang, 'loading')}</p>
        ) : (
          <ErrorNote error={detail.error} lang={lang} onRetry={retry} notFound="libraryNotFound" />
        )}
      </>
    );
  }
  const { library } = detail.data;
  return (
    <>
      <Breadcrumb scope={me.scope} area={{ province: library.province, regency: library.regency }} current={library.name} lang={lang} />
      <h1 tabIndex={-1}>{library.name}</h1>
      <OfflineNote savedAt={detail.savedAt} lang={lang} />
      <p class="library-name">{mw(lang, 'detail.place', { village: library.village, district: library.district, regency: library.regency, province: library.province })}</p>
      <Card detail={detail.data} lang={lang} />
    </>
  );
}

function Card({ detail, lang }: { detail: MonitorLibraryDetail; lang: Lang }) {
  const { kpi } = detail;
  const strategy = detail.sustainedStrategy ?? 'pelibatan';
  const entries = Object.fromEntries(STRATEGIES.map((s) => [s, kpi.monthly.reduce((sum, m) => sum + m[s], 0)]));
  return (
    <section class="card kpi" aria-labelledby="m-detail-colour" data-kpi-colour={kpi.colour}>
      <div class="kpi-head">
        <div class={`swatch swatch-${kpi.colour}`} aria-hidden="true" />
        <div>
          <p class="kpi-word" id="m-detail-colour">
            {t(lang, `colour.${kpi.colour}`)} <span class="kpi-level">({t(lang, `colourLevel.${kpi.colour}`)})</span>
          </p>
          <p class="kpi-score">{scoreText(kpi, lang)}</p>
        </div>
      </div>
      <p>{t(lang, `colourMeaning.${kpi.colour}`)}</p>
      <p class="last-push">
        {mw(lang, 'detail.lastPush', { time: detail.lastPushAt ? formatInstant(detail.lastPushAt, lang, true, detail.library.timezone) : mw(lang, 'never') })}
        {/* " · ": read aloud, "belum pernah belum sinkron 30+ hari" ran together. */}
        {detail.stale && (
          <>
            {' · '}
            <StaleMark lang={lang} />
          </>
        )}
      </p>
      <p class="hint">{mw(lang, 'detail.sentOnly')}</p>
      <p class="disclaimer">
        <span>{t(lang, 'disclaimer')}</span> · <RulebookName title={detail.rulebookTitle} id={kpi.rulebookId} lang={lang} />
      </p>
      {/* What the library should do next, in the phone's own sentences (the officer can read them out). */}
      <h2>{mw(lang, 'detail.next')}</h2>
      <ul class="next-steps">
        {describeNextSteps(kpi, lang, strategy).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <p class="legend">{ui(lang, 'kpi.sustained', { strategy: t(lang, `strategy.${strategy}`), have: kpi.sustained.monthsWithPelibatan, required: kpi.sustained.required })}</p>
      <h2>{mw(lang, 'detail.entries')}</h2>
      <ul class="colour-counts">
        {STRATEGIES.map((s) => (
          <li key={s} data-strategy-count={s} data-count={entries[s]}>
            <span>{t(lang, `strategy.${s}`)}</span>
            <span class="figure">{mw(lang, 'summary.entryCount', { count: formatNumber(entries[s], lang) })}</span>
          </li>
        ))}
      </ul>
      <h2>{mw(lang, 'detail.components')}</h2>
      <ul class="components">
        {kpi.components.map((c) => {
          const key = `component.${c.key}`;
          return (
            <li key={c.key}>
              <span class="component-name">{hasMessage(key) ? t(lang, key) : c.key}</span> <span class="component-amount">{amountText(c, lang)}</span>
              <div class="bar" aria-hidden="true">
                <div class="bar-fill" style={{ width: `${Math.round(c.ratio * 100)}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
