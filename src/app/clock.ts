/**
 * A phone whose clock is wrong dates new entries and colours the card by another day. The
 * sync records how far it is from the server's (`clockOffsetMs`); past CLOCK_TOLERANCE_MS
 * the app says so, in days or hours. A date before the app's own build needs no sync to be
 * known wrong (`clockBeforeApp`).
 */
import { formatDate, type Lang } from '../domain';
import { ui } from './i18n';

export const CLOCK_TOLERANCE_MS = 60 * 60_000;

export function clockWarning(offsetMs: number | undefined, lang: Lang): string | null {
  if (offsetMs === undefined || !Number.isFinite(offsetMs) || Math.abs(offsetMs) < CLOCK_TOLERANCE_MS) return null;
  const hours = Math.round(Math.abs(offsetMs) / 3_600_000);
  const days = Math.round(hours / 24);
  // English counts one apart ("1 day"); Indonesian does not ("1 hari").
  const amount = hours >= 24 ? ui(lang, days === 1 ? 'clock.day' : 'clock.days', { count: days }) : ui(lang, hours === 1 ? 'clock.hour' : 'clock.hours', { count: hours });
  return ui(lang, 'clock.wrong', { amount });
}

/**
 * A cheap phone whose battery ran flat comes back in a past year, and with no signal it gets
 * no network time. Its "today" is then before the app it runs was built: certainly wrong; new
 * entries get wrong dates, and before 2018 every save is refused ("tidak boleh sebelum 1
 * Januari 2018", any real date "di masa depan"). The app says why, offline and before any enrolment. `today` is the library's
 * date; `builtOn` the build's UTC date (every Indonesian zone is ahead of UTC, so a right
 * clock's library date is never before it).
 */
export function clockBeforeApp(today: string, builtOn: string, lang: Lang): string | null {
  return today < builtOn ? ui(lang, 'clock.beforeApp', { today: formatDate(today, lang) }) : null;
}
