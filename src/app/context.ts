/** What every screen needs: the database, the library, the rulebook, the language and the clock. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { LaporDb } from '../device';
import type { ActivityEntry, Lang, Library, Rulebook } from '../domain';
import { ui, type UiKey } from './i18n';

export interface AppContext {
  db: LaporDb;
  lang: Lang;
  library: Library;
  rulebook: Rulebook;
  now: () => Date;
  setLang: (lang: Lang) => void;
  setLibrary: (library: Library) => void;
  /** Every stored entry row (tombstones included), kept live for the KPI card. */
  entries: readonly unknown[] | undefined;
  /** Shows a just-saved entry (written with outbox `seq`) at once, without re-reading the table. */
  noteSaved: (entry: ActivityEntry, seq: number) => void;
  /** Work for the card's next state, done while the save's transaction runs (nothing is shown). */
  prepareSave: (entry: ActivityEntry) => void;
  /** Tells the update prompt whether the entry form holds unsaved input. */
  setFormDirty: (dirty: boolean) => void;
}

export const Ctx = createContext<AppContext>(null as unknown as AppContext);

export function useApp(): AppContext {
  return useContext(Ctx);
}

/** The app's words in the current language. */
export function useUi(): (key: UiKey, params?: Record<string, string | number>) => string {
  const { lang } = useApp();
  return (key, params) => ui(lang, key, params);
}

