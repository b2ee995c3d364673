import { ok, fail, type ParseResult } from './parse-result.js';
import type { SyslogMessage, SyslogPrelude } from './syslog-parser.js';
import { monthIndex, parseIsoTime, resolveYearlessTime } from './timestamps.js';

/** `Mmm dd hh:mm:ss`, day space-padded or not, optional fraction and optional year (some devices). */
const bsdTimeRe = /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?: |$)/;
/** rsyslog's high-precision variant puts an RFC 3339 time where the BSD one goes. */
const isoTimeRe = /^\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?(?: |$)/;
/** TAG (up to 48 chars in practice), optional `[pid]`, optional ':' and then SP or the end. */
const tagRe = /^([^\s[\]:]{1,48})(?:\[([^\]\s]{0,128})\])?(:)?(?: |$)/;

/**
 * Parses an RFC 3164 (BSD) message from `start` (just after PRI). Accepts the variants real
 * senders produce: a missing year (resolved against `referenceTime`), an ISO timestamp instead of
 * the BSD one, no timestamp at all (dated `referenceTime`), no hostname (`host` is taken to be
 * the tag when it ends with ':' or has a `[pid]`), a tag without ':' (rsyslog's traditional
 * format drops it when there is no PID) and no tag before `CEF:`.
 */
export function parseRfc3164(text: string, start: number, prelude: SyslogPrelude, referenceTime: number, offsetMinutes: number): ParseResult<SyslogMessage> {
  let rest = text.slice(start);
  let time: number | undefined;
  let timestampText: string | null = null;
  let hasTimestamp = true;
  const bsd = bsdTimeRe.exec(rest);
  if (bsd !== null) {
    timestampText = bsd[0].trimEnd();
    const month = monthIndex[bsd[1] ?? ''];
    const day = Number(bsd[2]);
    const [hour, minute, second] = [Number(bsd[4]), Number(bsd[5]), Number(bsd[6])];
    const ms = bsd[7] === undefined ? 0 : Number(bsd[7].slice(0, 3).padEnd(3, '0'));
    if (month === undefined || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
      return fail('SYSLOG_BAD_TIMESTAMP', `'${timestampText}' is not a valid BSD timestamp (Mmm dd hh:mm:ss)`, { offset: start, field: 'TIMESTAMP' });
    }
    if (bsd[3] !== undefined) {
      time = Date.UTC(Number(bsd[3]), month, day, hour, minute, second, ms) - offsetMinutes * 60_000;
    } else {
      time = resolveYearlessTime(month, day, hour, minute, second, ms, referenceTime, offsetMinutes);
    }
    if (time === undefined) {
      return fail('SYSLOG_BAD_TIMESTAMP', `'${timestampText}' names a day that does not exist near the reference year`, { offset: start, field: 'TIMESTAMP' });
    }
    rest = rest.slice(bsd[0].length);
  } else if (isoTimeRe.test(rest)) {
    const sp = rest.indexOf(' ');
    timestampText = sp < 0 ? rest : rest.slice(0, sp);
    time = parseIsoTime(timestampText, offsetMinutes);
    if (time === undefined) {
      return fail('SYSLOG_BAD_TIMESTAMP', `'${timestampText}' is not a valid ISO 8601 timestamp`, { offset: start, field: 'TIMESTAMP' });
    }
    rest = sp < 0 ? '' : rest.slice(sp + 1);
  } else {
    hasTimestamp = false;
    time = referenceTime;
  }
  let hostname: string | null = null;
  if (hasTimestamp) {
    const sp = rest.indexOf(' ');
    const first = sp < 0 ? rest : rest.slice(0, sp);
    const looksLikeTag = first.endsWith(':') || first.includes('[') || first.startsWith('CEF:');
    if (first.length > 0 && !looksLikeTag) {
      hostname = first;
      rest = sp < 0 ? '' : rest.slice(sp + 1);
    }
  }
  let appName: string | null = null;
  let procId: string | null = null;
  if (!rest.startsWith('CEF:')) {
    const tag = tagRe.exec(rest);
    if (tag !== null) {
      appName = tag[1] ?? null;
      procId = tag[2] === undefined || tag[2] === '' ? null : tag[2];
      rest = rest.slice(tag[0].length);
    }
  }
  return ok({
    format: 'rfc3164',
    pri: prelude.pri,
    facility: prelude.facility,
    severity: prelude.severity,
    facilityName: prelude.facilityName,
    severityName: prelude.severityName,
    version: null,
    time,
    timestampText,
    hostname,
    appName,
    procId,
    msgId: null,
    structuredData: [],
    message: rest,
    messageOffset: text.length - rest.length,
    bom: false,
    invalidUtf8: prelude.invalidUtf8,
  });
}
