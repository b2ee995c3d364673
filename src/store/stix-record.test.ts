import { describe, expect, it } from 'vitest';
import { formatStixTimestamp, parseStixTimestamp, stixObjectRecord } from './stix-record.js';

describe('STIX timestamps in µs', () => {
  it('parses any fraction length to µs and formats back with ms or µs precision', () => {
    const base = Date.UTC(2016, 3, 6, 20, 3, 48) * 1000;
    expect(parseStixTimestamp('2016-04-06T20:03:48Z')).toBe(base);
    expect(parseStixTimestamp('2016-04-06T20:03:48.1Z')).toBe(base + 100_000);
    expect(parseStixTimestamp('2016-04-06T20:03:48.123456789Z')).toBe(base + 123_456);
    expect(formatStixTimestamp(base)).toBe('2016-04-06T20:03:48.000Z');
    expect(formatStixTimestamp(base + 123_456)).toBe('2016-04-06T20:03:48.123456Z');
    expect(formatStixTimestamp(base + 7)).toBe('2016-04-06T20:03:48.000007Z');
  });

  it('refuses what is not an RFC 3339 UTC timestamp', () => {
    for (const bad of ['2016-02-30T00:00:00Z', '2016-04-06T24:00:00Z', '2016-04-06T20:03:60Z', '2016-04-06 20:03:48Z', '2016-04-06T20:03:48+01:00', 42]) {
      expect(parseStixTimestamp(bad), String(bad)).toBeNull();
    }
  });
});

describe('stixObjectRecord', () => {
  it('takes the version from modified, else created, else 0', () => {
    const sdo = stixObjectRecord({ type: 'malware', id: 'malware--1', created: '2020-01-01T00:00:00Z', spec_version: '2.1' }, 'org-a', 'green');
    expect(sdo).toMatchObject({ modifiedUs: Date.UTC(2020, 0, 1) * 1000, createdUs: Date.UTC(2020, 0, 1) * 1000, tlp: 'green', revoked: false });
    expect(stixObjectRecord({ type: 'ipv4-addr', id: 'ipv4-addr--1', value: '1.2.3.4' }, 'org-a')).toMatchObject({ modifiedUs: 0, specVersion: '2.1' });
    expect(stixObjectRecord({ type: 'x', id: 'x--1' }, 'o', null, '{"type":"x","id":"x--1"}').json).toBe('{"type":"x","id":"x--1"}');
  });

  it('names the property that cannot be stored', () => {
    expect(() => stixObjectRecord({ id: 'x--1' }, 'o')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: { where: 'type' } }));
    expect(() => stixObjectRecord({ type: 'x', id: 'y--1' }, 'o')).toThrow(expect.objectContaining({ details: { where: 'id' } }));
    expect(() => stixObjectRecord({ type: 'x', id: 'x--1', modified: 'yesterday' }, 'o')).toThrow(expect.objectContaining({ details: { where: 'modified' } }));
  });
});
