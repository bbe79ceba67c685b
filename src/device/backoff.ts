/**
 * Full-jitter exponential backoff (1 s → 15 min cap, no attempt cap), and reading
 * `Retry-After` (seconds or an HTTP date).
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 15 * 60_000;

/**
 * The wait before attempt `failures + 1`: uniformly random in [0, min(cap, base·2^(failures−1))],
 * never less than the server's `Retry-After`. `failures` counts the failed attempts in a row (≥ 1).
 */
export function backoffDelay(failures: number, random: () => number, retryAfterMs: number | null = null): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  const jittered = Math.floor(random() * exp);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** `Retry-After` in milliseconds from `now`, or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, 24 * 3600_000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.min(at - now.getTime(), 24 * 3600_000));
}
