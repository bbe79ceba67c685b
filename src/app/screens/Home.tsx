/** Beranda: the KPI card, recomputed from the app's live entries whenever they change. */
import { HomeView } from '../components/HomeView';
import { useApp } from '../context';

export function Home() {
  const { entries, library, rulebook, now, lang } = useApp();
  if (!entries) return null;
  return <HomeView entries={entries} library={library} rulebook={rulebook} lang={lang} now={now()} />;
}
