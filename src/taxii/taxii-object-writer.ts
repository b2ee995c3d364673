import { ShieldwallError } from '../errors/error-catalog.js';
import { validateStixObject } from '../intel/stix/node.js';
import { tlpLevelOf } from '../intel/tlp/index.js';
import type { Principal } from '../governance/index.js';
import { formatStixTimestamp, stixObjectRecord, type StixObjectRecord, type TaxiiStatusDetail } from '../store/index.js';
import { callerStore, collectionFor } from './taxii-collection-access.js';
import type { TaxiiDeps } from './taxii-deps.js';
import { assertTaxiiContentType } from './taxii-media.js';

/** Reasons listed per failed object at most (the first ones say enough to fix it). */
const maxReasons = 5;

function versionText(o: Record<string, unknown>): string {
  for (const key of ['modified', 'created'] as const) if (typeof o[key] === 'string') return o[key];
  return '';
}

/**
 * Adds the objects of a TAXII envelope to a collection and returns the status resource (TAXII 2.1
 * "Add Objects"). Each object is validated on its own: an invalid one is a failure with its reasons
 * and does not keep the valid ones out. The caller's organisation is the producer of what it adds.
 * Everything is stored before the answer, so the status is always `complete`.
 */
export async function addEnvelope(
  deps: TaxiiDeps,
  p: Principal,
  collectionId: string,
  contentType: string | undefined,
  body: unknown,
): Promise<Record<string, unknown>> {
  assertTaxiiContentType(contentType);
  const scoped = callerStore(deps.store, p);
  await collectionFor(scoped, p, collectionId, 'write');
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray((body as { objects?: unknown }).objects)) {
    throw new ShieldwallError('BAD_REQUEST', 'body: expected a TAXII envelope {"objects": [...]}', { where: 'body.objects' });
  }
  const objects = (body as { objects: unknown[] }).objects;
  const requestTimestamp = deps.clock.now();
  const failures: TaxiiStatusDetail[] = [];
  const accepted: { record: StixObjectRecord; detail: TaxiiStatusDetail }[] = [];
  objects.forEach((o, i) => {
    const obj = (typeof o === 'object' && o !== null && !Array.isArray(o) ? o : {}) as Record<string, unknown>;
    const detail: TaxiiStatusDetail = { id: typeof obj.id === 'string' ? obj.id : '', version: versionText(obj) };
    const verdict = (deps.validate ?? validateStixObject)(o);
    if (!verdict.ok) {
      const reasons = verdict.errors.slice(0, maxReasons).map((e) => `${e.path || '/'}: ${e.message}`);
      failures.push({ ...detail, message: `objects[${i}] ${reasons.join('; ')}` });
      return;
    }
    try {
      accepted.push({ record: stixObjectRecord(obj, p.orgId, tlpLevelOf(obj)), detail });
    } catch (e) {
      failures.push({ ...detail, message: `objects[${i}] ${(e as Error).message}` });
    }
  });
  const results = accepted.length > 0 ? await scoped.intel.collections.addObjects(collectionId, accepted.map((a) => a.record)) : [];
  const successes = accepted.map((a, i) => (results[i]?.added === false ? { ...a.detail, message: 'already in the collection' } : a.detail));
  const status = await scoped.intel.statuses.create({
    id: deps.ids.next(), orgId: p.orgId, collectionId, status: 'complete', requestTimestamp, totalCount: objects.length,
    successCount: successes.length, failureCount: failures.length, pendingCount: 0, successes, failures, pendings: [],
  });
  return {
    id: status.id,
    status: status.status,
    request_timestamp: formatStixTimestamp(requestTimestamp * 1000),
    total_count: status.totalCount,
    success_count: status.successCount,
    successes: status.successes,
    failure_count: status.failureCount,
    failures: status.failures,
    pending_count: 0,
    pendings: [],
  };
}
