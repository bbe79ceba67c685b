/**
 * Supervisor passwords: scrypt (node:crypto, off the event loop) with a random 16-byte
 * salt, stored self-describing as `scrypt$N$r$p$<salt b64>$<hash b64>` so the cost can
 * be raised later without breaking stored hashes. Compared in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** The most a stored hash may ask for (128·N·r bytes): a hand-edited row must not exhaust memory. */
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, { ...options, maxmem: MAX_MEMORY }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const STORED = /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/** True when `password` matches `stored`; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4], 'base64');
  const expected = Buffer.from(m[5], 'base64');
  // A shorter key would match a prefix of the right one: never accept less than we write.
  if (expected.length < KEY_BYTES || expected.length > 64 || salt.length < SALT_BYTES) return false;
  let key: Buffer;
  try {
    key = await derive(password, salt, expected.length, { N: n, r, p });
  } catch {
    return false; // parameters scrypt refuses (N not a power of two, too much memory)
  }
  return timingSafeEqual(key, expected);
}

/**
 * scrypt runs on libuv's thread pool (4 threads), which also reads the app's files and
 * gzips answers: a flood of logins, each costing one scrypt, once kept GET / waiting 17–34 s.
 * So at most MAX_RUNNING_CHECKS logins are checked at once and MAX_WAITING_CHECKS wait
 * their turn (a second at most); a login beyond those is not checked at all
 * (`busy`: the route answers 429), and the pool keeps threads for everything else.
 */
export const MAX_RUNNING_CHECKS = 2;
export const MAX_WAITING_CHECKS = 16;

let runningChecks = 0;
const waitingChecks: (() => void)[] = [];

export type PasswordCheck = 'right' | 'wrong' | 'busy';

/** verifyPassword in its turn among the logins being checked, or `busy` at once (no scrypt) when too many wait. */
export async function checkPassword(password: string, stored: string): Promise<PasswordCheck> {
  if (runningChecks < MAX_RUNNING_CHECKS) runningChecks++;
  else if (waitingChecks.length < MAX_WAITING_CHECKS) await new Promise<void>((resolve) => waitingChecks.push(resolve));
  else return 'busy';
  try {
    return (await verifyPassword(password, stored)) ? 'right' : 'wrong';
  } finally {
    // The turn passes straight to the next login waiting, if any: it stays counted as running.
    const next = waitingChecks.shift();
    if (next) next();
    else runningChecks--;
  }
}

/**
 * A hash no password is known for, made once with the same cost. A login with an
 * unknown name is checked against it, so the answer takes as long as for a real name
 * and timing does not tell which names exist.
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
