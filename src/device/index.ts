/**
 * The phone's storage layer: the Dexie database, entries with their outbox, meta
 * documents, storage health and backups. The UI and the service worker use this;
 * nothing else imports Dexie.
 */
export * from './backup';
export * from './db';
export * from './entries';
export * from './meta';
export * from './photos';
export * from './snapshot';
export * from './storage';
export * from './uuid';
