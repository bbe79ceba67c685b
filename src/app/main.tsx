/**
 * Entry point. Beranda is painted from a Dexie-free read of the stored data while the
 * rest of the app (Dexie, the screens) loads as a second chunk, which then takes over.
 * This keeps the JavaScript needed before the KPI card shows within its budget.
 */
import { render } from 'preact';
import { profileOf, readSnapshot } from '../device/snapshot';
import { HomeView } from './components/HomeView';
import { Frame } from './components/Frame';
import { parseRoute } from './router';
import './style.css';

async function start() {
  const root = document.getElementById('app')!;
  const full = import('./boot');
  const snapshot = await readSnapshot();
  const { library, lang, rulebook } = profileOf(snapshot);
  if (snapshot && library && parseRoute(location.hash).name === 'home') {
    document.documentElement.lang = lang;
    render(
      <Frame lang={lang} route="home">
        <div role="status" />
        <HomeView entries={snapshot.entries} library={library} rulebook={rulebook} lang={lang} now={new Date()} />
      </Frame>,
      root,
    );
  }
  (await full).boot(root, snapshot);
}

void start();
