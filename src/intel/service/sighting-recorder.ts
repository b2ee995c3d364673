import { orgScope, formatStixTimestamp, parseStixTimestamp, stixObjectRecord, type Store } from '../../store/index.js';
import type { Clock } from '../../shared/clock.js';
import { organisationIdentityId, SHIELDWALL_IDENTITY_NAMESPACE, uuidV5, type Indicator, type Sighting } from '../stix/index.js';
import { tlpOf } from '../tlp/index.js';

/** The one sighting object of an organisation for an indicator: a deterministic id, versioned on every new count. */
export function sightingIdFor(orgId: string, indicatorId: string): string {
  return `sighting--${uuidV5(SHIELDWALL_IDENTITY_NAMESPACE, `sighting\n${orgId}\n${indicatorId}`)}`;
}

/**
 * Keeps, per organisation and indicator, one STIX sighting (`sighting_of_ref` the indicator,
 * `where_sighted_refs` the organisation's identity) whose `count`, `first_seen` and `last_seen`
 * grow with every batch: each batch stores a new version, `modified` strictly increasing.
 * It carries the indicator's markings: a sighting says who saw what, no less sensitive than the what.
 */
export class SightingRecorder {
  /** Per sighting id, the last write in progress: batches detected concurrently add their counts one after the other. */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: { store: Store; clock: Clock }) {}

  /**
   * Adds `count` sightings at `times` (event times, ms) of `indicator` by `orgId`. Writes of one
   * sighting are serialised in this process; two processes counting the same sighting at the same
   * instant may lose one increment (the alerts themselves are exact).
   */
  record(orgId: string, indicator: Indicator, times: readonly number[], count: number): Promise<Sighting> {
    const id = sightingIdFor(orgId, indicator.id);
    const run = (this.writing.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.write(orgId, id, indicator, times, count));
    this.writing.set(id, run);
    void run.finally(() => {
      if (this.writing.get(id) === run) this.writing.delete(id);
    }).catch(() => undefined);
    return run;
  }

  private async write(orgId: string, id: string, indicator: Indicator, times: readonly number[], count: number): Promise<Sighting> {
    const scoped = this.deps.store.scoped(orgScope(orgId));
    const previous = await scoped.intel.objects.get(id);
    const prev = previous ? (JSON.parse(previous.json) as Sighting) : null;
    const first = Math.min(...times);
    const last = Math.max(...times);
    const nowUs = this.deps.clock.now() * 1000;
    // Strictly after the previous version, or the new count would be taken for a duplicate version.
    const modifiedUs = previous ? Math.max(nowUs, previous.modifiedUs + 1000) : nowUs;
    const modified = formatStixTimestamp(modifiedUs);
    const firstSeen = prev?.first_seen && (parseStixTimestamp(prev.first_seen) ?? Infinity) <= first * 1000 ? prev.first_seen : formatStixTimestamp(first * 1000);
    const lastSeen = prev?.last_seen && (parseStixTimestamp(prev.last_seen) ?? -Infinity) >= last * 1000 ? prev.last_seen : formatStixTimestamp(last * 1000);
    const sighting: Sighting = {
      type: 'sighting',
      spec_version: '2.1',
      id,
      created_by_ref: organisationIdentityId(orgId),
      created: prev?.created ?? modified,
      modified,
      first_seen: firstSeen,
      last_seen: lastSeen,
      count: Math.min((prev?.count ?? 0) + count, 999_999_999),
      sighting_of_ref: indicator.id,
      where_sighted_refs: [organisationIdentityId(orgId)],
      ...(indicator.object_marking_refs?.length ? { object_marking_refs: [...indicator.object_marking_refs] } : {}),
    };
    await scoped.intel.objects.put([stixObjectRecord(sighting as unknown as Record<string, unknown>, orgId, tlpOf(sighting as unknown as Record<string, unknown>) ?? null)]);
    return sighting;
  }
}
