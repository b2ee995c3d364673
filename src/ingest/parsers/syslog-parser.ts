import type { Clock } from '../../shared/clock.js';
import { fail, ok, type ParseResult } from './parse-result.js';
import { parseRfc3164 } from './rfc3164-parser.js';
import { parseRfc5424 } from './rfc5424-parser.js';
import { facilityNames, severityNames } from './syslog-names.js';

/** One RFC 5424 SD-ELEMENT; a parameter given twice keeps every value, in order. */
export interface SyslogStructuredElement {
  id: string;
  params: Record<string, string | string[]>;
}

/** A parsed syslog message (RFC 5424 or RFC 3164). Fields a format lacks are null. */
export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164';
  pri: number;
  facility: number;
  severity: number;
  facilityName: string;
  severityName: string;
  /** RFC 5424 VERSION; null for RFC 3164. */
  version: number | null;
  /** Event time in ms; for a message without a timestamp, the reference (receive) time. */
  time: number | undefined;
  /** The timestamp as written (fractions and offset kept); null when NILVALUE or absent. */
  timestampText: string | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  structuredData: SyslogStructuredElement[];
  /** MSG exactly as sent (a relayed message may keep a leading space), minus a leading BOM. */
  message: string;
  /** Character offset of `message` within the decoded frame (after a removed BOM). */
  messageOffset: number;
  /** MSG began with a UTF-8 BOM (RFC 5424 §6.4), which was removed. */
  bom: boolean;
  /** The bytes were not valid UTF-8; bad sequences were replaced by U+FFFD. */
  invalidUtf8: boolean;
}

/** Options of {@link parseSyslog}. */
export interface SyslogParseOptions {
  /** Time used to pick the year of RFC 3164 timestamps and to date messages without one. */
  referenceTime?: number;
  /** Used for the reference time when `referenceTime` is not given. */
  clock?: Clock;
  /** Offset from UTC, in minutes, of the senders' zone-less RFC 3164 timestamps; default 0. */
  timezoneOffsetMinutes?: number;
}

/** What PRI and decoding established, passed to the format parsers so they build one object. */
export type SyslogPrelude = Pick<SyslogMessage, 'pri' | 'facility' | 'severity' | 'facilityName' | 'severityName' | 'invalidUtf8'>;

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Parses one syslog message, RFC 5424 (`<PRI>1 TIMESTAMP …`) or RFC 3164 / BSD (`<PRI>Mmm dd
 * hh:mm:ss host tag[pid]: msg`) chosen by what follows PRI. Bytes are decoded as UTF-8; invalid
 * sequences are replaced and flagged in `invalidUtf8`. One trailing LF, CRLF or NUL is removed,
 * since UDP senders such as rsyslog append one.
 *
 * @example
 * const r = parseSyslog(datagram, { clock });
 * if (r.ok) console.log(r.value.hostname, r.value.message);
 */
export function parseSyslog(input: Uint8Array | string, options: SyslogParseOptions = {}): ParseResult<SyslogMessage> {
  let text: string;
  let invalidUtf8 = false;
  if (typeof input === 'string') {
    text = input;
  } else {
    const bytes = trimTrailingTerminator(input);
    try {
      text = fatalDecoder.decode(bytes);
    } catch {
      text = lenientDecoder.decode(bytes);
      invalidUtf8 = true;
    }
  }
  if (typeof input === 'string') text = trimTrailingText(text);
  if (text.length === 0) return fail('SYSLOG_EMPTY', 'empty syslog message', { offset: 0 });
  const pri = readPri(text);
  if (!pri.ok) return pri;
  const { value: priValue, end } = pri.value;
  const referenceTime = options.referenceTime ?? options.clock?.now() ?? Date.now();
  const facility = priValue >> 3;
  const severity = priValue & 7;
  const prelude: SyslogPrelude = {
    pri: priValue,
    facility,
    severity,
    facilityName: facilityNames[facility] ?? String(facility),
    severityName: severityNames[severity] ?? String(severity),
    invalidUtf8,
  };
  // Each format parser builds the whole message in one literal: a spread here cost ~40% of the time.
  return isRfc5424(text, end)
    ? parseRfc5424(text, end, prelude)
    : parseRfc3164(text, end, prelude, referenceTime, options.timezoneOffsetMinutes ?? 0);
}

function readPri(text: string): ParseResult<{ value: number; end: number }> {
  if (text.charCodeAt(0) !== 0x3c) {
    return fail('SYSLOG_BAD_PRI', `expected '<' to open PRI at offset 0, got '${text.slice(0, 1)}'`, { offset: 0 });
  }
  let i = 1;
  let value = 0;
  while (i < text.length && i <= 4) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    i++;
  }
  const digits = i - 1;
  if (digits === 0 || digits > 3 || text.charCodeAt(i) !== 0x3e) {
    return fail('SYSLOG_BAD_PRI', `PRI must be 1-3 digits closed by '>' (got '${text.slice(0, Math.min(text.length, 6))}')`, { offset: i });
  }
  if (digits > 1 && text.charCodeAt(1) === 0x30) {
    return fail('SYSLOG_BAD_PRI', `PRI '${text.slice(1, i)}' has a leading zero`, { offset: 1 });
  }
  if (value > 191) return fail('SYSLOG_BAD_PRI', `PRI ${value} is above 191 (facility 23, severity 7)`, { offset: 1 });
  return ok({ value, end: i + 1 });
}

/** RFC 5424 puts VERSION (a non-zero digit, up to 3 digits) and SP right after PRI. */
function isRfc5424(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && i - at < 3) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i > at && text.charCodeAt(at) !== 0x30 && text.charCodeAt(i) === 0x20;
}

function trimTrailingTerminator(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  if (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x00)) end--;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

function trimTrailingText(text: string): string {
  let end = text.length;
  if (end > 0 && (text.charCodeAt(end - 1) === 0x0a || text.charCodeAt(end - 1) === 0x00)) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 0x0d) end--;
  return end === text.length ? text : text.slice(0, end);
}
