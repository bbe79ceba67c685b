/**
 * The controls of the entry form, one per DOMAIN.md field, each named by its label:
 * Strategi → its Jenis kegiatan, Judul kegiatan, Tanggal kegiatan, Lokasi, the
 * participant counts, then the optional details and partners.
 */
import {
  activityTypeChoiceLabel,
  activityTypeRefusal,
  activityTypesOf,
  ATTACHMENT_MIMES,
  EARLIEST_ENTRY_DATE,
  formatBytes,
  FUNDING_SOURCES,
  PARTNER_KINDS,
  STRATEGIES,
  t,
  type Lang,
  type Rulebook,
  type Strategy,
} from '../../domain';
import type { FormValues, TextKey } from '../entry-values';
import { focusFirstError } from '../focus';
import { ui } from '../i18n';
import { Field, inputProps } from './Field';
import { FilePicker } from './FilePicker';

export interface EntryFieldsProps {
  lang: Lang;
  rulebook: Rulebook;
  values: FormValues;
  errors: Record<string, string>;
  today: string;
  onChange: (values: FormValues) => void;
  /** Stores picked photos and adds them to the values (needs the database: the form does it). */
  onPickPhotos: (files: File[]) => void;
}

/** The element id of a field's control: `partners.0.name` → `f-partners-0-name`. */
export const controlId = (path: string) => `f-${path.replace(/\./g, '-')}`;

export function EntryFields({ lang, rulebook, values, errors, today, onChange, onPickPhotos }: EntryFieldsProps) {
  const set = (k: TextKey) => (e: Event) => {
    const value = (e.target as HTMLInputElement).value;
    const next = { ...values, [k]: value };
    if (k === 'strategy') {
      const types = typesOf(rulebook, value);
      if (!types.some((x) => x.code === next.activityType)) next.activityType = '';
    }
    onChange(next);
  };
  // Required fields say so to assistive technology (`aria-required`, not `required`: the
  // browser's own bubbles would speak its language, not the form's Indonesian messages).
  const required = { 'aria-required': 'true' } as const;
  const text = (k: TextKey, extra: Record<string, unknown> = {}, hint?: string) => (
    <Field id={controlId(k)} label={t(lang, `field.${k}`)} hint={hint} error={errors[k]}>
      {(d, inv) => <input type="text" {...inputProps(controlId(k), d, inv)} value={values[k]} onInput={set(k)} {...extra} />}
    </Field>
  );
  const count = (k: TextKey, extra: Record<string, unknown> = {}) => text(k, { inputMode: 'numeric', autoComplete: 'off', class: 'count', ...extra });
  const area = (k: TextKey) => (
    <Field id={controlId(k)} label={t(lang, `field.${k}`)} error={errors[k]}>
      {(d, inv) => <textarea {...inputProps(controlId(k), d, inv)} rows={3} value={values[k]} onInput={set(k)} />}
    </Field>
  );
  const select = (k: TextKey, options: { value: string; label: string }[], empty: string, extra: Record<string, unknown> = {}, error = errors[k]) => (
    <Field id={controlId(k)} label={t(lang, `field.${k}`)} error={error}>
      {(d, inv) => (
        <select {...inputProps(controlId(k), d, inv)} value={values[k]} onChange={set(k)} {...extra}>
          <option value="">{empty}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  // An entry's type the rulebook no longer lists for its strategy (one of its time, opened in
  // "Ubah") stays chosen and marked, with why it must change from the start: shown as
  // "— Pilih —", the librarian would not know what it was, nor why saving fails.
  const types = typesOf(rulebook, values.strategy).map((x) => ({ value: x.code, label: x.label[lang] }));
  const type = values.activityType;
  const refusal = activityTypeRefusal(activityTypesOf(rulebook), values.strategy, type);
  if (type && !types.some((o) => o.value === type)) {
    types.push({ value: type, label: activityTypeChoiceLabel(rulebook, values.strategy as Strategy, type, lang) });
  }

  return (
    <>
      {select('strategy', STRATEGIES.map((s) => ({ value: s, label: t(lang, `strategy.${s}`) })), ui(lang, 'form.choose'), required)}
      {select('activityType', types, ui(lang, 'form.choose'), required, errors.activityType ?? (refusal ? t(lang, `invalid.${refusal}`) : undefined))}
      {/* No maxLength: it cut a pasted title silently (and counted an emoji twice); the check on saving says "maksimal 200 karakter". */}
      {text('title', required)}
      <Field id={controlId('date')} label={t(lang, 'field.date')} error={errors.date}>
        {(d, inv) => <input type="date" {...inputProps(controlId('date'), d, inv)} {...required} min={EARLIEST_ENTRY_DATE} max={today} value={values.date} onInput={set('date')} />}
      </Field>
      {/* Among the first fields, as DOMAIN.md orders them, yet not required: its hint says so. */}
      {text('location', {}, ui(lang, 'form.notRequired'))}
      <div class="pair">
        {count('participantsMale', required)}
        {count('participantsFemale', required)}
      </div>
      <fieldset>
        <legend>{ui(lang, 'form.optional')}</legend>
        {count('participantsDisability')}
        {area('description')}
        {area('skills')}
        {area('economicImpact')}
        {area('successStory')}
        {area('testimony')}
        {select('fundingSource', FUNDING_SOURCES.map((f) => ({ value: f, label: ui(lang, `funding.${f}`) })), ui(lang, 'form.none'))}
        <Partners lang={lang} values={values} errors={errors} onChange={onChange} />
        <Photos lang={lang} values={values} errors={errors} onChange={onChange} onPickPhotos={onPickPhotos} />
      </fieldset>
    </>
  );
}

function typesOf(rulebook: Rulebook, strategy: string) {
  return (STRATEGIES as readonly string[]).includes(strategy) ? rulebook.strategies[strategy as Strategy].activityTypes : [];
}

/** The id of photo `i`'s "Hapus foto" button. */
const removePhotoId = (i: number) => `${controlId('attachments')}-${i}-remove`;
/** The id of partner `i`'s first control, its name. */
const partnerNameId = (i: number) => controlId(`partners.${i}.name`);
const ADD_PARTNER_ID = `${controlId('partners')}-add`;

function Photos({ lang, values, errors, onChange, onPickPhotos }: Omit<EntryFieldsProps, 'rulebook' | 'today'>) {
  const id = controlId('attachments');
  const error = errors.attachments ?? Object.entries(errors).find(([k]) => k.startsWith('attachments.'))?.[1];
  // The pressed button goes with its photo: focus goes to the next photo's, else the picker.
  const remove = (i: number) => {
    onChange({ ...values, attachments: values.attachments.filter((_, j) => j !== i) });
    focusFirstError([i < values.attachments.length - 1 ? removePhotoId(i) : id]);
  };
  return (
    <>
      {/* A picked file's refusal is said aloud when it shows (polite: the picker has just closed). */}
      <Field id={id} label={t(lang, 'field.attachments')} hint={ui(lang, 'form.photoHint')} error={error} live>
        {(d, inv) => (
          <FilePicker
            text={ui(lang, 'form.pickPhotos')}
            {...inputProps(id, d, inv)}
            accept={ATTACHMENT_MIMES.join(',')}
            multiple
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              onPickPhotos([...(input.files ?? [])]);
              input.value = '';
            }}
          />
        )}
      </Field>
      {/* Each photo added is said aloud ("Foto 2 (1 KB)"); not the renumbering after a removal. */}
      <div role="status" aria-relevant="additions">
        {values.attachments.length > 0 && (
          <ul class="photos">
            {values.attachments.map((a, i) => (
              <li key={a.id}>
                {ui(lang, 'form.photo', { n: i + 1, size: formatBytes(a.bytes, lang) })}{' '}
                <button type="button" id={removePhotoId(i)} onClick={() => remove(i)}>
                  {ui(lang, 'form.removePhoto', { n: i + 1 })}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}

function Partners({ lang, values, errors, onChange }: Omit<EntryFieldsProps, 'rulebook' | 'today' | 'onPickPhotos'>) {
  const update = (i: number, patch: Partial<FormValues['partners'][number]>) =>
    onChange({ ...values, partners: values.partners.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  // The pressed button goes with its partner: focus goes to the next partner's name, else "Tambah mitra".
  const remove = (i: number) => {
    onChange({ ...values, partners: values.partners.filter((_, j) => j !== i) });
    focusFirstError([i < values.partners.length - 1 ? partnerNameId(i) : ADD_PARTNER_ID]);
  };
  return (
    <div class="partners" role="group" aria-label={t(lang, 'field.partners')}>
      <p class="group-label">{t(lang, 'field.partners')}</p>
      {errors.partners && <p class="error">{errors.partners}</p>}
      {values.partners.map((p, i) => (
        <div class="partner" key={i}>
          <Field id={partnerNameId(i)} label={`${t(lang, 'field.partners.*.name')} ${i + 1}`} error={errors[`partners.${i}.name`]}>
            {(d, inv) => (
              <input type="text" {...inputProps(partnerNameId(i), d, inv)} aria-required="true" value={p.name}
                onInput={(e) => update(i, { name: (e.target as HTMLInputElement).value })} />
            )}
          </Field>
          <Field id={controlId(`partners.${i}.kind`)} label={`${t(lang, 'field.partners.*.kind')} ${i + 1}`} error={errors[`partners.${i}.kind`]}>
            {(d, inv) => (
              <select {...inputProps(controlId(`partners.${i}.kind`), d, inv)} aria-required="true" value={p.kind}
                onChange={(e) => update(i, { kind: (e.target as HTMLSelectElement).value })}>
                {PARTNER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {ui(lang, `partner.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="button" onClick={() => remove(i)}>
            {ui(lang, 'form.removePartner', { n: i + 1 })}
          </button>
        </div>
      ))}
      {values.partners.length < 20 && (
        <button type="button" id={ADD_PARTNER_ID} onClick={() => onChange({ ...values, partners: [...values.partners, { name: '', kind: 'pemerintah_desa' }] })}>
          {ui(lang, 'form.addPartner')}
        </button>
      )}
    </div>
  );
}
