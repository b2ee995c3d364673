/** The TAXII 2.1 client: what feed polling and the CLI use to talk to peers. */
export {
  TaxiiClient,
  taxiiMediaType,
  type TaxiiApiRoot,
  type TaxiiAuth,
  type TaxiiClientOptions,
  type TaxiiCollection,
  type TaxiiDiscovery,
  type TaxiiManifestRecord,
  type TaxiiObjectQuery,
  type TaxiiPage,
  type TaxiiStatus,
} from './taxii-client.js';
export { TaxiiClientError } from './taxii-client-error.js';
