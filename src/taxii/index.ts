/** The TAXII 2.1 server: a Fastify plugin for `/taxii2`, and what wiring it needs. */
export { taxiiPlugin } from './taxii-plugin.js';
export { taxiiApiRootName, type TaxiiDeps } from './taxii-deps.js';
export { taxiiMaxPageSize } from './taxii-filters.js';
export { taxiiMediaType, stixMediaType } from './taxii-media.js';
export { recipientReleasePolicy, type TaxiiObjectValidator } from './taxii-release.js';
