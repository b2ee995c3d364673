import { describe, expect, it } from 'vitest';
import { WindowsData } from './windows-data.js';

describe('WindowsData', () => {
  it('reads fields whatever their case', () => {
    const d = new WindowsData({ ProcessID: '12', COMMANDLINE: 'cmd /c x', image: 'C:\\a.exe' });
    expect(d.get('processid')).toBe('12');
    expect(d.get('commandline')).toBe('cmd /c x');
    expect(d.get('image')).toBe('C:\\a.exe');
    expect(d.get('parentimage')).toBeUndefined();
  });

  it('keeps the last of two spellings, as a lower-cased map would', () => {
    expect(new WindowsData({ ProcessId: '1', ProcessID: '2' }).get('processid')).toBe('2');
    expect(new WindowsData({ ProcessID: '2', ProcessId: '1' }).get('processid')).toBe('1');
  });

  it('keeps non-text values as they are', () => {
    const nested = { a: 1 };
    const d = new WindowsData({ Protocol: 6, User: nested });
    expect(d.get('protocol')).toBe(6);
    expect(d.get('user')).toBe(nested);
  });
});
