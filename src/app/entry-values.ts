/**
 * The entry form's values (strings, as inputs hold them) and their conversion to the
 * entry the schema parses. Blank inputs become absent, so the schema words the message
 * ("… wajib diisi") instead of the form inventing one.
 */
import type { ActivityEntry, ActivityEntryInput, FieldError } from '../domain';

export interface PartnerValue {
  name: string;
  kind: string;
}

export interface AttachmentValue {
  id: string;
  sha256: string;
  mime: string;
  bytes: number;
}

export interface FormValues {
  strategy: string;
  activityType: string;
  title: string;
  date: string;
  location: string;
  participantsMale: string;
  participantsFemale: string;
  participantsDisability: string;
  description: string;
  skills: string;
  economicImpact: string;
  successStory: string;
  testimony: string;
  fundingSource: string;
  partners: PartnerValue[];
  attachments: AttachmentValue[];
}

export type TextKey = Exclude<keyof FormValues, 'partners' | 'attachments'>;

export function blankValues(date: string, location: string): FormValues {
  return {
    strategy: '',
    activityType: '',
    title: '',
    date,
    location,
    participantsMale: '',
    participantsFemale: '',
    participantsDisability: '',
    description: '',
    skills: '',
    economicImpact: '',
    successStory: '',
    testimony: '',
    fundingSource: '',
    partners: [],
    attachments: [],
  };
}

const str = (v: string | number | undefined) => (v === undefined ? '' : String(v));

export function valuesOf(e: ActivityEntry): FormValues {
  return {
    strategy: e.strategy,
    activityType: e.activityType,
    title: e.title,
    date: e.date,
    location: str(e.location),
    participantsMale: str(e.participantsMale),
    participantsFemale: str(e.participantsFemale),
    participantsDisability: str(e.participantsDisability),
    description: str(e.description),
    skills: str(e.skills),
    economicImpact: str(e.economicImpact),
    successStory: str(e.successStory),
    testimony: str(e.testimony),
    fundingSource: str(e.fundingSource),
    partners: (e.partners ?? []).map((p) => ({ name: p.name, kind: p.kind })),
    attachments: (e.attachments ?? []).map((a) => ({ ...a })),
  };
}

/** A draft read back from storage: anything missing or of the wrong type is blank. */
export function valuesFromDraft(draft: Record<string, unknown>, fallback: FormValues): FormValues {
  const out = { ...fallback };
  for (const k of Object.keys(fallback) as (keyof FormValues)[]) {
    const v = draft[k];
    if (k === 'partners') {
      if (Array.isArray(v)) out.partners = v.map((p) => ({ name: String(p?.name ?? ''), kind: String(p?.kind ?? '') }));
    } else if (k === 'attachments') {
      if (Array.isArray(v)) out.attachments = v.filter((a) => a && typeof a.id === 'string') as AttachmentValue[];
    } else if (typeof v === 'string') {
      out[k] = v;
    }
  }
  return out;
}

/** The inputs where a count of people is typed. */
export const COUNT_KEYS = ['participantsMale', 'participantsFemale', 'participantsDisability'] as const satisfies readonly TextKey[];
export type CountKey = (typeof COUNT_KEYS)[number];

/**
 * What a typed count says: nothing, a whole number, digits written in a way that is not a
 * whole number ("1,5", "2.5", "1 000"), or no number at all ("dua").
 */
export type CountReading =
  | { kind: 'blank' }
  | { kind: 'number'; value: number }
  | { kind: 'notWhole' }
  | { kind: 'notNumber' };

// Plain digits, or digits grouped in threes by dots as Indonesians write thousands
// ("1.500"); a minus sign is read so that the schema can say "minimal 0".
// Dot-grouped thousands start with 1–9: "0.500" is someone's decimal, not five hundred.
const WHOLE = /^-?(\d+|[1-9]\d{0,2}(\.\d{3})+)$/;
// Only digits and the marks people put in numbers: a number written wrongly, not a word.
const NUMBER_LIKE = /^[-+]?[\d.,\s]*\d[\d.,\s]*$/;

/**
 * Reads a count as a librarian types it. Never `Number(text)`: it reads "1.000" as 1,
 * "1e3" as 1000 and "0x10" as 16.
 */
export function readCount(s: string): CountReading {
  const t = s.trim();
  if (t === '') return { kind: 'blank' };
  if (WHOLE.test(t)) return { kind: 'number', value: Number(t.replace(/\./g, '')) };
  return NUMBER_LIKE.test(t) ? { kind: 'notWhole' } : { kind: 'notNumber' };
}

/** `"12"` and `"1.200"` → 12 and 1200, `""` → absent, anything else → NaN (the schema refuses it). */
function numberOf(s: string): number | undefined {
  const r = readCount(s);
  return r.kind === 'blank' ? undefined : r.kind === 'number' ? r.value : NaN;
}

/**
 * The counts typed with a comma, a decimal or spaces. The schema would only say "harus
 * berupa angka" of them, which puzzles someone who did type digits; the form says how
 * to write the number instead.
 */
export function badlyWrittenCounts(v: FormValues): CountKey[] {
  return COUNT_KEYS.filter((k) => readCount(v[k]).kind === 'notWhole');
}

const blankToAbsent = (s: string) => (s.trim() === '' ? undefined : s);

export interface EntryMeta {
  id: string;
  libraryId: string;
  createdAt: string;
  updatedAt: string;
}

/** What the schema parses: the form's values plus the entry's identity and timestamps. */
export function entryInput(v: FormValues, meta: EntryMeta): ActivityEntryInput {
  return {
    ...meta,
    strategy: blankToAbsent(v.strategy) as ActivityEntryInput['strategy'],
    activityType: blankToAbsent(v.activityType) as string,
    title: v.title,
    date: blankToAbsent(v.date) as string,
    location: v.location,
    participantsMale: numberOf(v.participantsMale) as number,
    participantsFemale: numberOf(v.participantsFemale) as number,
    participantsDisability: numberOf(v.participantsDisability),
    description: v.description,
    skills: v.skills,
    economicImpact: v.economicImpact,
    successStory: v.successStory,
    testimony: v.testimony,
    fundingSource: blankToAbsent(v.fundingSource) as ActivityEntryInput['fundingSource'],
    partners: v.partners.length > 0 ? (v.partners as ActivityEntryInput['partners']) : undefined,
    attachments: v.attachments.length > 0 ? (v.attachments as ActivityEntryInput['attachments']) : undefined,
    deleted: false,
  };
}

/** The inputs whose messages go together: one rule reads all three counts. */
const LINKED: Partial<Record<keyof FormValues, readonly (keyof FormValues)[]>> = Object.fromEntries(
  COUNT_KEYS.map((k) => [k, COUNT_KEYS]),
);

/**
 * The field messages still standing once the values `before` became `after`: a changed
 * input loses its messages (its nested ones too, `partners.0.name`), as does every input
 * linked to it; the others keep theirs until the next save checks them all again.
 */
export function errorsAfterChange(
  errors: Readonly<Record<string, string>>,
  before: FormValues,
  after: FormValues,
): Record<string, string> {
  const changed = new Set<string>();
  for (const k of Object.keys(after) as (keyof FormValues)[]) {
    if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
    for (const linked of LINKED[k] ?? [k]) changed.add(linked);
  }
  if (changed.size === 0) return errors as Record<string, string>;
  const left: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (!changed.has(path.split('.')[0])) left[path] = message;
  }
  return Object.keys(left).length === Object.keys(errors).length ? (errors as Record<string, string>) : left;
}

/** The schema's messages by field path, the first per field. */
export function messagesByField(errors: readonly FieldError[]): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const x of errors) byPath[x.path] ??= x.message;
  return byPath;
}
