/**
 * The default KPI rulebook, `perkiraan-2025.1`: OUR estimate (DOMAIN.md), not the
 * official SIM TPBIS formula, which is not public. Data, validated at load.
 */
import { rulebookSchema, type Rulebook } from './rulebook-schema';
import { activityTypeRefusal } from './entry';
import type { Lang } from './format';
import { t as message } from './messages';
import { perStrategy, STRATEGIES, type PerStrategy, type Strategy } from './strategies';

// The Indonesian labels are DOMAIN.md's, letter for letter (lower case, as there).
const t = (code: string, id: string, en: string) => ({ code, label: { id, en } });

export const defaultRulebook: Rulebook = rulebookSchema.parse({
  id: 'perkiraan-2025.1',
  title: {
    id: 'Perkiraan KPI 2025 (bukan rumus resmi SIM TPBIS)',
    en: 'KPI estimate 2025 (not the official SIM TPBIS formula)',
  },
  strategies: {
    layanan: {
      activityTypes: [
        t('penambahan_koleksi', 'penambahan koleksi', 'New collection items'),
        t('layanan_tik', 'layanan TIK/internet', 'ICT/internet service'),
        t('layanan_keliling', 'layanan keliling/pojok baca', 'Mobile service/reading corner'),
        t('jam_layanan', 'perpanjangan jam layanan', 'Longer opening hours'),
        t('pendaftaran_anggota', 'pendaftaran anggota', 'Member registration'),
        t('lainnya', 'lainnya', 'Other'),
      ],
    },
    pelibatan: {
      activityTypes: [
        t('pelatihan_keterampilan', 'pelatihan keterampilan', 'Skills training'),
        t('kelas_literasi', 'kelas/bimbingan literasi', 'Literacy class/tutoring'),
        t('lomba', 'lomba', 'Competition'),
        t('diskusi_buku', 'diskusi/bedah buku', 'Book discussion/review'),
        t('pameran_produk', 'pameran/bazar produk', 'Product exhibition/bazaar'),
        t('sosialisasi', 'sosialisasi', 'Public information session'),
        t('lainnya', 'lainnya', 'Other'),
      ],
    },
    advokasi: {
      activityTypes: [
        t('audiensi_kepala_desa', 'audiensi dengan kepala desa', 'Hearing with the village head'),
        t('musyawarah_desa', 'musyawarah desa/musrenbang', 'Village deliberation/musrenbang'),
        t('kerja_sama', 'penandatanganan MoU/kerja sama', 'MoU/partnership signing'),
        t('usulan_anggaran', 'usulan anggaran APBDes', 'Village budget (APBDes) proposal'),
        t('rapat_koordinasi', 'rapat koordinasi pemangku kepentingan', 'Stakeholder coordination meeting'),
        t('lainnya', 'lainnya', 'Other'),
      ],
    },
  },
  components: [
    {
      key: 'pelibatan',
      weight: 45,
      indicator: { kind: 'count', strategy: 'pelibatan', target: { perMonth: 3 } },
    },
    {
      key: 'advokasi',
      weight: 20,
      indicator: { kind: 'count', strategy: 'advokasi', target: { perMonth: 1 } },
    },
    {
      key: 'layanan',
      weight: 15,
      indicator: { kind: 'count', strategy: 'layanan', target: { everyMonths: 3 } },
    },
    {
      key: 'dokumentasi',
      weight: 20,
      indicator: { kind: 'documentedShare', targetShare: 0.8 },
    },
  ],
  green: {
    threshold: 85,
    tolerance: 1e-9,
    sustained: { strategy: 'pelibatan', shareOfMonths: 0.75 },
  },
});

/** Each strategy's activity-type codes, the shape `entrySchemaFor` takes. */
export function activityTypesOf(rulebook: Rulebook): PerStrategy<string[]> {
  return perStrategy((s) => rulebook.strategies[s].activityTypes.map((t) => t.code));
}

/**
 * An activity type's label in `lang`. One the rulebook no longer lists for that strategy (a
 * later rulebook dropped it; its entries stay) keeps a human name: the rulebook's under
 * another strategy, else the default rulebook's, and only then its code, spaced ("baca bersama").
 */
export function activityTypeLabel(rulebook: Rulebook, strategy: Strategy, code: string, lang: Lang): string {
  for (const r of [rulebook, defaultRulebook]) {
    for (const s of [strategy, ...STRATEGIES]) {
      const found = r.strategies[s]?.activityTypes.find((x) => x.code === code);
      if (found) return found.label[lang];
    }
  }
  return code.replace(/_/g, ' ');
}

/**
 * The label of a chosen type (the form's option, the list's row): marked "(tidak ada lagi dalam
 * aturan KPI)" when the rulebook has it under no strategy, so that the librarian sees why an
 * entry of hers does not count and changes its type.
 */
export function activityTypeChoiceLabel(rulebook: Rulebook, strategy: Strategy, code: string, lang: Lang): string {
  const label = activityTypeLabel(rulebook, strategy, code, lang);
  const refusal = activityTypeRefusal(activityTypesOf(rulebook), strategy, code);
  return refusal === 'activityTypeWithdrawn' ? message(lang, 'activityType.withdrawn', { label }) : label;
}
