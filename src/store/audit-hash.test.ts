import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash, canonicalJson, genesisHash } from './audit-hash.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('drops undefined properties like JSON.stringify, and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 'x'], 'é"': 'q' })).toBe('{"b":[null,"x"],"é\\"":"q"}');
  });
});

describe('auditHash', () => {
  it('is sha256 over prevHash followed by the canonical entry', () => {
    const entry = { seq: 7, orgId: 'o', at: 5, actor: 'a', action: 'x', target: null, details: { k: [1] } };
    const expected = createHash('sha256')
      .update(genesisHash + '{"action":"x","actor":"a","at":5,"details":{"k":[1]},"orgId":"o","seq":7,"target":null}')
      .digest('hex');
    expect(auditHash(genesisHash, entry)).toBe(expected);
    expect(auditHash(genesisHash, { ...entry, details: { k: [2] } })).not.toBe(expected);
  });
});
