/** Beranda's content for a given set of entries: the library's name and its KPI card. */
import { useMemo } from 'preact/hooks';
import { computeKpi, todayIn, type Lang, type Library, type Rulebook } from '../../domain';
import { ui } from '../i18n';
import { KpiCard } from './KpiCard';

export interface HomeViewProps {
  entries: readonly unknown[];
  library: Library;
  rulebook: Rulebook;
  lang: Lang;
  now: Date;
}

export function HomeView({ entries, library, rulebook, lang, now }: HomeViewProps) {
  // Recompute only when the entries, the rules or the library's day change, not on every render.
  const day = todayIn(library.timezone, now);
  const kpi = useMemo(() => computeKpi(entries, library, rulebook, now), [entries, library, rulebook, day]);
  return (
    <>
      <h1 tabIndex={-1}>{ui(lang, 'nav.home')}</h1>
      <p class="library-name">{library.name}</p>
      <KpiCard kpi={kpi} lang={lang} rulebook={rulebook} />
    </>
  );
}
