import { describe, expect, it } from 'vitest';
import { walkLongLines, type LongLineSink } from './long-lines.js';

/** A sink that records what it is handed and stops at the part named `stopAt`. */
function recorder(stopAt?: string): LongLineSink & { parts: string[] } {
  const parts: string[] = [];
  return {
    parts,
    shortRange: (text, from, to) => (parts.push(`short:${text.slice(from, to)}`), `short:${text.slice(from, to)}` === stopAt),
    longLine: (line) => (parts.push(`long:${line}`), `long:${line}` === stopAt),
  };
}

describe('walkLongLines', () => {
  it('hands long lines alone and the short lines around them as ranges, in order', () => {
    const sink = recorder();
    expect(walkLongLines('a\nb\nLLLL\nc\nMMMMM\nd', 4, sink)).toBe(false);
    expect(sink.parts).toEqual(['short:a\nb\n', 'long:LLLL', 'short:\nc\n', 'long:MMMMM', 'short:\nd']);
  });

  it('hands a text of one long line as itself, and a text of short lines as one range', () => {
    const text = 'LLLLLL';
    const one: string[] = [];
    walkLongLines(text, 4, { shortRange: () => false, longLine: (line) => (one.push(line), false) });
    expect(one).toEqual([text]);
    const sink = recorder();
    walkLongLines('ab\ncd\n', 4, sink);
    expect(sink.parts).toEqual(['short:ab\ncd\n']);
  });

  it('stops at the first part the sink answers true for', () => {
    const sink = recorder('long:LLLL');
    expect(walkLongLines('a\nLLLL\nb\nMMMM', 4, sink)).toBe(true);
    expect(sink.parts).toEqual(['short:a\n', 'long:LLLL']);
  });
});
