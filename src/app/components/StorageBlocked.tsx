/**
 * Shown instead of the app when the browser will not let it open its database (storage
 * blocked for the site, some private modes, a browser without IndexedDB): nothing could be
 * saved, so the form must not be offered as if it worked (it did nothing when tapped, with
 * an error only in the console). Its own words: the catalogue (i18n.ts) needs nothing of it.
 */
import type { Lang } from '../../domain';

const WORDS: Record<Lang, { title: string; why: string; what: string; reload: string }> = {
  id: {
    title: 'Aplikasi tidak dapat menyimpan data di browser ini',
    why: 'Browser HP ini tidak mengizinkan aplikasi menyimpan data, sehingga kegiatan tidak akan tersimpan.',
    what: 'Buka aplikasi di Chrome biasa (bukan mode penyamaran/incognito), pastikan penyimpanan data situs tidak diblokir di pengaturan browser, lalu muat ulang.',
    reload: 'Muat ulang',
  },
  en: {
    title: 'The app cannot store data in this browser',
    why: "This phone's browser does not let the app store data, so activities would not be saved.",
    what: "Open the app in normal Chrome (not incognito), make sure site data storage is not blocked in the browser's settings, then reload.",
    reload: 'Reload',
  },
};

export function StorageBlocked({ lang }: { lang: Lang }) {
  const w = WORDS[lang];
  return (
    <main id="main" class="screen">
      <div role="alert" class="warning">
        <h1>{w.title}</h1>
        <p>{w.why}</p>
        <p>{w.what}</p>
      </div>
      <button type="button" onClick={() => location.reload()}>
        {w.reload}
      </button>
    </main>
  );
}
