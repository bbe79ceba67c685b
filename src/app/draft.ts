/**
 * Keeps a form's unsaved input as a draft in the database: shortly after typing stops,
 * at once when the page is hidden (a phone may kill a backgrounded tab without another
 * event) and when the form is left. A clean form removes its draft. A draft that cannot
 * be written (storage full) is dropped silently: the form itself still holds the input.
 * A saved form's draft is deleted by the save's own transaction (`saveEntry`'s `draft`
 * option), so that a crash can leave neither a saved entry with its draft nor the reverse.
 */
import { useEffect, useRef } from 'preact/hooks';
import { clearDraft, setDraft, type LaporDb } from '../device';

const DRAFT_DELAY_MS = 300;

/** `extra`: kept in the draft beside the values (an edit's basis: the entry as it was loaded). */
export function useDraftAutosave<V extends object>(db: LaporDb, name: string, values: V | null, dirty: boolean, extra: Record<string, unknown> = {}) {
  const pending = useRef<number | undefined>(undefined);
  const finished = useRef(false);
  const held = useRef(false);
  const latest = useRef<{ values: V; dirty: boolean; extra: Record<string, unknown> } | null>(null);
  latest.current = values && !finished.current ? { values, dirty, extra } : null;

  const flush = () => {
    window.clearTimeout(pending.current);
    const now = latest.current;
    if (!now || held.current) return;
    const write = now.dirty ? setDraft(db, name, { ...now.extra, ...now.values } as Record<string, unknown>) : clearDraft(db, name);
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
    /** A save (which deletes the draft in its transaction) is under way: write nothing until it ends. */
    hold() {
      held.current = true;
      window.clearTimeout(pending.current);
    },
    /** The save failed (and with it the draft's deletion): keep autosaving. */
    resume() {
      held.current = false;
      flush();
    },
    /** The input was saved, its draft deleted with it: write no more. */
    finish() {
      finished.current = true;
      latest.current = null;
      window.clearTimeout(pending.current);
    },
    /** The input was thrown away: drop the draft (the form keeps autosaving). */
    async discard() {
      window.clearTimeout(pending.current);
      await clearDraft(db, name);
    },
  };
}
