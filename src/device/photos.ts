/**
 * Documentation photos (Foto dokumentasi): the bytes stay on the phone in `photos`; the
 * entry carries `{ id, sha256, mime, bytes }`, which the KPI engine counts as documented.
 * A photo is stored when it is picked, so a draft can refer to it across a closed app.
 */
import { ATTACHMENT_MIMES, MAX_ATTACHMENT_BYTES } from '../domain';
import { isQuotaError, type LaporDb } from './db';
import { DISCARDED_PHOTOS_PREFIX } from './entries';
import { draftKey } from './meta';
import { uuidv7 } from './uuid';

export interface PhotoMeta {
  id: string;
  sha256: string;
  mime: string;
  bytes: number;
}

export type AddPhotoResult = { ok: true; photo: PhotoMeta } | { ok: false; reason: 'type' | 'size' | 'quota' };

/** What a picked file offers (a `File` in the browser). */
export interface PickedFile {
  type: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The photo type the bytes themselves say (their signature), or null for anything else.
 * The browser's `type` comes from the file's name: a text file called `foto.jpg` would
 * otherwise count as documentation in the KPI.
 */
export function sniffPhotoType(data: ArrayBuffer): (typeof ATTACHMENT_MIMES)[number] | null {
  const b = new Uint8Array(data, 0, Math.min(12, data.byteLength));
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export async function addPhoto(db: LaporDb, file: PickedFile, now: Date): Promise<AddPhotoResult> {
  // The browser's type only decides what is not a photo for sure, before reading anything;
  // an empty or odd type (some file managers give none) is left to the bytes.
  const declared = file.type.toLowerCase();
  if (declared !== '' && !declared.startsWith('image/') && declared !== 'application/octet-stream') return { ok: false, reason: 'type' };
  if (file.size > MAX_ATTACHMENT_BYTES) return { ok: false, reason: 'size' };
  const data = await file.arrayBuffer();
  // The bytes decide, not the name: a PNG called .jpg is kept as the PNG it is.
  const mime = sniffPhotoType(data);
  if (mime === null) return { ok: false, reason: 'type' };
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  const id = uuidv7(() => now.getTime());
  try {
    await db.photos.put({ id, mime, data });
  } catch (e) {
    if (isQuotaError(e)) return { ok: false, reason: 'quota' };
    throw e;
  }
  return { ok: true, photo: { id, sha256, mime, bytes: data.byteLength } };
}

/** Which of these photos this phone holds: their keys alone are read, not their bytes. */
export async function heldPhotoIds(db: LaporDb, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set(await db.photos.where('id').anyOf([...ids]).primaryKeys());
}

/** The photo as a Blob (for a preview), or null when this phone does not hold it. */
export async function getPhoto(db: LaporDb, id: string): Promise<Blob | null> {
  const row = await db.photos.get(id);
  return row ? new Blob([row.data], { type: row.mime }) : null;
}

/** How long a photo is kept after it was picked, and the bytes of a deleted entry's photos after the delete. */
export const PHOTO_GRACE_MS = 86_400_000;

/** When a UUIDv7 was made (its first 48 bits, ms); NaN for anything else. */
const madeAt = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

/**
 * Frees the bytes of photos nothing names any more — removed from a form, left in a
 * discarded draft, or of an entry deleted over a day ago — which otherwise stayed for ever,
 * up to 25 MB an entry, on phones with little room. Kept: any photo picked within the last
 * day (a form in another tab may not have autosaved it yet), and any named by an entry
 * (one deleted within the day too, tombstone or gone from the phone: its undo) or a draft.
 * Returns how many were removed.
 */
export async function sweepPhotos(db: LaporDb, now: Date): Promise<number> {
  const cutoff = now.getTime() - PHOTO_GRACE_MS;
  return db.transaction('rw', db.photos, db.entries, db.meta, async () => {
    const old = ((await db.photos.toCollection().primaryKeys()) as string[]).filter((id) => madeAt(id) < cutoff);
    if (old.length === 0) return 0;
    const named = new Set<string>();
    await db.entries.each((e) => {
      if (e.deleted && Date.parse(e.updatedAt) < cutoff) return;
      for (const a of e.attachments ?? []) named.add(a.id);
    });
    // An entry deleted on the phone alone has no row: its undo holds the only copy, for a day.
    const discarded = await db.meta.where('key').startsWith(DISCARDED_PHOTOS_PREFIX).toArray();
    const expired: string[] = [];
    for (const d of discarded) {
      const { at, ids } = (d.value ?? {}) as { at?: string; ids?: string[] };
      if (at !== undefined && Date.parse(at) >= cutoff) for (const id of ids ?? []) named.add(id);
      else expired.push(d.key);
    }
    // Drafts hold form values of any shape: a photo id anywhere in one counts.
    const drafts = JSON.stringify((await db.meta.where('key').startsWith(draftKey('')).toArray()).map((d) => d.value));
    const unused = old.filter((id) => !named.has(id) && !drafts.includes(id));
    await Promise.all([db.photos.bulkDelete(unused), db.meta.bulkDelete(expired)]);
    return unused.length;
  });
}
