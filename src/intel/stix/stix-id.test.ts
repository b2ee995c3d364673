import { describe, expect, it } from 'vitest';
import { randomIds, sequentialIds } from '../../shared/ids.js';
import { canonicalJson } from './canonical-json.js';
import { isStixId, parseStixId, scoId, stixId, uuidV5 } from './stix-id.js';

describe('deterministic SCO ids (STIX 2.1 §2.9)', () => {
  it("reproduces the specification's own example", () => {
    expect(scoId({ type: 'domain-name', value: 'example.com' }, randomIds)).toBe('domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
  });

  it('agrees with ids other STIX 2.1 implementations publish', () => {
    // Vectors from an independent implementation's test suite (same namespace, JCS, UUIDv5).
    expect(scoId({ type: 'ipv4-addr', value: '198.51.100.8' }, randomIds)).toBe('ipv4-addr--6c83081b-13af-5e30-ba30-6f401772a083');
    expect(scoId({ type: 'ipv6-addr', value: '2001:0db8::/96' }, randomIds)).toBe('ipv6-addr--084d3b4c-7785-568a-a569-0c61c95754ab');
    expect(scoId({ type: 'url', value: 'https://example.com/research/index.html' }, randomIds)).toBe('url--47c3cf9a-5027-5bf0-997a-017c7edc7c55');
  });

  it('uses only the ID contributing properties', () => {
    const a = scoId({ type: 'ipv4-addr', value: '203.0.113.9' }, randomIds);
    const b = scoId({ type: 'ipv4-addr', value: '203.0.113.9', defanged: true, resolves_to_refs: ['mac-addr--65cfcf98-8a6e-5a1b-8f61-379ac4f92d00'] }, randomIds);
    expect(b).toBe(a);
    expect(a).toMatch(/^ipv4-addr--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('uses one hash, preferring MD5, then SHA-1, SHA-256, SHA-512', () => {
    const md5 = '4d8fd8a7c4f4b4e0c9ad3a1d0c4e8a11';
    const sha256 = 'a'.repeat(64);
    const withBoth = scoId({ type: 'file', hashes: { 'SHA-256': sha256, MD5: md5 } }, randomIds);
    expect(scoId({ type: 'file', hashes: { MD5: md5 } }, randomIds)).toBe(withBoth);
    expect(scoId({ type: 'file', hashes: { 'SHA-256': sha256 } }, randomIds)).not.toBe(withBoth);
    const expected = `file--${uuidV5('00abedb4-aa42-466c-9c01-fed23315a9b7', `{"hashes":{"MD5":"${md5}"}}`)}`;
    expect(withBoth).toBe(expected);
  });

  it('falls back to a random id when nothing contributes, and always for process', () => {
    const ids = { next: () => '11111111-2222-4333-8444-555555555555' };
    expect(scoId({ type: 'process', pid: 4 }, ids)).toBe('process--11111111-2222-4333-8444-555555555555');
    expect(scoId({ type: 'file', size: 3 }, ids)).toBe('file--11111111-2222-4333-8444-555555555555');
    expect(scoId({ type: 'x-custom', value: 'v' }, ids)).toBe('x-custom--11111111-2222-4333-8444-555555555555');
  });
});

describe('stixId', () => {
  it('prefixes the injected UUID with the type', () => {
    expect(stixId('indicator', { next: () => 'A1B2C3D4-0000-4000-8000-000000000001' })).toBe('indicator--a1b2c3d4-0000-4000-8000-000000000001');
  });

  it('refuses a generator that does not yield UUIDs (sequentialIds is for record ids, not STIX)', () => {
    expect(() => stixId('indicator', sequentialIds())).toThrow(/not an RFC 4122 UUID/);
  });

  it('parses and checks identifiers', () => {
    expect(parseStixId('attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5')).toEqual({ type: 'attack-pattern', uuid: '7e33a43e-e34b-40ec-89da-36c9bb2cacd5' });
    expect(parseStixId('indicator--not-a-uuid')).toBeNull();
    expect(isStixId('indicator--7e33a43e-e34b-40ec-89da-36c9bb2cacd5', 'indicator')).toBe(true);
    expect(isStixId('indicator--7e33a43e-e34b-40ec-89da-36c9bb2cacd5', 'malware')).toBe(false);
    expect(isStixId(42)).toBe(false);
  });
});

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], '\u20ac': 'x', '\ud83d\ude00': 'y', A: 'z' })).toBe(
      '{"A":"z","a":[3,{"c":null,"d":true}],"b":1,"\u20ac":"x","\ud83d\ude00":"y"}',
    );
  });

  it('serialises numbers the ECMAScript way', () => {
    expect(canonicalJson([1.0, 1e21, 0.000001, -0, 1 / 3])).toBe('[1,1e+21,0.000001,0,0.3333333333333333]');
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
  });
});
