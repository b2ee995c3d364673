import { fail, ok, type ParseResult } from './parse-result.js';

/** A parsed ArcSight CEF record. Header fields are unescaped; extension values too. */
export interface CefRecord {
  version: number;
  deviceVendor: string;
  deviceProduct: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  /** Severity as written: `0`-`10` or `Unknown`, `Low`, `Medium`, `High`, `Very-High`. */
  severity: string;
  /** Severity on the 0-10 scale; undefined for `Unknown` or an unreadable value. */
  severityScore: number | undefined;
  /** Extension key=value pairs; a repeated key keeps its last value. */
  extensions: Record<string, string>;
  /** Custom fields by their label: `cs2Label=Rule Name cs2=x` gives `{ 'Rule Name': 'x' }`. */
  labels: Record<string, string>;
}

const cefStartRe = /CEF:\d+\|/;
const severityWords: Readonly<Record<string, number>> = { low: 3, medium: 5, high: 8, 'very-high': 10 };

/**
 * Index of a CEF record inside a syslog MSG (`CEF:` followed by a version and `|`), or -1.
 * CEF may follow a tag, sit alone in an RFC 5424 MSG or follow the hostname with no tag at all.
 */
export function findCef(message: string): number {
  const i = message.indexOf('CEF:');
  if (i < 0) return -1;
  if (cefStartRe.test(message.slice(i, i + 16))) return i;
  const m = cefStartRe.exec(message.slice(i + 1));
  return m === null ? -1 : i + 1 + m.index;
}

/**
 * Parses one CEF record, `CEF:Version|Device Vendor|Device Product|Device Version|Signature
 * ID|Name|Severity|Extension`. Header fields unescape `\|` and `\\`; extension values unescape
 * `\=`, `\\`, `\n` and `\r`, may contain unescaped spaces (a value ends where the next ` key=`
 * begins), and `xxLabel` pairs are also exposed by label. Leading text before `CEF:` is an error:
 * use {@link findCef} on syslog messages first.
 *
 * @example
 * const r = parseCef('CEF:0|Acme|FW|1.0|100|blocked|5|src=192.0.2.1 act=deny');
 * // r.value.extensions.src === '192.0.2.1'
 */
export function parseCef(text: string): ParseResult<CefRecord> {
  if (!text.startsWith('CEF:')) {
    return fail('CEF_NOT_FOUND', `a CEF record must start with 'CEF:' (got '${text.slice(0, 12)}')`, { offset: 0 });
  }
  const header: string[] = [];
  let pos = 4;
  let fieldStart = pos;
  let escaped = false;
  // Slices instead of per-character concatenation: this loop runs over every CEF record.
  while (header.length < 7) {
    if (pos >= text.length) {
      return fail('CEF_BAD_HEADER', `CEF header has ${header.length + 1} of 8 '|'-separated fields; the record ends inside ${headerNames[header.length]}`, { offset: pos, field: headerNames[header.length] });
    }
    const c = text.charCodeAt(pos);
    if (c === 0x5c) {
      const next = text.charCodeAt(pos + 1);
      if (next === 0x7c || next === 0x5c) {
        escaped = true;
        pos += 2;
        continue;
      }
    } else if (c === 0x7c) {
      const raw = text.slice(fieldStart, pos);
      header.push(escaped ? raw.replace(/\\([|\\])/g, '$1') : raw);
      escaped = false;
      fieldStart = pos + 1;
    }
    pos++;
  }
  const [versionText = '', deviceVendor = '', deviceProduct = '', deviceVersion = '', signatureId = '', name = '', severity = ''] = header;
  if (!/^\d{1,3}$/.test(versionText)) {
    return fail('CEF_BAD_HEADER', `CEF Version '${versionText}' is not a number`, { offset: 4, field: 'Version' });
  }
  const extension = parseExtension(text, pos);
  if (!extension.ok) return extension;
  const extensions = extension.value;
  const labels: Record<string, string> = {};
  for (const key in extensions) {
    if (key.length <= 5 || !key.endsWith('Label')) continue;
    const label = extensions[key]!;
    const value = extensions[key.slice(0, -5)];
    if (value !== undefined && label.length > 0) labels[label] = value;
  }
  return ok({
    version: Number(versionText),
    deviceVendor,
    deviceProduct,
    deviceVersion,
    signatureId,
    name,
    severity,
    severityScore: severityScore(severity),
    extensions,
    labels,
  });
}

const headerNames = ['Version', 'Device Vendor', 'Device Product', 'Device Version', 'Signature ID', 'Name', 'Severity'];

function severityScore(severity: string): number | undefined {
  if (/^\d{1,2}$/.test(severity)) {
    const n = Number(severity);
    return n <= 10 ? n : undefined;
  }
  return severityWords[severity.toLowerCase()];
}

function isKeyChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2d;
}

/** Parses `key=value key=value …` from `start`; offsets are relative to the whole record. */
function parseExtension(text: string, start: number): ParseResult<Record<string, string>> {
  const out: Record<string, string> = {};
  let pos = start;
  while (pos < text.length && text.charCodeAt(pos) === 0x20) pos++;
  if (pos >= text.length) return ok(out);
  let keyEnd = pos;
  while (keyEnd < text.length && isKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
  if (keyEnd === pos || text.charCodeAt(keyEnd) !== 0x3d) {
    return fail('CEF_BAD_EXTENSION', `expected key=value at the start of the CEF extension, got '${text.slice(pos, pos + 20)}'`, { offset: pos, field: 'Extension' });
  }
  let key = text.slice(pos, keyEnd);
  let valueStart = keyEnd + 1;
  let i = valueStart;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      i += 2;
      continue;
    }
    if (c === 0x3d) {
      let k = i;
      while (k > valueStart && isKeyChar(text.charCodeAt(k - 1))) k--;
      // A new pair starts only at ` key=`; an unescaped '=' inside a value (a URL query) stays in it.
      if (k < i && k > valueStart && text.charCodeAt(k - 1) === 0x20) {
        out[key] = unescapeValue(text.slice(valueStart, k - 1).trimEnd());
        key = text.slice(k, i);
        valueStart = i + 1;
      }
    }
    i++;
  }
  out[key] = unescapeValue(text.slice(valueStart).trimEnd());
  return ok(out);
}

function unescapeValue(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === '=' || next === '\\') out += next;
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else out += '\\' + next;
    i++;
  }
  return out;
}
