/**
 * Documentation photos (Foto dokumentasi): the bytes stay on the phone in `photos`; the
 * entry carries `{ id, sha256, mime, bytes }`, which the KPI engine counts as documented.
 * A photo is stored when it is picked, so a draft can refer to it across a closed app.
 */
import { ATTACHMENT_MIMES, MAX_ATTACHMENT_BYTES } from '../domain';
import { isQuotaError, type LaporDb } from './db';
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

export async function addPhoto(db: LaporDb, file: PickedFile, now: Date): Promise<AddPhotoResult> {
  if (!(ATTACHMENT_MIMES as readonly string[]).includes(file.type)) return { ok: false, reason: 'type' };
  if (file.size > MAX_ATTACHMENT_BYTES) return { ok: false, reason: 'size' };
  const data = await file.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  const id = uuidv7(() => now.getTime());
  try {
    await db.photos.put({ id, mime: file.type, data });
  } catch (e) {
    if (isQuotaError(e)) return { ok: false, reason: 'quota' };
    throw e;
  }
  return { ok: true, photo: { id, sha256, mime: file.type, bytes: data.byteLength } };
}

/** The photo as a Blob (for a preview), or null when this phone does not hold it. */
export async function getPhoto(db: LaporDb, id: string): Promise<Blob | null> {
  const row = await db.photos.get(id);
  return row ? new Blob([row.data], { type: row.mime }) : null;
}
