/**
 * A camera photo made smaller before it is stored: a phone's 12-megapixel photo is 3–8 MB,
 * over the 5 MB an attachment may be, and a few dozen would fill a cheap phone's storage.
 * Kept on the phone as documentation, it needs no more than 1600 px on its longest side:
 * redrawn at that size as a JPEG (quality 0.8), it is a few hundred KB. A small photo, a
 * file the browser cannot decode (addPhoto then says why it is refused), or a result no
 * smaller than the original is stored as it was picked.
 */
const MAX_SIDE = 1600;
/** Smaller than this, a photo is stored as it is. */
const SMALL_ENOUGH_BYTES = 500_000;

export async function shrinkPhoto(file: File): Promise<Blob> {
  if (file.size <= SMALL_ENOUGH_BYTES || typeof createImageBitmap !== 'function') return file;
  let bitmap: ImageBitmap;
  try {
    // Turned as the camera's orientation tag says: redrawn, the tag would be lost. (An engine
    // refusing the option decodes without it: browsers apply the tag by default now.)
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => createImageBitmap(file));
  } catch {
    return file;
  }
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (!context) return file;
    // JPEG has no transparency: a PNG's transparent parts become white, not black.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const smaller = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
    return smaller && smaller.size < file.size ? smaller : file;
  } finally {
    bitmap.close();
  }
}
