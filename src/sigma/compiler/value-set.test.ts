import { describe, expect, it } from 'vitest';
import { buildFieldTest } from '../modifiers/build-field-test.js';
import { EventView } from './event-view.js';
import { compileFieldTest } from './compile-field-test.js';
import { evaluateFieldTest } from './evaluate-field-test.js';
import { ValueSet } from './value-set.js';

const dlls = Array.from({ length: 20 }, (_, i) => `\\lib${i}.dll`);

describe('ValueSet', () => {
  it('finds exact values and path endings by last component, and leaves the rest to the caller', () => {
    const t = buildFieldTest('ImageLoaded|endswith', [...dlls, '.cpl', '\\sub\\Deep.DLL']);
    const vs = ValueSet.build(t.tests)!;
    expect(vs.has('c:\\temp\\lib7.dll')).toBe(true);
    expect(vs.has('c:\\x\\sub\\deep.dll')).toBe(true);
    expect(vs.has('c:\\x\\other\\deep.dll')).toBe(false);
    expect(vs.has('c:\\temp\\lib7.dll.bak')).toBe(false);
    expect(vs.has('lib7.dll')).toBe(false);
    // `.cpl` holds no path separator: evaluated one by one.
    expect(vs.rest.map((r) => r.kind === 'endswith' && r.text)).toEqual(['.cpl']);
    const eq = ValueSet.build(buildFieldTest('User', Array.from({ length: 12 }, (_, i) => `User${i}`)).tests)!;
    expect(eq.has('user3')).toBe(true);
    expect(eq.has('user3 ')).toBe(false);
  });

  it('is not built for short lists, nor from cased or windash values', () => {
    expect(ValueSet.build(buildFieldTest('Image|endswith', dlls.slice(0, 5)).tests)).toBeUndefined();
    expect(ValueSet.build(buildFieldTest('Image|endswith|cased', dlls).tests)).toBeUndefined();
    expect(ValueSet.build(buildFieldTest('CommandLine|windash|contains', dlls).tests)).toBeUndefined();
  });

  it('gives the compiled entry (which looks values up in it) and evaluateFieldTest the answers of the one-by-one loop', () => {
    const t = buildFieldTest('ImageLoaded|endswith', [...dlls, '.cpl', '\\Sub\\Deep.dll']);
    const compiled = compileFieldTest(t);
    const view = new EventView();
    const values: unknown[] = ['C:\\Temp\\LIB19.dll', 'C:\\a\\sub\\deep.dll', 'x.CPL', 'C:\\lib1.dllx', 'lib1.dll', 42, true, null, undefined, ['x', 'C:\\lib2.dll'], ['x']];
    for (const v of values) {
      view.reset({ ImageLoaded: v });
      const loop = v !== undefined && v !== null && (Array.isArray(v) ? v : [v]).some((x) => {
        const s = String(x).toLowerCase();
        return s.endsWith('.cpl') || s.endsWith('\\sub\\deep.dll') || dlls.some((d) => s.endsWith(d));
      });
      expect(compiled(view), String(v)).toBe(loop);
      expect(evaluateFieldTest(t, view), String(v)).toBe(loop);
    }
  });
});
