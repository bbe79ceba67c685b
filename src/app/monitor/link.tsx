/**
 * The way into regional monitoring from the first-run screen and Pengaturan. Its own
 * words, so the monitoring catalogue (words.ts) stays in the monitoring chunk.
 */
import type { Lang } from '../../domain';

const WORDS: Record<Lang, { link: string; who: string }> = {
  id: { link: 'Pemantauan wilayah', who: 'Petugas provinsi atau kabupaten/kota:' },
  en: { link: 'Regional monitoring', who: 'Province or regency/city staff:' },
};

/** "Pemantauan wilayah", as a heading. */
export function monitorTitle(lang: Lang): string {
  return WORDS[lang].link;
}

export function MonitorLink({ lang }: { lang: Lang }) {
  return (
    <p class="monitor-link">
      {WORDS[lang].who}{' '}
      <a class="button" href="#/pantau">
        {WORDS[lang].link}
      </a>
    </p>
  );
}

/**
 * The address's search and list-tab parameters (`#/pantau?…&cari=…&warna=hijau`, or
 * `…&belum-sinkron=ya` for the libraries marked "belum sinkron 30+ hari"; view.ts).
 */
export const MONITOR_QUERY = { search: 'cari', green: 'warna', stale: 'belum-sinkron' } as const;

/**
 * A monitoring view's place, without its search and list tab: the app leaves focus alone
 * when only those change. Here, not in view.ts, so the monitoring chunk stays out of the first load.
 */
export function monitorPlace(view: string): string {
  const [path, query = ''] = view.split('?', 2);
  const params = new URLSearchParams(query);
  params.delete(MONITOR_QUERY.search);
  params.delete(MONITOR_QUERY.green);
  params.delete(MONITOR_QUERY.stale);
  return `${path}?${params}`;
}
