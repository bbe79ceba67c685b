/**
 * The KPI card's word when a new rulebook, not the librarian's activities, changed the
 * colour. App.tsx keeps the rulebook last taken in (device meta `rulebookSeen`),
 * computes the colour it gives the same entries today, and hands it here through
 * `RulebookChangeCtx`; the card says "from … to …" until the librarian taps "Mengerti".
 * The first paint has no provider, and so no word (the app says it a moment later).
 */
import { createContext } from 'preact';
import { t, type Colour, type KpiResult, type Lang, type Rulebook } from '../../domain';
import { ui } from '../i18n';

export interface RulebookChange {
  /** The rulebook taken in before. */
  before: Rulebook;
  /** The colour `before` gives the same entries today. */
  from: Colour;
  /** Remembers the current rulebook as seen: the word goes. */
  seen: () => void;
}

export const RulebookChangeCtx = createContext<RulebookChange | null>(null);

interface NoteProps {
  change: RulebookChange | null | undefined;
  kpi: KpiResult;
  lang: Lang;
}

export function RulebookChangeNote({ change, kpi, lang }: NoteProps) {
  if (!change || change.from === kpi.colour || change.before.id === kpi.rulebookId) return null;
  return (
    <div class="warning">
      <p>{ui(lang, 'kpi.rulebookChanged', { from: t(lang, `colour.${change.from}`), to: t(lang, `colour.${kpi.colour}`) })}</p>
      <button
        type="button"
        onClick={(e?: Event) => {
          // The note goes with its button: the card it sat in keeps the focus, not the page.
          const card = (e?.currentTarget as HTMLElement | undefined)?.closest('section');
          change.seen();
          card?.focus();
        }}
      >
        {ui(lang, 'kpi.seen')}
      </button>
    </div>
  );
}
