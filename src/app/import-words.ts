/** What a backup restore says, in Pengaturan and on the first screen alike. */
import type { ImportResult } from '../device';
import { formatNumber, type Lang } from '../domain';
import { ui } from './i18n';

/** `to`: the name of the phone's library the entries now count for. */
export function importNotice(result: ImportResult, lang: Lang, to: string): string {
  const u = (key: Parameters<typeof ui>[1], params?: Record<string, string | number>) => ui(lang, key, params);
  if (result.ok) {
    const counts = u('settings.imported', { added: result.added, updated: result.updated, unchanged: result.unchanged });
    if (result.movedFrom === null) return counts;
    return `${counts} ${result.movedFrom === '' ? u('settings.importMovedUnnamed', { to }) : u('settings.importMoved', { from: result.movedFrom, to })}`;
  }
  switch (result.error) {
    case 'notJson':
      return u('settings.importNotJson');
    case 'notBackup':
      return u('settings.importNotBackup');
    case 'noProfile':
      return u('firstRun.restoreNoProfile');
    case 'otherLibrary':
      return result.details.join(' ');
    case 'confirmMove':
      return u('settings.importAskMove', { from: result.from || u('settings.otherLibrary'), to, count: formatNumber(result.count, lang) });
    default:
      return `${u('settings.importInvalid')} ${result.details.join('; ')}`;
  }
}
