/**
 * The library profile: name, NPP (optional), village, district, regency, province, time
 * zone. Saving keeps every field of the library the form does not show (its id, and any
 * field a later DOMAIN.md adds), so that a save in Pengaturan never drops one.
 */
import { useState } from 'preact/hooks';
import { librarySchema, parseWithMessages, t, tidyName, TIMEZONES, type Lang, type Library } from '../../domain';
import { uuidv7 } from '../../device';
import { focusFirstInPage } from '../focus';
import { ui } from '../i18n';
import { Field, inputProps } from './Field';

const TEXT_FIELDS = ['name', 'npp', 'village', 'district', 'regency', 'province'] as const;

/** Fields with a hint under their label. */
const HINTS: Partial<Record<(typeof TEXT_FIELDS)[number], 'profile.nppHint'>> = { npp: 'profile.nppHint' };

/** What the profile form holds, as its inputs hold it. */
export function profileValues(library: Library | null): Record<string, string> {
  return {
    name: library?.name ?? '',
    npp: library?.npp ?? '',
    village: library?.village ?? '',
    district: library?.district ?? '',
    regency: library?.regency ?? '',
    province: library?.province ?? '',
    timezone: library?.timezone ?? 'Asia/Jakarta',
  };
}

/**
 * The library to parse: the stored one with the form's values over it. Before enrolment
 * the library has a local id (`makeLocalId`); enrolment replaces the profile.
 */
export function profileInput(library: Library | null, values: Record<string, string>, makeLocalId: () => string): Record<string, unknown> {
  // Tidied as the server tidies a library it stores: a tab or a zero-width space pasted into
  // a name becomes nothing, or one space, instead of a refusal.
  const tidied = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tidyName(v)]));
  return { ...library, id: library?.id ?? makeLocalId(), ...tidied };
}

export interface ProfileFormProps {
  lang: Lang;
  library: Library | null;
  submitLabel: string;
  onSave: (library: Library) => void | Promise<void>;
  /**
   * The profile shown, not edited (an enrolled phone's: the server's, refreshed at each
   * sync): the same labelled fields, read-only and still reachable by Tab — the time zone
   * as its words, since a select cannot be read-only — described by `describedBy`. They
   * look like text and show the whole value, wrapped (`Shown`).
   */
  readOnly?: boolean;
  describedBy?: string;
}

export function ProfileForm({ lang, library, submitLabel, onSave, readOnly, describedBy }: ProfileFormProps) {
  const [edited, setValues] = useState<Record<string, string>>(() => profileValues(library));
  const values = readOnly ? profileValues(library) : edited;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: string) => (e: Event) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = parseWithMessages(librarySchema, profileInput(library, values, () => `lokal-${uuidv7()}`), lang);
    if (!parsed.ok) {
      setErrors(Object.fromEntries(parsed.errors.map((x) => [x.path, x.message])));
      focusFirstInPage(parsed.errors.map((x) => `profile-${x.path}`));
      return;
    }
    setErrors({});
    await onSave(parsed.value);
  }

  return (
    <form onSubmit={submit} noValidate aria-describedby={describedBy}>
      {TEXT_FIELDS.map((k) => (
        <Field key={k} id={`profile-${k}`} label={t(lang, `field.${k}`)} hint={HINTS[k] && ui(lang, HINTS[k])} error={errors[k]}>
          {(d, inv) =>
            readOnly ? <Shown id={`profile-${k}`} d={d} value={values[k]} /> : <input type="text" {...inputProps(`profile-${k}`, d, inv)} aria-required={k === 'npp' ? undefined : 'true'} value={values[k]} onInput={set(k)} />
          }
        </Field>
      ))}
      <Field id="profile-timezone" label={t(lang, 'field.timezone')} error={errors.timezone}>
        {(d, inv) =>
          readOnly ? (
            <Shown id="profile-timezone" d={d} value={ui(lang, `tz.${values.timezone as Library['timezone']}`)} />
          ) : (
            <select {...inputProps('profile-timezone', d, inv)} aria-required="true" value={values.timezone} onChange={set('timezone')}>
              {TIMEZONES.map((z) => (
                <option key={z} value={z}>
                  {ui(lang, `tz.${z}`)}
                </option>
              ))}
            </select>
          )
        }
      </Field>
      {!readOnly && (
        <button type="submit" class="primary">
          {submitLabel}
        </button>
      )}
    </form>
  );
}

/**
 * A read-only value that reads as text: a textarea (named by its label, read aloud, reached
 * by Tab) with no box, wrapped whole at any font — an input cut a long name off. The hidden
 * copy of the value beside it (style.css, `.shown`) gives it its height.
 */
function Shown({ id, d, value }: { id: string; d: string | undefined; value: string }) {
  return (
    <div class="shown" data-value={value}>
      {/* A field the server's profile leaves empty (an NPP not given) shows a dash, not a blank. */}
      <textarea {...inputProps(id, d, false)} value={value} readOnly rows={1} placeholder="—" />
    </div>
  );
}
