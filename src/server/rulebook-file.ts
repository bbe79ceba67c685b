/**
 * Reads a rulebook document for `rulebook publish`: the file, its JSON, then
 * `rulebookSchema` — the same validation the phones apply to what they are sent. Each
 * failure is a message for the admin, with every problem's field path.
 */
import { readFile } from 'node:fs/promises';
import { parseWithMessages, rulebookSchema, type FieldError, type Rulebook } from '../domain';

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
  const parsed = parseWithMessages(rulebookSchema, value, 'en');
  if (!parsed.ok) return { ok: false, error: [`${path} is not a valid rulebook:`, ...rulebookProblems(parsed.errors).map((l) => `  ${l}`)].join('\n') };
  return { ok: true, rulebook: parsed.value };
}

/** A rulebook's problems for an operator, one per field: `green.threshold: …`. */
export function rulebookProblems(errors: readonly FieldError[]): string[] {
  return errors.map((e) => `${e.path === '' ? '(the document)' : e.path}: ${e.message}`);
}
