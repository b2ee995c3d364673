import ipaddr from 'ipaddr.js';
import type { Clock } from '../../shared/clock.js';
import { ComparisonEvaluator, EvaluationError, parseIpv6Words, validatePattern, type ComparisonExpression } from '../pattern/index.js';
import { CidrTable, maskIpv4, maskIpv6 } from './cidr-table.js';
import { eventObservation, type IndicatorEvent } from './event-observation.js';
import { scoEcsFields } from './sco-ecs-fields.js';
import { fastSimpleKey, foldKey, KeyKind, keyKindCount, parseIpv4, simpleKeys, type SimpleKey } from './simple-indicator.js';
import { slotMapAdd, slotMapRemove, type SlotMap } from './slot-map.js';
import { WindowedPattern, type WindowLimits } from './windowed-pattern.js';

/** The STIX indicator properties the index reads. */
export interface IndicatorInput {
  id: string;
  pattern: string;
  pattern_type: string;
  valid_from?: string;
  valid_until?: string;
  revoked?: boolean;
  modified?: string;
}

/** One hit: which indicator, in which ECS field, on which value of the event. */
export interface IndicatorMatch {
  indicatorId: string;
  field: string;
  value: string;
}

/** What `add` did: how the pattern is served, or why the indicator was not (re)indexed. */
export type AddOutcome =
  | { status: 'added' | 'replaced'; shape: 'simple' | 'complex' | 'windowed' }
  | { status: 'revoked' | 'stale' | 'unsupported' };

/** Value kinds for {@link IndicatorIndex.matchObservable}. */
export type ObservableType = 'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url' | 'email-addr' | 'user-agent' | 'md5' | 'sha1' | 'sha256' | 'sha512';

const observableKinds: Record<ObservableType, KeyKind> = {
  'ipv4-addr': KeyKind.Ip4, 'ipv6-addr': KeyKind.Ip6, 'domain-name': KeyKind.Domain, url: KeyKind.Url, 'email-addr': KeyKind.Email,
  'user-agent': KeyKind.UserAgent, md5: KeyKind.Md5, sha1: KeyKind.Sha1, sha256: KeyKind.Sha256, sha512: KeyKind.Sha512,
};
/** ECS fields read for each hash-map kind, from the one SCO↔ECS table. */
const simpleFields: Array<{ field: string; kind: KeyKind }> = [];
for (const f of scoEcsFields) {
  const p = `${f.type}:${f.path.join('.')}`;
  const kind =
    p === 'ipv4-addr:value' ? KeyKind.Ip4 : p === 'domain-name:value' ? KeyKind.Domain : p === 'url:value' ? KeyKind.Url : p === 'email-addr:value' ? KeyKind.Email
    : p === 'file:hashes.MD5' ? KeyKind.Md5 : p === 'file:hashes.SHA-1' ? KeyKind.Sha1 : p === 'file:hashes.SHA-256' ? KeyKind.Sha256
    : p === 'network-traffic:extensions.http-request-ext.request_header.User-Agent' ? KeyKind.UserAgent : undefined;
  if (kind !== undefined && !simpleFields.some((s) => s.field === f.ecs)) simpleFields.push({ field: f.ecs, kind });
}
const simpleFieldKind = new Map(simpleFields.map((f) => [f.field, f.kind]));

const SHAPE_NONE = 0, SHAPE_SIMPLE = 1, SHAPE_COMPLEX = 2, SHAPE_WINDOWED = 3;
const FLAG_LIVE = 1, FLAG_REVOKED = 2;
const none: IndicatorMatch[] = [];
// Shared outcome objects: `add` runs a million times at load and allocates none of them.
const shapes = (status: 'added' | 'replaced') => ({
  simple: Object.freeze({ status, shape: 'simple' as const }),
  complex: Object.freeze({ status, shape: 'complex' as const }),
  windowed: Object.freeze({ status, shape: 'windowed' as const }),
});
const outcomes = { added: shapes('added'), replaced: shapes('replaced') };
const unsupported: AddOutcome = Object.freeze({ status: 'unsupported' });
const stale: AddOutcome = Object.freeze({ status: 'stale' });
const revokedOutcome: AddOutcome = Object.freeze({ status: 'revoked' });

/**
 * Every indicator of a node, compiled for per-event lookups. Simple patterns (= / IN over
 * addresses, CIDRs, domains, URLs, hashes, e-mail addresses, user agents, and ORs of those) live
 * in per-kind hash maps and a prefix-length CIDR table; single-observation patterns of any other
 * shape run through the STIX comparison evaluator on the event's SCOs; patterns over several
 * observations or with qualifiers (`windowed`) keep a bounded window of the events that satisfied
 * one of their observation expressions (see WindowedPattern). State is kept per slot in typed arrays: no object or closure per
 * indicator, so a million indicators stay well under 1 GB.
 *
 * @example
 * const index = new IndicatorIndex({ clock: systemClock });
 * index.add({ id: 'indicator--…', pattern: "[ipv4-addr:value = '203.0.113.0/24']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' });
 * index.matchEvent({ ecs: { 'source.ip': '203.0.113.9' } }); // [{ indicatorId, field: 'source.ip', value: '203.0.113.9' }]
 */
export class IndicatorIndex {
  private readonly clock: Clock;
  private ids: string[] = [];
  private validFrom = new Float64Array(1024);
  private validUntil = new Float64Array(1024);
  private modified = new Float64Array(1024);
  private flags = new Uint8Array(1024);
  private shape = new Uint8Array(1024);
  /** Per slot: the one key's kind, or 255 when `keys` holds an array of SimpleKey. */
  private keyKind = new Uint8Array(1024);
  private keys: Array<string | number | SimpleKey[] | undefined> = [];
  private readonly slotOf = new Map<string, number>();
  private readonly free: number[] = [];
  private readonly maps: Array<SlotMap<string | number>> = Array.from({ length: keyKindCount }, () => new Map());
  private readonly cidr4 = new CidrTable<number>(maskIpv4, { blocks16: true });
  private readonly cidr6 = new CidrTable<string>(maskIpv6);
  private readonly complex = new Map<number, ComparisonEvaluator>();
  private readonly windowed = new Map<number, WindowedPattern>();
  private readonly windowLimits: WindowLimits;
  private readonly hits: Array<number | number[]> = [];
  private readonly words6 = new Uint32Array(4);
  private readonly word4 = new Uint32Array(1);

  /**
   * @param options.clock time for validity checks and for events without their own time.
   * @param options.window limits of the live windows of windowed patterns (default: 1 hour when
   *   a pattern has no WITHIN, 1,024 remembered observations per indicator).
   */
  constructor(options: { clock: Clock; window?: Partial<WindowLimits> }) {
    this.clock = options.clock;
    this.windowLimits = { defaultSpanMs: 3_600_000, maxEntries: 1024, ...options.window };
  }

  /** Indicators held (revoked ones are forgotten, so they are not counted). */
  get size(): number {
    return this.slotOf.size - this.revokedCount;
  }
  private revokedCount = 0;

  /** Indicators per shape, for metrics and docs. */
  get stats(): { simple: number; complex: number; windowed: number; cidrPrefixes4: number; cidrPrefixes6: number } {
    return { simple: this.size - this.complex.size - this.windowed.size, complex: this.complex.size, windowed: this.windowed.size, cidrPrefixes4: this.cidr4.prefixCount, cidrPrefixes6: this.cidr6.prefixCount };
  }

  /**
   * Adds or replaces an indicator. A version whose `modified` is not newer than the one held is
   * ignored (`stale`); a revoked version removes the indicator and blocks older versions.
   * @throws PatternError when a STIX pattern is invalid (the caller reports it; nothing changes).
   */
  add(indicator: IndicatorInput): AddOutcome {
    if (indicator.pattern_type !== 'stix') return unsupported;
    const modified = indicator.modified ? this.parseTime(indicator.modified, 0) : 0;
    const existing = this.slotOf.get(indicator.id);
    if (existing !== undefined && this.modified[existing]! >= modified) return stale;
    if (indicator.revoked) {
      const slot = existing ?? this.allocate(indicator.id);
      if (existing !== undefined) this.unregister(slot);
      if (!(this.flags[slot]! & FLAG_REVOKED)) this.revokedCount++;
      this.flags[slot] = FLAG_REVOKED;
      this.modified[slot] = modified;
      return revokedOutcome;
    }
    const fast = fastSimpleKey(indicator.pattern);
    const pattern = fast ? undefined : validatePattern(indicator.pattern);
    const slot = existing ?? this.allocate(indicator.id);
    if (existing !== undefined) {
      this.unregister(slot);
      if (this.flags[slot]! & FLAG_REVOKED) this.revokedCount--;
    }
    this.flags[slot] = FLAG_LIVE;
    this.modified[slot] = modified;
    this.validFrom[slot] = indicator.valid_from ? this.parseTime(indicator.valid_from, 1) : -Infinity;
    this.validUntil[slot] = indicator.valid_until ? this.parseTime(indicator.valid_until, 2) : Infinity;
    const simple = fast ? undefined : simpleKeys(pattern!);
    let shape: 'simple' | 'complex' | 'windowed';
    if (fast) {
      shape = 'simple';
      this.shape[slot] = SHAPE_SIMPLE;
      this.keyKind[slot] = fast.kind;
      this.keys[slot] = fast.key;
      this.registerKey(fast, slot);
    } else if (simple) {
      shape = 'simple';
      this.shape[slot] = SHAPE_SIMPLE;
      if (simple.length === 1) {
        this.keyKind[slot] = simple[0]!.kind;
        this.keys[slot] = simple[0]!.key;
      } else {
        this.keyKind[slot] = 255;
        this.keys[slot] = simple;
      }
      for (const k of simple) this.registerKey(k, slot);
    } else {
      let root = pattern!.root;
      while (root.kind === 'group') root = root.inner;
      if (root.kind === 'observation') {
        shape = 'complex';
        this.shape[slot] = SHAPE_COMPLEX;
        this.complex.set(slot, new ComparisonEvaluator(root.comparison));
      } else {
        shape = 'windowed';
        this.shape[slot] = SHAPE_WINDOWED;
        this.windowed.set(slot, new WindowedPattern(pattern!.root, this.windowLimits));
      }
    }
    return outcomes[existing === undefined ? 'added' : 'replaced'][shape];
  }

  /** Date.parse with a one-entry memo per property: a bulk import repeats the same timestamps. */
  private readonly lastTimeText = ['', '', ''];
  private readonly lastTime = [NaN, NaN, NaN];
  private parseTime(text: string, which: 0 | 1 | 2): number {
    if (text !== this.lastTimeText[which]) {
      this.lastTimeText[which] = text;
      this.lastTime[which] = Date.parse(text);
    }
    return this.lastTime[which]!;
  }

  /** Forgets an indicator; returns whether it was held. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.unregister(slot);
    if (this.flags[slot]! & FLAG_REVOKED) this.revokedCount--;
    this.flags[slot] = 0;
    this.slotOf.delete(id);
    this.ids[slot] = '';
    this.free.push(slot);
    return true;
  }

  /**
   * Indicators that match one normalized event at `now` (default: the injected clock). Simple
   * ones cost one Map.get per populated ECS field (plus one per CIDR prefix length for
   * addresses); complex ones are evaluated on the event's SCOs; windowed ones remember the event
   * in the window of `windowKey` (pass the organisation, so that one organisation's events never
   * complete a pattern together with another's). Returns a shared empty array when nothing
   * matches, so a miss allocates nothing.
   */
  matchEvent(event: IndicatorEvent, now: number = this.clock.now(), windowKey = '', part: IndicatorMatchPart = 'all'): IndicatorMatch[] {
    if (part === 'windowed') return this.windowed.size > 0 ? this.matchComplex(event, now, none, windowKey, part) : none;
    const ecs = event.ecs as Record<string, unknown>;
    let out = none;
    // Walking the event's own keys (about 13 on a Windows event) beats reading the table's ~20
    // fields: most are absent, and absent-property reads on events of many shapes are slow.
    for (const field in ecs) {
      const kind = simpleFieldKind.get(field);
      if (kind === undefined) continue;
      const value = ecs[field];
      if (typeof value !== 'string' || value.length === 0) continue;
      this.hits.length = 0;
      this.collect(kind, value);
      if (this.hits.length > 0) out = this.emit(out, field, value, now);
    }
    if (this.complex.size > 0 || (part === 'all' && this.windowed.size > 0)) out = this.matchComplex(event, now, out, windowKey, part);
    return out;
  }

  /** Whether windowed patterns are indexed (their `matchEvent` part keeps state). */
  hasWindows(): boolean {
    return this.windowed.size > 0;
  }

  /** Indicator ids whose simple pattern names this value (addresses also hit CIDRs). */
  matchObservable(type: ObservableType, value: string, now: number = this.clock.now()): string[] {
    this.hits.length = 0;
    this.collect(observableKinds[type], value);
    const out = this.emit(none, type, value, now);
    return [...new Set(out.map((m) => m.indicatorId))];
  }

  private allocate(id: string): number {
    const slot = this.free.pop() ?? this.ids.length;
    if (slot >= this.flags.length) this.grow();
    this.ids[slot] = id;
    this.keys[slot] = undefined;
    this.slotOf.set(id, slot);
    return slot;
  }

  private grow(): void {
    const n = this.flags.length * 2;
    const g = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.validFrom = g(this.validFrom, (k) => new Float64Array(k));
    this.validUntil = g(this.validUntil, (k) => new Float64Array(k));
    this.modified = g(this.modified, (k) => new Float64Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
    this.shape = g(this.shape, (k) => new Uint8Array(k));
    this.keyKind = g(this.keyKind, (k) => new Uint8Array(k));
  }

  private registerKey(k: SimpleKey, slot: number): void {
    if (k.kind === KeyKind.Cidr4) this.cidr4.add(Math.floor((k.key as number) / 2 ** 32), (k.key as number) % 2 ** 32, slot);
    else if (k.kind === KeyKind.Cidr6) {
      const s = k.key as string;
      const cut = s.indexOf('/');
      this.cidr6.add(Number(s.slice(0, cut)), s.slice(cut + 1), slot);
    } else slotMapAdd(this.maps[k.kind]!, k.key, slot);
  }

  private unregisterKey(k: SimpleKey, slot: number): void {
    if (k.kind === KeyKind.Cidr4) this.cidr4.remove(Math.floor((k.key as number) / 2 ** 32), (k.key as number) % 2 ** 32, slot);
    else if (k.kind === KeyKind.Cidr6) {
      const s = k.key as string;
      const cut = s.indexOf('/');
      this.cidr6.remove(Number(s.slice(0, cut)), s.slice(cut + 1), slot);
    } else slotMapRemove(this.maps[k.kind]!, k.key, slot);
  }

  private unregister(slot: number): void {
    const shape = this.shape[slot];
    if (shape === SHAPE_SIMPLE) {
      const keys = this.keys[slot];
      if (this.keyKind[slot] === 255) for (const k of keys as SimpleKey[]) this.unregisterKey(k, slot);
      else this.unregisterKey({ kind: this.keyKind[slot] as KeyKind, key: keys as string | number }, slot);
    } else if (shape === SHAPE_COMPLEX) this.complex.delete(slot);
    else if (shape === SHAPE_WINDOWED) this.windowed.delete(slot);
    this.shape[slot] = SHAPE_NONE;
    this.keys[slot] = undefined;
  }

  /** Pushes the slot groups a value hits onto `this.hits`. */
  private collect(kind: KeyKind, value: string): void {
    if (kind !== KeyKind.Ip4 && kind !== KeyKind.Ip6) {
      const slots = this.maps[kind]!.get(kind === KeyKind.Url || kind === KeyKind.UserAgent ? value : foldKey(kind, value));
      if (slots !== undefined) this.hits.push(slots);
      return;
    }
    let v4 = parseIpv4(value);
    if (v4 < 0 && value.includes(':')) v4 = this.collect6(value);
    if (v4 < 0) return;
    const exact = this.maps[KeyKind.Ip4]!.get(v4);
    if (exact !== undefined) this.hits.push(exact);
    if (this.cidr4.prefixCount > 0) {
      this.word4[0] = v4;
      this.cidr4.lookup(this.word4, this.hits);
    }
  }

  /** IPv6 lookups; returns the IPv4 address of an IPv4-mapped address, else -1. */
  private collect6(value: string): number {
    if (!parseIpv6Words(value, this.words6)) {
      let addr: ipaddr.IPv6;
      try {
        addr = ipaddr.IPv6.parse(value);
      } catch {
        return -1;
      }
      const p = addr.parts;
      for (let w = 0; w < 4; w++) this.words6[w] = ((p[w * 2]! << 16) | p[w * 2 + 1]!) >>> 0;
    }
    const w6 = this.words6;
    if (w6[0] === 0 && w6[1] === 0 && w6[2] === 0xffff) return w6[3]!;
    const exact = this.maps[KeyKind.Ip6]!.get(maskIpv6(this.words6, 128));
    if (exact !== undefined) this.hits.push(exact);
    if (this.cidr6.prefixCount > 0) this.cidr6.lookup(this.words6, this.hits);
    return -1;
  }

  private live(slot: number, now: number): boolean {
    return this.flags[slot] === FLAG_LIVE && this.validFrom[slot]! <= now && now < this.validUntil[slot]!;
  }

  private emit(out: IndicatorMatch[], field: string, value: string, now: number): IndicatorMatch[] {
    for (const group of this.hits) {
      if (typeof group === 'number') {
        if (!this.live(group, now)) continue;
        if (out === none) out = [];
        out.push({ indicatorId: this.ids[group]!, field, value });
      } else
        for (const slot of group) {
          if (!this.live(slot, now)) continue;
          if (out === none) out = [];
          out.push({ indicatorId: this.ids[slot]!, field, value });
        }
    }
    return out;
  }

  private matchComplex(event: IndicatorEvent, now: number, out: IndicatorMatch[], windowKey: string, part: IndicatorMatchPart): IndicatorMatch[] {
    const scope = eventObservation(event);
    if (scope.roots.length === 0) return out;
    const types = new Set<unknown>();
    for (const o of scope.objects.values()) types.add(o.type);
    if (part !== 'stateless') for (const [slot, window] of this.windowed) {
      if (!this.live(slot, now)) continue;
      const completed = window.observe(scope, event.time ?? now, types, windowKey);
      if (!completed) continue;
      const [field, value] = fieldOf(completed.comparison, event.ecs as Record<string, unknown>);
      if (out === none) out = [];
      out.push({ indicatorId: this.ids[slot]!, field, value });
    }
    if (part !== 'windowed') for (const [slot, evaluator] of this.complex) {
      if (!evaluator.couldHold(types) || !this.live(slot, now)) continue;
      let matched: Set<string>;
      try {
        matched = evaluator.evaluate(scope);
      } catch (e) {
        if (e instanceof EvaluationError) continue;
        throw e;
      }
      if (matched.size === 0) continue;
      const [field, value] = fieldOf(evaluator.expression, event.ecs as Record<string, unknown>);
      if (out === none) out = [];
      out.push({ indicatorId: this.ids[slot]!, field, value });
    }
    return out;
  }
}

/**
 * Which patterns `matchEvent` runs: all; the stateless ones (simple and complex: an event may be
 * matched against them early, and twice); or the windowed ones alone, which remember the event.
 */
export type IndicatorMatchPart = 'all' | 'stateless' | 'windowed';

/** The ECS field and value a complex match is reported on: the first comparison's mapped field. */
function fieldOf(c: ComparisonExpression, ecs: Record<string, unknown>): [string, string] {
  while (c.kind === 'and' || c.kind === 'or') c = c.left;
  const path = c.path.steps.map((s) => (s.kind === 'key' ? s.key : '*')).join('.');
  for (const f of scoEcsFields) {
    if (f.path.join('.') === path && (f.type === c.path.objectType || (f.refType === 'ip' && c.path.objectType.endsWith('-addr')))) {
      const v = ecs[f.ecs];
      if (v !== undefined) return [f.ecs, String(v)];
    }
  }
  return ['pattern', `${c.path.objectType}:${path}`];
}
