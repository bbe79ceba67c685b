/**
 * Keeps a form's unsaved input as a draft in the database: shortly after typing stops,
 * at once when the page is hidden (a phone may kill a backgrounded tab without another
 * event) and when the form is left. A clean form removes its draft. A draft that cannot
 * be written (storage full) is dropped silently: the form itself still holds the input.
 */
import { useEffect, useRef } from 'preact/hooks';
import { clearDraft, setDraft, type LaporDb } from '../device';

const DRAFT_DELAY_MS = 300;

export function useDraftAutosave<V extends object>(db: LaporDb, name: string, values: V | null, dirty: boolean) {
  const pending = useRef<number | undefined>(undefined);
  const finished = useRef(false);
  const latest = useRef<{ values: V; dirty: boolean } | null>(null);
  latest.current = values && !finished.current ? { values, dirty } : null;

  const flush = () => {
    window.clearTimeout(pending.current);
    const now = latest.current;
    if (!now) return;
    const write = now.dirty ? setDraft(db, name, { ...now.values } as Record<string, unknown>) : clearDraft(db, name);
    write.catch(() => {});
  };

  useEffect(() => {
    if (!values) return;
    pending.current = window.setTimeout(flush, DRAFT_DELAY_MS);
    return () => window.clearTimeout(pending.current);
  }, [values, dirty]);

  useEffect(() => {
    const onHide = () => document.visibilityState === 'hidden' && flush();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, []);

  return {
    /** The input was saved: drop the draft and write no more. */
    finish() {
      finished.current = true;
      latest.current = null;
      window.clearTimeout(pending.current);
      void clearDraft(db, name).catch(() => {});
    },
    /** The input was thrown away: drop the draft (the form keeps autosaving). */
    async discard() {
      window.clearTimeout(pending.current);
      await clearDraft(db, name);
    },
  };
}
