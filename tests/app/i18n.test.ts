/** The app's words (src/app/i18n.ts, sync-words.ts): English counts its nouns, Indonesian never does. */
import { describe, expect, it } from 'vitest';
import { ui } from '../../src/app/i18n';
import { syncWord } from '../../src/app/sync-words';

describe('English counts agree with their nouns', () => {
  it('in the list, the form and Pengaturan', () => {
    expect(ui('en', 'list.count', { count: '1' })).toBe('1 activity');
    expect(ui('en', 'list.count', { count: '0' })).toBe('0 activities');
    expect(ui('en', 'list.count', { count: '1,234' })).toBe('1,234 activities');
    expect(ui('en', 'list.more', { count: '1' })).toBe('Show 1 more activity');
    expect(ui('en', 'list.more', { count: '100' })).toBe('Show 100 more activities');
    expect(ui('en', 'list.participants', { count: '1' })).toBe('1 participant');
    expect(ui('en', 'list.participants', { count: '19' })).toBe('19 participants');
    expect(ui('en', 'form.errors', { count: 1 })).toBe('Check 1 field.');
    expect(ui('en', 'form.errors', { count: 3 })).toBe('Check 3 fields.');
    expect(ui('en', 'settings.entries', { count: '1', pending: '1' })).toBe('1 activity stored, 1 not sent yet');
  });

  it('on Kirim data, a second count naming its own noun', () => {
    expect(syncWord('en', 'sync.waiting', { count: '1' })).toBe('1 change waiting to be sent');
    expect(syncWord('en', 'sync.waiting', { count: '2' })).toBe('2 changes waiting to be sent');
    expect(syncWord('en', 'sync.waitingOf', { count: '3', entries: '1', activities: 'activity' })).toBe('3 changes of 1 activity waiting to be sent');
    expect(syncWord('en', 'enrol.done', { library: 'Sukamaju', count: '1' })).toBe('Phone enrolled for Sukamaju. 1 activity waiting to be sent.');
  });

  it('leaves Indonesian as it is written', () => {
    expect(ui('id', 'list.count', { count: '1' })).toBe('1 kegiatan');
    expect(ui('id', 'form.errors', { count: 1 })).toBe('Periksa 1 isian yang belum benar.');
    expect(syncWord('id', 'sync.waiting', { count: '1' })).toBe('1 perubahan menunggu dikirim');
  });
});
