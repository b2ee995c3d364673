import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { TLP_MARKING_IDS } from '../tlp/index.js';
import { IntelMatcher } from './intel-matcher.js';

const clock = new ManualClock(Date.parse('2026-11-26T01:00:00Z'));
const organisations = [
  { id: 'producer', parentId: null },
  { id: 'named', parentId: null },
  { id: 'member', parentId: null },
];

/** A GREEN indicator of `producer` (every member may receive it). */
function indicator(n: number, pattern: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator', spec_version: '2.1', id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    created: '2026-11-01T00:00:00.000Z', modified: '2026-11-01T00:00:00.000Z', valid_from: '2026-11-01T00:00:00.000Z',
    pattern, pattern_type: 'stix', object_marking_refs: [TLP_MARKING_IDS.green], ...extra,
  };
}

function matcherWith(...objects: Record<string, unknown>[]): { matcher: IntelMatcher; invalid: { id: string; reason: string }[] } {
  const matcher = new IntelMatcher(clock);
  matcher.syncIntel({ organisations });
  const { invalid } = matcher.syncIntel({ update: { reason: 'import', add: objects.map((object) => ({ producerOrgId: 'producer', object })), remove: [], at: 0 } });
  return { matcher, invalid };
}

const ipEvent = (ip: string) => ({ ecs: { 'source.ip': ip }, time: clock.now() });
const hitIds = (m: IntelMatcher, orgId: string, event: { ecs: object; time?: number }) => m.match(orgId, event).map((h) => h.indicatorId);

describe('IntelMatcher', () => {
  it('skips an indicator whose pattern does not parse, reports it, and applies the rest of the update', () => {
    const before = indicator(1, "[ipv4-addr:value = '198.51.100.1']");
    const bad = indicator(2, "[ipv4-addr:value = '198.51.100.2'");
    const after = indicator(3, "[ipv4-addr:value = '198.51.100.3']");
    const { matcher, invalid } = matcherWith(before, bad, after);
    expect(invalid).toEqual([{ id: bad.id, reason: expect.any(String) }]);
    expect(invalid[0]!.reason.length).toBeGreaterThan(0);
    expect(matcher.invalidCount()).toBe(1);
    expect(matcher.size()).toBe(2);
    expect(hitIds(matcher, 'member', ipEvent('198.51.100.1'))).toEqual([before.id]);
    expect(hitIds(matcher, 'member', ipEvent('198.51.100.3'))).toEqual([after.id]);
  });

  it('keeps a revocation as a tombstone: an older or equal version arriving later is not matched again', () => {
    const v1 = indicator(1, "[ipv4-addr:value = '198.51.100.1']");
    const { matcher } = matcherWith(v1);
    expect(hitIds(matcher, 'member', ipEvent('198.51.100.1'))).toEqual([v1.id]);
    const revoked = { ...v1, revoked: true, modified: '2026-11-02T00:00:00.000Z' };
    const late = (object: Record<string, unknown>) =>
      matcher.syncIntel({ update: { reason: 'confirm', add: [{ producerOrgId: 'producer', object }], remove: [], at: 0 } });
    late(revoked);
    expect(hitIds(matcher, 'member', ipEvent('198.51.100.1'))).toEqual([]);
    // E.g. a confirmation of v1 still in flight on the early-warning channel.
    late(v1);
    late({ ...v1, modified: revoked.modified });
    expect(hitIds(matcher, 'member', ipEvent('198.51.100.1'))).toEqual([]);
    expect(matcher.size()).toBe(0);
  });

  it('never completes a windowed pattern with events of two organisations', () => {
    const both = indicator(1, "[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'two.example']");
    const { matcher } = matcherWith(both);
    const domainEvent = { ecs: { 'dns.question.name': 'two.example' }, time: clock.now() };
    expect(hitIds(matcher, 'member', ipEvent('198.51.100.1'))).toEqual([]);
    expect(hitIds(matcher, 'named', domainEvent)).toEqual([]);
    // The same organisation's second observation does complete it.
    expect(hitIds(matcher, 'member', domainEvent)).toEqual([both.id]);
  });

  it('gives each organisation the indicator as released to it: a RED name reaches only the producer and the named recipient', () => {
    const secretName = 'Nightjar honeypot 10.9.8.7';
    const marked = indicator(1, "[ipv4-addr:value = '198.51.100.1']", {
      name: secretName,
      granular_markings: [{ marking_ref: TLP_MARKING_IDS.red, selectors: ['name'] }],
      x_shieldwall_red_recipients: ['named'],
    });
    const { matcher } = matcherWith(marked);
    const hit = (orgId: string) => matcher.match(orgId, ipEvent('198.51.100.1'))[0];
    expect(hit('member')).toMatchObject({ indicatorId: marked.id, name: null, producer: 'producer', markings: [TLP_MARKING_IDS.green] });
    expect(JSON.stringify(hit('member'))).not.toContain('Nightjar');
    expect(hit('named')!.name).toBe(secretName);
    expect(hit('producer')!.name).toBe(secretName);
  });
});
