/** The clock warnings' words (src/app/clock.ts); Beranda showing them is in tests/e2e/day-turn.test.ts. */
import { describe, expect, it } from 'vitest';
import { clockBeforeApp } from '../../src/app/clock';

describe('a phone date before the app was built', () => {
  it('is called wrong, with the date the phone shows, in both languages; the build day itself and later are not', () => {
    expect(clockBeforeApp('2017-12-31', '2026-11-29', 'id')).toBe(
      'Tanggal di HP ini (31 Desember 2017) salah: lebih awal dari aplikasi ini. Betulkan tanggal dan jam di pengaturan HP; sampai itu, tanggal kegiatan dan warna KPI ikut salah.',
    );
    expect(clockBeforeApp('2026-11-28', '2026-11-29', 'en')).toContain('This phone’s date (28 November 2026) is wrong');
    expect(clockBeforeApp('2026-11-29', '2026-11-29', 'id')).toBeNull();
    expect(clockBeforeApp('2027-03-01', '2026-11-29', 'id')).toBeNull();
  });
});
