import { describe, expect, it } from 'vitest';
import { MemoTrial } from './memo-trial.js';

describe('MemoTrial', () => {
  it('fails a trial in which under a quarter of the lookups hit, then rests 65,536 uses', () => {
    const t = new MemoTrial(8);
    // One hit in 8: the 8th lookup ends the trial, failed.
    for (let i = 0; i < 7; i++) expect(t.failed(i === 0)).toBe(false);
    expect(t.active).toBe(true);
    expect(t.failed(false)).toBe(true);
    expect(t.active).toBe(false);
    let rested = 0;
    while (t.rests()) rested++;
    expect(rested).toBe(65_536);
    expect(t.active).toBe(true);
    expect(t.rests()).toBe(false);
  });

  it('passes a trial in which a quarter hit, and starts the next from zero', () => {
    const t = new MemoTrial(8);
    for (let i = 0; i < 8; i++) expect(t.failed(i < 2)).toBe(false);
    expect(t.active).toBe(true);
    // The hits of the passed trial do not carry over: no hit in the next one fails it.
    for (let i = 0; i < 7; i++) expect(t.failed(false)).toBe(false);
    expect(t.failed(false)).toBe(true);
  });
});
