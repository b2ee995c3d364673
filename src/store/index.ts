/**
 * The store's public surface: the port types and `createStore`. Everything else in this folder is
 * private to it (adapters, repositories, migrations).
 */
export * from './store.js';
export { createStore, type CreateStoreOptions } from './create-store.js';
export { authorityAuditChain } from './kysely-store.js';
export { defaultPageLimit, maxPageLimit } from './page-cursor.js';
export { formatStixTimestamp, parseStixTimestamp, stixObjectRecord } from './stix-record.js';
