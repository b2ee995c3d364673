import { indicatorValueRepo } from './indicator-value-repo.js';
import { intelObjectRepo } from './intel-object-repo.js';
import type { IntelStore } from './intel-store.js';
import type { RepoContext } from './repo-context.js';
import { taxiiCollectionRepo } from './taxii-collection-repo.js';
import { taxiiStatusRepo } from './taxii-status-repo.js';

/** The intel repositories of one scope (`ScopedStore.intel`). */
export function intelRepos(ctx: RepoContext): IntelStore {
  return {
    objects: intelObjectRepo(ctx),
    collections: taxiiCollectionRepo(ctx),
    statuses: taxiiStatusRepo(ctx),
    indicatorValues: indicatorValueRepo(ctx),
  };
}
