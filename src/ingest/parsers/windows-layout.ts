import { childRecord, isRecord } from './json-record.js';
import { parseIsoTime } from './timestamps.js';
import { WindowsData } from './windows-data.js';

/** The Windows event shapes Shieldwall reads. */
export type WindowsLayout = 'evtx' | 'winlogbeat' | 'winlogbeat6' | 'azure' | 'flat';

/** System fields plus a case-insensitive view of the event data, whatever the layout. */
export interface WindowsView {
  layout: WindowsLayout;
  eventId: number | undefined;
  channel: string | undefined;
  provider: string | undefined;
  computer: string | undefined;
  recordId: string | undefined;
  time: number | undefined;
  message: string | undefined;
  /** The EventData fields the normaliser reads, by lower-cased name. */
  data: WindowsData;
}

/**
 * Detects the layout: evtx_dump (`Event.System`), Winlogbeat 7+ ECS (`winlog` object), Winlogbeat
 * 6 (`event_id` with `event_data`/`log_name`), Azure Monitor / Sentinel (`TimeGenerated` with
 * `EventData` as a string or `Computer`), NXLog/Security-Datasets flat (`EventID` next to
 * `Channel`, `SourceName` or `Hostname`). Undefined when it is none of them.
 */
export function detectWindowsLayout(obj: Record<string, unknown>): WindowsLayout | undefined {
  const event = childRecord(obj, 'Event');
  if (event !== undefined && isRecord(event['System'])) return 'evtx';
  if (isRecord(obj['winlog'])) return 'winlogbeat';
  if (obj['event_id'] !== undefined && (isRecord(obj['event_data']) || typeof obj['log_name'] === 'string')) return 'winlogbeat6';
  if (obj['EventID'] === undefined) return undefined;
  if (obj['TimeGenerated'] !== undefined && (typeof obj['EventData'] === 'string' || obj['Computer'] !== undefined)) return 'azure';
  if (obj['Channel'] !== undefined || obj['SourceName'] !== undefined || obj['Hostname'] !== undefined || obj['channel'] !== undefined) return 'flat';
  return undefined;
}

/** Builds the {@link WindowsView} of an event of a known layout. */
export function windowsView(obj: Record<string, unknown>, layout: WindowsLayout): WindowsView {
  switch (layout) {
    case 'evtx': return evtxView(obj);
    case 'winlogbeat': return winlogbeatView(obj);
    case 'winlogbeat6': return winlogbeat6View(obj);
    case 'azure': return azureView(obj);
    case 'flat': return flatView(obj);
  }
}

function evtxView(obj: Record<string, unknown>): WindowsView {
  const event = childRecord(obj, 'Event') ?? {};
  const system = childRecord(event, 'System') ?? {};
  const attr = (node: unknown, name: string): unknown => (isRecord(node) ? childRecord(node, '#attributes')?.[name] : undefined);
  let eventId = system['EventID'];
  // <EventID Qualifiers="16384">7036</EventID> renders as {"#attributes": …, "#text": 7036}.
  if (isRecord(eventId)) eventId = eventId['#text'];
  let data = childRecord(event, 'EventData');
  if (data === undefined) {
    // UserData holds one provider-specific element, e.g. {Operation_ClientFailure: {…}}.
    const user = childRecord(event, 'UserData');
    const first = user === undefined ? undefined : Object.values(user).find(isRecord);
    data = first;
  }
  return {
    layout: 'evtx',
    eventId: toNumber(eventId),
    channel: str(system['Channel']),
    provider: str(attr(system['Provider'], 'Name')),
    computer: str(system['Computer']),
    recordId: str(system['EventRecordID']),
    time: timeOf(attr(system['TimeCreated'], 'SystemTime')),
    message: undefined,
    data: new WindowsData(data ?? {}),
  };
}

function winlogbeatView(obj: Record<string, unknown>): WindowsView {
  const winlog = childRecord(obj, 'winlog') ?? {};
  const event = childRecord(obj, 'event');
  return {
    layout: 'winlogbeat',
    eventId: toNumber(winlog['event_id'] ?? event?.['code']),
    channel: str(winlog['channel']),
    provider: str(winlog['provider_name'] ?? event?.['provider']),
    computer: str(winlog['computer_name'] ?? childRecord(obj, 'host')?.['name']),
    recordId: str(winlog['record_id']),
    time: timeOf(obj['@timestamp']),
    message: str(obj['message']),
    data: new WindowsData(childRecord(winlog, 'event_data') ?? {}),
  };
}

function winlogbeat6View(obj: Record<string, unknown>): WindowsView {
  return {
    layout: 'winlogbeat6',
    eventId: toNumber(obj['event_id']),
    channel: str(obj['log_name']),
    provider: str(obj['source_name']),
    computer: str(obj['computer_name']),
    recordId: str(obj['record_number']),
    time: timeOf(obj['@timestamp']),
    message: str(obj['message']),
    data: new WindowsData(childRecord(obj, 'event_data') ?? {}),
  };
}

function azureView(obj: Record<string, unknown>): WindowsView {
  const raw = obj['EventData'];
  let data: Record<string, unknown> = {};
  if (typeof raw === 'string') {
    data = raw.trimStart().startsWith('<') ? xmlEventData(raw) : jsonEventData(raw);
  } else if (isRecord(raw)) {
    data = raw;
  }
  return {
    layout: 'azure',
    eventId: toNumber(obj['EventID']),
    channel: str(obj['Channel']),
    provider: str(obj['Provider'] ?? obj['EventSourceName']),
    computer: str(obj['Computer']),
    recordId: str(obj['EventRecordId']),
    time: timeOf(obj['TimeGenerated']),
    message: str(obj['RenderedDescription'] ?? obj['Activity']),
    data: new WindowsData(data),
  };
}

function flatView(obj: Record<string, unknown>): WindowsView {
  const data = new WindowsData(obj);
  return {
    layout: 'flat',
    eventId: toNumber(obj['EventID']),
    channel: str(data.get('channel')),
    provider: str(data.get('sourcename') ?? data.get('providername')),
    computer: str(data.get('hostname') ?? data.get('computer')),
    recordId: str(data.get('recordnumber')),
    time: timeOf(obj['@timestamp']) ?? timeOf(obj['TimeCreated']) ?? timeOf(obj['EventTime']),
    message: str(data.get('message')),
    data,
  };
}

const xmlDataRe = /<Data Name=["']([^"']+)["']\s*(?:\/>|>([\s\S]*?)<\/Data>)/g;
const entities: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** `<EventData><Data Name="X">v</Data>…` as Azure Monitor exports Security auditing events. */
function xmlEventData(xml: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of xml.matchAll(xmlDataRe)) {
    out[m[1] ?? ''] = (m[2] ?? '').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return entities[name.toLowerCase()] ?? whole;
    });
  }
  return out;
}

function jsonEventData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length === 0 ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^\d{1,6}$/.test(v)) return Number(v);
  return undefined;
}

/** Windows writes zone-less `2020-10-18 07:50:06.220` in UTC; parseIsoTime reads those as UTC. */
function timeOf(v: unknown): number | undefined {
  return typeof v === 'string' ? parseIsoTime(v) : undefined;
}
