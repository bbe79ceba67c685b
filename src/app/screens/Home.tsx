/**
 * Beranda: the KPI card, recomputed from the app's live entries whenever they change; a word
 * when the phone's clock is wrong, one when sending has stopped, one when the server refused
 * entries not corrected yet, and one when unsent work waits on storage the browser may clear.
 */
import { useEffect, useState } from 'preact/hooks';
import { todayIn } from '../../domain';
import { stillRejected, storageHealth, syncOverview } from '../../device';
import { clockBeforeApp, clockWarning } from '../clock';
import { HomeView } from '../components/HomeView';
import { useApp } from '../context';
import { ui } from '../i18n';
import { useLive, useToday } from '../live';

export function Home() {
  const { db, entries, library, rulebook, now, lang } = useApp();
  const sync = useLive(() => syncOverview(db), [db]);
  // Refused entries count nowhere on the server: said here too, not only on Kirim data. Read
  // again when the app's rows change (a save, a pull, a push answer refusing some), not as a
  // live query: that would re-read the outbox at every acknowledged batch of a long sync.
  const [rejected, setRejected] = useState(0);
  useEffect(() => {
    let current = true;
    void stillRejected(db, entries ?? []).then((n) => current && setRejected(n));
    return () => {
      current = false;
    };
  }, [db, entries]);
  // As Pengaturan reads it; again as the outbox changes (the first save asks for persistence).
  const [persisted, setPersisted] = useState<boolean | null>(null);
  useEffect(() => {
    void storageHealth().then((h) => setPersisted(h.persisted));
  }, [sync?.waiting]);
  const clock = clockBeforeApp(todayIn(library.timezone, now()), __BUILD_DATE__, lang) ?? clockWarning(sync?.state.clockOffsetMs, lang);
  // Re-rendered when the library's day turns: the card is computed for `now()`.
  useToday(library.timezone, now);
  if (!entries) return null;
  const unsent = persisted === false && !!sync?.waiting;
  // A stopped sync (the phone's access revoked, the whole request refused) sends nothing more until
  // it is dealt with on Kirim data: said here too, or a librarian logs on, unaware.
  const stopped = !!sync?.state.lastError?.stopped;
  return (
    <HomeView
      entries={entries}
      library={library}
      rulebook={rulebook}
      lang={lang}
      now={now()}
      warning={clock}
      note={unsent && ui(lang, 'home.unsentAtRisk')}
      rejected={rejected}
      stopped={stopped}
    />
  );
}
