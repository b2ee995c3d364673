import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { MemoryStream } from './memory-stream.js';

const all = () => true;

function make(def: { maxAgeMs?: number; maxMessages?: number } = {}, dedupWindowMs = 1_000) {
  const clock = new ManualClock(10_000);
  const stream = new MemoryStream({ name: 's', subjects: ['s.>'], ...def }, clock, dedupWindowMs);
  return { clock, stream };
}

describe('MemoryStream', () => {
  it('numbers messages from 1 and finds the next one from a sequence', () => {
    const { stream } = make();
    stream.append('s.a', '1', 'a');
    stream.append('s.b', '2', 'b');
    stream.append('s.a', '3', 'c');
    expect(stream.nextFrom(1, all)?.seq).toBe(1);
    expect(stream.nextFrom(2, (s) => s === 's.a')?.payload).toBe('3');
    expect(stream.nextFrom(4, all)).toBeUndefined();
    expect(stream.nextSeq).toBe(4);
  });

  it('stores a repeated msgId once inside the window and again once the window has passed', () => {
    const { clock, stream } = make({}, 1_000);
    expect(stream.append('s.a', '1', 'same')?.seq).toBe(1);
    clock.advance(999);
    expect(stream.append('s.a', '2', 'same')).toBeUndefined();
    clock.advance(1);
    expect(stream.append('s.a', '3', 'same')?.seq).toBe(2);
    expect(stream.size).toBe(2);
  });

  it('drops messages older than maxAgeMs, to the millisecond', () => {
    const { clock, stream } = make({ maxAgeMs: 500 });
    stream.append('s.a', '1', 'a');
    clock.advance(300);
    stream.append('s.a', '2', 'b');
    clock.advance(200);
    expect(stream.get(1)?.payload).toBe('1');
    clock.advance(1);
    expect(stream.get(1)).toBeUndefined();
    expect(stream.nextFrom(1, all)?.seq).toBe(2);
    clock.advance(300);
    expect(stream.size).toBe(1);
    expect(stream.nextFrom(1, all)).toBeUndefined();
    expect(stream.size).toBe(0);
  });

  it('keeps the newest maxMessages, also across holes left by removals', () => {
    const { stream } = make({ maxMessages: 2 });
    for (let i = 1; i <= 3; i++) stream.append('s.a', String(i), `id${i}`);
    expect([stream.get(1), stream.get(2)?.seq, stream.get(3)?.seq]).toEqual([undefined, 2, 3]);
    stream.remove(3);
    stream.append('s.a', '4', 'id4');
    stream.append('s.a', '5', 'id5');
    expect(stream.size).toBe(2);
    expect(stream.nextFrom(1, all)?.seq).toBe(4);
  });

  it('skips removed messages in the middle', () => {
    const { stream } = make();
    for (let i = 1; i <= 3; i++) stream.append('s.a', String(i), `id${i}`);
    stream.remove(2);
    expect(stream.nextFrom(2, all)?.seq).toBe(3);
    stream.remove(1);
    expect(stream.nextFrom(1, all)?.seq).toBe(3);
  });
});
