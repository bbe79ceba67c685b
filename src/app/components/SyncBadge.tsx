/** An entry's sync status in plain words: "Tersimpan di HP", "Terkirim …", "Ditolak: …", "Diperbarui dari perangkat lain" (or "Dari perangkat lain" for an entry
 * another phone wrote and this one only received). */
import type { ComponentChildren } from 'preact';
import type { Lang } from '../../domain';
import type { EntrySyncStatus } from '../../device';
import { syncTime, syncWord } from '../sync-words';

export function SyncBadge({ status, lang }: { status: EntrySyncStatus | undefined; lang: Lang }) {
  if (!status) return null;
  let text: ComponentChildren;
  switch (status.kind) {
    case 'local':
      text = syncWord(lang, 'status.local');
      break;
    case 'sent':
      // "Terkirim" and its time apart, so the word alone is found by its exact text.
      text = (
        <>
          <span>{syncWord(lang, 'status.sent')}</span> <span class="sync-time">{syncTime(status.at, lang)}</span>
        </>
      );
      break;
    case 'rejected':
      text = syncWord(lang, 'status.rejected', { reason: status.errors.map((e) => e.message).join('; ') });
      break;
    case 'remote':
      text = syncWord(lang, status.arrived ? 'status.arrived' : 'status.remote');
      break;
  }
  return (
    <p class={`sync-badge sync-${status.kind}`} data-sync-status={status.kind}>
      {text}
    </p>
  );
}
