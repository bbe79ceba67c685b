/**
 * The default KPI rulebook, `perkiraan-2025.1`: OUR estimate (DOMAIN.md), not the
 * official SIM TPBIS formula, which is not public. Data, validated at load.
 */
import { rulebookSchema, type Rulebook } from './rulebook-schema';
import { perStrategy, type PerStrategy } from './strategies';

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
        t('penambahan_koleksi', 'Penambahan koleksi', 'New collection items'),
        t('layanan_tik', 'Layanan TIK/internet', 'ICT/internet service'),
        t('layanan_keliling', 'Layanan keliling/pojok baca', 'Mobile service/reading corner'),
        t('jam_layanan', 'Perpanjangan jam layanan', 'Longer opening hours'),
        t('pendaftaran_anggota', 'Pendaftaran anggota', 'Member registration'),
        t('lainnya', 'Lainnya', 'Other'),
      ],
    },
    pelibatan: {
      activityTypes: [
        t('pelatihan_keterampilan', 'Pelatihan keterampilan', 'Skills training'),
        t('kelas_literasi', 'Kelas/bimbingan literasi', 'Literacy class/tutoring'),
        t('lomba', 'Lomba', 'Competition'),
        t('diskusi_buku', 'Diskusi/bedah buku', 'Book discussion/review'),
        t('pameran_produk', 'Pameran/bazar produk', 'Product exhibition/bazaar'),
        t('sosialisasi', 'Sosialisasi', 'Public information session'),
        t('lainnya', 'Lainnya', 'Other'),
      ],
    },
    advokasi: {
      activityTypes: [
        t('audiensi_kepala_desa', 'Audiensi dengan kepala desa', 'Hearing with the village head'),
        t('musyawarah_desa', 'Musyawarah desa/musrenbang', 'Village deliberation/musrenbang'),
        t('kerja_sama', 'Penandatanganan MoU/kerja sama', 'MoU/partnership signing'),
        t('usulan_anggaran', 'Usulan anggaran APBDes', 'Village budget (APBDes) proposal'),
        t('rapat_koordinasi', 'Rapat koordinasi pemangku kepentingan', 'Stakeholder coordination meeting'),
        t('lainnya', 'Lainnya', 'Other'),
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
