/** The monitoring screens' words (src/app/monitor/words.ts): English counts its nouns, Indonesian never does. */
import { describe, expect, it } from 'vitest';
import { loginErrorText } from '../../src/app/monitor/LoginForm';
import { mw } from '../../src/app/monitor/words';

describe('mw', () => {
  it('says "1 library" and "2 libraries", "1 activity" and "3 activities" in English', () => {
    expect(mw('en', 'summary.libraries', { count: '1' })).toBe('1 library');
    expect(mw('en', 'summary.libraries', { count: '2' })).toBe('2 libraries');
    expect(mw('en', 'summary.colourCount', { count: '1', share: '50' })).toBe('1 library · 50%');
    expect(mw('en', 'summary.entryCount', { count: '1' })).toBe('1 activity');
    expect(mw('en', 'summary.entryCount', { count: '1,234' })).toBe('1,234 activities');
    expect(mw('en', 'summary.staleCount', { count: '1' })).toMatch(/^1 library has not sent data/);
    expect(mw('en', 'summary.staleCount', { count: '0' })).toMatch(/^0 libraries have not sent data/);
    expect(mw('en', 'list.searchFor', { q: 'Suka', count: '1' })).toBe('Results for "Suka": 1 library');
  });

  it('leaves Indonesian as it is written', () => {
    expect(mw('id', 'summary.libraries', { count: '1' })).toBe('1 perpustakaan');
    expect(mw('id', 'summary.entryCount', { count: '2' })).toBe('2 kegiatan');
  });

  it('names the kabupaten in the place column header when the list spans several', () => {
    expect(mw('id', 'col.placeWithRegency')).toBe('Desa, kecamatan, kabupaten/kota');
    expect(mw('id', 'col.place')).toBe('Desa, kecamatan');
  });
});

describe('loginErrorText', () => {
  const refused = (retryAfterMs: number | null) => ({ kind: 'status' as const, status: 429, code: 'rate_limited' as const, retryAfterMs });
  it('a lock names its minutes; a login refused unchecked because many wait is told to try again in seconds', () => {
    expect(loginErrorText(refused(14 * 60_000 + 1), 'id')).toBe('Terlalu banyak percobaan. Coba lagi dalam 15 menit.');
    expect(loginErrorText(refused(5_000), 'id')).toBe('Server sedang sibuk memeriksa kata sandi. Coba lagi beberapa detik lagi.');
    expect(loginErrorText(refused(5_000), 'en')).toBe('The server is busy checking passwords. Try again in a few seconds.');
  });
});
