/** Builders for domain tests: a library and valid entries, overridable field by field. */
import type { ActivityEntryInput } from '../../src/domain/entry';
import type { Library } from '../../src/domain/library';
import type { Timezone } from '../../src/domain/calendar';
import type { Strategy } from '../../src/domain/strategies';

export function makeLibrary(timezone: Timezone = 'Asia/Jakarta', id = 'perpus-sukamaju'): Library {
  return {
    id,
    name: 'Perpustakaan Desa Sukamaju',
    village: 'Sukamaju',
    district: 'Pacet',
    regency: 'Mojokerto',
    province: 'Jawa Timur',
    timezone,
  };
}

const TYPE: Record<Strategy, string> = {
  pelibatan: 'kelas_literasi',
  advokasi: 'musyawarah_desa',
  layanan: 'penambahan_koleksi',
};

let counter = 0;

/** A fresh UUIDv7-shaped id, distinct for every call. */
export function nextId(): string {
  counter++;
  return `0190a1b2-c3d4-7e5f-8a6b-${counter.toString(16).padStart(12, '0')}`;
}

export function makeEntry(
  strategy: Strategy,
  date: string,
  overrides: Partial<ActivityEntryInput> & { documented?: boolean } = {},
): ActivityEntryInput {
  const { documented, ...rest } = overrides;
  return {
    id: nextId(),
    libraryId: 'perpus-sukamaju',
    strategy,
    activityType: TYPE[strategy],
    title: `Kegiatan ${strategy} ${date}`,
    date,
    participantsMale: 5,
    participantsFemale: 8,
    ...(documented ? { testimony: 'Saya jadi bisa membuat keripik dan menjualnya.' } : {}),
    createdAt: `${date}T02:00:00.000Z`,
    updatedAt: `${date}T02:00:00.000Z`,
    deleted: false,
    ...rest,
  };
}

/** `n` entries of one strategy on one date. */
export function many(n: number, strategy: Strategy, date: string, documented = false): ActivityEntryInput[] {
  return Array.from({ length: n }, () => makeEntry(strategy, date, { documented }));
}
