/**
 * The KPI card's words come from the rulebook it is given: a rulebook whose sustained
 * rule follows advokasi must not be described as wanting Pelibatan Masyarakat.
 * Rendered without a DOM by expanding the component tree to its text.
 */
import type { ComponentChildren, VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { KpiCard } from '../../src/app/components/KpiCard';
import { computeKpi } from '../../src/domain/kpi';
import { defaultRulebook } from '../../src/domain/rulebook';
import { rulebookSchema, type Rulebook } from '../../src/domain/rulebook-schema';
import { makeEntry, makeLibrary } from '../domain/fixtures';

/** The text of a tree, one string per element that holds text directly. */
function textOf(node: ComponentChildren): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  const v = node as VNode<{ children?: ComponentChildren }>;
  if (typeof v.type === 'function') return textOf((v.type as (p: unknown) => ComponentChildren)(v.props));
  return `${textOf(v.props.children)}\n`;
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
