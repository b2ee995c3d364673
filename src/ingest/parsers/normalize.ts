import type { Clock } from '../../shared/clock.js';
import { cefToEvent } from './cef-event.js';
import { findCef, parseCef } from './cef-parser.js';
import { assignDefined, toText, type EcsFields } from './ecs-fields.js';
import { parseEve } from './eve-parser.js';
import { childRecord, isRecord, parseJsonRecord } from './json-record.js';
import type { NormalizedEvent, SourceFormat } from './normalized-event.js';
import { fail, kindOf, ok, type ParseResult } from './parse-result.js';
import { parseSyslogEvent } from './syslog-event.js';
import { parseIsoTime } from './timestamps.js';
import { detectWindowsLayout } from './windows-layout.js';
import { normalizeWindows } from './windows-normalizer.js';
import { detectZeekLogType, parseZeek } from './zeek-parser.js';

/** Options of {@link parseEvent}. */
export interface ParseEventOptions {
  /** Receive time in ms: dates records without a time and resolves RFC 3164 years. */
  receivedAt?: number;
  /** Gives `receivedAt` when it is not passed. */
  clock?: Clock;
  /** Offset of zone-less RFC 3164 timestamps, in minutes; default 0 (UTC). */
  timezoneOffsetMinutes?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const rfc5424Start = /^<\d{1,3}>[1-9]\d{0,2} /;

/**
 * Says which parser a record needs, with cheap checks only (no full parse), in this order:
 *
 * - JSON objects: `Event.System` → `windows` (evtx_dump); `event_type` + `timestamp` → `eve`;
 *   `winlog`, `event_id` or `EventID` with Windows system fields → `windows`; `ts` with `_path`
 *   or a Zeek log's fields → `zeek`; any other object → `json`.
 * - Text or bytes: `{` → parsed as JSON and classified as above; `CEF:` at the start or after a
 *   syslog header → `cef`; `<PRI>VERSION ` → `syslog5424`; other `<PRI>` → `syslog3164`.
 *
 * Returns undefined for text that is none of these (and for JSON text that does not parse).
 */
export function detectFormat(input: string | Uint8Array | Record<string, unknown>): SourceFormat | undefined {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return detectObjectFormat(input);
  const text = (typeof input === 'string' ? input : utf8.decode(input)).trimStart();
  if (text.startsWith('{')) {
    const parsed = parseJsonRecord(text);
    return parsed.ok ? detectObjectFormat(parsed.value) : undefined;
  }
  if (text.startsWith('CEF:')) return 'cef';
  if (!text.startsWith('<')) return undefined;
  if (findCef(text) >= 0) return 'cef';
  return rfc5424Start.test(text) ? 'syslog5424' : 'syslog3164';
}

function detectObjectFormat(obj: Record<string, unknown>): SourceFormat {
  const event = childRecord(obj, 'Event');
  if (event !== undefined && isRecord(event['System'])) return 'windows';
  if (typeof obj['event_type'] === 'string' && typeof obj['timestamp'] === 'string') return 'eve';
  if (detectWindowsLayout(obj) !== undefined) return 'windows';
  if (obj['ts'] !== undefined && detectZeekLogType(obj) !== undefined) return 'zeek';
  return 'json';
}

/**
 * Parses a record of unknown kind: a syslog frame or datagram (with or without CEF), a bare CEF
 * line, or a JSON object / JSON text (EVE, Zeek, Windows, anything else as generic `json`).
 * The format is chosen by {@link detectFormat}. Never throws.
 *
 * @example
 * const r = parseEvent(line, { clock });
 * if (r.ok) bus.publish(r.value); else metrics.rejected.inc({ code: r.error.code });
 */
export function parseEvent(input: string | Uint8Array | Record<string, unknown>, options: ParseEventOptions = {}): ParseResult<NormalizedEvent> {
  const receivedAt = options.receivedAt ?? options.clock?.now() ?? Date.now();
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const at = firstNonSpace(input);
    const first = at < 0 ? undefined : typeof input === 'string' ? input[at] : String.fromCharCode(input[at]!);
    if (first === '{') {
      const parsed = parseJsonRecord(typeof input === 'string' ? input : utf8.decode(input));
      if (!parsed.ok) return parsed;
      return parseObject(parsed.value, receivedAt);
    }
    if (first === '<') {
      const syslogOptions = { referenceTime: receivedAt, ...(options.timezoneOffsetMinutes === undefined ? {} : { timezoneOffsetMinutes: options.timezoneOffsetMinutes }) };
      // Some relays prefix a space or a stray newline; the syslog parser expects '<' first.
      return parseSyslogEvent(at === 0 ? input : input.slice(at), syslogOptions);
    }
    const text = (typeof input === 'string' ? input : utf8.decode(input)).trim();
    if (text.startsWith('CEF:')) {
      const cef = parseCef(text);
      return cef.ok ? ok(cefToEvent(cef.value, receivedAt)) : cef;
    }
    return fail('UNKNOWN_FORMAT', `not syslog, CEF or JSON: starts with '${text.slice(0, 16)}'`, { offset: 0 });
  }
  if (!isRecord(input)) return fail('UNKNOWN_FORMAT', `expected a JSON object, got ${kindOf(input)}`);
  return parseObject(input, receivedAt);
}

function parseObject(obj: Record<string, unknown>, receivedAt: number): ParseResult<NormalizedEvent> {
  switch (detectObjectFormat(obj)) {
    case 'windows': return normalizeWindows(obj, receivedAt);
    case 'eve': return parseEve(obj);
    case 'zeek': return parseZeek(obj);
    default: return ok(genericJsonEvent(obj, receivedAt));
  }
}

const timeKeys = ['@timestamp', 'timestamp', 'time', 'eventTime', 'date'];

/**
 * Any other JSON record, e.g. rsyslog's `jsonf` template (`@timestamp`, `host`, `severity`,
 * `facility`, `app`, `message`): time, message and host are read from common names. A message
 * that carries a well-formed CEF record becomes a `cef` event with the JSON kept under
 * `raw.json`; a malformed one stays a plain `json` event, because the JSON itself was valid.
 */
function genericJsonEvent(obj: Record<string, unknown>, receivedAt: number): NormalizedEvent {
  let time: number | undefined;
  for (const key of timeKeys) {
    const v = obj[key];
    time = typeof v === 'string' ? parseIsoTime(v) : typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    if (time !== undefined) break;
  }
  const eventTime = time ?? receivedAt;
  const rawMessage = toText(obj['message']) ?? toText(obj['msg']) ?? toText(obj['log']);
  const host = obj['host'];
  const syslogEcs: EcsFields = {
    'host.name': typeof host === 'string' ? host : toText(childRecord(obj, 'host')?.['name']) ?? toText(obj['hostname']),
    'process.name': toText(obj['app']) ?? toText(obj['program']),
    'log.syslog.severity.name': toText(obj['severity']),
    'log.syslog.facility.name': toText(obj['facility']),
  };
  const cefAt = rawMessage === undefined ? -1 : findCef(rawMessage);
  if (rawMessage !== undefined && cefAt >= 0) {
    const cef = parseCef(rawMessage.slice(cefAt));
    if (cef.ok) {
      const event = cefToEvent(cef.value, eventTime, { json: obj });
      // `app` names the forwarder, not the event's process: CEF's sproc stays.
      assignDefined(event.ecs, { ...syslogEcs, 'process.name': undefined });
      return event;
    }
  }
  const message = rawMessage?.trimStart();
  const ecs: EcsFields = assignDefined({ '@timestamp': new Date(eventTime).toISOString(), 'event.kind': 'event', message }, syslogEcs);
  const event: NormalizedEvent = { time: eventTime, sourceFormat: 'json', raw: obj, ecs };
  if (message !== undefined) event.message = message;
  return event;
}

/** Index of the first character that is not whitespace (within the first 64), or -1. */
function firstNonSpace(input: string | Uint8Array): number {
  for (let i = 0; i < input.length && i < 64; i++) {
    const c = typeof input === 'string' ? input.charCodeAt(i) : input[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return i;
  }
  return -1;
}
