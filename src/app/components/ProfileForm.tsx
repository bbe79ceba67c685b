/** The library profile: name, village, district, regency, province, time zone. */
import { useState } from 'preact/hooks';
import { librarySchema, parseWithMessages, t, TIMEZONES, type Lang, type Library } from '../../domain';
import { uuidv7 } from '../../device';
import { focusFirstError } from '../focus';
import { ui } from '../i18n';
import { Field, inputProps } from './Field';

const TEXT_FIELDS = ['name', 'village', 'district', 'regency', 'province'] as const;

export interface ProfileFormProps {
  lang: Lang;
  library: Library | null;
  submitLabel: string;
  onSave: (library: Library) => void | Promise<void>;
}

export function ProfileForm({ lang, library, submitLabel, onSave }: ProfileFormProps) {
  const [values, setValues] = useState<Record<string, string>>(() => ({
    name: library?.name ?? '',
    village: library?.village ?? '',
    district: library?.district ?? '',
    regency: library?.regency ?? '',
    province: library?.province ?? '',
    timezone: library?.timezone ?? 'Asia/Jakarta',
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: string) => (e: Event) => setValues({ ...values, [k]: (e.target as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    // Before enrolment the library has a local id; enrolment replaces the profile.
    const parsed = parseWithMessages(librarySchema, { id: library?.id ?? `lokal-${uuidv7()}`, ...values }, lang);
    if (!parsed.ok) {
      setErrors(Object.fromEntries(parsed.errors.map((x) => [x.path, x.message])));
      focusFirstError(parsed.errors.map((x) => `profile-${x.path}`));
      return;
    }
    setErrors({});
    await onSave(parsed.value);
  }

  return (
    <form onSubmit={submit} noValidate>
      {TEXT_FIELDS.map((k) => (
        <Field key={k} id={`profile-${k}`} label={t(lang, `field.${k}`)} error={errors[k]}>
          {(d, inv) => <input type="text" {...inputProps(`profile-${k}`, d, inv)} value={values[k]} onInput={set(k)} />}
        </Field>
      ))}
      <Field id="profile-timezone" label={t(lang, 'field.timezone')} error={errors.timezone}>
        {(d, inv) => (
          <select {...inputProps('profile-timezone', d, inv)} value={values.timezone} onChange={set('timezone')}>
            {TIMEZONES.map((z) => (
              <option key={z} value={z}>
                {ui(lang, `tz.${z}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" class="primary">
        {submitLabel}
      </button>
    </form>
  );
}
