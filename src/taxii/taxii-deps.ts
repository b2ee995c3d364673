import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Store } from '../store/index.js';
import type { ReleasePolicy } from '../intel/tlp/index.js';
import type { TaxiiObjectValidator } from './taxii-release.js';

/** What the TAXII server needs; all injected so tests control time, ids, validation and release. */
export interface TaxiiDeps {
  store: Store;
  clock: Clock;
  /** Ids of status resources. */
  ids: IdGenerator;
  /** The TLP release policy for a recipient organisation; default `recipientReleasePolicy(store)`. */
  releasePolicyFor?: (orgId: string) => Promise<ReleasePolicy>;
  /** Default: `validateStixObject` over the shipped OASIS schemas. */
  validate?: TaxiiObjectValidator;
  /** Largest request body accepted (the API root's max_content_length). */
  maxContentLength: number;
  /** Title of the discovery resource. */
  title?: string;
}

/** Path of the one API root (`/taxii2/api/`), under the discovery endpoint `/taxii2/`. */
export const taxiiApiRootName = 'api';
