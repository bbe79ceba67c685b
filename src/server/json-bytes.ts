/**
 * A large push's envelope parsed without one large string.
 *
 * A JS string of more than 128 KiB lives in V8's large-object space, where each one gets
 * pages of its own from the system: decoding a 185 KB push (500 entries) took ~1 ms on
 * these machines, as long as JSON.parse itself took on the same text. So the envelope
 * every push has, `{"mutations":[…]}`, is cut in the bytes between mutations into
 * stretches of ~48 KB, and each stretch is parsed as an array of its own: four small
 * strings instead of one large one.
 *
 * Cuts are made only at `},{"seq":`, where one mutation ends and the next begins as
 * phones write them (`{seq, baseVersion, entry}`, seq first): the bytes `},{"` alone also
 * stand between the partners or attachments of one entry, in most real pushes. (Inside a
 * string these bytes cannot be: a quote followed by `seq":` opens a key.) Should a cut fall
 * elsewhere all the same (an object inside an entry whose first key is seq), its
 * stretch is not a list of complete values and its parse fails; and when every stretch
 * parses, each cut was between two mutations (each stretch is balanced, so the text before
 * a cut is the envelope's opening and whole mutations). Any failure, and any other shape
 * (a client writing its keys in another order), returns undefined: the caller parses the
 * text whole, and its value or error is JSON.parse's in every case. Held to that by
 * tests/server/json-bytes.test.ts.
 *
 * The caller has checked the bytes are UTF-8 and nest no deeper than its limit. Every cut
 * is at an ASCII byte, never inside a character of several bytes.
 */

/**
 * A stretch's least size: its string, even of two-byte characters (an emoji in one entry
 * makes the whole string two-byte), stays below V8's 128 KiB. A body up to this size is
 * one stretch, so it is parsed whole by the caller.
 */
export const STRETCH_BYTES = 48 * 1024;

const CUT = Buffer.from('},{"seq":', 'latin1');
const KEY = Buffer.from('"mutations"', 'latin1');
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Just after `byte`, spaces before it skipped; -1 when another byte is there. */
function after(bytes: Buffer, at: number, byte: number): number {
  while (at < bytes.length && isSpace(bytes[at])) at++;
  return bytes[at] === byte ? at + 1 : -1;
}

/** Where `byte` is, going back from `end` over spaces; -1 when another byte is there. */
function before(bytes: Buffer, end: number, byte: number): number {
  let at = end - 1;
  while (at >= 0 && isSpace(bytes[at])) at--;
  return at >= 0 && bytes[at] === byte ? at : -1;
}

/**
 * The envelope `{"mutations":[…]}` parsed in stretches, or undefined to parse the text
 * whole. `stretchBytes`: only the tests choose it, to cut small texts often.
 */
export function parseEnvelopeInStretches(bytes: Buffer, stretchBytes = STRETCH_BYTES): { mutations: unknown[] } | undefined {
  // The opening `{ "mutations" : [` and the closing `] }`, spaces allowed between.
  let start = after(bytes, 0, OPEN_OBJECT);
  if (start < 0) return undefined;
  while (isSpace(bytes[start])) start++;
  if (!bytes.subarray(start, start + KEY.length).equals(KEY)) return undefined;
  start = after(bytes, start + KEY.length, COLON);
  if (start >= 0) start = after(bytes, start, OPEN_ARRAY);
  const closeObject = before(bytes, bytes.length, CLOSE_OBJECT);
  const end = closeObject < 0 ? -1 : before(bytes, closeObject, CLOSE_ARRAY);
  if (start < 0 || end < start) return undefined;

  const mutations: unknown[] = [];
  try {
    for (let from = start; ; ) {
      const cut = from + stretchBytes < end ? bytes.indexOf(CUT, from + stretchBytes) : -1;
      const to = cut >= 0 && cut < end ? cut + 1 : end; // the stretch ends with the object's `}`
      const stretch: unknown[] = JSON.parse(`[${bytes.toString('utf8', from, to)}]`);
      for (const m of stretch) mutations.push(m);
      if (to === end) break;
      from = to + 1; // past the comma, at the next object's `{`
    }
  } catch {
    return undefined;
  }
  return { mutations };
}
