/** Synthetic entries for the benchmarks: valid, spread over the year's months, a third documented. */
import type { ActivityEntryInput } from '../src/domain/entry';

const STRATEGY_MIX = ['pelibatan', 'pelibatan', 'pelibatan', 'pelibatan', 'advokasi', 'layanan'] as const;
const TYPE = { pelibatan: 'kelas_literasi', advokasi: 'musyawarah_desa', layanan: 'layanan_tik' } as const;

export function makeEntries(n: number, libraryId: string, year: string, months: number): ActivityEntryInput[] {
  return Array.from({ length: n }, (_, i) => {
    const strategy = STRATEGY_MIX[i % STRATEGY_MIX.length];
    const month = String(1 + (i % months)).padStart(2, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    return {
      id: `0190a1b2-c3d4-7e5f-8a6b-${i.toString(16).padStart(12, '0')}`,
      libraryId,
      strategy,
      activityType: TYPE[strategy],
      title: `Kegiatan nomor ${i}`,
      date: `${year}-${month}-${day}`,
      participantsMale: 7,
      participantsFemale: 12,
      successStory: i % 3 === 0 ? 'Peserta mulai berjualan kerajinan di pasar desa.' : undefined,
      createdAt: `${year}-${month}-${day}T03:00:00.000Z`,
      updatedAt: `${year}-${month}-${day}T03:00:00.000Z`,
      deleted: false,
    };
  });
}
