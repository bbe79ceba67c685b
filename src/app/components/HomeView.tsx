/** Beranda's content for a given set of entries: the library's name, a warning and a note if any, and its KPI card. */
import { formatNumber, type Lang, type Library, type Rulebook } from '../../domain';
import { ui } from '../i18n';
import { kpiOf } from '../kpi-memo';
import { KpiCard } from './KpiCard';

export interface HomeViewProps {
  entries: readonly unknown[];
  library: Library;
  rulebook: Rulebook;
  lang: Lang;
  now: Date;
  /** Shown above the card: the phone's clock is wrong (Home). */
  warning?: string | null;
  /** Shown above the card, quieter: unsent work on storage the browser may clear (Home). */
  note?: string | false;
  /** Entries the server refused, not corrected yet: said with a link to them (Home). */
  rejected?: number;
  /** Sending stopped (the phone's access revoked, a refusal of the whole request): said with a link to Kirim data (Home). */
  stopped?: boolean;
}

export function HomeView({ entries, library, rulebook, lang, now, warning, note, rejected = 0, stopped = false }: HomeViewProps) {
  // Recomputed only when the entries, the rules or the library's day change (or found
  // ready: a save computes the next KPI while its transaction runs).
  const kpi = kpiOf(entries, library, rulebook, now);
  return (
    <>
      <h1 tabIndex={-1}>{ui(lang, 'nav.home')}</h1>
      <p class="library-name">{library.name}</p>
      {warning && <p class="warning">{warning}</p>}
      {stopped && (
        <p class="warning">
          {ui(lang, 'home.syncStopped')}{' '}
          <a class="button" href="#/kirim">
            {ui(lang, 'nav.sync')}
          </a>
        </p>
      )}
      {rejected > 0 && (
        <p class="warning">
          {ui(lang, 'home.rejected', { count: formatNumber(rejected, lang) })}{' '}
          <a class="button" href="#/daftar/ditolak">
            {ui(lang, 'home.rejectedLink')}
          </a>
        </p>
      )}
      {note && <p class="hint">{note}</p>}
      <KpiCard kpi={kpi} lang={lang} rulebook={rulebook} />
    </>
  );
}
