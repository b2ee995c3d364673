import { describe, expect, it } from 'vitest';
import { FlatShapePlans } from './flat-shape-plans.js';
import { flattenFlatEvent } from './flatten-flat-event.js';
import { recoverSysmonEventType } from './recover-sysmon-event-type.js';

// What the general path makes of a flat record: a copy through flattenFlatEvent.
function general(raw: Record<string, unknown>): Record<string, unknown> {
  return flattenFlatEvent({ ...raw });
}

function planned(plans: FlatShapePlans, raw: Record<string, unknown>): Record<string, unknown> | undefined {
  const plan = plans.lookup(raw);
  if (plan === undefined) return undefined;
  const fields = plan.build(plans.values);
  recoverSysmonEventType(fields);
  return fields;
}

/** Looks `make()` up until its shape is planned (the second sighting), then once more. */
function viaPlan(plans: FlatShapePlans, make: () => Record<string, unknown>): Record<string, unknown> | undefined {
  plans.lookup(make());
  plans.lookup(make());
  return planned(plans, make());
}

const nxlog = (): Record<string, unknown> => ({
  SourceName: 'Microsoft-Windows-Sysmon', Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS6', EventID: 13,
  RecordNumber: 7, EventType: 'INFO', Message: 'Registry value set:\r\nEventType: SetValue\r\nImage: C:\\a.exe', ProcessID: 42,
  'Process Name': 'a.exe', Image: 'C:\\a.exe',
});

describe('FlatShapePlans', () => {
  it('builds the same keys, in the same order, with the same values as the general path', () => {
    const plans = new FlatShapePlans();
    const fields = viaPlan(plans, nxlog);
    expect(fields).toBeDefined();
    const expected = general(nxlog());
    expect(Object.keys(fields!)).toEqual(Object.keys(expected));
    expect(fields).toEqual(expected);
    expect(fields).toMatchObject({ Provider_Name: 'Microsoft-Windows-Sysmon', Computer: 'WS6', EventRecordID: 7, ProcessId: 42, ProcessName: 'a.exe', EventType: 'SetValue' });
  });

  it('leaves an EventData string to the general path, which parses it', () => {
    const plans = new FlatShapePlans();
    const withData = (data: unknown) => ({ EventID: 4688, Channel: 'Security', EventData: data });
    expect(viaPlan(plans, () => withData({ NewProcessName: 'C:\\a.exe' }))).toEqual(general(withData({ NewProcessName: 'C:\\a.exe' })));
    expect(plans.lookup(withData('<EventData><Data Name="NewProcessName">C:\\b.exe</Data></EventData>'))).toBeUndefined();
  });

  it('plans a shape only from its second sighting', () => {
    const plans = new FlatShapePlans();
    expect(plans.lookup(nxlog())).toBeUndefined();
    expect(plans.lookup(nxlog())).toBeUndefined();
    expect(plans.lookup(nxlog())).toBeDefined();
  });

  it('leaves to the general path the records whose values steer flattenFlatEvent otherwise', () => {
    const plans = new FlatShapePlans();
    viaPlan(plans, nxlog);
    // A system source that is not a scalar is not copied: another set of fields.
    expect(plans.lookup({ ...nxlog(), SourceName: null })).toBeUndefined();
    expect(plans.lookup({ ...nxlog(), Hostname: { name: 'WS6' } })).toBeUndefined();
    expect(plans.lookup({ ...nxlog(), Image: undefined })).toBeUndefined();
    // Other values do not matter.
    expect(plans.lookup({ ...nxlog(), Image: null, Message: 3 })).toBeDefined();
  });

  it('never plans other layouts, explicit logsources, EventData strings or keys a literal would misread', () => {
    const plans = new FlatShapePlans();
    const makers: (() => Record<string, unknown>)[] = [
      () => ({ Event: { System: { EventID: 1 } } }),
      () => ({ winlog: { channel: 'Security' }, event: { code: '4688' } }),
      () => ({ log_name: 'Security', event_id: 4688 }),
      () => ({ EventID: 1, logsource: { product: 'windows' } }),
      () => ({ EventID: 4688, EventData: '<EventData><Data Name="NewProcessName">C:\\a.exe</Data></EventData>' }),
      () => JSON.parse('{"__proto__": {"polluted": 1}, "EventID": 1}') as Record<string, unknown>,
      () => ({ 0: 'x', EventID: 1 }),
      () => Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { EventID: 1 }),
    ];
    for (const make of makers) expect(viaPlan(plans, make)).toBeUndefined();
  });

  it('stays within its caps on records of ever new shapes', () => {
    const plans = new FlatShapePlans(8, 64, 16);
    for (let i = 0; i < 1000; i++) {
      const raw = { EventID: 1, [`k${i % 40}`]: i, [`j${i}`]: 1 };
      plans.lookup(raw);
      plans.lookup(raw);
    }
    const stats = plans as unknown as { plans: number; nodes: number; seenOnce: Set<string> };
    expect(stats.plans).toBeLessThanOrEqual(8);
    expect(stats.nodes).toBeLessThanOrEqual(64);
    expect(stats.seenOnce.size).toBeLessThanOrEqual(16);
  });
});
