import type { Logsource } from '../sigma-types.js';
import type { ChannelPipeline, EventClass, FieldDerivation } from './pipelines/pipeline-types.js';
import { powershellClassicPipeline, powershellPipeline } from './pipelines/powershell-pipeline.js';
import { sysmonPipeline } from './pipelines/sysmon-pipeline.js';
import { windowsChannelServices } from './pipelines/windows-channel-services.js';
import { windowsSecurityPipeline } from './pipelines/windows-security-pipeline.js';

/** The Windows pipelines, in the order they are compiled (a later one adds to an earlier one's channel). */
export const windowsPipelines: readonly ChannelPipeline[] = [sysmonPipeline, windowsSecurityPipeline, powershellPipeline, powershellClassicPipeline];

/** The logsource of one event and the fields its pipeline derives. Shared, frozen: never mutate. */
export interface WindowsClassification {
  logsource: Logsource;
  derive: readonly FieldDerivation[];
}

interface CompiledEventClass {
  base: WindowsClassification;
  /** Lower-cased field value → classification, for EventIDs split by a field (Sysmon 12). */
  byValue?: { field: string; map: ReadonlyMap<string, WindowsClassification> };
}

interface CompiledChannel {
  base: WindowsClassification;
  events: Map<number, CompiledEventClass>;
}

const noDerivations: readonly FieldDerivation[] = Object.freeze([]);
const windowsOnly: WindowsClassification = Object.freeze({ logsource: Object.freeze({ product: 'windows' }), derive: noDerivations });

function classification(service: string | undefined, category: string | undefined, derive: readonly FieldDerivation[] | undefined): WindowsClassification {
  const logsource: Logsource = { product: 'windows' };
  if (service !== undefined) logsource.service = service;
  if (category !== undefined) logsource.category = category;
  return Object.freeze({ logsource: Object.freeze(logsource), derive: derive ?? noDerivations });
}

function compileEventClass(service: string | undefined, cls: EventClass): CompiledEventClass {
  const base = classification(service, cls.category, cls.derive);
  if (!cls.categoryBy) return { base };
  const map = new Map<string, WindowsClassification>();
  for (const [value, category] of Object.entries(cls.categoryBy.values)) map.set(value.toLowerCase(), classification(service, category, cls.derive));
  return { base, byValue: { field: cls.categoryBy.field, map } };
}

const channels = new Map<string, CompiledChannel>();

function channelEntry(channel: string, service: string | undefined): CompiledChannel {
  const key = channel.toLowerCase();
  let entry = channels.get(key);
  if (!entry) {
    entry = { base: classification(service, undefined, undefined), events: new Map() };
    channels.set(key, entry);
  }
  return entry;
}

for (const [channel, service] of windowsChannelServices) channelEntry(channel, service);
for (const pipeline of windowsPipelines) {
  for (const channel of pipeline.channels) {
    const entry = channelEntry(channel, undefined);
    for (const [id, cls] of Object.entries(pipeline.events)) entry.events.set(Number(id), compileEventClass(entry.base.logsource.service, cls));
  }
}
// Exact spellings are looked up first, so the common case costs no toLowerCase().
for (const [channel] of windowsChannelServices) channels.set(channel, channels.get(channel.toLowerCase())!);

/** The channel last classified, and its entry (undefined for an unknown channel). */
const last: { channel: string | undefined; entry: CompiledChannel | undefined } = { channel: undefined, entry: undefined };

/**
 * Classifies a Windows event by its channel and EventID (both already read from the event) into a
 * Sigma logsource, and returns the field derivations of its pipeline. Channels compare
 * case-insensitively; an unknown channel still yields `product: windows`.
 * @param fields the event's flattened fields, read only when an EventID's category depends on a
 *   field value (Sysmon 12 `EventType`).
 */
export function classifyWindowsEvent(channel: string | undefined, eventId: number | undefined, fields: Record<string, unknown>): WindowsClassification {
  if (channel === undefined) return windowsOnly;
  let entry: CompiledChannel | undefined;
  // A stream's events mostly share their channel: a comparison with the last one is cheaper than
  // hashing the channel string, a new object in every event, for the Map lookup.
  if (channel === last.channel) entry = last.entry;
  else {
    entry = channels.get(channel) ?? channels.get(channel.toLowerCase());
    last.channel = channel;
    last.entry = entry;
  }
  if (!entry) return windowsOnly;
  if (eventId === undefined) return entry.base;
  const cls = entry.events.get(eventId);
  if (!cls) return entry.base;
  if (!cls.byValue) return cls.base;
  const value = fields[cls.byValue.field];
  if (typeof value !== 'string') return cls.base;
  return cls.byValue.map.get(value.toLowerCase()) ?? cls.base;
}

/**
 * Every logsource {@link classifyWindowsEvent} can answer (distinct, frozen), e.g. to build the
 * rule buckets of Windows events before the first event arrives.
 */
export function windowsLogsources(): readonly Logsource[] {
  const seen = new Map<string, Logsource>([['windows', windowsOnly.logsource]]);
  const add = (c: WindowsClassification) => seen.set(`${c.logsource.service ?? ''}\u0000${c.logsource.category ?? ''}`, c.logsource);
  for (const entry of new Set(channels.values())) {
    add(entry.base);
    for (const cls of entry.events.values()) {
      add(cls.base);
      for (const c of cls.byValue?.map.values() ?? []) add(c);
    }
  }
  return [...seen.values()];
}
