/**
 * Shown instead of the app when the browser will not let it open its database (storage
 * blocked for the site, some private modes, a browser without IndexedDB): nothing could be
 * saved, so the form must not be offered as if it worked (it did nothing when tapped, with
 * an error only in the console). Its own words: the catalogue (i18n.ts) needs nothing of it.
 */
import type { Lang } from '../../domain';

const WORDS: Record<Lang, [title: string, what: string, reload: string]> = {
  id: [
    'Aplikasi tidak dapat menyimpan data di browser ini',
    'Kegiatan tidak akan tersimpan. Buka di Chrome biasa (bukan mode penyamaran), pastikan penyimpanan situs tidak diblokir, lalu muat ulang.',
    'Muat ulang',
  ],
  en: [
    'The app cannot store data in this browser',
    'Activities would not be saved. Open it in normal Chrome (not incognito), make sure site storage is not blocked, then reload.',
    'Reload',
  ],
};

export function StorageBlocked({ lang }: { lang: Lang }) {
  const [title, what, reload] = WORDS[lang];
  return (
    <main id="main" class="screen">
      <div role="alert" class="warning">
        <h1>{title}</h1>
        <p>{what}</p>
      </div>
      <button type="button" onClick={() => location.reload()}>
        {reload}
      </button>
    </main>
  );
}
