import { describe, expect, it } from 'vitest';
import { assertSubject, subjectMatches, subjectsOverlap } from './subject-pattern.js';

describe('subjectMatches', () => {
  it.each([
    ['events.>', 'events.syslog', true],
    ['events.>', 'events.syslog.udp', true],
    ['events.>', 'events', false],
    ['events.*', 'events.syslog', true],
    ['events.*', 'events.syslog.udp', false],
    ['events.*.udp', 'events.syslog.udp', true],
    ['events.*.udp', 'events.syslog.tcp', false],
    ['alerts', 'alerts', true],
    ['alerts', 'alerts.x', false],
    ['*', 'a', true],
    ['>', 'a.b.c', true],
  ])('%s vs %s → %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('subjectsOverlap', () => {
  it.each([
    ['events.>', 'events.a', true],
    ['events.*', 'events.a.b', false],
    ['events.*.b', 'events.a.*', true],
    ['events.a', 'events.b', false],
    ['a.>', 'b.>', false],
    ['a.*', 'a.>', true],
    ['a', 'a.>', false],
    ['>', 'x', true],
  ])('%s with %s → %s', (a, b, expected) => {
    expect(subjectsOverlap(a, b)).toBe(expected);
    expect(subjectsOverlap(b, a)).toBe(expected);
  });
});

describe('assertSubject', () => {
  it('accepts valid subjects and wildcards where allowed', () => {
    expect(() => assertSubject('events.syslog.udp', 'publish', false)).not.toThrow();
    expect(() => assertSubject('events.*.>', 'stream x', true)).not.toThrow();
  });
  it.each([
    ['', false, 'empty'],
    ['a..b', false, 'empty token at position 2'],
    ['a.*', false, 'wildcard "*" not allowed'],
    ['a.>.b', true, '">" must be the last token'],
    ['a.b*', true, 'mixes a wildcard'],
    ['a b', false, 'white space'],
  ])('rejects %j with a precise message', (subject, wild, what) => {
    expect(() => assertSubject(subject, 'publish', wild)).toThrowError(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => assertSubject(subject, 'publish', wild)).toThrow(what);
  });
});
