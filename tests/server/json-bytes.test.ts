/**
 * A large push parsed in stretches (src/server/json-bytes.ts) against JSON.parse of the
 * whole text: whatever it returns is what JSON.parse returns, it returns nothing for a
 * text JSON.parse refuses, and it takes the envelopes phones send, cut where a stretch
 * ends; through readJsonBody, a large body gets JSON.parse's answer in every case.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../src/server/body';
import { parseEnvelopeInStretches, STRETCH_BYTES } from '../../src/server/json-bytes';
import { makeEntries } from '../../bench/entries';
import { makeEntry } from './harness';

/** Texts meant to meet the cut `},{"` where it is not between two mutations. */
const tricky = fc.constantFrom('},{"', '},{"seq":', '\\"},{\\"', '"},{"', 'a},{', ']},{"', '😀', 'é', '\\u0022}', '\\\\');
const text = fc.oneof(fc.string({ maxLength: 12 }), tricky, fc.tuple(fc.string({ maxLength: 4 }), tricky).map(([a, b]) => a + b));
const leaf = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), text);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 3 }),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), tricky, fc.constant('seq')), tie('node'), { maxKeys: 3 }),
})).node;
/** Mutations as phones send them, objects that look like them, and anything. */
const mutation = fc.oneof(
  { arbitrary: fc.record({ seq: fc.nat(), baseVersion: fc.nat(), entry: fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 4 }) }), weight: 3 },
  { arbitrary: fc.record({ seq: fc.nat(), entry: fc.record({ partners: fc.array(fc.record({ name: text, kind: text }), { maxLength: 3 }) }) }), weight: 2 },
  { arbitrary: value, weight: 1 },
);
const LIBRARY = 'lib-000000000001';
const spaces = fc.constantFrom('', ' ', '\n', '\t\r\n ');

/** The envelope as JSON, laid out one of several ways (JSON.stringify's or spaces everywhere). */
const envelopeText = fc
  .tuple(fc.array(mutation, { minLength: 2, maxLength: 20, size: 'medium' }), fc.constantFrom(0, 1, 2), spaces, spaces, spaces)
  .map(([mutations, indent, a, b, c]) =>
    indent === 2
      ? `${a}{${b}"mutations"${c}:${a}[${b}${mutations.map((m) => JSON.stringify(m)).join(`${c},${a}`)}${c}]${a}}${b}`
      : JSON.stringify({ mutations }, null, indent),
  );

/** A valid envelope, sometimes broken: a byte dropped, one put in, the text cut short, or other text around it. */
const anyText = fc.oneof(
  { arbitrary: envelopeText, weight: 6 },
  fc.tuple(envelopeText, fc.nat(), fc.constantFrom(',', '}', ']', '{', '[', '"', '\\', ' ', 'x', '0')).map(([t, at, byte]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + byte + t.slice(i);
  }),
  fc.tuple(envelopeText, fc.nat()).map(([t, at]) => {
    const i = at % Math.max(1, t.length);
    return t.slice(0, i) + t.slice(i + 1);
  }),
  fc.tuple(envelopeText, fc.nat()).map(([t, at]) => t.slice(0, at % (t.length + 1))),
  fc.tuple(envelopeText, fc.integer({ min: 1, max: 3 })).map(([t, n]) => t.trimEnd().slice(0, -n)),
  fc.tuple(envelopeText, fc.constantFrom('\uFEFF', ',1', '{}', '"x"', ' ]')).map(([t, s]) => (s === '\uFEFF' ? s + t : t + s)),
  fc.constantFrom('{"mutations":[]}', '{"mutations":[1,]}', '{"mutations":[,1]}', '{"mutations":1}', '{"mutation":[1]}', '[{"mutations":[1]}]'),
);

function wholeParse(t: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}

describe('parseEnvelopeInStretches', () => {
  it('returns what JSON.parse returns for the whole text, or nothing; nothing when JSON.parse refuses it', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 30 }), (t, stretchBytes) => {
        // The bytes' own text (a lone surrogate of `t` is U+FFFD in them).
        const bytes = Buffer.from(t, 'utf8');
        const whole = wholeParse(bytes.toString('utf8'));
        const inStretches = parseEnvelopeInStretches(bytes, stretchBytes);
        if (!whole.ok) {
          expect(inStretches).toBeUndefined();
          return;
        }
        if (inStretches === undefined) return;
        expect(inStretches).toStrictEqual(whole.value);
        expect(JSON.stringify(inStretches)).toBe(JSON.stringify(whole.value));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes every envelope whose only `},{"seq":` are between mutations, in as many stretches as it is cut', () => {
    // Entries as phones send them: fields of plain values (no objects in arrays), no text ending in `},{`.
    const plain = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }).filter((x) => !x.includes('},{')), fc.constantFrom('😀', 'é', '\\"'));
    const phoneMutation = fc.record({ seq: fc.nat(), baseVersion: fc.nat(), entry: fc.dictionary(fc.string({ maxLength: 6 }).filter((x) => !x.includes('},{')), plain, { maxKeys: 6 }) });
    let cut = 0;
    fc.assert(
      fc.property(fc.array(phoneMutation, { maxLength: 30 }), fc.constantFrom(0, 1), fc.integer({ min: 1, max: 200 }), (mutations, indent, stretchBytes) => {
        const text = JSON.stringify({ mutations }, null, indent);
        const bytes = Buffer.from(text, 'utf8');
        expect(parseEnvelopeInStretches(bytes, stretchBytes)).toStrictEqual(JSON.parse(text));
        if (bytes.indexOf('},{"', bytes.indexOf('[') + 1 + stretchBytes) >= 0) cut++;
      }),
      { numRuns: 1000 },
    );
    expect(cut).toBeGreaterThan(300);
  });

  it('takes a phone’s push of 500 entries in several stretches, as JSON.parse reads it', () => {
    // Real entries (bench/entries.ts: partners, attachments, long texts, five years): their
    // partners and attachments hold `},{"` too, but a cut is made only before `"seq":`.
    const entries = makeEntries(500, LIBRARY, '2026-11-30', { seed: 7 });
    expect(entries.filter((e) => (e.partners?.length ?? 0) > 1).length).toBeGreaterThan(20);
    const t = JSON.stringify({ mutations: entries.map((entry, i) => ({ seq: i + 1, baseVersion: 0, entry })) });
    expect(t.length).toBeGreaterThan(3 * STRETCH_BYTES);
    const bytes = Buffer.from(t, 'utf8');
    expect(parseEnvelopeInStretches(bytes)).toStrictEqual(JSON.parse(t));
    for (const seed of [1, 2, 3, 4, 5]) {
      const other = JSON.stringify({ mutations: makeEntries(200, LIBRARY, '2026-11-30', { seed }).map((entry, i) => ({ seq: i + 1, baseVersion: 0, entry })) });
      expect(parseEnvelopeInStretches(Buffer.from(other, 'utf8'), 4096), `seed ${seed}`).toStrictEqual(JSON.parse(other));
    }
  });

  it('refuses a stretch cut inside a mutation, and the text is then parsed whole', () => {
    // Partners whose second starts with a key named seq: the bytes of a cut, inside the first
    // mutation. (Inside a string they cannot be: a quote followed by `seq":` opens a key.)
    const first = { seq: 1, baseVersion: 0, entry: { title: 'Cerita },{"seq":', partners: [{ name: 'a', kind: 'x' }, { seq: 1, name: 'b' }] } };
    const rest = Array.from({ length: 20 }, (_, i) => ({ seq: i + 2, baseVersion: 0, entry: makeEntry(LIBRARY) }));
    const t = JSON.stringify({ mutations: [first, ...rest] });
    const bytes = Buffer.from(t, 'utf8');
    const arrayStart = bytes.indexOf('[') + 1;
    const inside = bytes.indexOf('},{"seq":1,"name"');
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(bytes.indexOf('},{"seq":2'));
    // The title's escaped quote makes no cut: the first cut searched from its start is the partners'.
    expect(bytes.indexOf('},{"seq":', bytes.indexOf('Cerita'))).toBe(inside);
    expect(parseEnvelopeInStretches(bytes, bytes.indexOf('Cerita') - arrayStart)).toBeUndefined();
    expect(parseEnvelopeInStretches(bytes, bytes.indexOf('},{"seq":2') - arrayStart)).toStrictEqual(JSON.parse(t));
  });
});

describe('readJsonBody on large bodies', () => {
  const post = (body: Uint8Array | string) =>
    readJsonBody(
      new Request('http://x/', {
        method: 'POST',
        body: typeof body === 'string' ? body : (new Uint8Array(body).buffer as ArrayBuffer),
        headers: { 'content-type': 'application/json' },
      }),
    );

  it('answers as for a small body: the value, invalid_json, or invalid_request when nested too deep', async () => {
    const mutations = Array.from({ length: 400 }, (_, i) => ({ seq: i + 1, baseVersion: 0, entry: makeEntry(LIBRARY, { title: `Kegiatan 😀 ${i}` }) }));
    const t = JSON.stringify({ mutations });
    expect(await post(t)).toEqual({ ok: true, value: JSON.parse(t) });
    expect(await post(`\uFEFF${t}`)).toEqual({ ok: true, value: JSON.parse(t) }); // a BOM, as TextDecoder drops it
    expect(await post(t.slice(0, -1))).toEqual({ ok: false, code: 'invalid_json' });
    expect(await post(t.replace('},{"seq":200', '},,{"seq":200'))).toEqual({ ok: false, code: 'invalid_json' });
    const bytes = Buffer.from(t, 'utf8');
    bytes[bytes.indexOf('😀') + 1] = 0x41; // a character of four bytes broken: not UTF-8
    expect(await post(bytes)).toEqual({ ok: false, code: 'invalid_json' });
    const deep = `{"mutations":[${'[1],'.repeat(20_000)}${'['.repeat(70)}${']'.repeat(70)}]}`;
    expect(await post(deep)).toEqual({ ok: false, code: 'invalid_request', details: [{ path: '', message: 'Bersarang lebih dari 64 tingkat.' }] });
    // Gzipped, as phones send it.
    const gzipped = new Request('http://x/', { method: 'POST', body: new Uint8Array(gzipSync(t)).buffer as ArrayBuffer, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(await readJsonBody(gzipped)).toEqual({ ok: true, value: JSON.parse(t) });
  });
});
