/**
 * The phone's storage layer: the Dexie database, entries with their outbox, meta
 * documents, storage health, backups, enrolment and the sync engine. The UI and the service worker use this;
 * nothing else imports Dexie.
 */
export * from './backup';
export * from './db';
export * from './entries';
export * from './meta';
export * from './photos';
export * from './snapshot';
export * from './storage';
export * from './backoff';
export * from './background-sync';
export * from './enrol';
export * from './sync';
export * from './sync-apply';
export * from './sync-http';
export * from './sync-state';
export * from './uuid';
