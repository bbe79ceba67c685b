/**
 * The KPI card's words come from the rulebook it is given: a rulebook whose sustained
 * rule follows advokasi must not be described as wanting Pelibatan Masyarakat. It names
 * the rulebook by its title, says what the estimate means, gives the exact score where
 * rounding shows green's threshold on a lower colour, and says when a new rulebook
 * changed the colour. Rendered without a DOM by expanding the component tree to its text.
 */
import type { ComponentChildren, VNode } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { KpiCard } from '../../src/app/components/KpiCard';
import { RulebookChangeCtx, type RulebookChange } from '../../src/app/components/RulebookChange';
import { computeKpi } from '../../src/domain/kpi';
import { defaultRulebook } from '../../src/domain/rulebook';
import { rulebookSchema, type Rulebook } from '../../src/domain/rulebook-schema';
import { makeEntry, makeLibrary } from '../domain/fixtures';

type Component = ((p: unknown, context?: unknown) => ComponentChildren) & { contextType?: unknown };

/** The tree with its components expanded; `change` is what App.tsx would provide to the card. */
function expand(node: ComponentChildren, change: RulebookChange | null): ComponentChildren {
  if (node === null || node === undefined || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => expand(n, change));
  const v = node as VNode<{ children?: ComponentChildren }>;
  if (typeof v.type === 'function') {
    const type = v.type as Component;
    return expand(type(v.props, type.contextType === RulebookChangeCtx ? change : undefined), change);
  }
  return { ...v, props: { ...v.props, children: expand(v.props.children, change) } } as VNode;
}

/** The text of a tree, one string per element that holds text directly. */
function textOf(node: ComponentChildren, change: RulebookChange | null = null): string {
  const walk = (n: ComponentChildren): string => {
    if (n === null || n === undefined || typeof n === 'boolean') return '';
    if (typeof n === 'string' || typeof n === 'number' || typeof n === 'bigint') return String(n);
    if (Array.isArray(n)) return n.map(walk).join('');
    return `${walk((n as VNode<{ children?: ComponentChildren }>).props.children)}\n`;
  };
  return walk(expand(node, change));
}

/** The buttons of a tree, by their text. */
function buttonsOf(node: ComponentChildren, change: RulebookChange | null): Map<string, () => void> {
  const found = new Map<string, () => void>();
  const walk = (n: ComponentChildren): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    const v = n as VNode<{ children?: ComponentChildren; onClick?: () => void }>;
    if (v.type === 'button') found.set(textOf(v.props.children).trim(), v.props.onClick!);
    walk(v.props.children);
  };
  walk(expand(node, change));
  return found;
}

function advokasiRulebook(): Rulebook {
  const copy = structuredClone(defaultRulebook);
  copy.id = 'uji-advokasi';
  copy.green.sustained.strategy = 'advokasi';
  return rulebookSchema.parse(copy);
}

const library = makeLibrary();
// June: advokasi in January to March and in June, none in April and May, so green under the
// advokasi rule is two months away; pelibatan only in June, so under the default rule it is lost.
const june = new Date('2025-06-16T03:00:00Z');
const entries = [
  makeEntry('pelibatan', '2025-06-02'),
  makeEntry('advokasi', '2025-01-02'),
  makeEntry('advokasi', '2025-02-02'),
  makeEntry('advokasi', '2025-03-02'),
  makeEntry('advokasi', '2025-06-02'),
  makeEntry('layanan', '2025-06-02'),
];

describe('the KPI card names the rulebook\'s sustained strategy', () => {
  it('says Advokasi, never Pelibatan Masyarakat, for the months the green rule counts', () => {
    const rulebook = advokasiRulebook();
    const kpi = computeKpi(entries, library, rulebook, june);
    const text = textOf(<KpiCard kpi={kpi} lang="id" rulebook={rulebook} />);
    expect(text).toContain('Bulan dengan kegiatan Advokasi: 4 dari 5 yang diperlukan');
    // ceil(0.75 m′) ≤ 4 + (m′ − 6) first holds in August (6 ≥ 6).
    expect(text).toContain(
      'Hijau bisa dicapai mulai Agustus bila setiap bulan ada kegiatan Advokasi (sekarang 4 bulan, perlu 6 bulan pada Agustus).',
    );
    expect(text).not.toMatch(/kegiatan Pelibatan Masyarakat \(sekarang|Bulan dengan kegiatan Pelibatan/);
    expect(text).toContain('Perkiraan KPI — bukan skor resmi SIM TPBIS');
  });

  it('keeps the default wording for the default rulebook, in English too', () => {
    const kpi = computeKpi(entries, library, defaultRulebook, june);
    const text = textOf(<KpiCard kpi={kpi} lang="en" rulebook={defaultRulebook} />);
    expect(text).toContain('Months with Community Engagement activities: 1 of the 5 needed');
    expect(text).toContain('Green cannot be reached this year: Community Engagement activities were logged in 1 month, and 5 are needed.');
  });
});

describe('the KPI card says when entries do not count for their activity type', () => {
  // A later rulebook without lomba: two lomba entries of this year stop counting.
  const withoutLomba = structuredClone(defaultRulebook);
  withoutLomba.id = 'uji-tanpa-lomba';
  withoutLomba.strategies.pelibatan.activityTypes = withoutLomba.strategies.pelibatan.activityTypes.filter((x) => x.code !== 'lomba');
  const rulebook = rulebookSchema.parse(withoutLomba);
  const lomba = [makeEntry('pelibatan', '2025-05-02', { activityType: 'lomba' }), makeEntry('pelibatan', '2025-06-03', { activityType: 'lomba' })];

  it('in one line, in Indonesian and English', () => {
    const kpi = computeKpi([...entries, ...lomba], library, rulebook, june);
    expect(textOf(<KpiCard kpi={kpi} lang="id" rulebook={rulebook} />)).toContain(
      '2 kegiatan tidak dihitung karena jenis kegiatannya tidak ada lagi dalam aturan KPI — ubah jenisnya di Daftar kegiatan.',
    );
    expect(textOf(<KpiCard kpi={kpi} lang="en" rulebook={rulebook} />)).toContain(
      'Not counted: 2 activities whose activity type is no longer in the KPI rules — change the type in Activities.',
    );
    const one = computeKpi([...entries, lomba[0]], library, rulebook, june);
    expect(textOf(<KpiCard kpi={one} lang="en" rulebook={rulebook} />)).toContain('Not counted: 1 activity whose');
  });

  it('and says nothing of it when every entry counts', () => {
    const kpi = computeKpi([...entries, ...lomba], library, defaultRulebook, june);
    expect(textOf(<KpiCard kpi={kpi} lang="id" rulebook={defaultRulebook} />)).not.toContain('tidak dihitung');
  });
});

describe('the KPI card names its rulebook and says what the estimate means', () => {
  const kpi = computeKpi(entries, library, defaultRulebook, june);

  it('by the rulebook\'s title, its id small beside it for whoever helps, in both languages', () => {
    const id = textOf(<KpiCard kpi={kpi} lang="id" rulebook={defaultRulebook} />);
    expect(id).toContain('Aturan: Perkiraan KPI 2025 (bukan rumus resmi SIM TPBIS)\n');
    expect(id).toContain('· kode aturan perkiraan-2025.1\n');
    // Never the id as if it were the rulebook's name.
    expect(id).not.toContain('Aturan perkiraan-2025.1');
    const en = textOf(<KpiCard kpi={kpi} lang="en" rulebook={defaultRulebook} />);
    expect(en).toContain('Rulebook: KPI estimate 2025 (not the official SIM TPBIS formula)\n');
    expect(en).toContain('· rulebook code perkiraan-2025.1\n');
  });

  it('and, under "Apa artinya?", that the official formula is not public and the year to date counts', () => {
    const text = textOf(<KpiCard kpi={kpi} lang="id" rulebook={defaultRulebook} />);
    expect(text).toContain('Apa artinya?\n');
    expect(text).toContain('Rumus resmi SIM TPBIS tidak dipublikasikan.');
    expect(text).toContain('bisa berbeda dari skor resmi.');
    expect(text).toContain('(sejak 1 Januari)');
    expect(textOf(<KpiCard kpi={kpi} lang="en" rulebook={defaultRulebook} />)).toContain('The official SIM TPBIS formula is not public.');
  });

  it('says grey is "no activity logged this year", not "never reported"', () => {
    const grey = computeKpi([makeEntry('pelibatan', '2024-12-30')], library, defaultRulebook, new Date('2025-01-01T03:00:00Z'));
    expect(grey.colour).toBe('abu-abu');
    const text = textOf(<KpiCard kpi={grey} lang="id" rulebook={defaultRulebook} />);
    expect(text).toContain('Abu-abu\n (belum mengisi)');
    expect(text).toContain('Belum ada kegiatan tercatat tahun ini.');
    expect(text).not.toContain('sama sekali');
  });
});

describe('the KPI card gives the exact score where rounding shows green\'s threshold on a lower colour', () => {
  const base = computeKpi(entries, library, defaultRulebook, june);
  const card = (score: number, colour: typeof base.colour = 'kuning', lang: 'id' | 'en' = 'id') =>
    textOf(<KpiCard kpi={{ ...base, colour, score }} lang={lang} rulebook={defaultRulebook} />);

  it('84.58 yellow: "Skor 85 dari 100", then that it is 84,6 rounded and green needs 85', () => {
    const text = card(84.58);
    expect(text).toContain('Skor 85 dari 100\n');
    expect(text).toContain('Skor 85 dibulatkan dari 84,6; Hijau perlu paling sedikit 85.\n');
    expect(card(84.58, 'kuning', 'en')).toContain('Score 85 is 84.6 rounded; Green needs at least 85.\n');
  });

  it('never shows the exact value at the threshold itself: 84.96 is 84,9', () => {
    expect(card(84.96)).toContain('dibulatkan dari 84,9;');
    expect(card(84.99999)).toContain('dibulatkan dari 84,9;');
  });

  it('on red too (a strategy missing), and says nothing where rounding does not reach the threshold, nor on green', () => {
    expect(card(84.7, 'merah')).toContain('Skor 85 dibulatkan dari 84,7;');
    expect(card(84.49)).not.toContain('dibulatkan');
    expect(card(85, 'hijau')).not.toContain('dibulatkan');
    // 85 in exact arithmetic, short of it in floating point: counts as 85 (DOMAIN.md), nothing to explain.
    expect(card(84.99999999999999)).not.toContain('dibulatkan');
  });
});

describe('the KPI card says when a new rulebook changed the colour', () => {
  // The 2026 rulebook asks 90 for green: the same entries, green under 2025's, are yellow under it.
  const stricter = structuredClone(defaultRulebook);
  stricter.id = 'perkiraan-2026.2';
  stricter.title = { id: 'Perkiraan KPI 2026', en: 'KPI estimate 2026' };
  stricter.green.threshold = 90;
  const rulebook2026 = rulebookSchema.parse(stricter);
  const kpi = { ...computeKpi(entries, library, rulebook2026, june), colour: 'kuning' as const, score: 87 };
  const change = (from: RulebookChange['from'], before: Rulebook = defaultRulebook): RulebookChange => ({ before, from, seen: vi.fn() });

  it('from which colour to which, and that the rules did it, not the activities', () => {
    const text = textOf(<KpiCard kpi={kpi} lang="id" rulebook={rulebook2026} />, change('hijau'));
    expect(text).toContain('Aturan perkiraan KPI diperbarui: warna berubah dari Hijau ke Kuning karena aturannya, bukan karena kegiatan Anda.\n');
    expect(textOf(<KpiCard kpi={kpi} lang="en" rulebook={rulebook2026} />, change('hijau'))).toContain(
      'The KPI estimate rules were updated: the colour changed from Green to Yellow because of the rules, not your activities.\n',
    );
    expect(text).toContain('Aturan: Perkiraan KPI 2026\n');
  });

  it('until "Mengerti" is tapped, which remembers the new rulebook as seen', () => {
    const seen = change('hijau');
    const buttons = buttonsOf(<KpiCard kpi={kpi} lang="id" rulebook={rulebook2026} />, seen);
    expect([...buttons.keys()]).toEqual(['Mengerti']);
    buttons.get('Mengerti')!();
    expect(seen.seen).toHaveBeenCalledOnce();
  });

  it('and nothing when the colour is the same, when the rulebook seen is the one in use, or before the app provides it', () => {
    const said = (c: RulebookChange | null) => textOf(<KpiCard kpi={kpi} lang="id" rulebook={rulebook2026} />, c).includes('Aturan perkiraan KPI diperbarui');
    expect(said(change('kuning'))).toBe(false);
    expect(said(change('hijau', rulebook2026))).toBe(false);
    expect(said(null)).toBe(false);
    expect(buttonsOf(<KpiCard kpi={kpi} lang="id" rulebook={rulebook2026} />, null).size).toBe(0);
  });
});
