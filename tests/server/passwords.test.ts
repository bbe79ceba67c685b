/** Supervisor password hashing (src/server/passwords.ts). */
import { describe, expect, it } from 'vitest';
import { dummyHash, hashPassword, verifyPassword } from '../../src/server/passwords';

describe('passwords', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 32-byte hash, never the password', async () => {
    const stored = await hashPassword('rahasia123');
    const m = /^scrypt\$16384\$8\$1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1], 'base64')).toHaveLength(16);
    expect(Buffer.from(m![2], 'base64')).toHaveLength(32);
    expect(stored).not.toContain('rahasia123');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('rahasia123');
    expect(await verifyPassword('rahasia123', stored)).toBe(true);
    expect(await verifyPassword('rahasia124', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('rahasia123'), hashPassword('rahasia123')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('rahasia123', b)).toBe(true);
  });

  it('compares Unicode passwords in one normal form', async () => {
    const stored = await hashPassword('kat\u0061\u0301 sandi');
    expect(await verifyPassword('kat\u00e1 sandi', stored)).toBe(true);
  });

  it('answers false, never throws, for malformed or tampered hashes', async () => {
    const stored = await hashPassword('rahasia123');
    const [, , r, p, salt, key] = stored.split('$');
    for (const bad of [
      '',
      'rahasia123',
      `bcrypt$16384$${r}$${p}$${salt}$${key}`,
      `scrypt$16384$${r}$${p}$${salt}$`,
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // N not a power of two
      `scrypt$1048576$${r}$${p}$${salt}$${key}`, // more memory than allowed
      `scrypt$16384$${r}$${p}$${salt}$${key.slice(0, 12)}`, // shortened: a prefix of the key
      `scrypt$16384$${r}$${p}$${salt.slice(0, 8)}$${key}`, // a short salt
    ]) {
      expect(await verifyPassword('rahasia123', bad), bad).toBe(false);
    }
  });

  it('has a dummy hash, made once, that no known password matches', async () => {
    const dummy = await dummyHash();
    expect(await dummyHash()).toBe(dummy);
    expect(dummy).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('', dummy)).toBe(false);
    expect(await verifyPassword('rahasia123', dummy)).toBe(false);
  });
});
