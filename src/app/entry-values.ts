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

/** `"12"` → 12, `""` → absent, `"abc"` → NaN (the schema says it is not a number). */
function numberOf(s: string): number | undefined {
  const t = s.trim();
  return t === '' ? undefined : Number(t);
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

/** The schema's messages by field path, the first per field. */
export function messagesByField(errors: readonly FieldError[]): Record<string, string> {
  const byPath: Record<string, string> = {};
  for (const x of errors) byPath[x.path] ??= x.message;
  return byPath;
}
