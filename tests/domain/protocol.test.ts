import { describe, expect, it } from 'vitest';
import {
  ERROR_STATUS,
  errorBodySchema,
  pullQuerySchema,
  pushRequestSchema,
  pushResponseSchema,
} from '../../src/domain/protocol';
import { makeEntry } from './fixtures';

const mutation = (seq: number) => ({ seq, baseVersion: 0, entry: makeEntry('pelibatan', '2025-04-01') });

describe('pushRequestSchema (the envelope, protocol step 1)', () => {
  it('accepts 1 to 500 consecutive mutations', () => {
    expect(pushRequestSchema.safeParse({ mutations: [mutation(7)] }).success).toBe(true);
    expect(pushRequestSchema.safeParse({ mutations: Array.from({ length: 500 }, (_, i) => mutation(i + 1)) }).success).toBe(true);
  });

  it.each([
    ['no mutation', { mutations: [] }],
    ['501 mutations', { mutations: Array.from({ length: 501 }, (_, i) => mutation(i + 1)) }],
    ['a gap in the seqs', { mutations: [mutation(1), mutation(3)] }],
    ['seqs out of order', { mutations: [mutation(2), mutation(1)] }],
    ['seq 0', { mutations: [mutation(0)] }],
    ['a fractional baseVersion', { mutations: [{ ...mutation(1), baseVersion: 0.5 }] }],
    ['an entry without an id', { mutations: [{ seq: 1, baseVersion: 0, entry: { libraryId: 'x' } }] }],
    ['no mutations key', {}],
  ])('refuses %s', (_name, body) => {
    expect(pushRequestSchema.safeParse(body).success).toBe(false);
  });

  it('leaves entry validation to step 4: a bad entry passes the envelope', () => {
    const body = { mutations: [{ seq: 1, baseVersion: 0, entry: { id: 'x', libraryId: 'y', title: 1 } }] };
    expect(pushRequestSchema.safeParse(body).success).toBe(true);
  });
});

describe('pullQuerySchema', () => {
  it('defaults the limit to 500 and reads it from a string', () => {
    expect(pullQuerySchema.parse({})).toEqual({ limit: 500 });
    expect(pullQuerySchema.parse({ limit: '1000', cursor: 'abc' })).toEqual({ limit: 1000, cursor: 'abc' });
  });
  it.each(['0', '1001', '-1', '2.5', 'ten', ''])('refuses limit=%s', (limit) => {
    expect(pullQuerySchema.safeParse({ limit }).success).toBe(false);
  });
});

describe('bodies', () => {
  it('maps every error code to its HTTP status', () => {
    expect(ERROR_STATUS).toMatchObject({ invalid_json: 400, unauthorized: 401, wrong_library: 403, seq_gap: 409, payload_too_large: 413, unsupported_encoding: 415, rate_limited: 429 });
  });
  it('reads an error body and a push response', () => {
    expect(errorBodySchema.safeParse({ error: { code: 'seq_gap', message: 'x', details: [{ path: 'expected', message: '8' }] } }).success).toBe(true);
    expect(errorBodySchema.safeParse({ error: { code: 'teapot', message: 'x' } }).success).toBe(false);
    expect(
      pushResponseSchema.safeParse({
        ackSeq: 3,
        results: [
          { seq: 1, entryId: 'a', status: 'applied', version: 4 },
          { seq: 2, entryId: 'b', status: 'duplicate' },
          { seq: 3, entryId: 'c', status: 'rejected', errors: [{ path: 'title', message: 'Judul kegiatan minimal 3 karakter' }] },
        ],
      }).success,
    ).toBe(true);
  });
});
