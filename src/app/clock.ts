/**
 * A phone whose clock is wrong dates new entries and colours the card by another day. The
 * sync records how far it is from the server's (`clockOffsetMs`); past CLOCK_TOLERANCE_MS
 * the app says so, in days or hours.
 */
import type { Lang } from '../domain';
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
