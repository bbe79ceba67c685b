/** Beranda's content for a given set of entries: the library's name and its KPI card. */
import type { Lang, Library, Rulebook } from '../../domain';
import { ui } from '../i18n';
import { kpiOf } from '../kpi-memo';
import { KpiCard } from './KpiCard';

export interface HomeViewProps {
  entries: readonly unknown[];
  library: Library;
  rulebook: Rulebook;
  lang: Lang;
  now: Date;
}

export function HomeView({ entries, library, rulebook, lang, now }: HomeViewProps) {
  // Recomputed only when the entries, the rules or the library's day change (or found
  // ready: a save computes the next KPI while its transaction runs).
  const kpi = kpiOf(entries, library, rulebook, now);
  return (
    <>
      <h1 tabIndex={-1}>{ui(lang, 'nav.home')}</h1>
      <p class="library-name">{library.name}</p>
      <KpiCard kpi={kpi} lang={lang} rulebook={rulebook} />
    </>
  );
}
