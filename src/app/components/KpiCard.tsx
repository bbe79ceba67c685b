/**
 * The KPI card: the colour as a large swatch *and* its word (never colour alone), the
 * score (and its exact value where rounding reaches green's threshold on a lower colour),
 * a word when a new rulebook changed the colour (RulebookChange.tsx), the disclaimer with
 * the rulebook's title and id and what it means, progress per component, the months of
 * the year so far, and the next steps as sentences. Recomputed on every render from
 * the live entries, so a save recolours it at once.
 */
import {
  describeNextSteps,
  englishPlural,
  formatMonthShort,
  formatNumber,
  hasMessage,
  t,
  type KpiComponent,
  type KpiResult,
  type Lang,
  type Rulebook,
} from '../../domain';
import { ui, type UiKey } from '../i18n';
import { RulebookChangeCtx, RulebookChangeNote } from './RulebookChange';

interface CardProps {
  kpi: KpiResult;
  lang: Lang;
  rulebook: Rulebook;
}

/** The card takes what it needs as props (no context): the first paint renders it before the app. */
export function KpiCard({ kpi, lang, rulebook }: CardProps) {
  const u = (key: UiKey, params?: Record<string, string | number>) => ui(lang, key, params);
  const word = t(lang, `colour.${kpi.colour}`);
  // The rulebook, not a constant, says which strategy the green rule wants every month.
  const sustainedStrategy = rulebook.green.sustained.strategy;
  // Entries a later rulebook's types turned away: said, or the counts fall with no word why.
  const dropped = kpi.notCountedForType;
  const rounded = roundedNote(kpi, lang, rulebook);
  return (
    <section class="card kpi" aria-label={u('kpi.region')} data-kpi-colour={kpi.colour} tabIndex={-1}>
      <div class="kpi-head">
        <div class={`swatch swatch-${kpi.colour}`} aria-hidden="true" />
        <div>
          <p class="kpi-word">
            <span class="kpi-colour-word">{word}</span> <span class="kpi-level">({t(lang, `colourLevel.${kpi.colour}`)})</span>
          </p>
          <p class="kpi-score">{scoreText(kpi, lang)}</p>
          {rounded && <p class="hint">{rounded}</p>}
        </div>
      </div>
      <RulebookChangeCtx.Consumer>{(change) => <RulebookChangeNote change={change} kpi={kpi} lang={lang} />}</RulebookChangeCtx.Consumer>
      <p>{t(lang, `colourMeaning.${kpi.colour}`)}</p>
      {/* Each sentence its own element, so each is found by its exact words. The id is for
          whoever helps the librarian: small, after the rulebook's own title. */}
      <p class="disclaimer">
        <span>{t(lang, 'disclaimer')}</span> · <span>{u('kpi.rulebook', { title: rulebook.title[lang] })}</span>{' '}
        <small>· {u('kpi.rulebookId', { id: kpi.rulebookId })}</small>
      </p>
      <details class="legend">
        <summary style={{ padding: '0.7rem 0' }}>{u('kpi.what')}</summary>
        <p>{t(lang, 'disclaimerLong')}</p>
      </details>
      {dropped && (
        <p class="warning">
          {t(lang, 'notCounted.activityType', { count: formatNumber(dropped, lang), activities: englishPlural(dropped, 'activity', 'activities') })}
        </p>
      )}
      <Components kpi={kpi} lang={lang} rulebook={rulebook} />
      <MonthStrip kpi={kpi} lang={lang} rulebook={rulebook} />
      <h2>{u('kpi.next')}</h2>
      <ul class="next-steps">
        {describeNextSteps(kpi, lang, sustainedStrategy).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
    </section>
  );
}

function Components({ kpi, lang, rulebook }: CardProps) {
  const u = (key: UiKey, params?: Record<string, string | number>) => ui(lang, key, params);
  return (
    <>
      <h2>{u('kpi.components')}</h2>
      <ul class="components">
        {kpi.components.map((c) => {
          const custom = rulebook.components.find((r) => r.key === c.key)?.label?.[lang];
          const key = `component.${c.key}`;
          const name = custom ?? (hasMessage(key) ? t(lang, key) : c.key);
          const amount = amountText(c, lang);
          return (
            <li key={c.key}>
              <span class="component-name">{name}</span> <span class="component-amount">{amount}</span>
              <div class="bar" aria-hidden="true">
                <div class="bar-fill" style={{ width: `${Math.round(c.ratio * 100)}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** The score as the card words it (also what bench/app-save.bench.ts expects to see). */
export function scoreText(kpi: KpiResult, lang: Lang): string {
  return ui(lang, 'kpi.score', { score: formatNumber(Math.round(kpi.score), lang) });
}

/**
 * "Skor 85 dibulatkan dari 84,6; Hijau perlu paling sedikit 85." when the rounded score
 * reaches green's threshold and the unrounded one does not (DOMAIN.md: shown rounded,
 * compared unrounded), so "85, yet yellow" is not misread; else null. The exact value
 * has one decimal, cut rather than rounded where rounding would reach the threshold.
 */
export function roundedNote(kpi: KpiResult, lang: Lang, rulebook: Rulebook): string | null {
  const { threshold, tolerance } = rulebook.green;
  if (kpi.colour === 'hijau' || Math.round(kpi.score) < threshold || kpi.score >= threshold - tolerance) return null;
  let exact = Math.round(kpi.score * 10) / 10;
  if (exact >= threshold) exact = Math.floor(kpi.score * 10) / 10;
  return ui(lang, 'kpi.rounded', {
    score: formatNumber(Math.round(kpi.score), lang),
    exact: formatNumber(exact, lang, 1),
    colour: t(lang, 'colour.hijau'),
    threshold: formatNumber(threshold, lang, 2),
  });
}

/** A component's progress as the card words it: a count against its target, or a share. */
export function amountText(c: KpiComponent, lang: Lang): string {
  return c.key === 'dokumentasi'
    ? ui(lang, 'kpi.share', { actual: formatNumber(c.actual * 100, lang), target: formatNumber(c.target * 100, lang) })
    : ui(lang, 'kpi.of', { actual: formatNumber(c.actual, lang), target: formatNumber(c.target, lang) });
}

function MonthStrip({ kpi, lang, rulebook }: CardProps) {
  const u = (key: UiKey, params?: Record<string, string | number>) => ui(lang, key, params);
  const strategy = t(lang, `strategy.${rulebook.green.sustained.strategy}`);
  return (
    <>
      <h2>{u('kpi.months')}</h2>
      <ol class="months">
        {kpi.monthly.map((m) => {
          const total = m.pelibatan + m.advokasi + m.layanan;
          return (
            <li key={m.month} class={total > 0 ? 'month month-active' : 'month'}>
              <span class="month-name">{formatMonthShort(m.month, lang)}</span>
              {/* "P 1 · A 0 · L 2" is read letter by letter: a screen reader gets the words. */}
              <span class="month-counts" aria-hidden="true">
                {u('kpi.monthCounts', m)}
              </span>
              <span class="sr-only">{u('kpi.monthCountsSpoken', m)}</span>
            </li>
          );
        })}
      </ol>
      <p class="legend">{u('kpi.monthLegend')}</p>
      <p class="legend">
        {u('kpi.sustained', { strategy, have: kpi.sustained.monthsWithPelibatan, required: kpi.sustained.required })}
      </p>
    </>
  );
}
