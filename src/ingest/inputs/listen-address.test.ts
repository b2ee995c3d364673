import { describe, expect, it } from 'vitest';
import { formatListenAddress, formatSenderAddress, parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it('reads IPv4, bracketed IPv6 and host names', () => {
    expect(parseListenAddress('0.0.0.0:514', 'k')).toEqual({ host: '0.0.0.0', port: 514, family: 4 });
    expect(parseListenAddress('[::]:6514', 'k')).toEqual({ host: '::', port: 6514, family: 6 });
    expect(parseListenAddress('localhost:0', 'k')).toEqual({ host: 'localhost', port: 0, family: 0 });
  });

  it('refuses what it cannot read with CONFIG_INVALID naming the key and the value', () => {
    for (const bad of ['514', '::1:514', '[localhost]:514', 'host:70000', 'host:', '']) {
      expect(() => parseListenAddress(bad, 'ingest.syslog.udp'), bad).toThrowError(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`ingest.syslog.udp ${JSON.stringify(bad)}`) }),
      );
    }
  });

  it('formats IPv6 with brackets so the result parses back', () => {
    expect(formatListenAddress('::1', 5514)).toBe('[::1]:5514');
    expect(parseListenAddress(formatListenAddress('::1', 5514), 'k').host).toBe('::1');
    expect(formatListenAddress('127.0.0.1', 5514)).toBe('127.0.0.1:5514');
  });

  it('writes a sender as Filebeat does, an IPv4-mapped peer of a dual-stack socket as plain IPv4', () => {
    expect(formatSenderAddress('192.0.2.7', 51514)).toBe('192.0.2.7:51514');
    expect(formatSenderAddress('2001:db8::1', 601)).toBe('[2001:db8::1]:601');
    expect(formatSenderAddress('::ffff:10.0.0.1', 514)).toBe('10.0.0.1:514');
    expect(formatSenderAddress('::ffff:a00:1', 514)).toBe('[::ffff:a00:1]:514');
  });
});
