/**
 * The form's "Jenis kegiatan" for an entry whose type the current rulebook no longer has
 * (a later rulebook dropped it): opened in "Ubah", the type stays chosen and marked, with
 * the reason beside the field, instead of "— Pilih —" and no word. Rendered without a DOM by
 * expanding the component tree.
 */
import type { ComponentChildren, VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { EntryFields } from '../../src/app/components/EntryFields';
import { valuesOf } from '../../src/app/entry-values';
import { entrySchemaFor, type ActivityEntry } from '../../src/domain/entry';
import type { Lang } from '../../src/domain/format';
import { activityTypesOf, defaultRulebook } from '../../src/domain/rulebook';
import { rulebookSchema } from '../../src/domain/rulebook-schema';
import { makeEntry } from '../domain/fixtures';

interface Element {
  type: string;
  props: Record<string, unknown>;
  children: Node[];
}
type Node = Element | string;

/** The tree with every component expanded to the elements it renders. */
function expand(node: ComponentChildren): Node[] {
  if (node === null || node === undefined || typeof node === 'boolean') return [];
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return [String(node)];
  if (Array.isArray(node)) return node.flatMap(expand);
  const v = node as VNode<{ children?: ComponentChildren }>;
  if (typeof v.type === 'function') return expand((v.type as (p: unknown) => ComponentChildren)(v.props));
  return [{ type: String(v.type), props: v.props, children: expand(v.props.children) }];
}

function find(nodes: Node[], test: (e: Element) => boolean): Element | undefined {
  for (const n of nodes) {
    if (typeof n === 'string') continue;
    if (test(n)) return n;
    const found = find(n.children, test);
    if (found) return found;
  }
  return undefined;
}

const text = (nodes: Node[]): string => nodes.map((n) => (typeof n === 'string' ? n : text(n.children))).join('');

const copy = structuredClone(defaultRulebook);
copy.id = 'uji-tanpa-lomba';
copy.strategies.pelibatan.activityTypes = copy.strategies.pelibatan.activityTypes.filter((x) => x.code !== 'lomba');
const withoutLomba = rulebookSchema.parse(copy);
const lomba = entrySchemaFor({ today: '2025-06-30', activityTypes: activityTypesOf(defaultRulebook) }).parse(
  makeEntry('pelibatan', '2025-06-02', { activityType: 'lomba', title: 'Lomba baca puisi' }),
) as ActivityEntry;

function typeField(entry: ActivityEntry, lang: Lang, rulebook = withoutLomba, errors: Record<string, string> = {}) {
  const tree = expand(
    <EntryFields lang={lang} rulebook={rulebook} values={valuesOf(entry)} errors={errors} today="2025-06-30" onChange={() => {}} onPickPhotos={() => {}} />,
  );
  const select = find(tree, (e) => e.type === 'select' && e.props.id === 'f-activityType')!;
  const chosen = find(select.children, (e) => e.type === 'option' && e.props.value === select.props.value);
  const field = find(tree, (e) => e.type === 'div' && find(e.children, (c) => c === select) !== undefined && String(e.props.class).startsWith('field'))!;
  const message = find(field.children, (e) => e.props.id === 'f-activityType-error');
  return { value: select.props.value, chosen: chosen && text(chosen.children), message: message && text(message.children), invalid: select.props['aria-invalid'] };
}

describe('Jenis kegiatan of an entry whose type the rulebook dropped', () => {
  it('shows the type chosen, marked, with the reason beside it', () => {
    expect(typeField(lomba, 'id')).toEqual({
      value: 'lomba',
      chosen: 'lomba (tidak ada lagi dalam aturan KPI)',
      message: '⚠ Jenis kegiatan ini tidak ada lagi dalam aturan KPI yang berlaku; pilih jenis lain',
      invalid: 'true',
    });
    expect(typeField(lomba, 'en')).toMatchObject({
      chosen: 'Competition (no longer in the KPI rules)',
      message: '⚠ This activity type is no longer in the current KPI rules; choose another type',
    });
  });

  it("shows the save's message rather than its own when there is one", () => {
    expect(typeField(lomba, 'id', withoutLomba, { activityType: 'Jenis kegiatan wajib diisi' }).message).toBe('⚠ Jenis kegiatan wajib diisi');
  });

  it('says nothing of the kind under a rulebook that has the type', () => {
    expect(typeField(lomba, 'id', defaultRulebook)).toEqual({ value: 'lomba', chosen: 'lomba', message: undefined, invalid: undefined });
  });
});
