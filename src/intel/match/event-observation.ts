import type { ObservationScope } from '../pattern/index.js';
import { scoEcsFields } from './sco-ecs-fields.js';

/** The part of a normalized event indicator matching reads. */
export interface IndicatorEvent {
  ecs: object;
  time?: number;
}

const ipv6Shape = /:/;

/**
 * The SCOs an event stands for, built from {@link scoEcsFields}: one object per row instance
 * that has at least one value, with `_ref` properties pointing at created address objects. Every
 * object is a root, as in a STIX 2.0 observed-data `objects` map.
 */
export function eventObservation(event: IndicatorEvent): ObservationScope {
  const ecs = event.ecs as Record<string, unknown>;
  const objects = new Map<string, Record<string, unknown>>();
  for (const f of scoEcsFields) {
    const value = ecs[f.ecs];
    if (value === undefined || value === null || value === '') continue;
    const type = f.type === 'ipv4-addr' || f.type === 'ipv6-addr' ? (ipv6Shape.test(String(value)) ? 'ipv6-addr' : 'ipv4-addr') : f.type;
    if (type !== f.type) continue;
    let obj = objects.get(f.instance);
    if (!obj) objects.set(f.instance, (obj = { type }));
    let node = obj;
    for (let i = 0; i < f.path.length - 1; i++) {
      const key = f.path[i]!;
      if (key.endsWith('_ref') && f.refType === 'ip') {
        const refId = `${f.instance}.${key}`;
        node[key] = refId;
        let target = objects.get(refId);
        if (!target) objects.set(refId, (target = { type: ipv6Shape.test(String(value)) ? 'ipv6-addr' : 'ipv4-addr' }));
        node = target;
        continue;
      }
      const child = node[key];
      node = (typeof child === 'object' && child !== null ? child : (node[key] = {})) as Record<string, unknown>;
    }
    node[f.path[f.path.length - 1]!] = value;
  }
  return { objects, roots: [...objects.keys()] };
}
