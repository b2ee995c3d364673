import { parseCef, findCef } from './cef-parser.js';
import { cefToEvent } from './cef-event.js';
import { assignDefined, type EcsFields } from './ecs-fields.js';
import type { NormalizedEvent } from './normalized-event.js';
import { fail, ok, type ParseResult } from './parse-result.js';
import { parseSyslog, type SyslogMessage, type SyslogParseOptions } from './syslog-parser.js';

/**
 * Parses one syslog frame or datagram into a {@link NormalizedEvent}. When the MSG carries a CEF
 * record (after a tag, alone in an RFC 5424 MSG, or right after the hostname) the event is a
 * `cef` event with the syslog header kept under `raw.syslog`; otherwise it is `syslog5424` or
 * `syslog3164`. A malformed CEF record inside valid syslog is an error (code `CEF_*`), so a
 * receiver can count broken device output instead of silently storing it as plain text.
 */
export function parseSyslogEvent(input: Uint8Array | string, options: SyslogParseOptions = {}): ParseResult<NormalizedEvent> {
  const parsed = parseSyslog(input, options);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  const referenceTime = options.referenceTime ?? options.clock?.now() ?? Date.now();
  const time = m.time ?? referenceTime;
  const syslogRaw = syslogRecord(m);
  const cefAt = findCef(m.message);
  if (cefAt >= 0) {
    const cef = parseCef(m.message.slice(cefAt));
    if (!cef.ok) {
      const offset = cef.error.offset === undefined ? undefined : cef.error.offset + cefAt + m.messageOffset;
      return fail(cef.error.code, `${cef.error.message} (in the syslog MSG)`, offset === undefined ? {} : { offset });
    }
    const event = cefToEvent(cef.value, time, { syslog: syslogRaw });
    // The syslog tag names the forwarder, not the event's process: CEF's sproc/spid stay.
    const header = syslogEcs(m);
    delete header['process.name'];
    delete header['process.pid'];
    assignDefined(event.ecs, header);
    return ok(event);
  }
  const message = m.message.trimStart();
  const ecs: EcsFields = assignDefined({ '@timestamp': new Date(time).toISOString(), message, 'event.kind': 'event' }, syslogEcs(m));
  return ok({
    time,
    sourceFormat: m.format === 'rfc5424' ? 'syslog5424' : 'syslog3164',
    message,
    raw: { syslog: syslogRaw },
    ecs,
  });
}

function syslogEcs(m: SyslogMessage): EcsFields {
  return {
    'host.name': m.hostname ?? undefined,
    'process.name': m.appName ?? undefined,
    'process.pid': m.procId !== null && /^\d{1,10}$/.test(m.procId) ? Number(m.procId) : undefined,
    'log.syslog.facility.code': m.facility,
    'log.syslog.facility.name': m.facilityName,
    'log.syslog.severity.code': m.severity,
    'log.syslog.severity.name': m.severityName,
    'log.syslog.hostname': m.hostname ?? undefined,
    'log.syslog.appname': m.appName ?? undefined,
    'log.syslog.procid': m.procId ?? undefined,
    'log.syslog.msgid': m.msgId ?? undefined,
  };
}

function syslogRecord(m: SyslogMessage): Record<string, unknown> {
  const sd: Record<string, Record<string, string | string[]>> = {};
  for (const element of m.structuredData) sd[element.id] = element.params;
  return {
    format: m.format,
    pri: m.pri,
    facility: m.facilityName,
    severity: m.severityName,
    timestamp: m.timestampText,
    hostname: m.hostname,
    appName: m.appName,
    procId: m.procId,
    msgId: m.msgId,
    structuredData: sd,
    message: m.message,
    ...(m.invalidUtf8 ? { invalidUtf8: true } : {}),
    ...(m.bom ? { bom: true } : {}),
  };
}
