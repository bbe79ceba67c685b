/**
 * Whether the page is served by the sync server (then enrolment asks no "Alamat server"):
 * a phone offline gets no answer, which must not read as "served elsewhere"; the last real
 * answer is remembered and used meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { askServedByServer, checkServedByServer, rememberedServedByServer } from '../../src/app/served';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

const health: typeof fetch = async () => Response.json({ ok: true, db: 'sqlite' });
const offline: typeof fetch = async () => {
  throw new TypeError('Failed to fetch');
};
const staticHost404: typeof fetch = async () => new Response('not found', { status: 404 });
const spaFallback: typeof fetch = async () => new Response('<!doctype html><title>Lapor</title>', { status: 200, headers: { 'content-type': 'text/html' } });
const down: typeof fetch = async () => new Response('Bad Gateway', { status: 502 });

describe('askServedByServer', () => {
  it('yes from the server, no from another host, no answer when offline or down', async () => {
    expect(await askServedByServer(health)).toBe(true);
    expect(await askServedByServer(staticHost404)).toBe(false);
    expect(await askServedByServer(spaFallback)).toBe(false);
    expect(await askServedByServer(offline)).toBeNull();
    expect(await askServedByServer(down)).toBeNull();
  });
});

describe('checkServedByServer', () => {
  it('offline, the phone served by the server keeps its last answer: no "Alamat server"', async () => {
    const storage = memoryStorage();
    expect(await checkServedByServer(health, storage)).toBe(true);
    expect(await checkServedByServer(offline, storage)).toBe(true);
    expect(rememberedServedByServer(storage)).toBe(true);
  });

  it('offline with no answer ever: not known (the field is not offered), not "served elsewhere"', async () => {
    expect(await checkServedByServer(offline, memoryStorage())).toBeNull();
  });

  it('an app served elsewhere keeps asking for the address, offline too', async () => {
    const storage = memoryStorage();
    expect(await checkServedByServer(staticHost404, storage)).toBe(false);
    expect(await checkServedByServer(offline, storage)).toBe(false);
  });

  it('works without storage (refused in a private mode)', async () => {
    const refusing = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('SecurityError'); } };
    expect(await checkServedByServer(health, refusing)).toBe(true);
    expect(await checkServedByServer(offline, refusing)).toBeNull();
  });
});
