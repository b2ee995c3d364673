/**
 * Reads the time of a raw Windows event, in ms since the epoch, so correlation windows follow the
 * log's own clock when hunting old files. Knows the layouts the readers produce: evtx_dump
 * (`Event.System.TimeCreated.#attributes.SystemTime`), NXLog/Logstash (`@timestamp`, `EventTime`,
 * `TimeCreated`, `UtcTime`), Azure Monitor (`TimeGenerated`) and Winlogbeat 6 (`@timestamp`).
 * Zone-less times (`2020-10-18 07:50:06.220`) are read as UTC, which Windows uses for them.
 */
const flatTimeFields = ['@timestamp', 'TimeCreated', 'TimeGenerated', 'UtcTime', 'EventTime', 'timestamp'];

function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length < 10) return undefined;
  let text = value;
  if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) text = text.replace(' ', 'T') + 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Event time in ms, or undefined when the event carries no readable time. */
export function eventTime(raw: Record<string, unknown>): number | undefined {
  const event = raw['Event'];
  if (typeof event === 'object' && event !== null) {
    const created = (event as { System?: { TimeCreated?: { '#attributes'?: { SystemTime?: unknown } } } }).System?.TimeCreated;
    const t = parseTime(created?.['#attributes']?.SystemTime);
    if (t !== undefined) return t;
  }
  for (const name of flatTimeFields) {
    const v = raw[name];
    if (v === undefined) continue;
    const t = parseTime(v);
    if (t !== undefined) return t;
  }
  return undefined;
}
