/**
 * Catat kegiatan / Ubah kegiatan. Input is kept as a draft in the database while the
 * librarian types (a closed app keeps it); saving parses with the domain schema for
 * today and the current rulebook, points out a likely duplicate, then writes the
 * entry with its outbox mutation and returns to Beranda, whose card recolours live.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  activityTypesOf,
  entrySchemaFor,
  MAX_ATTACHMENTS,
  parseWithMessages,
  sameContent,
  todayIn,
  type ActivityEntry,
  type Rulebook,
} from '../../domain';
import { addPhoto, findLikelyDuplicates, getDraft, getEntry, heldPhotoIds, requestPersistence, saveEntry, serverRefusal, uuidv7 } from '../../device';
import { controlId, EntryFields } from '../components/EntryFields';
import { clockBeforeApp } from '../clock';
import { useApp, useUi } from '../context';
import { useDraftAutosave } from '../draft';
import {
  badlyWrittenCounts,
  blankValues,
  entryInput,
  errorsAfterChange,
  messagesByField,
  valuesFromDraft,
  valuesOf,
  type FormValues,
} from '../entry-values';
import { focusFirstError, focusFirstInPage } from '../focus';
import { shrinkPhoto } from '../photo-shrink';
import { navigate } from '../router';

/** Where an edit's draft keeps the stored entry the edit began from (not a form value). */
const DRAFT_BASIS = 'basedOn';

interface Loaded {
  initial: FormValues;
  values: FormValues;
  existing: ActivityEntry | null;
  /**
   * An edit's save checks that the stored entry is still this one (`saveEntry`'s
   * `basedOn`); after a "changed elsewhere", the one then stored, so that saving again
   * overwrites it on purpose; undefined when nothing is stored to compare with.
   */
  basedOn: ActivityEntry | undefined;
  restored: boolean;
}

/**
 * What the summary above the fields says of the field messages: the count after a save
 * that found problems, or the server's reasons for an entry it refused.
 */
type Summary = 'errors' | 'rejected' | null;

export function EntryForm({ editId, onSaved }: { editId?: string; onSaved: (message: string) => void }) {
  const app = useApp();
  const { db, lang, library, rulebook, now, setFormDirty } = app;
  const u = useUi();
  const draftName = editId ? `edit:${editId}` : 'new';
  const today = todayIn(library.timezone, now());
  // A clock reset to a past year (a flat battery, no signal) would date the entry that day, and
  // the server takes any date from 2018: said here too, and no date filled in for it.
  const clockWrong = clockBeforeApp(today, __BUILD_DATE__, lang);
  const [state, setState] = useState<Loaded | null | 'missing'>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<Summary>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The input "Kosongkan isian" / "Batalkan perubahan" threw away, offered back ("Urungkan")
  // until the next change: one tap beside "Simpan" must not lose a long text typed offline.
  const [thrownAway, setThrownAway] = useState<{ values: FormValues; errors: Record<string, string>; summary: Summary; problem: string | null } | null>(null);
  const saving = useRef(false);
  // Likely duplicates of the current strategy + type + date, looked up as they change so
  // the warning shows before saving and the save itself does not wait for the lookup.
  const [likely, setLikely] = useState<{ key: string; titles: string[] }>({ key: '', titles: [] });
  // The warning is spoken once the librarian has changed the strategy, type or date (or a save
  // stopped on it); shown but not spoken for what the form opened with (an entry already saved).
  const [speakLikely, setSpeakLikely] = useState(false);

  useEffect(() => {
    let live = true;
    (async () => {
      const existing = editId ? ((await getEntry(db, editId)) ?? null) : null;
      if (editId && (!existing || existing.deleted)) return live && setState('missing');
      const initial = existing ? valuesOf(existing) : blankValues(clockWrong ? '' : today, library.name);
      const draft = await getDraft(db, draftName);
      const values = draft ? valuesFromDraft(draft, initial) : initial;
      // A draft of an edit keeps the entry it began from: if what is stored now differs
      // (an edit elsewhere, a pulled copy, while the app was closed), say so at once; the
      // restored input then overwrites it only when "Simpan" is pressed knowing that.
      const basis = draft?.[DRAFT_BASIS] as ActivityEntry | undefined;
      const overtaken = !!existing && !!basis && basis.id === existing.id && !sameContent(basis, existing);
      // The server's reasons, shown like the form's own messages; those of inputs the
      // restored draft has already changed are gone, as if the librarian had just typed.
      const refused = editId ? errorsAfterChange(messagesByField(await serverRefusal(db, editId)), initial, values) : {};
      if (!live) return;
      setState({ initial, values, existing, basedOn: existing ?? undefined, restored: !!draft && !sameValues(values, initial) });
      if (overtaken) setProblem(u('form.changedElsewhere'));
      if (Object.keys(refused).length > 0) {
        setErrors(refused);
        setSummary('rejected');
      }
    })();
    return () => {
      live = false;
    };
  }, [db, draftName]);

  const loaded = state && state !== 'missing' ? state : null;
  const dupKey = loaded ? duplicateKey(loaded.values) : '';
  useEffect(() => {
    if (!loaded) return;
    let live = true;
    void lookUpDuplicates(loaded.values).then((titles) => live && setLikely({ key: dupKey, titles }));
    return () => {
      live = false;
    };
  }, [dupKey]);

  async function lookUpDuplicates(v: FormValues): Promise<string[]> {
    if (!v.strategy || !v.activityType || !v.date) return [];
    const found = await findLikelyDuplicates(db, {
      id: loaded?.existing?.id ?? '',
      strategy: v.strategy as ActivityEntry['strategy'],
      activityType: v.activityType,
      date: v.date,
    });
    return found.map((d) => d.title);
  }

  const dirty = useMemo(() => !!loaded && !sameValues(loaded.values, loaded.initial), [loaded]);
  useEffect(() => setFormDirty(dirty), [dirty]);
  useEffect(() => () => setFormDirty(false), []);

  // An edit's draft keeps the entry it began from (see the load above).
  const draft = useDraftAutosave(db, draftName, loaded?.values ?? null, dirty, editId && loaded?.basedOn ? { [DRAFT_BASIS]: loaded.basedOn } : {});

  if (state === 'missing') return <p role="alert">{u('form.notFound')}</p>;
  if (!loaded) return null;

  const change = (values: FormValues) => {
    if (thrownAway) setThrownAway(null);
    if (duplicateKey(values) !== dupKey) setSpeakLikely(true);
    const left = errorsAfterChange(errors, loaded.values, values);
    if (left !== errors) {
      setErrors(left);
      if (Object.keys(left).length === 0) setSummary(null);
    }
    setState({ ...loaded, values });
  };

  async function pickPhotos(files: File[]) {
    setThrownAway(null);
    const { attachments: _previous, ...others } = errors;
    setErrors(others);
    let values = loaded!.values;
    for (const file of files) {
      if (values.attachments.length >= MAX_ATTACHMENTS) {
        setErrors({ ...others, attachments: u('form.photoMax') });
        break;
      }
      const added = await addPhoto(db, await shrinkPhoto(file), now());
      if (!added.ok) {
        const key = added.reason === 'type' ? 'form.photoType' : added.reason === 'size' ? 'form.photoSize' : 'form.photoQuota';
        setErrors({ ...others, attachments: u(key) });
        continue;
      }
      values = { ...values, attachments: [...values.attachments, added.photo] };
    }
    setState((s) => (s && s !== 'missing' ? { ...s, values: { ...s.values, attachments: values.attachments } } : s));
  }

  async function submit(e: Event) {
    e.preventDefault();
    // A second tap while the first is still being handled would store the entry twice.
    if (!loaded || saving.current) return;
    saving.current = true;
    setThrownAway(null);
    try {
      await save(loaded);
    } finally {
      saving.current = false;
    }
  }

  async function save(loaded: Loaded) {
    // User Timing marks (negligible cost): bench/app-save.bench.ts splits a save with them.
    performance.mark('lapor:submit');
    const at = now();
    const input = entryInput(loaded.values, {
      id: loaded.existing?.id ?? uuidv7(() => at.getTime()),
      libraryId: library.id,
      createdAt: loaded.existing?.createdAt ?? at.toISOString(),
      updatedAt: at.toISOString(),
    });
    const parsed = parseWithMessages(schemaFor(todayIn(library.timezone, at), rulebook), input, lang);
    if (!parsed.ok) {
      const byPath = messagesByField(parsed.errors);
      // A count typed with a comma or a decimal: say how to write it, not "harus berupa angka".
      for (const k of badlyWrittenCounts(loaded.values)) byPath[k] = u('form.countFormat');
      setErrors(byPath);
      setSummary('errors');
      setProblem(null);
      focusFirstInPage(Object.keys(byPath).map(controlId));
      return;
    }
    // Only when there is something to clear: a re-render of the form here costs a slow
    // phone a frame in the middle of the save.
    if (Object.keys(errors).length > 0) setErrors({});
    if (summary !== null) setSummary(null);
    if (problem !== null) setProblem(null);
    if (likely.key !== dupKey) {
      // Submitted before the lookup answered: look now, and stop if it finds one.
      const titles = await lookUpDuplicates(loaded.values);
      setLikely({ key: dupKey, titles });
      setSpeakLikely(true);
      if (titles.length > 0) return;
    }
    // The draft is deleted in the save's own transaction; no autosave may write it again.
    draft.hold();
    const entry = parsed.value;
    const result = await saveEntry(db, entry, {
      draft: draftName,
      basedOn: loaded.basedOn,
      // The KPI the card will show next is computed while the storage process commits.
      whileCommitting: () => app.prepareSave(entry),
    }).catch((e: unknown) => {
      draft.resume();
      throw e;
    });
    performance.mark('lapor:stored');
    if (!result.ok) {
      draft.resume();
      if (result.reason === 'changed') {
        // The librarian's input stays; "Batalkan perubahan" now shows what is stored.
        const current = result.current;
        const alive = current !== null && !current.deleted;
        setState({ ...loaded, basedOn: current ?? undefined, initial: alive ? valuesOf(current) : loaded.initial });
        setProblem(u(alive ? 'form.changedElsewhere' : 'form.deletedElsewhere'));
        return;
      }
      setProblem(result.reason === 'quota' ? u('form.quota') : u('form.errors', { count: 1 }));
      return;
    }
    // One render shows Beranda with the new entry counted; nothing else before it.
    draft.finish();
    setFormDirty(false);
    app.noteSaved(result.entry, result.seq);
    onSaved(u('form.saved'));
    navigate('/');
    afterNextPaint(() => void requestPersistence(db));
  }

  async function discard() {
    // With its messages: "Urungkan" after "sudah diubah di tempat lain" or the server's reasons
    // must not bring the input back without the warning that came with it.
    const input = { values: loaded!.values, errors, summary, problem };
    await draft.discard();
    setErrors({});
    setSummary(null);
    setProblem(null);
    setState({ ...loaded!, values: loaded!.initial, restored: false });
    setThrownAway(input);
    // The pressed button is gone with the unsaved input: focus goes to the offer to undo it.
    focusFirstError(['form-undo']);
  }

  async function undoDiscard() {
    if (!thrownAway) return;
    const { values, errors: messages, summary: said, problem: warned } = thrownAway;
    setThrownAway(null);
    // A photo only the discarded draft named may have been swept meanwhile (one picked over a
    // day ago): its entry would name bytes the phone no longer has. Such a photo stays out.
    const held = await heldPhotoIds(db, values.attachments.map((a) => a.id));
    const attachments = values.attachments.filter((a) => held.has(a.id));
    // The input is back, unsaved: autosave keeps it as a draft again.
    setState((s) => (s && s !== 'missing' ? { ...s, values: { ...values, attachments } } : s));
    setErrors(messages);
    setSummary(said);
    setProblem(warned);
    focusFirstError([controlId('strategy')]);
  }

  const likelyWarning = likely.key === dupKey && likely.titles.length > 0 && (
    <p class="warning">{u('form.duplicate', { titles: likely.titles.join(', ') })}</p>
  );
  const fieldCount = Object.keys(errors).length;
  const alert =
    problem ??
    (fieldCount === 0
      ? null
      : summary === 'errors'
        ? u('form.errors', { count: fieldCount })
        : summary === 'rejected'
          ? u('form.rejected', { reasons: Object.values(errors).join('; ') })
          : null);

  return (
    <>
      <h1 tabIndex={-1}>{editId ? u('form.titleEdit') : u('form.titleNew')}</h1>
      {loaded.restored && <p class="notice">{u('form.draftRestored')}</p>}
      {clockWrong && <p class="warning">{clockWrong}</p>}
      <form onSubmit={submit} noValidate class="entry-form" onFocusIn={keepAboveBar}>
        {alert && (
          <p class="error summary" role="alert">
            {alert}
          </p>
        )}
        <EntryFields lang={lang} rulebook={rulebook} values={loaded.values} errors={errors} today={today} onChange={change} onPickPhotos={pickPhotos} />
        <div role="status">{speakLikely && likelyWarning}</div>
        {!speakLikely && likelyWarning}
        <div class="actions">
          <button type="submit" class="primary">
            {/* One name whatever the warning says: "Simpan" is what the librarian (and every check) looks for. */}
            {u('form.save')}
          </button>
          {dirty && (
            <button type="button" onClick={discard}>
              {/* Editing, the fields go back to the stored entry: they are not emptied. */}
              {u(editId ? 'form.discardChanges' : 'form.discard')}
            </button>
          )}
        </div>
        <div role="status" class="undo-slot">
          {thrownAway && (
            <p class="notice">
              {u(editId ? 'form.changesUndone' : 'form.cleared')}{' '}
              <button type="button" id="form-undo" onClick={undoDiscard}>
                {u('list.undo')}
              </button>
            </p>
          )}
        </div>
      </form>
    </>
  );
}

// Building the schema is costly (zod compiles it on first use), so it is kept for the day and rulebook.
let schemaCache: { today: string; rulebook: Rulebook; schema: ReturnType<typeof entrySchemaFor> } | null = null;

function schemaFor(today: string, rulebook: Rulebook) {
  if (schemaCache?.today !== today || schemaCache.rulebook !== rulebook) {
    schemaCache = { today, rulebook, schema: entrySchemaFor({ today, activityTypes: activityTypesOf(rulebook) }) };
  }
  return schemaCache.schema;
}

/**
 * Chromium scrolls a focused control into view only when none of it shows: a tall text box
 * half under the bottom bar (a large font) stayed there, scroll-padding notwithstanding. A
 * frame later (after the browser's own scroll), up by what the bar hides, never past its top.
 */
function keepAboveBar(e: FocusEvent): void {
  const el = e.target as HTMLElement;
  requestAnimationFrame(() => {
    const bar = document.querySelector('nav.bottom');
    if (!bar || document.activeElement !== el) return;
    const r = el.getBoundingClientRect();
    const hidden = r.bottom + 8 - bar.getBoundingClientRect().top;
    // Never upwards: a tall text box tapped inside may begin above the screen already.
    if (hidden > 0) window.scrollBy(0, Math.max(0, Math.min(hidden, r.top - 8)));
  });
}

/** Runs `fn` once the frame being prepared now has been painted. */
function afterNextPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

function duplicateKey(v: FormValues): string {
  return `${v.strategy}|${v.activityType}|${v.date}`;
}

function sameValues(a: FormValues, b: FormValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
