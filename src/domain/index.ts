/**
 * The domain core: pure TypeScript shared by the phone, the service worker and the
 * server. No DOM, no IndexedDB, no Node APIs, no imports from other layers.
 */
export * from './calendar';
export * from './entry';
export * from './error-messages';
export * from './format';
export * from './kpi';
export * from './kpi-result';
export * from './library';
export * from './messages';
export * from './monitor';
export * from './next-steps-text';
export * from './protocol';
export * from './rulebook';
export * from './rulebook-schema';
export * from './strategies';
export * from './validation-messages';
export { codePointLength, hasControlCharacter, invisibleOnly, tidyName, UUID_V7 } from './text';
export { fastEntryParser } from './entry-check';
export { sameContent, sameEntry } from './entry-compare';
