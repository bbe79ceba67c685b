import { describe, expect, it } from 'vitest';
import { attachmentSchema } from '../../src/domain';
import { addPhoto, deleteEntry, getPhoto, PHOTO_GRACE_MS, saveEntry, setDraft, sweepPhotos } from '../../src/device';
import { entry, freshDb, NOW } from './helpers';

/** The signature and first chunk of a PNG file. */
const PNG_START = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice().buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const file = (type: string, bytes: Uint8Array) => ({
  type,
  size: bytes.byteLength,
  arrayBuffer: async () => bytes.slice().buffer,
});

describe('addPhoto', () => {
  it('stores the bytes and returns metadata the entry schema accepts', async () => {
    const { db } = freshDb();
    const result = await addPhoto(db, file('image/png', PNG_START), NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.photo).toMatchObject({ mime: 'image/png', bytes: PNG_START.byteLength, sha256: await sha256Hex(PNG_START) });
    expect(attachmentSchema.safeParse(result.photo).success).toBe(true);
    const blob = await getPhoto(db, result.photo.id);
    expect(blob?.size).toBe(PNG_START.byteLength);
  });

  it('goes by the bytes, not the name: a text file called foto.jpg is refused, a PNG called .jpg kept as PNG', async () => {
    const { db } = freshDb();
    expect(await addPhoto(db, file('image/jpeg', new TextEncoder().encode('bukan foto, hanya teks')), NOW)).toEqual({ ok: false, reason: 'type' });
    expect(await db.photos.count()).toBe(0);
    const png = await addPhoto(db, file('image/jpeg', PNG_START), NOW);
    expect(png).toMatchObject({ ok: true, photo: { mime: 'image/png' } });
    for (const [bytes, mime] of [
      [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
      [new TextEncoder().encode('RIFF\x24\x00\x00\x00WEBPVP8 '), 'image/webp'],
    ] as const) {
      expect(await addPhoto(db, file('image/png', bytes), NOW)).toMatchObject({ ok: true, photo: { mime } });
    }
    // A real photo the browser gave no type (some file managers do) is kept; a GIF is not ours.
    expect(await addPhoto(db, file('', PNG_START), NOW)).toMatchObject({ ok: true, photo: { mime: 'image/png' } });
    expect(await addPhoto(db, file('image/gif', new TextEncoder().encode('GIF89a\x01\x00')), NOW)).toEqual({ ok: false, reason: 'type' });
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

describe('sweepPhotos', () => {
  it('frees the bytes nothing names any more, a day after they were picked; keeps what an entry (or its undo) or a draft names', async () => {
    const { db } = freshDb();
    const day = PHOTO_GRACE_MS;
    const picked = new Date(NOW.getTime() - 2 * day);
    const photo = async () => {
      const r = await addPhoto(db, file('image/png', PNG_START), picked);
      if (!r.ok) throw new Error('photo');
      return attachmentSchema.parse(r.photo);
    };
    const [onEntry, removedFromForm, inDraft, ofOldDelete, ofNewDelete] = await Promise.all([photo(), photo(), photo(), photo(), photo()]);
    const justPicked = await addPhoto(db, file('image/png', PNG_START), NOW);
    const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
    await saveEntry(db, entry({ attachments: [onEntry] }));
    await saveEntry(db, entry({ attachments: [ofOldDelete], deleted: true, updatedAt: at(day + 60_000) }));
    await saveEntry(db, entry({ attachments: [ofNewDelete], deleted: true, updatedAt: at(60_000) }));
    await setDraft(db, 'new', { title: 'Setengah diisi', attachments: [inDraft] });

    expect(await sweepPhotos(db, NOW)).toBe(2);
    const left = new Set(await db.photos.toCollection().primaryKeys());
    expect(left.has(removedFromForm.id)).toBe(false);
    expect(left.has(ofOldDelete.id)).toBe(false);
    for (const kept of [onEntry, inDraft, ofNewDelete]) expect(left.has(kept.id), kept.id).toBe(true);
    expect(justPicked.ok && left.has(justPicked.photo.id)).toBe(true);
    expect(await sweepPhotos(db, NOW)).toBe(0);
  });

  it('keeps the photos of an entry deleted on the phone alone for a day: the list\'s undo holds the only copy', async () => {
    const { db } = freshDb();
    const r = await addPhoto(db, file('image/png', PNG_START), new Date(NOW.getTime() - 3 * PHOTO_GRACE_MS));
    if (!r.ok) throw new Error('photo');
    const e = entry({ attachments: [attachmentSchema.parse(r.photo)] });
    await saveEntry(db, e);
    expect(await deleteEntry(db, e.id, NOW)).toMatchObject({ ok: true, discarded: true });
    expect(await sweepPhotos(db, new Date(NOW.getTime() + 60_000))).toBe(0);
    expect(await getPhoto(db, r.photo.id)).not.toBeNull();
    // Not undone within the day: freed, and the note of it with them.
    expect(await sweepPhotos(db, new Date(NOW.getTime() + PHOTO_GRACE_MS + 60_000))).toBe(1);
    expect(await db.meta.where('key').startsWith('discardedPhotos:').count()).toBe(0);
  });
});
