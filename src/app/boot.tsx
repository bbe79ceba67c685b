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
    // Only a refusal of storage itself: another failure (an upgrade, a full disk) on a phone
    // holding entries must not tell the librarian that nothing can be saved here.
    if (!isRefusal(error)) return;
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

/**
 * The browser will not give the app a database at all: no IndexedDB (`MissingAPIError`), or
 * opening it refused (`SecurityError`: storage blocked for the site; `InvalidStateError`: some
 * private modes). Dexie wraps the browser's error as `inner` of its `OpenFailedError`.
 */
function isRefusal(error: unknown): boolean {
  const names = new Set(['MissingAPIError', 'SecurityError', 'InvalidStateError']);
  const e = error as { name?: string; inner?: { name?: string } } | null;
  return names.has(e?.name ?? '') || names.has(e?.inner?.name ?? '');
}
