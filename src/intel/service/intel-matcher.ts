import type { Clock } from '../../shared/clock.js';
import { IndicatorIndex, type IndicatorEvent } from '../match/index.js';
import { createReleasePolicy, orgGraphFromOrganisations, type ReleasePolicy } from '../tlp/index.js';
import type { IndicatorUpdate } from './indicator-broadcast.js';

/** One indicator hit on one event, with what an alert and a sighting need of the indicator. */
export interface IntelHit {
  indicatorId: string;
  /** ECS field and value of the event that matched. */
  field: string;
  value: string;
  producer: string;
  name: string | null;
  pattern: string;
  modified: string | null;
  markings: string[];
}

/**
 * What keeps a matcher current, as it travels to a detection worker thread: indicator changes,
 * and the organisations with their parents (the TLP community and client relations).
 */
export interface IntelSync {
  update?: IndicatorUpdate;
  organisations?: { id: string; parentId: string | null }[];
}

/** Returned for the (usual) event without a hit: no allocation per event. */
const noHits: readonly IntelHit[] = Object.freeze([]);

interface Meta {
  producer: string;
  object: Record<string, unknown>;
}

/**
 * Indicator matching for one detection thread: an {@link IndicatorIndex} of the indicators of
 * every organisation, and the TLP release policy, so an event of organisation X only matches
 * indicators X may receive (the decision is cached per indicator and organisation). No I/O: it is
 * fed {@link IntelSync} messages and asked per normalized event.
 */
export class IntelMatcher {
  private readonly index: IndicatorIndex;
  private readonly meta = new Map<string, Meta>();
  private policy: ReleasePolicy = createReleasePolicy(orgGraphFromOrganisations([]));
  /** `indicatorId\norgId` → may receive; cleared when the organisations or the indicator change. */
  private readonly receives = new Map<string, boolean>();

  constructor(private readonly clock: Clock) {
    this.index = new IndicatorIndex({ clock });
  }

  /** Indicators held. */
  size(): number {
    return this.meta.size;
  }

  syncIntel(msg: IntelSync): void {
    if (msg.organisations) {
      this.policy = createReleasePolicy(orgGraphFromOrganisations(msg.organisations));
      this.receives.clear();
    }
    if (!msg.update) return;
    for (const id of msg.update.remove) {
      if (this.meta.delete(id)) this.index.remove(id);
    }
    for (const { producerOrgId, object } of msg.update.add) {
      const id = String(object.id);
      // The index keeps the newest version by `modified` and drops revoked ones itself.
      const outcome = this.index.add(object as never);
      if (outcome.status === 'added' || outcome.status === 'replaced') {
        this.meta.set(id, { producer: producerOrgId, object });
        if (this.receives.size > 0) for (const key of this.receives.keys()) if (key.startsWith(`${id}\n`)) this.receives.delete(key);
      } else if (outcome.status === 'revoked') {
        if (this.meta.delete(id)) this.index.remove(id);
      }
    }
  }

  /** Indicators of `event` that organisation `orgId` may receive, one hit per indicator. */
  match(orgId: string, event: IndicatorEvent, now: number = this.clock.now()): readonly IntelHit[] {
    if (this.meta.size === 0) return noHits;
    const matches = this.index.matchEvent(event, now);
    if (matches.length === 0) return noHits;
    const hits: IntelHit[] = [];
    for (const m of matches) {
      const meta = this.meta.get(m.indicatorId);
      if (!meta || !this.mayReceive(m.indicatorId, meta, orgId) || hits.some((h) => h.indicatorId === m.indicatorId)) continue;
      const o = meta.object;
      hits.push({
        indicatorId: m.indicatorId,
        field: m.field,
        value: m.value,
        producer: meta.producer,
        name: typeof o.name === 'string' ? o.name : null,
        pattern: String(o.pattern),
        modified: typeof o.modified === 'string' ? o.modified : null,
        markings: Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : [],
      });
    }
    return hits;
  }

  private mayReceive(indicatorId: string, meta: Meta, orgId: string): boolean {
    if (meta.producer === orgId) return true;
    const key = `${indicatorId}\n${orgId}`;
    let ok = this.receives.get(key);
    if (ok === undefined) {
      ok = this.policy.mayReceive(meta.object, meta.producer, { kind: 'org', orgId });
      this.receives.set(key, ok);
    }
    return ok;
  }
}
