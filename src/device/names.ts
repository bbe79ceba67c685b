/** The database's name, shared by the Dexie layer and the Dexie-free first-paint reader. */
export const DB_NAME = 'tpbis-lapor';
/**
 * The cache of the monitoring screens' chunk (`assets/Monitor-*`): not precached — a
 * librarian's phone never needs it — but kept on first use, by the worker's route and
 * by the screen itself, so a supervisor can read the last view offline.
 */
export const MONITOR_CACHE = 'lapor-monitor';
export const MONITOR_ASSET = /^\/assets\/Monitor-[\w-]+\.(?:js|css)$/;
