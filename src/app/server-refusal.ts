/**
 * The server's reasons for refusing an entry, for the edit form. They stand while the
 * entry's last receipt says `rejected` and no change of it waits in the outbox: once the
 * librarian has saved a correction, the server has not judged the entry as it now is.
 */
import type { FieldError } from '../domain';
import { entrySyncStatus, pendingEntryIds, type LaporDb, type SyncedRow } from '../device';

export async function serverRefusal(db: LaporDb, id: string): Promise<FieldError[]> {
  const [row, pending] = await Promise.all([db.entries.get(id) as Promise<SyncedRow | undefined>, pendingEntryIds(db)]);
  if (!row) return [];
  const status = entrySyncStatus(row, pending);
  return status.kind === 'rejected' ? status.errors : [];
}
