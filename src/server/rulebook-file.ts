/**
 * Reads a rulebook document for `rulebook publish`: the file, its JSON, then
 * `rulebookSchema` — the same validation the phones apply to what they are sent. Each
 * failure is a message for the admin, with every problem's field path.
 */
import { readFile } from 'node:fs/promises';
import { parseWithMessages, rulebookSchema, type Rulebook } from '../domain';

export async function readRulebookFile(path: string): Promise<{ ok: true; rulebook: Rulebook } | { ok: false; error: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, error: `cannot read ${path}: ${(e as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${path} is not valid JSON: ${(e as Error).message}` };
  }
  const parsed = parseRulebook(value);
  if (!parsed.ok) return { ok: false, error: [`${path} is not a valid rulebook:`, ...parsed.problems.map((l) => `  ${l}`)].join('\n') };
  return parsed;
}

/**
 * A rulebook document checked with `rulebookSchema`, its problems in words for an operator,
 * one per field, each naming the field by its path: "green.threshold must be at most 100",
 * "components: Component weights must add up to 100". (The entry form's labels would call a
 * rulebook's `title` "Activity title".)
 */
export function parseRulebook(value: unknown): { ok: true; rulebook: Rulebook } | { ok: false; problems: string[] } {
  const parsed = parseWithMessages(rulebookSchema, value, 'en', 'paths');
  if (parsed.ok) return { ok: true, rulebook: parsed.value };
  // Worded with a label, the path opens the sentence ("title is required") or ends it
  // ("Unknown choice for strategy"); a rule's own sentence names no field: the path goes in front.
  const names = (e: { path: string; message: string }) => e.message.startsWith(`${e.path} `) || e.message.endsWith(` ${e.path}`);
  const problems = parsed.errors.map((e) => (e.path === '' || names(e) ? e.message : `${e.path}: ${e.message}`));
  return { ok: false, problems };
}
