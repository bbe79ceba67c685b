/**
 * Daftar kegiatan: newest first, filtered by month, strategy and whether the server
 * rejected it ("Lihat yang ditolak" opens the list so filtered), each with edit and
 * delete. A delete writes a tombstone at once (or, for an entry never sent, removes it from
 * the phone alone) and offers to undo it, until the next delete or reload: see `lastDeleted`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { activityTypeChoiceLabel, formatDate, formatNumber, monthOf, STRATEGIES, t, type ActivityEntry } from '../../domain';
import { deleteEntry, entriesWithStatuses, isLocalLibraryId, restoreEntry } from '../../device';
import { SyncBadge } from '../components/SyncBadge';
import { useApp, useUi } from '../context';
import { focusFirstError } from '../focus';
import { useLive } from '../live';

/**
 * The last delete, as `deleteEntry` returned it, kept outside the screen: for an entry never
 * sent it is the only copy left, and a librarian who looks at Beranda first must still be
 * able to undo it when she comes back.
 */
let lastDeleted: ActivityEntry | null = null;

/**
 * Rows drawn at a time, more on "Tampilkan … lagi". All 5,000 of a full phone took 4–5 s to
 * draw with the CPU slowed 4× (a cheap phone), and as long to leave; 100 take a few tens of ms.
 */
const LIST_PAGE = 100;
/**
 * How many were drawn when "Ubah" was tapped, for the list's next opening only: back from
 * editing the 250th, it is still there; opened afresh, the list draws one page again.
 */
let limitToKeep: number | null = null;

type StatusFilter = '' | 'local' | 'rejected';

export function EntryList({ onlyRejected = false }: { onlyRejected?: boolean }) {
  const { db, lang, rulebook, now, library } = useApp();
  const u = useUi();
  const data = useLive(() => entriesWithStatuses(db), [db]);
  const all = data?.entries;
  const statuses = data?.statuses;
  const [limit, setLimit] = useState(() => {
    const kept = limitToKeep ?? LIST_PAGE;
    limitToKeep = null;
    return kept;
  });
  const [month, setMonth] = useState('');
  const [strategy, setStrategy] = useState('');
  // The status filter: '' (all), or the badge's kind ("Ditolak: …", "Tersimpan di HP": not sent yet).
  const [status, setStatus] = useState<StatusFilter>(onlyRejected ? 'rejected' : '');
  const [kept, setDeletedState] = useState(lastDeleted);
  // Not for an entry of a library the phone has left (enrolled for another, its entries
  // deleted: enrol.ts): restored, it would be sent to the new one. A local library's moved.
  const deleted = kept && (kept.libraryId === library.id || isLocalLibraryId(kept.libraryId)) ? kept : null;
  const setDeleted = (e: ActivityEntry | null) => setDeletedState((lastDeleted = e));
  const [failed, setFailed] = useState<'delete' | 'undo' | null>(null);
  // The count said aloud: set only when a filter changes it, not by a pull, a delete or an undo.
  const [heard, setHeard] = useState('');
  // Undone, focus goes to the entry's row once the list shows it again, drawn if it sorts past
  // the rows drawn (the heading, when a filter hides it).
  const restored = useRef<string | null>(null);
  useEffect(() => {
    const id = restored.current;
    if (id && all?.some((e) => e.id === id && !e.deleted)) {
      restored.current = null;
      const at = shown.findIndex((e) => e.id === id);
      if (at >= limit) setLimit(at + 1);
      focusFirstError([`entry-${id}`, 'list-title']);
    }
  });
  const live = all?.filter((e) => !e.deleted) ?? [];
  const pick = (m: string, s: string, r: StatusFilter) =>
    live.filter((e) => (!m || monthOf(e.date) === m) && (!s || e.strategy === s) && (!r || statuses?.get(e.id)?.kind === r));
  const shown = pick(month, strategy, status);
  const countLines = (n: number, filtered: boolean) => [
    u('list.count', { count: formatNumber(n, lang) }),
    ...(n === 0 ? [u(live.length > 0 && filtered ? 'list.emptyFiltered' : 'list.empty')] : []),
  ];
  const lines = countLines(shown.length, !!(month || strategy || status));
  const counted = lines.join(' ');
  // Once the list changes otherwise, the count said is stale: gone, not left for a screen reader to find.
  useEffect(() => {
    if (heard && heard !== counted) setHeard('');
  });
  if (!all) return null;

  const months = [...new Set(live.map((e) => monthOf(e.date)))];
  function filter(m: string, s: string, r: StatusFilter) {
    setMonth(m);
    setStrategy(s);
    setStatus(r);
    setLimit(LIST_PAGE);
    setHeard(countLines(pick(m, s, r).length, !!(m || s || r)).join(' '));
  }
  // Marked when the rulebook no longer has the type: the card's "ubah jenisnya di Daftar kegiatan" is found here.
  const typeLabel = (e: ActivityEntry) => activityTypeChoiceLabel(rulebook, e.strategy, e.activityType, lang);
  const monthLabel = (m: string) => formatDate(`${m}-01`, lang).replace(/^1\s/, '');

  /** The next rows; focus to the first of them, where reading goes on (the button moves down). */
  function more() {
    const first = shown[limit];
    setLimit(limit + LIST_PAGE);
    if (first) focusFirstError([`entry-${first.id}`]);
  }

  async function remove(e: ActivityEntry) {
    const result = await deleteEntry(db, e.id, now()).catch(() => ({ ok: false, reason: 'quota' }) as const);
    // 'missing': deleted already (another tab); nothing to say.
    setFailed(result.ok || result.reason === 'missing' ? null : 'delete');
    if (result.ok) {
      setDeleted(result.entry);
      // Its "Hapus" is gone with the row: focus goes to the offer to undo it.
      focusFirstError(['list-undo']);
    }
  }

  async function undo() {
    if (!deleted) return;
    // The entry itself, not its id: one the server never had is gone from the phone, and comes back as new.
    const result = await restoreEntry(db, deleted, now()).catch(() => ({ ok: false }) as const);
    // Failed (storage full), the offer stays: for an entry the server never had, it holds the only copy.
    setFailed(result.ok ? null : 'undo');
    if (result.ok) {
      restored.current = deleted.id;
      setDeleted(null);
    }
  }

  return (
    <>
      <h1 id="list-title" tabIndex={-1}>{u('nav.list')}</h1>
      <div class="filters">
        <div class="field">
          <label for="filter-month">{u('list.filterMonth')}</label>
          <select id="filter-month" value={month} onChange={(e) => filter((e.target as HTMLSelectElement).value, strategy, status)}>
            <option value="">{u('list.allMonths')}</option>
            {months.map((m) => (
              <option key={m} value={m}>
                {monthLabel(m)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-strategy">{u('list.filterStrategy')}</label>
          <select id="filter-strategy" value={strategy} onChange={(e) => filter(month, (e.target as HTMLSelectElement).value, status)}>
            <option value="">{u('list.allStrategies')}</option>
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t(lang, `strategy.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">{u('list.filterStatus')}</label>
          <select id="filter-status" value={status} onChange={(e) => filter(month, strategy, (e.target as HTMLSelectElement).value as StatusFilter)}>
            <option value="">{u('list.allStatuses')}</option>
            <option value="local">{u('list.onlyWaiting')}</option>
            <option value="rejected">{u('list.onlyRejected')}</option>
          </select>
        </div>
      </div>
      <div role="status" class="undo-slot">
        {(deleted || failed) && (
          <p class={failed ? 'notice failed' : 'notice'}>
            {failed && <span class="error">{u(failed === 'undo' ? 'list.undoFailed' : 'list.deleteFailed')} </span>}
            {deleted && (
              <>
                {u('list.deleted', { title: deleted.title })}{' '}
                <button type="button" id="list-undo" onClick={undo}>
                  {u('list.undo')}
                </button>
              </>
            )}
          </p>
        )}
      </div>
      {/* Said aloud when a filter changes it (the filters are above, the list below); the lines
          shown are not a live region, so a pull or an undo does not speak. */}
      <div role="status" class="sr-only">
        {heard}
      </div>
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {shown.length > 0 && (
        <ul class="entries">
          {shown.slice(0, limit).map((e) => (
            <li key={e.id} id={`entry-${e.id}`} tabIndex={-1} class="entry">
              <h2>{e.title}</h2>
              <p>
                {formatDate(e.date, lang)} · {t(lang, `strategy.${e.strategy}`)} · {typeLabel(e)}
              </p>
              <p>{u('list.participants', { count: formatNumber(e.participantsMale + e.participantsFemale, lang) })}</p>
              <SyncBadge status={statuses?.get(e.id)} lang={lang} />
              <div class="actions">
                <a class="button" href={`#/ubah/${e.id}`} aria-label={u('list.editLabel', { title: e.title })} onClick={() => (limitToKeep = limit)}>
                  {u('list.edit')}
                </a>
                <button type="button" onClick={() => remove(e)} aria-label={u('list.deleteLabel', { title: e.title })}>
                  {u('list.delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {shown.length > limit && (
        <div class="actions">
          <button type="button" onClick={more}>
            {u('list.more', { count: formatNumber(Math.min(LIST_PAGE, shown.length - limit), lang) })}
          </button>
        </div>
      )}
    </>
  );
}
