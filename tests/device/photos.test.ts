import { describe, expect, it } from 'vitest';
import { attachmentSchema } from '../../src/domain';
import { addPhoto, getPhoto } from '../../src/device';
import { freshDb, NOW } from './helpers';

const file = (type: string, bytes: Uint8Array) => ({
  type,
  size: bytes.byteLength,
  arrayBuffer: async () => bytes.slice().buffer,
});

describe('addPhoto', () => {
  it('stores the bytes and returns metadata the entry schema accepts', async () => {
    const { db } = freshDb();
    const result = await addPhoto(db, file('image/png', new TextEncoder().encode('abc')), NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.photo).toMatchObject({
      mime: 'image/png',
      bytes: 3,
      // SHA-256 of "abc"
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(attachmentSchema.safeParse(result.photo).success).toBe(true);
    const blob = await getPhoto(db, result.photo.id);
    expect(blob?.size).toBe(3);
  });

  it.each([
    ['a file that is not a photo', 'application/pdf', 10, 'type'],
    ['a photo over 5 MB', 'image/jpeg', 5_000_001, 'size'],
  ])('refuses %s and stores nothing', async (_name, type, size, reason) => {
    const { db } = freshDb();
    const result = await addPhoto(db, { type, size, arrayBuffer: async () => new ArrayBuffer(size) }, NOW);
    expect(result).toEqual({ ok: false, reason });
    expect(await db.photos.count()).toBe(0);
  });
});
