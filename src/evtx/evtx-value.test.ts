import { describe, expect, it } from 'vitest';
import { evtxValue, evtxValueText, type EvtxJsonValue } from './evtx-value.js';

function value(type: number, fill: (v: DataView, b: Buffer) => void, size: number): EvtxJsonValue {
  const b = Buffer.alloc(size + 8);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  fill(new DataView(b.buffer, b.byteOffset + 8, size), b.subarray(8));
  return evtxValue(b, v, type, 8, size);
}

describe('evtxValue', () => {
  it('prints FILETIME with microseconds and SYSTEMTIME, as evtx_dump does, over 20,000 random instants', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((rand() * 2 - 0.5) * 4e12); // 1906 to 2096
      const hundreds = Math.floor(rand() * 10_000); // 100 ns units past the millisecond
      const ticks = (BigInt(ms) + 11_644_473_600_000n) * 10_000n + BigInt(hundreds);
      const micro = String(Math.floor(hundreds / 10)).padStart(3, '0');
      expect(value(0x11, (v) => v.setBigUint64(0, ticks, true), 8)).toBe(new Date(ms).toISOString().replace('Z', `${micro}Z`));
      const d = new Date(ms);
      const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
      expect(value(0x12, (v) => parts.forEach((p, k) => v.setUint16(2 * k, p, true)), 16)).toBe(d.toISOString().replace('Z', '000Z'));
    }
  });

  it('types numbers and booleans as JSON does, 64-bit integers past 2^53 as text, 32-bit floats by their shortest decimal', () => {
    expect(value(0x03, (v) => v.setInt8(0, -5), 1)).toBe(-5);
    expect(value(0x06, (v) => v.setUint16(0, 65535, true), 2)).toBe(65535);
    expect(value(0x08, (v) => v.setUint32(0, 3412, true), 4)).toBe(3412);
    expect(value(0x09, (v) => v.setBigInt64(0, -(2n ** 40n), true), 8)).toBe(-(2 ** 40));
    expect(value(0x0a, (v) => v.setBigUint64(0, 2n ** 63n + 1n, true), 8)).toBe('9223372036854775809');
    expect(value(0x0b, (v) => v.setFloat32(0, 0.1, true), 4)).toBe(0.1);
    expect(value(0x0c, (v) => v.setFloat64(0, 0.1, true), 8)).toBe(0.1);
    expect(value(0x0d, (v) => v.setUint32(0, 1, true), 4)).toBe(true);
    expect(value(0x0d, (v) => v.setUint32(0, 0, true), 4)).toBe(false);
    expect(value(0x00, () => {}, 0)).toBeNull();
  });

  it('prints GUIDs without braces, SIDs, hex and binary as evtx_dump does', () => {
    const guid = Buffer.from('1c496bc9451501006049 6bc94515dd01'.replace(/ /g, ''), 'hex');
    expect(value(0x0f, (_, b) => guid.copy(b), 16)).toBe('C96B491C-1545-0001-6049-6BC94515DD01');
    const sid = Buffer.from('010500000000000515000000', 'hex');
    expect(value(0x13, (v, b) => {
      sid.copy(b);
      [21, 2555720767, 1205513275, 3893774561, 1001].slice(1).forEach((n, k) => v.setUint32(12 + 4 * k, n, true));
    }, 28)).toBe('S-1-5-21-2555720767-1205513275-3893774561-1001');
    expect(value(0x14, (v) => v.setUint32(0, 0x85527, true), 4)).toBe('0x85527');
    expect(value(0x15, (v) => v.setBigUint64(0, 0x8020000000000000n, true), 8)).toBe('0x8020000000000000');
    expect(value(0x0e, (_, b) => b.set([0x0a, 0xff, 0x00]), 3)).toBe('0AFF00');
  });

  it('reads strings without their trailing NULs, and arrays as arrays', () => {
    expect(value(0x01, (_, b) => b.write('cmd.exe\u0000\u0000', 'utf16le'), 18)).toBe('cmd.exe');
    // Control characters stay, as evtx_dump keeps them (an XML rendering has to drop them).
    expect(value(0x01, (_, b) => b.write('a\u0001b\u009f', 'utf16le'), 8)).toBe('a\u0001b\u009f');
    expect(value(0x81, (_, b) => b.write('a\u0000bc\u0000', 'utf16le'), 10)).toEqual(['a', 'bc']);
    expect(value(0x87, (v) => [1, -2].forEach((n, k) => v.setInt32(4 * k, n, true)), 8)).toEqual([1, -2]);
  });

  it('says when a fixed-size value does not fit its size', () => {
    expect(() => value(0x11, () => {}, 4)).toThrow('value of type 0x11 needs 8 bytes, has 4');
  });
});

describe('evtxValueText', () => {
  it('is the text of a value: arrays joined with commas, null empty', () => {
    expect(evtxValueText(['a', 'bc'])).toBe('a,bc');
    expect(evtxValueText(3412)).toBe('3412');
    expect(evtxValueText(false)).toBe('false');
    expect(evtxValueText(null)).toBe('');
    expect(evtxValueText('x')).toBe('x');
  });
});
