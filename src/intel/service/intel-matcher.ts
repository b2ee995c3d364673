import type { Clock } from '../../shared/clock.js';
import { IndicatorIndex, type AddOutcome, type IndicatorEvent, type IndicatorMatchPart } from '../match/index.js';
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

/** What one {@link IntelMatcher.syncIntel} call did with the indicators it was given. */
export interface IntelSyncResult {
  /** Indicators whose pattern does not parse: left out, the rest of the update still applied. */
  invalid: { id: string; reason: string }[];
}

/**
 * Indicator matching for one detection thread: an {@link IndicatorIndex} of the indicators of
 * every organisation, and the TLP release policy, so an event of organisation X only matches
 * indicators X may receive, and what a hit carries (the indicator's name…) is the indicator as
 * released to X, granular markings applied (cached per indicator and organisation). No I/O: it
 * is fed {@link IntelSync} messages and asked per normalized event.
 */
export class IntelMatcher {
  private readonly index: IndicatorIndex;
  private readonly meta = new Map<string, Meta>();
  private policy: ReleasePolicy = createReleasePolicy(orgGraphFromOrganisations([]));
  /** `indicatorId\norgId` → the indicator as released to the organisation, or null; cleared when the organisations or the indicator change. */
  private readonly released = new Map<string, Record<string, unknown> | null>();
  private invalid = 0;

  constructor(private readonly clock: Clock) {
    this.index = new IndicatorIndex({ clock });
  }

  /** Whether windowed patterns are held (matching their part keeps state). */
  hasWindows(): boolean {
    return this.meta.size > 0 && this.index.hasWindows();
  }

  /** Indicators held. */
  size(): number {
    return this.meta.size;
  }

  /** Indicators refused since start because their pattern does not parse (for metrics and logs). */
  invalidCount(): number {
    return this.invalid;
  }

  /**
   * Applies organisations and indicator changes. A revoked version stays in the index as a
   * tombstone (the index keeps its `modified` and ignores versions not newer), so an older version
   * arriving later, e.g. still in flight on the early-warning channel, is not matched again. An
   * indicator whose pattern does not parse is skipped and reported; it never stops the others.
   */
  syncIntel(msg: IntelSync): IntelSyncResult {
    const result: IntelSyncResult = { invalid: [] };
    if (msg.organisations) {
      this.policy = createReleasePolicy(orgGraphFromOrganisations(msg.organisations));
      this.released.clear();
    }
    if (!msg.update) return result;
    // Ids without a version: a live indicator is forgotten, a tombstone kept (revocations travel
    // as objects in `add`, dated by their `modified`).
    for (const id of msg.update.remove) {
      if (!this.meta.delete(id)) continue;
      this.index.remove(id);
      this.forgetReleased(id);
    }
    for (const { producerOrgId, object } of msg.update.add) {
      const id = String(object.id);
      let outcome: AddOutcome;
      try {
        outcome = this.index.add(object as never);
      } catch (err) {
        // PatternError: the producer's validation should have refused it; one bad indicator must
        // not cost the node the rest of the update.
        this.invalid++;
        result.invalid.push({ id, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      if (outcome.status === 'added' || outcome.status === 'replaced') {
        this.meta.set(id, { producer: producerOrgId, object });
        this.forgetReleased(id);
      } else if (outcome.status === 'revoked') {
        // Not index.remove: that would drop the tombstone the index just recorded.
        if (this.meta.delete(id)) this.forgetReleased(id);
      }
    }
    return result;
  }

  /**
   * Indicators of `event` that organisation `orgId` may receive, one hit per indicator. Windowed
   * (multi-observation) patterns are kept per organisation, so events of two organisations never
   * complete one pattern together. `part` runs the stateless patterns alone (they may see an event
   * early, or twice) or the windowed ones alone (see IndicatorMatchPart).
   */
  match(orgId: string, event: IndicatorEvent, now: number = this.clock.now(), part: IndicatorMatchPart = 'all'): readonly IntelHit[] {
    if (this.meta.size === 0) return noHits;
    const matches = this.index.matchEvent(event, now, orgId, part);
    if (matches.length === 0) return noHits;
    const hits: IntelHit[] = [];
    for (const m of matches) {
      const meta = this.meta.get(m.indicatorId);
      if (!meta || hits.some((h) => h.indicatorId === m.indicatorId)) continue;
      const o = this.releasedTo(m.indicatorId, meta, orgId);
      if (o === null) continue;
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

  /** The indicator as `orgId` may see it (the producer sees its own unchanged), or null. */
  private releasedTo(indicatorId: string, meta: Meta, orgId: string): Record<string, unknown> | null {
    if (meta.producer === orgId) return meta.object;
    const key = `${indicatorId}\n${orgId}`;
    let o = this.released.get(key);
    if (o === undefined) {
      o = this.policy.release(meta.object, meta.producer, { kind: 'org', orgId });
      this.released.set(key, o);
    }
    return o;
  }

  private forgetReleased(id: string): void {
    if (this.released.size === 0) return;
    for (const key of this.released.keys()) if (key.startsWith(`${id}\n`)) this.released.delete(key);
  }
}
