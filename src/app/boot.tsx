/**
 * The full app, loaded as its own chunk after the first paint: opens the Dexie database
 * and renders the interactive app over the preview. Everything after this reads live.
 */
import { render } from 'preact';
import { openDb, profileOf, type Snapshot } from '../device';
import { App } from './App';
import { StorageBlocked } from './components/StorageBlocked';

export function boot(root: HTMLElement, snapshot: Snapshot | null): void {
  const db = openDb();
  const profile = profileOf(snapshot);
  // Not awaited: the app renders at once (an open another tab's old version holds up must not
  // leave a blank page). Should the browser refuse the database, the app gives way to a message.
  db.open().catch((error: unknown) => {
    // A database closed on purpose (another tab's upgrade, sw-bridge) is not a refusal.
    if ((error as { name?: string }).name === 'DatabaseClosedError') return;
    document.documentElement.lang = profile.lang;
    render(<StorageBlocked lang={profile.lang} />, root);
  });
  render(
    <App
      db={db}
      library={profile.library}
      lang={profile.lang}
      rulebook={profile.rulebook}
      version={__APP_VERSION__}
      workerUrl={import.meta.env.PROD ? '/sw.js' : null}
      initialEntries={snapshot?.entries}
    />,
    root,
  );
}
