import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { PatternError } from '../pattern/index.js';
import { IndicatorIndex, type IndicatorInput } from './indicator-index.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
let n = 0;
function indicator(pattern: string, extra: Partial<IndicatorInput> = {}): IndicatorInput {
  n++;
  return { id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, pattern, pattern_type: 'stix', valid_from: '2025-01-01T00:00:00Z', modified: '2025-06-01T00:00:00Z', ...extra };
}
function fresh(): { index: IndicatorIndex; clock: ManualClock } {
  const clock = new ManualClock(t0);
  return { index: new IndicatorIndex({ clock }), clock };
}

describe('IndicatorIndex: simple patterns in hash maps', () => {
  it('matches IPv4 and IPv6 addresses in source.ip and destination.ip', () => {
    const { index } = fresh();
    const a = indicator("[ipv4-addr:value = '198.51.100.7']");
    const b = indicator("[ipv6-addr:value = '2001:db8::1']");
    expect(index.add(a)).toEqual({ status: 'added', shape: 'simple' });
    index.add(b);
    expect(index.matchEvent({ ecs: { 'source.ip': '10.0.0.1', 'destination.ip': '198.51.100.7' } })).toEqual([{ indicatorId: a.id, field: 'destination.ip', value: '198.51.100.7' }]);
    expect(index.matchEvent({ ecs: { 'source.ip': '2001:0db8:0:0::0001' } })).toEqual([{ indicatorId: b.id, field: 'source.ip', value: '2001:0db8:0:0::0001' }]);
    expect(index.matchEvent({ ecs: { 'source.ip': '198.51.100.8' } })).toEqual([]);
  });

  it('matches CIDRs of several prefix lengths, IPv4 and IPv6, including ISSUBSET and IPv4-mapped addresses', () => {
    const { index } = fresh();
    const wide = indicator("[ipv4-addr:value = '10.0.0.0/8']");
    const narrow = indicator("[ipv4-addr:value ISSUBSET '10.1.2.0/24']");
    const v6 = indicator("[ipv6-addr:value = '2001:db8:abcd::/48']");
    const all = indicator("[ipv4-addr:value = '0.0.0.0/0']");
    for (const i of [wide, narrow, v6]) index.add(i);
    expect(index.matchEvent({ ecs: { 'source.ip': '10.1.2.3' } }).map((m) => m.indicatorId)).toEqual([narrow.id, wide.id]);
    expect(index.matchEvent({ ecs: { 'source.ip': '10.9.2.3' } }).map((m) => m.indicatorId)).toEqual([wide.id]);
    expect(index.matchEvent({ ecs: { 'source.ip': '::ffff:10.9.2.3' } }).map((m) => m.indicatorId)).toEqual([wide.id]);
    expect(index.matchEvent({ ecs: { 'destination.ip': '2001:db8:abcd:12::5' } }).map((m) => m.indicatorId)).toEqual([v6.id]);
    expect(index.matchEvent({ ecs: { 'destination.ip': '2001:db8:abce::5' } })).toEqual([]);
    expect(index.stats.cidrPrefixes4).toBe(2);
    index.add(all);
    expect(index.matchObservable('ipv4-addr', '192.0.2.1')).toEqual([all.id]);
  });

  it('folds case for hashes, domains and e-mail addresses, not for URLs', () => {
    const { index } = fresh();
    const h = indicator("[file:hashes.'SHA-256' = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']");
    const d = indicator("[domain-name:value = 'Evil.Example.COM']");
    const u = indicator("[url:value = 'http://example.com/Payload']");
    const e = indicator("[email-addr:value = 'Boss@Example.com']");
    for (const i of [h, d, u, e]) index.add(i);
    expect(index.matchEvent({ ecs: { 'process.hash.sha256': 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' } })[0]?.indicatorId).toBe(h.id);
    expect(index.matchEvent({ ecs: { 'dns.question.name': 'evil.example.com.' } })[0]?.indicatorId).toBe(d.id);
    expect(index.matchEvent({ ecs: { 'url.full': 'http://example.com/payload' } })).toEqual([]);
    expect(index.matchEvent({ ecs: { 'url.original': 'http://example.com/Payload' } })[0]?.indicatorId).toBe(u.id);
    expect(index.matchEvent({ ecs: { 'user.email': 'boss@example.com' } })[0]?.indicatorId).toBe(e.id);
  });

  it('compiles OR and IN of several kinds into hash keys', () => {
    const { index } = fresh();
    const i = indicator("[file:hashes.MD5 IN ('cead3f77f6cda6ec00f57d76c9a6879f', '79054025255fb1a26e4bc422aef54eb4') OR network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'EvilBot/1.0']");
    expect(index.add(i)).toEqual({ status: 'added', shape: 'simple' });
    expect(index.matchObservable('md5', '79054025255FB1A26E4BC422AEF54EB4')).toEqual([i.id]);
    expect(index.matchEvent({ ecs: { 'user_agent.original': 'EvilBot/1.0' } })).toEqual([{ indicatorId: i.id, field: 'user_agent.original', value: 'EvilBot/1.0' }]);
  });
});

describe('IndicatorIndex: lifecycle', () => {
  it('never matches expired, not-yet-valid or revoked indicators', () => {
    const { index, clock } = fresh();
    const i = indicator("[domain-name:value = 'a.example']", { valid_until: '2026-01-01T00:00:01Z' });
    index.add(i);
    expect(index.matchObservable('domain-name', 'a.example')).toEqual([i.id]);
    clock.advance(1000);
    expect(index.matchObservable('domain-name', 'a.example')).toEqual([]);
    const later = indicator("[domain-name:value = 'b.example']", { valid_from: '2026-02-01T00:00:00Z' });
    index.add(later);
    expect(index.matchObservable('domain-name', 'b.example')).toEqual([]);
    expect(index.matchObservable('domain-name', 'b.example', Date.parse('2026-02-01T00:00:00Z'))).toEqual([later.id]);
    expect(index.add({ ...later, revoked: true, modified: '2025-07-01T00:00:00Z' })).toEqual({ status: 'revoked' });
    expect(index.matchObservable('domain-name', 'b.example', Date.parse('2026-03-01T00:00:00Z'))).toEqual([]);
    expect(index.add({ ...later, modified: '2025-06-15T00:00:00Z' })).toEqual({ status: 'stale' });
    expect(index.size).toBe(1);
  });

  it('replaces an indicator by a newer modified version and ignores older ones', () => {
    const { index } = fresh();
    const v1 = indicator("[ipv4-addr:value = '192.0.2.1']");
    index.add(v1);
    const v2 = { ...v1, pattern: "[ipv4-addr:value = '192.0.2.2']", modified: '2025-08-01T00:00:00Z' };
    expect(index.add(v2)).toEqual({ status: 'replaced', shape: 'simple' });
    expect(index.add(v1)).toEqual({ status: 'stale' });
    expect(index.matchObservable('ipv4-addr', '192.0.2.1')).toEqual([]);
    expect(index.matchObservable('ipv4-addr', '192.0.2.2')).toEqual([v1.id]);
    expect(index.remove(v1.id)).toBe(true);
    expect(index.matchObservable('ipv4-addr', '192.0.2.2')).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('rejects an invalid pattern with its position and leaves the index unchanged', () => {
    const { index } = fresh();
    const bad = indicator("[file:hashes.'SHA-256' = 'f00']");
    expect(() => index.add(bad)).toThrow(PatternError);
    try {
      index.add(bad);
    } catch (e) {
      expect((e as PatternError).code).toBe('VALIDATION_FAILED');
      expect((e as PatternError).details).toMatchObject({ phase: 'semantic', line: 1, column: 26 });
    }
    expect(index.size).toBe(0);
    expect(index.add({ ...bad, pattern_type: 'sigma' })).toEqual({ status: 'unsupported' });
  });
});

describe('IndicatorIndex: complex patterns through the STIX matcher', () => {
  it('evaluates single-observation patterns on the event SCOs and keeps windowed ones aside', () => {
    const { index } = fresh();
    const flow = indicator("[network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24' AND network-traffic:dst_port = 443]");
    const cmd = indicator("[process:command_line MATCHES '(?i)vssadmin.+delete\\\\s+shadows']");
    const seq = indicator("[ipv4-addr:value = '203.0.113.5'] FOLLOWEDBY [domain-name:value = 'x.example'] WITHIN 60 SECONDS");
    expect(index.add(flow)).toEqual({ status: 'added', shape: 'complex' });
    expect(index.add(cmd)).toEqual({ status: 'added', shape: 'complex' });
    expect(index.add(seq)).toEqual({ status: 'added', shape: 'windowed' });
    expect(index.matchEvent({ ecs: { 'destination.ip': '203.0.113.5', 'destination.port': 443 } })).toEqual([{ indicatorId: flow.id, field: 'destination.ip', value: '203.0.113.5' }]);
    expect(index.matchEvent({ ecs: { 'destination.ip': '203.0.113.5', 'destination.port': 80 } })).toEqual([]);
    expect(index.matchEvent({ ecs: { 'process.command_line': 'VSSADMIN.exe Delete  Shadows /all' } }).map((m) => m.indicatorId)).toEqual([cmd.id]);
    expect(index.stats).toMatchObject({ complex: 2, windowed: 1 });
  });
});

describe('IndicatorIndex: CIDR table', () => {
  it('agrees with a linear scan over random CIDRs and addresses, through adds and removes', () => {
    const { index } = fresh();
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const cidrs: Array<{ id: string; net: number; prefix: number }> = [];
    for (let i = 0; i < 400; i++) {
      const prefix = 8 + rnd(25);
      const addr = (10 + rnd(3)) * 2 ** 24 + rnd(4) * 2 ** 16 + rnd(256) * 256 + rnd(256);
      const net = prefix === 0 ? 0 : Math.floor(addr / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
      const text = [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.');
      const ind = indicator(`[ipv4-addr:value = '${text}/${prefix}']`);
      index.add(ind);
      cidrs.push({ id: ind.id, net, prefix });
    }
    for (const gone of cidrs.splice(0, 100)) index.remove(gone.id);
    for (let k = 0; k < 2000; k++) {
      const ip = (10 + rnd(3)) * 2 ** 24 + rnd(4) * 2 ** 16 + rnd(256) * 256 + rnd(256);
      const text = [24, 16, 8, 0].map((s) => Math.floor(ip / 2 ** s) % 256).join('.');
      const expected = cidrs.filter((c) => Math.floor(ip / 2 ** (32 - c.prefix)) === Math.floor(c.net / 2 ** (32 - c.prefix))).map((c) => c.id).sort();
      expect(index.matchObservable('ipv4-addr', text).sort()).toEqual(expected);
    }
  });
});
