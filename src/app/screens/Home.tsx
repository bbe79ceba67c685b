/** Beranda: the KPI card, recomputed from the app's live entries whenever they change; a word when the phone's clock is wrong. */
import { todayIn } from '../../domain';
import { getSyncState } from '../../device';
import { clockBeforeApp, clockWarning } from '../clock';
import { HomeView } from '../components/HomeView';
import { useApp } from '../context';
import { useLive, useToday } from '../live';

export function Home() {
  const { db, entries, library, rulebook, now, lang } = useApp();
  const sync = useLive(() => getSyncState(db), [db]);
  const clock = clockBeforeApp(todayIn(library.timezone, now()), __BUILD_DATE__, lang) ?? clockWarning(sync?.clockOffsetMs, lang);
  // Re-rendered when the library's day turns: the card is computed for `now()`.
  useToday(library.timezone, now);
  if (!entries) return null;
  return <HomeView entries={entries} library={library} rulebook={rulebook} lang={lang} now={now()} warning={clock} />;
}
