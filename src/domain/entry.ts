/**
 * The activity entry (kegiatan): the storage and wire shape of DOMAIN.md.
 *
 * `activityEntrySchema` holds every rule that needs no context. Two rules need it —
 * the date may not be after *today in the library's zone*, and the activity type
 * must be in *the current rulebook's* list — so `entrySchemaFor(rules)` adds them.
 * Phone, server and KPI engine all validate through these two.
 */
import * as z from 'zod/mini';
import { isRealDate, type IsoDate } from './calendar';
import { STRATEGIES, strategySchema, type PerStrategy, type Strategy } from './strategies';
import {
  idSchema,
  instantSchema,
  lowerCase,
  nullAsAbsent,
  optionalText,
  requiredText,
  uuidV7Schema,
  wholeNumber,
} from './text';

export const EARLIEST_ENTRY_DATE = '2018-01-01';
export const MAX_PARTICIPANTS = 100_000;
export const MAX_ATTACHMENT_BYTES = 5_000_000;

export const PARTNER_KINDS = [
  'pemerintah_desa',
  'sekolah',
  'pkk',
  'umkm',
  'komunitas',
  'swasta_csr',
  'lainnya',
] as const;
export const FUNDING_SOURCES = ['apbdes', 'swadaya', 'csr', 'apbd', 'lainnya'] as const;
export const ATTACHMENT_MIMES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** The activity type every strategy accepts, whatever the rulebook lists. */
export const OTHER_ACTIVITY_TYPE = 'lainnya';

export const ACTIVITY_TYPE_PATTERN = /^[a-z0-9_]{1,50}$/;
export const ATTACHMENT_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** Limits of the free-text fields, in code points. */
export const TEXT_LIMITS = {
  title: [3, 200],
  location: [0, 200],
  description: [0, 5000],
  skills: [0, 1000],
  economicImpact: [0, 1000],
  successStory: [0, 5000],
  testimony: [0, 2000],
  partnerName: [1, 200],
} as const;
export const MAX_PARTNERS = 20;
export const MAX_ATTACHMENTS = 5;

export const partnerSchema = z.object({
  name: requiredText(...TEXT_LIMITS.partnerName),
  kind: z.enum(PARTNER_KINDS),
});

export const attachmentSchema = z.object({
  id: lowerCase(z.string().check(z.regex(ATTACHMENT_ID_PATTERN))),
  sha256: lowerCase(z.string().check(z.regex(SHA256_PATTERN))),
  mime: z.enum(ATTACHMENT_MIMES),
  bytes: wholeNumber(0, MAX_ATTACHMENT_BYTES),
});

/**
 * A date that is not a real one gets only `dateInvalid`: the later limits pass it. They
 * do so instead of the first rule aborting, because an explicit abort would also stop
 * the object's cross-field rules and hide their messages until the next save.
 */
const entryDateSchema = z.string().check(
  z.refine(isRealDate, { params: { key: 'dateInvalid' } }),
  z.refine((d: string) => !isRealDate(d) || d >= EARLIEST_ENTRY_DATE, {
    params: { key: 'dateTooEarly', min: EARLIEST_ENTRY_DATE },
  }),
);

/** The fields of an entry; with `today`, the date may not be after it. */
function entryFields(today?: IsoDate) {
  return z.object({
    id: uuidV7Schema,
    libraryId: idSchema,
    strategy: strategySchema,
    activityType: z.string().check(z.regex(ACTIVITY_TYPE_PATTERN)),
    title: requiredText(...TEXT_LIMITS.title),
    date:
      today === undefined
        ? entryDateSchema
        : entryDateSchema.check(z.refine((d: string) => !isRealDate(d) || d <= today, { params: { key: 'dateInFuture' } })),
    location: optionalText(TEXT_LIMITS.location[1]),
    participantsMale: wholeNumber(0, MAX_PARTICIPANTS),
    participantsFemale: wholeNumber(0, MAX_PARTICIPANTS),
    participantsDisability: nullAsAbsent(wholeNumber(0, 2 * MAX_PARTICIPANTS)),
    partners: nullAsAbsent(z.array(partnerSchema).check(z.maxLength(MAX_PARTNERS))),
    description: optionalText(TEXT_LIMITS.description[1]),
    skills: optionalText(TEXT_LIMITS.skills[1]),
    economicImpact: optionalText(TEXT_LIMITS.economicImpact[1]),
    successStory: optionalText(TEXT_LIMITS.successStory[1]),
    testimony: optionalText(TEXT_LIMITS.testimony[1]),
    fundingSource: nullAsAbsent(z.enum(FUNDING_SOURCES)),
    attachments: nullAsAbsent(z.array(attachmentSchema).check(z.maxLength(MAX_ATTACHMENTS))),
    createdAt: instantSchema,
    updatedAt: instantSchema,
    deleted: z.boolean(),
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Why a rulebook refuses an activity type for a strategy: see `activityTypeRefusal`. */
export type ActivityTypeRefusal = 'activityTypeNotInStrategy' | 'activityTypeWithdrawn';

/**
 * Why `types` (each strategy's types in the current rulebook) refuse `type` for `strategy`,
 * or null when they accept it or another rule refuses it (no strategy, a malformed code).
 * Listed under another strategy, the type was chosen with the wrong strategy; listed under
 * none, the rulebook does not have it — mostly one a later rulebook dropped, its entries of
 * earlier times stored — and the librarian must pick another type, not another strategy.
 */
export function activityTypeRefusal(types: PerStrategy<readonly string[]>, strategy: unknown, type: unknown): ActivityTypeRefusal | null {
  const listed = (s: Strategy) => types[s].includes(type as string);
  if (!STRATEGIES.includes(strategy as Strategy) || typeof type !== 'string' || !ACTIVITY_TYPE_PATTERN.test(type)) return null;
  if (type === OTHER_ACTIVITY_TYPE || listed(strategy as Strategy)) return null;
  return STRATEGIES.some(listed) ? 'activityTypeNotInStrategy' : 'activityTypeWithdrawn';
}

/**
 * The rules across fields. They run even when another field has failed (`when`), so a
 * form shows every problem at once; each rule looks only at fields that parsed.
 */
function crossFieldRules(activityTypes?: PerStrategy<readonly string[]>) {
  return (value: object, ctx: z.core.$RefinementCtx<object>) => {
    if (typeof value !== 'object' || value === null) return;
    const e = value as Record<string, unknown>;
    const { participantsMale: male, participantsFemale: female, participantsDisability: disability } = e;
    if (isCount(male) && isCount(female)) {
      if (e.strategy === 'pelibatan' && male + female < 1) {
        ctx.addIssue({ code: 'custom', path: ['participantsFemale'], params: { key: 'pelibatanNeedsParticipants' } });
      }
      if (isCount(disability) && disability > male + female) {
        ctx.addIssue({ code: 'custom', path: ['participantsDisability'], params: { key: 'disabilityOverTotal' } });
      }
    }
    const refusal = activityTypes && activityTypeRefusal(activityTypes, e.strategy, e.activityType);
    if (refusal) ctx.addIssue({ code: 'custom', path: ['activityType'], params: { key: refusal } });
  };
}

const always = { when: () => true };

/** Optional fields parsed to `undefined` are left out, so that "absent" is absent in storage too. */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

/** Every context-free rule of an entry, cross-field rules included. */
export const activityEntrySchema = z.pipe(
  entryFields().check(z.superRefine(crossFieldRules(), always)),
  z.transform(withoutUndefined),
);

/** An entry as the server sends it back: with the version of its last stored write. */
export const versionedEntrySchema = z.pipe(
  z
    .extend(entryFields(), { version: z.number().check(z.int(), z.minimum(1)) })
    .check(z.superRefine(crossFieldRules(), always)),
  z.transform(withoutUndefined),
);

export type ActivityEntry = z.output<typeof activityEntrySchema>;
/** What a form or a wire body may hand in before parsing (nulls, untrimmed text). */
export type ActivityEntryInput = z.input<typeof activityEntrySchema>;

/** The context the last two rules need. */
export interface EntryRules {
  /** Today in the library's zone; an entry may not be dated after it. */
  today: IsoDate;
  /** Each strategy's activity types in the current rulebook (`lainnya` is always accepted). */
  activityTypes: PerStrategy<readonly string[]>;
}

/** The full entry schema for one library on one day under one rulebook. */
export function entrySchemaFor(rules: EntryRules) {
  return z.pipe(
    entryFields(rules.today).check(z.superRefine(crossFieldRules(rules.activityTypes), always)),
    z.transform(withoutUndefined),
  );
}

/**
 * The schema for a delete (a tombstone) of one library on one day: every rule but the
 * current rulebook's activity types. An entry stored under a type a later rulebook dropped
 * no longer counts either way, and must still be deletable (SYNC-PROTOCOL.md's "validated
 * like any entry" read as: like an entry of its time).
 */
export function tombstoneSchemaFor(today: IsoDate) {
  return z.pipe(entryFields(today).check(z.superRefine(crossFieldRules(), always)), z.transform(withoutUndefined));
}

/** Documented: at least one attachment, or a success story or testimony not blank after trimming. */
export function isDocumented(e: Pick<ActivityEntry, 'attachments' | 'successStory' | 'testimony'>): boolean {
  return (e.attachments?.length ?? 0) > 0 || isFilled(e.successStory) || isFilled(e.testimony);
}

function isFilled(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '';
}
