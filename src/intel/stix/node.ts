/**
 * The Node-only part of the STIX library: validation against the schemas shipped in
 * `content/stix/schemas`, loaded from disk once per process. Pure code imports `./index.ts`.
 */
export { validateStixObject, validateBundle, defaultStixValidator } from './default-stix-validator.js';
export { loadStixSchemas, defaultStixSchemaDir } from './stix-schema-loader.js';
