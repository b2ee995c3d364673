import { fail, ok, type ParseResult } from './parse-result.js';
import type { SyslogMessage, SyslogPrelude, SyslogStructuredElement } from './syslog-parser.js';
import { parseIsoTime } from './timestamps.js';

/** RFC 5424 §6 header field limits. */
const headerFields = [
  { name: 'TIMESTAMP', max: 64 },
  { name: 'HOSTNAME', max: 255 },
  { name: 'APP-NAME', max: 48 },
  { name: 'PROCID', max: 128 },
  { name: 'MSGID', max: 32 },
] as const;

const timestampRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/;

/**
 * Parses an RFC 5424 message from `start` (just after PRI): VERSION, the five header fields
 * (`-` is NILVALUE), STRUCTURED-DATA with `\"`, `\\`, `\]` escapes, and MSG with its BOM removed.
 * Offsets in errors are character offsets into the message, which equal byte offsets in the
 * ASCII header.
 */
export function parseRfc5424(text: string, start: number, prelude: SyslogPrelude): ParseResult<SyslogMessage> {
  let pos = start;
  const sp = text.indexOf(' ', pos);
  const version = Number(text.slice(pos, sp));
  if (version !== 1) {
    return fail('SYSLOG_BAD_VERSION', `unsupported RFC 5424 VERSION ${text.slice(pos, sp)} (only 1 is defined)`, { offset: pos, field: 'VERSION' });
  }
  pos = sp + 1;
  const values: (string | null)[] = [];
  const timestampOffset = pos;
  for (let f = 0; f < headerFields.length; f++) {
    const field = headerFields[f]!;
    let end = text.indexOf(' ', pos);
    if (end < 0) {
      const missing = headerFields[f + 1]?.name;
      if (missing !== undefined) {
        return fail('SYSLOG_BAD_HEADER', `message ends after ${field.name}: ${missing} and the rest of the header are missing`, { offset: text.length, field: missing });
      }
      end = text.length;
    }
    const value = text.slice(pos, end);
    const bad = checkPrintable(value);
    if (value.length === 0 || value.length > field.max || bad >= 0) {
      const why = value.length === 0 ? 'is empty (use - for NILVALUE)' : bad >= 0 ? `contains a non-printable or non-ASCII character at offset ${pos + bad}` : `is longer than ${field.max} characters`;
      return fail('SYSLOG_BAD_HEADER', `${field.name} ${why}`, { offset: pos, field: field.name });
    }
    values.push(value === '-' ? null : value);
    pos = end + 1;
  }
  const [timestampText = null, hostname = null, appName = null, procId = null, msgId = null] = values;
  let time: number | undefined;
  if (timestampText !== null) {
    time = timestampRe.test(timestampText) ? parseIsoTime(timestampText) : undefined;
    if (time === undefined) {
      return fail('SYSLOG_BAD_TIMESTAMP', `TIMESTAMP '${timestampText}' is not an RFC 5424 date-time (YYYY-MM-DDThh:mm:ss[.ffffff](Z|±hh:mm))`, { offset: timestampOffset, field: 'TIMESTAMP' });
    }
  }
  const structuredData: SyslogStructuredElement[] = [];
  if (pos >= text.length) {
    return fail('SYSLOG_BAD_STRUCTURED_DATA', 'message ends before STRUCTURED-DATA (expected - or [)', { offset: pos, field: 'STRUCTURED-DATA' });
  }
  if (text.charCodeAt(pos) === 0x2d) {
    pos++;
  } else {
    const sd = parseStructuredData(text, pos, structuredData);
    if (!sd.ok) return sd;
    pos = sd.value;
  }
  let message = '';
  let messageOffset = text.length;
  if (pos < text.length) {
    if (text.charCodeAt(pos) !== 0x20) {
      return fail('SYSLOG_BAD_STRUCTURED_DATA', `expected a space or the end after STRUCTURED-DATA, got '${text[pos]}'`, { offset: pos, field: 'STRUCTURED-DATA' });
    }
    message = text.slice(pos + 1);
    messageOffset = pos + 1;
  }
  let bom = false;
  if (message.charCodeAt(0) === 0xfeff) {
    message = message.slice(1);
    messageOffset++;
    bom = true;
  }
  return ok({
    format: 'rfc5424', pri: prelude.pri, facility: prelude.facility, severity: prelude.severity, facilityName: prelude.facilityName,
    severityName: prelude.severityName, version, time, timestampText, hostname, appName, procId, msgId, structuredData, message,
    messageOffset, bom, invalidUtf8: prelude.invalidUtf8,
  });
}

/** Reads SD-ELEMENTs from `pos` (at '['); returns the index after the last ']'. */
function parseStructuredData(text: string, start: number, out: SyslogStructuredElement[]): ParseResult<number> {
  let pos = start;
  const sdFail = (message: string, at: number): ParseResult<number> => fail('SYSLOG_BAD_STRUCTURED_DATA', message, { offset: at, field: 'STRUCTURED-DATA' });
  if (text.charCodeAt(pos) !== 0x5b) return sdFail(`expected '-' or '[' to start STRUCTURED-DATA, got '${text[pos]}'`, pos);
  while (text.charCodeAt(pos) === 0x5b) {
    pos++;
    const idEnd = scanName(text, pos);
    if (idEnd === pos) return sdFail('empty or invalid SD-ID', pos);
    if (idEnd - pos > 32) return sdFail(`SD-ID '${text.slice(pos, idEnd)}' is longer than 32 characters`, pos);
    const element: SyslogStructuredElement = { id: text.slice(pos, idEnd), params: {} };
    pos = idEnd;
    while (text.charCodeAt(pos) === 0x20) {
      pos++;
      const nameEnd = scanName(text, pos);
      if (nameEnd === pos || nameEnd - pos > 32) return sdFail(`invalid PARAM-NAME in SD element '${element.id}'`, pos);
      const name = text.slice(pos, nameEnd);
      pos = nameEnd;
      if (text.charCodeAt(pos) !== 0x3d || text.charCodeAt(pos + 1) !== 0x22) {
        return sdFail(`expected '="' after PARAM-NAME '${name}' in SD element '${element.id}'`, pos);
      }
      pos += 2;
      let value = '';
      let closed = false;
      while (pos < text.length) {
        const c = text.charCodeAt(pos);
        if (c === 0x5c) {
          const next = text.charCodeAt(pos + 1);
          // RFC 5424 §6.3.3: only ", \ and ] are escaped; any other backslash is a plain character.
          if (next === 0x22 || next === 0x5c || next === 0x5d) {
            value += text[pos + 1];
            pos += 2;
            continue;
          }
        } else if (c === 0x22) {
          closed = true;
          pos++;
          break;
        }
        value += text[pos];
        pos++;
      }
      if (!closed) return sdFail(`unterminated value of PARAM '${name}' in SD element '${element.id}'`, pos);
      const prior = element.params[name];
      element.params[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
    }
    if (text.charCodeAt(pos) !== 0x5d) {
      return sdFail(`expected ']' or a space in SD element '${element.id}', got ${pos < text.length ? `'${text[pos]}'` : 'the end of the message'}`, pos);
    }
    pos++;
    out.push(element);
  }
  return ok(pos);
}

/** SD-NAME: printable ASCII except '=', SP, ']' and '"'. Returns the index after the name. */
function scanName(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x3d || c === 0x5d || c === 0x22) break;
    i++;
  }
  return i;
}

/** Index of the first character outside PRINTUSASCII (33-126), or -1. */
function checkPrintable(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 33 || c > 126) return i;
  }
  return -1;
}
