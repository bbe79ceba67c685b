/**
 * The full app, loaded as its own chunk after the first paint: opens the Dexie database
 * and renders the interactive app over the preview. Everything after this reads live.
 */
import { render } from 'preact';
import { openDb, profileOf, type Snapshot } from '../device';
import { App } from './App';

export function boot(root: HTMLElement, snapshot: Snapshot | null): void {
  const db = openDb();
  const profile = profileOf(snapshot);
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
