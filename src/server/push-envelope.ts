/**
 * The push envelope (SYNC-PROTOCOL.md "Push", step 1) checked by hand, for the hot
 * path: zod's `pushRequestSchema` spends more on a 500-mutation envelope than the rest
 * of the request's checks together. It accepts only envelopes the schema accepts, and
 * then returns the mutations as the schema would (the entry objects are the request's
 * own, not copies). Anything it does not accept goes to the schema, which decides and
 * words the errors. Property-tested against the schema (tests/server/envelope.test.ts).
 */
import { MAX_MUTATIONS } from '../domain';

export interface EnvelopeMutation {
  seq: number;
  baseVersion: number;
  entry: { id: string; libraryId: string; [key: string]: unknown };
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The mutations of a well-formed envelope, or null to let the schema decide. */
export function fastEnvelope(body: unknown): EnvelopeMutation[] | null {
  if (!isObject(body)) return null;
  const list = body.mutations;
  if (!Array.isArray(list) || list.length < 1 || list.length > MAX_MUTATIONS) return null;
  const out: EnvelopeMutation[] = new Array(list.length);
  let previous = 0;
  for (let i = 0; i < list.length; i++) {
    const m: unknown = list[i];
    if (!isObject(m)) return null;
    const { seq, baseVersion, entry } = m;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
    if (i > 0 && seq !== previous + 1) return null;
    if (typeof baseVersion !== 'number' || !Number.isSafeInteger(baseVersion) || baseVersion < 0) return null;
    if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.libraryId !== 'string') return null;
    out[i] = { seq, baseVersion, entry: entry as EnvelopeMutation['entry'] };
    previous = seq;
  }
  return out;
}
