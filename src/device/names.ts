/** The database's name, shared by the Dexie layer and the Dexie-free first-paint reader. */
export const DB_NAME = 'tpbis-lapor';
