/**
 * The app frame: first run until a library profile exists, then the header, the
 * screen of the current route, the bottom navigation, notices and the update prompt.
 * Regional monitoring (`#/pantau`) has its own frame and needs no profile.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { computeKpi, todayIn, type ActivityEntry, type Lang, type Library, type Rulebook } from '../domain';
import { allEntryRows, getCursor, getLibrary, getRulebook, getSeenRulebook, getSyncState, lastOutboxSeq, rowsWithSeq, setLibrary as storeLibrary, setSeenRulebook, setSettings, sweepPhotos, watch, type LaporDb } from '../device';
import { Ctx, type AppContext } from './context';
import { Frame } from './components/Frame';
import { ui, type UiKey } from './i18n';
import { shownAddress, useRoute, type Route } from './router';
import { Lazy } from './components/Lazy';
import { focusHeadingWhenShown } from './focus';
import { FirstRun } from './screens/FirstRun';
import { Home } from './screens/Home';
import { reloadIfPending, startWorker } from './sw-bridge';
import { startSyncTriggers, syncNowFromPage } from './sync-client';
import { kpiOf, prepareSave, withSaved } from './kpi-memo';
import { RulebookChangeCtx, type RulebookChange } from './components/RulebookChange';
import { monitorPlace } from './monitor/link';

export interface AppProps {
  db: LaporDb;
  library: Library | null;
  lang: Lang;
  rulebook: Rulebook;
  version: string;
  /** The worker's URL, or null where there is none (development, unit tests). */
  workerUrl: string | null;
  /** Entries read before Dexie loaded, shown until the live query answers. */
  initialEntries?: readonly unknown[];
}

/**
 * A state update that keeps the current object when a re-read copy has the same content:
 * the card's KPI is remembered per library and rulebook object (kpi-memo.ts), and each
 * first read at start, or re-read after a save, would otherwise cost a whole recomputation.
 */
function keepIfSame<T>(next: T): (current: T | null) => T {
  return (current) => (current !== null && JSON.stringify(current) === JSON.stringify(next) ? current : next);
}

/** How long after the app starts unused photos are looked for (photos.ts `sweepPhotos`). */
const PHOTO_SWEEP_DELAY_MS = 20_000;

/**
 * Each screen's heading, which its page title repeats (a screen reader's tab list and the
 * phone's recent apps show the title). Kirim data's heading is sync-words' `sync.title`,
 * the same words as `nav.sync` (tests/app/sync-words.test.ts keeps them so), which this
 * first-load chunk has without that catalogue.
 */
const SCREEN_TITLES: Record<Exclude<Route['name'], 'monitor'>, UiKey> = {
  home: 'nav.home',
  log: 'form.titleNew',
  edit: 'form.titleEdit',
  list: 'nav.list',
  settings: 'nav.settings',
  sync: 'nav.sync',
};

// Screens other than Beranda load on first use: less JavaScript before the KPI card shows.
const loadForm = () => import('./screens/EntryForm');
const loadList = () => import('./screens/EntryList');
const loadSettings = () => import('./screens/Settings');
const loadSync = () => import('./screens/Sync');
// Regional monitoring is for supervisors only: never part of a librarian's first load.
const loadMonitor = () => import('./monitor/Monitor');

export function App(props: AppProps) {
  const { db, version } = props;
  // The rulebook the server last sent (enrolment, each sync) recolours the card.
  const [rulebook, setRulebook] = useState(props.rulebook);
  useEffect(() => watch(() => getRulebook(db), (stored) => setRulebook(keepIfSame(stored))), [db]);
  // Sync triggers: app start, `online`, the page becoming visible (the timer is the engine's).
  useEffect(() => startSyncTriggers(db), [db]);
  // Photos nothing names any more are freed once a start, well after the first paint.
  useEffect(() => {
    const timer = setTimeout(() => void sweepPhotos(db, new Date()).catch(() => {}), PHOTO_SWEEP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [db]);
  const [lang, setLangState] = useState(props.lang);
  const [library, setLibrary] = useState(props.library);
  const [notice, setNotice] = useState<string | null>(null);
  const [update, setUpdate] = useState<(() => void) | null>(null);
  const [updateBlocked, setUpdateBlocked] = useState(false);
  const formDirty = useRef(false);
  const route = useRoute();
  const first = useRef(true);
  const lastRoute = useRef<Route | null>(null);
  // Every entry, held in memory for the KPI card. Re-reading thousands of rows after each
  // save blocks a slow phone for ~100 ms, so a save made here updates the array directly
  // (`noteSaved`), and the rows are re-read only when the outbox counter moves for any
  // other reason: another tab, an import, a delete from the list.
  const [entries, setEntries] = useState<readonly unknown[] | undefined>(props.initialEntries);
  const notedSeq = useRef<number | null>(null);
  // Rows read with the outbox counter in one transaction: shown unless a save made here since
  // (noted, not in them) is missing. A counter ahead of the noted one holds every save noted,
  // and a write this tab was not told of (a raw IndexedDB write): taken, and noted.
  const adopt = ([rows, seq]: [readonly unknown[], number]) => {
    if (notedSeq.current !== null && seq < notedSeq.current) return;
    notedSeq.current = seq;
    setEntries(rows);
  };
  useEffect(() => {
    // A read that a save overtook may lack that save: read again rather than show it.
    const refresh = (seq: number) =>
      void allEntryRows(db).then((rows) => (notedSeq.current === seq ? setEntries(rows) : refresh(notedSeq.current ?? 0)));
    return watch(lastOutboxSeq.bind(null, db), (seq) => {
      if (seq === notedSeq.current) return;
      notedSeq.current = seq;
      refresh(seq);
    });
  }, [db]);
  useEffect(() => {
    // A pull changes rows without moving the outbox counter: re-read them when the cursor
    // moves (not on the first read), unless a save not yet seen by this snapshot came between (`adopt`).
    // So does a push the server refused entries of (their receipts, which Beranda counts).
    // Each watch fires at every write to its row (the sync state's, twice a sync): only a new value counts.
    const onChange = () => {
      let seen: unknown = undefined;
      let first = true;
      return (value: unknown) => {
        if (!first && value === seen) return;
        seen = value;
        if (first) return void (first = false);
        void rowsWithSeq(db).then(adopt);
      };
    };
    const stops = [watch(getCursor.bind(null, db), onChange()), watch(() => getSyncState(db).then((s) => s.rejectedAt ?? null), onChange())];
    return () => stops.forEach((stop) => stop());
  }, [db]);
  // The library can change elsewhere: an enrolment (in this tab or another) gives it the
  // enrolled library's id and moves the entries there, a profile saved in another tab renames
  // it. Followed here; a new id reads the rows again, for an enrolment that rebuilt the outbox
  // may leave its counter where it was (the card then counted none of the moved entries).
  useEffect(() => {
    let id: string | null = null;
    return watch(
      () => getLibrary(db),
      (stored) => {
        if (!stored) return;
        setLibrary(keepIfSame(stored));
        if (id !== null && stored.id !== id) void rowsWithSeq(db).then(adopt);
        id = stored.id;
      },
    );
  }, [db]);
  // The rulebook last taken in (undefined until read). A new one that gives the same entries
  // another colour today is said on the card until "Mengerti" (RulebookChange.tsx); one that
  // keeps the colour is taken in silently. The old colour is computed for today's entries, not
  // remembered: a save or a new month since the last look is no rule's doing.
  const [seen, setSeen] = useState<Rulebook | null | undefined>(undefined);
  useEffect(() => watch(() => getSeenRulebook(db), setSeen), [db]);
  const day = library && todayIn(library.timezone, new Date());
  const change = useMemo((): RulebookChange | null => {
    // Only where the card shows it: not another computation over every entry at each save elsewhere.
    if (route.name !== 'home' || !library || !entries || !seen || seen.id === rulebook.id) return null;
    return { before: seen, from: computeKpi(entries, library, seen, new Date()).colour, seen: () => void setSeenRulebook(db, rulebook) };
  }, [db, library, entries, seen, rulebook, day, route.name === 'home']);
  useEffect(() => {
    if (!library || !entries || seen === undefined) return;
    // Nothing to say: no rulebook seen yet (a new phone, or this version's first start), or the
    // new one gives the colour the last one did. Remembered, so a later change is said against it.
    if (!seen || (change && change.from === kpiOf(entries, library, rulebook, new Date()).colour)) void setSeenRulebook(db, rulebook);
  }, [db, seen, change, !library, !entries]);
  useEffect(() => {
    if (props.workerUrl) void startWorker(props.workerUrl, (apply) => setUpdate(() => apply), () => !formDirty.current);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    if (route.name !== 'home') setNotice(null);
    // A new version took control while the form held input: reload now it has been left
    // with nothing unsaved (after a save the address is already Beranda's, not the form's).
    reloadIfPending(!formDirty.current, shownAddress);
    // Move focus to the new screen's heading, as a page load would; not on the first screen,
    // nor when a monitoring list is only searched or switched to its green tab: focus stays
    // on "Cari" or the tab, and the list's count (a status region) says what came.
    const before = lastRoute.current;
    lastRoute.current = route;
    if (first.current) return void (first.current = false);
    if (before?.name === 'monitor' && route.name === 'monitor' && monitorPlace(before.view) === monitorPlace(route.view)) return;
    return focusHeadingWhenShown();
  }, [route]);
  // "Mulai" or an enrolment on the first-run screen: Beranda replaces the form that had
  // focus. It is no change of route, so the effect above does not move focus: this does.
  const noLibrary = library === null;
  const hadLibrary = useRef(!noLibrary);
  useEffect(() => {
    if (noLibrary || hadLibrary.current) return;
    hadLibrary.current = true;
    return focusHeadingWhenShown();
  }, [noLibrary]);
  useEffect(() => {
    // Monitoring titles itself (Monitor.tsx).
    if (route.name === 'monitor') return;
    const screen = ui(lang, noLibrary ? 'firstRun.title' : SCREEN_TITLES[route.name]);
    document.title = `${screen} — ${ui(lang, 'appName')}`;
  }, [route, lang, noLibrary]);

  const u = (key: UiKey) => ui(lang, key);
  const changeLang = (l: Lang) => {
    setLangState(l);
    void setSettings(db, { lang: l });
  };

  // A supervisor on a laptop never fills the librarian's profile: monitoring needs none.
  if (route.name === 'monitor') {
    return <Lazy load={loadMonitor}>{(m) => <m.Monitor view={route.view} lang={lang} setLang={changeLang} />}</Lazy>;
  }

  if (!library) {
    return (
      <FirstRun
        db={db}
        lang={lang}
        workerRegistering={!!props.workerUrl}
        onLang={changeLang}
        onSave={async (l) => {
          setLibrary(await storeLibrary(db, l));
        }}
        onRestored={setNotice}
        onEnrolled={(enrolled) => {
          // The stored profile is now the server's, which the library watch above shows; the
          // library's entries come with the first pull, at once rather than at the next trigger.
          setNotice(ui(lang, 'firstRun.enrolled', { library: enrolled.name }));
          void syncNowFromPage(db);
        }}
      />
    );
  }

  const ctx: AppContext = {
    db,
    lang,
    library,
    rulebook,
    now: () => new Date(),
    setLang: changeLang,
    setLibrary,
    entries,
    noteSaved: (entry, seq) => {
      notedSeq.current = seq;
      setEntries((rows) => (rows ? withSaved(rows, entry) : rows));
    },
    prepareSave: (entry) => entries && prepareSave(entries, entry, library, rulebook, new Date()),
    setFormDirty: (dirty) => {
      formDirty.current = dirty;
      if (!dirty) setUpdateBlocked(false);
    },
  };

  function applyUpdate() {
    if (formDirty.current) setUpdateBlocked(true);
    else update?.();
  }

  const banner = update && (
    <div class="update">
      <button type="button" class="primary" onClick={applyUpdate}>
        {u('update.available')} — {u('update.tap')}
      </button>
      {updateBlocked && <p role="alert">{u('update.blocked')}</p>}
    </div>
  );

  return (
    <Ctx.Provider value={ctx}>
      <RulebookChangeCtx.Provider value={change}>
        <Frame lang={lang} route={route.name} banner={banner}>
          <div role="status">{notice && <p class="notice">{notice}</p>}</div>
          {route.name === 'home' && <Home />}
          {route.name === 'log' && <Lazy load={loadForm}>{(m) => <m.EntryForm key="new" onSaved={setNotice} />}</Lazy>}
          {route.name === 'edit' && (
            <Lazy load={loadForm}>{(m) => <m.EntryForm key={route.id} editId={route.id} onSaved={setNotice} />}</Lazy>
          )}
          {route.name === 'list' && <Lazy load={loadList}>{(m) => <m.EntryList key={route.rejected ? 'rejected' : 'all'} onlyRejected={route.rejected === true} />}</Lazy>}
          {route.name === 'settings' && <Lazy load={loadSettings}>{(m) => <m.Settings version={version} />}</Lazy>}
          {route.name === 'sync' && <Lazy load={loadSync}>{(m) => <m.Sync />}</Lazy>}
        </Frame>
      </RulebookChangeCtx.Provider>
    </Ctx.Provider>
  );
}
