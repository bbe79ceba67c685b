/**
 * A read-only look at the stored data without Dexie, for the first paint: Beranda's
 * KPI card can show while the Dexie chunk (~30 KB gzip) is still loading. It must not
 * import Dexie (nor ./db), or the first-load JavaScript grows by that much.
 *
 * A database that does not exist yet is not created here: the open is aborted in
 * `upgradeneeded`, so Dexie later creates it with its own versioned schema.
 */
import { defaultRulebook, rulebookSchema, storedLibrarySchema, type Lang, type Library, type Rulebook } from '../domain';
import { DB_NAME } from './names';

export interface Snapshot {
  /** The raw `meta` values by key (library, settings, rulebook, …); parse before use. */
  meta: Record<string, unknown>;
  entries: unknown[];
}

export function readSnapshot(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<Snapshot | null> {
  return new Promise((resolve) => {
    if (!factory) return resolve(null);
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(DB_NAME);
    } catch {
      return resolve(null);
    }
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      try {
        if (!db.objectStoreNames.contains('meta') || !db.objectStoreNames.contains('entries')) {
          db.close();
          return resolve(null);
        }
        const tx = db.transaction(['meta', 'entries'], 'readonly');
        const meta = tx.objectStore('meta').getAll();
        const entries = tx.objectStore('entries').getAll();
        tx.oncomplete = () => {
          db.close();
          const rows = meta.result as { key: string; value: unknown }[];
          resolve({ meta: Object.fromEntries(rows.map((r) => [r.key, r.value])), entries: entries.result });
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          resolve(null);
        };
      } catch {
        db.close();
        resolve(null);
      }
    };
  });
}

export interface Profile {
  library: Library | null;
  lang: Lang;
  rulebook: Rulebook;
}

/** The profile, language and rulebook a snapshot holds, each falling back to "not set". */
export function profileOf(snapshot: Snapshot | null): Profile {
  const meta = snapshot?.meta ?? {};
  const library = storedLibrarySchema.safeParse(meta.library);
  const rulebook = rulebookSchema.safeParse(meta.rulebook);
  const lang = (meta.settings as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'id';
  return {
    library: library.success ? library.data : null,
    lang,
    rulebook: rulebook.success ? rulebook.data : defaultRulebook,
  };
}
