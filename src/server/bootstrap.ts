import { AUTHORITY_ORG_ID, issueApiToken } from '../governance/index.js';
import { orgScope, type Store } from '../store/index.js';
import type { Clock } from '../shared/clock.js';

/**
 * First start: creates the authority organisation and its first admin token. Returns the plain token
 * exactly once (it is stored hashed); on every later start returns null.
 */
export async function bootstrapAuthority(store: Store, clock: Clock): Promise<{ orgId: string; token: string } | null> {
  if (!(await store.auth.isEmpty())) return null;
  const scoped = store.scoped(orgScope(AUTHORITY_ORG_ID));
  await scoped.organisations.create({ id: AUTHORITY_ORG_ID, name: 'Alliance authority', parentId: null });
  const { token, record } = await issueApiToken(scoped, {
    orgId: AUTHORITY_ORG_ID,
    role: 'admin',
    name: 'first-start admin',
    now: clock.now(),
  });
  await scoped.audit.append({ actor: 'system', action: 'bootstrap', target: record.id, at: clock.now(), details: {} });
  return { orgId: AUTHORITY_ORG_ID, token };
}
