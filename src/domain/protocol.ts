/**
 * The wire shapes of SYNC-PROTOCOL.md v1. Phone and server build and read every
 * request, response and error body through these, so the contract cannot drift.
 */
import * as z from 'zod/mini';
import { activityEntrySchema, versionedEntrySchema } from './entry';
import { kpiResultSchema } from './kpi-result';
import { storedLibrarySchema } from './library';
import { rulebookSchema } from './rulebook-schema';
import { idSchema, noControlCharacters, optionalText } from './text';

export const API_BASE = '/api/v1';
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_MUTATIONS = 500;
export const PULL_LIMIT_DEFAULT = 500;
export const PULL_LIMIT_MAX = 1000;
/**
 * An entry's `updatedAt` further ahead of the receiver's clock than this is taken as a
 * wrong clock, and stored as the receiver's time: by the server on push, by the phone on
 * importing a backup.
 */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/** The entry itself when its time is not too far ahead of `now`; a copy with `now` when it is. */
export function clampUpdatedAt<E extends { updatedAt: string }>(entry: E, now: Date): E {
  return Date.parse(entry.updatedAt) > now.getTime() + MAX_CLOCK_AHEAD_MS ? { ...entry, updatedAt: now.toISOString() } : entry;
}

// ── Errors ────────────────────────────────────────────────────────────────────

export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_cursor: 400,
  invalid_code: 401,
  invalid_login: 401,
  unauthorized: 401,
  /** The monitoring routes without a valid session (the sync routes' missing device is `unauthorized`). */
  login_required: 401,
  wrong_library: 403,
  out_of_scope: 403,
  not_found: 404,
  seq_gap: 409,
  payload_too_large: 413,
  unsupported_encoding: 415,
  rate_limited: 429,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;
export const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** One problem with one field: `{ path: "partners.0.name", message: "…" }`. */
export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.optional(z.array(fieldErrorSchema)),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

// ── Enrolment ─────────────────────────────────────────────────────────────────

/** NUL is refused where text reaches a database column as it is: PostgreSQL's `text` cannot hold it. */
export const noNul = z.refine<string | undefined>((s) => s === undefined || !s.includes('\u0000'), {
  params: { key: 'nulCharacter' },
});

/** An enrolment code as it is matched: case, spaces and dashes ignored (`abcd 2345` → `ABCD2345`). */
export function codeAsMatched(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * `retryKey` (our addition to SYNC-PROTOCOL.md, optional): a random secret the phone sends
 * with a code. Sent again with the same code when the answer was lost, it gets the same
 * answer (device and token) instead of `401 invalid_code` for a code already used
 * (store/enrollment.ts says when).
 */
export const RETRY_KEY_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

export const enrollRequestSchema = z.object({
  code: z.string().check(z.minLength(1), z.maxLength(64)),
  // Shown to the administrator (`device list`): no control character, as in a library's name.
  deviceName: optionalText(100).check(noControlCharacters),
  retryKey: z.optional(z.string().check(z.regex(RETRY_KEY_PATTERN))),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  deviceId: idSchema,
  token: z.string().check(z.minLength(1)),
  library: storedLibrarySchema,
  rulebook: rulebookSchema,
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

// ── Push ──────────────────────────────────────────────────────────────────────

/**
 * The envelope a push must have before anything is looked at (protocol step 1).
 * The entry itself is only required to carry string `id` and `libraryId` here;
 * it is validated one by one later (step 4), so that one bad entry is `rejected`
 * rather than failing the batch.
 */
export const mutationEnvelopeSchema = z.object({
  seq: z.number().check(z.int(), z.minimum(1)),
  baseVersion: z.number().check(z.int(), z.minimum(0)),
  entry: z.looseObject({ id: z.string(), libraryId: z.string() }),
});
export type MutationEnvelope = z.infer<typeof mutationEnvelopeSchema>;

export const pushRequestSchema = z
  .object({ mutations: z.array(mutationEnvelopeSchema).check(z.minLength(1), z.maxLength(MAX_MUTATIONS)) })
  .check(
    z.superRefine((req, ctx) => {
      for (let i = 1; i < req.mutations.length; i++) {
        if (req.mutations[i].seq !== req.mutations[i - 1].seq + 1) {
          ctx.addIssue({ code: 'custom', path: ['mutations', i, 'seq'], params: { key: 'seqNotConsecutive' } });
          return;
        }
      }
    }),
  );
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** A mutation as the phone builds it: with a whole entry. */
export const mutationSchema = z.object({
  seq: z.number().check(z.int(), z.minimum(1)),
  baseVersion: z.number().check(z.int(), z.minimum(0)),
  entry: activityEntrySchema,
});
export type Mutation = z.infer<typeof mutationSchema>;

const resultBase = { seq: z.number().check(z.int(), z.minimum(1)), entryId: z.string() };

export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({ ...resultBase, status: z.literal('applied'), version: z.number().check(z.int(), z.minimum(1)) }),
  z.object({ ...resultBase, status: z.literal('duplicate'), version: z.optional(z.number().check(z.int(), z.minimum(1))) }),
  z.object({ ...resultBase, status: z.literal('rejected'), errors: z.array(fieldErrorSchema).check(z.minLength(1)) }),
  z.object({
    ...resultBase,
    status: z.literal('superseded'),
    version: z.number().check(z.int(), z.minimum(1)),
    entry: activityEntrySchema,
  }),
]);
export type PushResult = z.infer<typeof pushResultSchema>;
export type PushStatus = PushResult['status'];

export const pushResponseSchema = z.object({
  ackSeq: z.number().check(z.int(), z.minimum(0)),
  results: z.array(pushResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

// ── Pull ──────────────────────────────────────────────────────────────────────

/** Query parameters arrive as strings; `limit` must be a whole number in 1–1000. */
export const pullQuerySchema = z.object({
  // Any string: a cursor the server did not make, however long, is `invalid_cursor` (the
  // server's own check), not a malformed query.
  cursor: z.optional(z.string()),
  limit: z.pipe(
    z.optional(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d{1,4}$/)), z.transform(Number)),
        z.number().check(z.int(), z.minimum(1), z.maximum(PULL_LIMIT_MAX)),
      ),
    ),
    z.transform((n: number | undefined) => n ?? PULL_LIMIT_DEFAULT),
  ),
});
export type PullQuery = z.infer<typeof pullQuerySchema>;

export const pullResponseSchema = z.object({
  entries: z.array(versionedEntrySchema),
  cursor: z.string(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

// ── Other routes ──────────────────────────────────────────────────────────────

export const libraryResponseSchema = z.object({
  library: storedLibrarySchema,
  kpi: kpiResultSchema,
  lastPushAt: z.nullable(z.iso.datetime({ offset: true })),
});
export type LibraryResponse = z.infer<typeof libraryResponseSchema>;

export const rulebookResponseSchema = rulebookSchema;

export const healthResponseSchema = z.object({ ok: z.literal(true), db: z.enum(['sqlite', 'postgres']) });
export type HealthResponse = z.infer<typeof healthResponseSchema>;
