import { uuidV5 } from '../stix/index.js';
import type { IndicatorValueType } from './indicator-values.js';
import type { IndicatorView } from './indicator-view.js';

/** MISP attribute type and category of each indexed value type. */
const mispTypes: Readonly<Record<IndicatorValueType, { type: string; category: string }>> = {
  'ipv4-addr': { type: 'ip-dst', category: 'Network activity' },
  'ipv6-addr': { type: 'ip-dst', category: 'Network activity' },
  'domain-name': { type: 'domain', category: 'Network activity' },
  url: { type: 'url', category: 'Network activity' },
  'email-addr': { type: 'email-src', category: 'Payload delivery' },
  md5: { type: 'md5', category: 'Payload delivery' },
  sha1: { type: 'sha1', category: 'Payload delivery' },
  sha256: { type: 'sha256', category: 'Payload delivery' },
  sha512: { type: 'sha512', category: 'Payload delivery' },
  'user-agent': { type: 'user-agent', category: 'Network activity' },
};

/** The MISP tag of a TLP 2.0 level (MISP's `tlp` taxonomy spells them this way). */
const mispTlpTags: Readonly<Record<string, string>> = {
  clear: 'tlp:clear', green: 'tlp:green', amber: 'tlp:amber', 'amber+strict': 'tlp:amber+strict', red: 'tlp:red',
};

/** Namespace of the deterministic MISP attribute uuids, so a re-export names each value the same way. */
const attributeNamespace = 'c0b6ed4c-0f0b-4e8d-9b61-1c2a8a6f4e17';

/** Strictest first: an event carries the strictest TLP of its attributes. */
const tlpOrder = ['red', 'amber+strict', 'amber', 'green', 'clear'];

/**
 * One MISP event (core format, `{"Event": …}`) holding each value of the indicators as an IDS
 * attribute, tagged with its indicator's TLP; the event carries the strictest TLP of its attributes.
 * Complex patterns have no MISP attribute form and are left out (`skipped` counts them).
 */
export function toMispEvent(
  indicators: readonly IndicatorView[],
  opts: { uuid: string; info: string; orgName: string; orgUuid: string; now: number },
): { event: { Event: Record<string, unknown> }; skipped: number } {
  const ts = String(Math.floor(opts.now / 1000));
  const attributes: Record<string, unknown>[] = [];
  let skipped = 0;
  const levels = new Set<string>();
  for (const ind of indicators) {
    if (ind.values.length === 0) {
      skipped++;
      continue;
    }
    if (ind.tlp) levels.add(ind.tlp);
    for (const v of ind.values) {
      const m = mispTypes[v.type];
      attributes.push({
        uuid: uuidV5(attributeNamespace, `${ind.id}\n${v.type}\n${v.value}`),
        type: m.type,
        category: m.category,
        value: v.value,
        to_ids: true,
        comment: ind.name ?? '',
        timestamp: ts,
        distribution: '5',
        ...(ind.tlp && mispTlpTags[ind.tlp] ? { Tag: [{ name: mispTlpTags[ind.tlp] }] } : {}),
      });
    }
  }
  const strictest = tlpOrder.find((l) => levels.has(l));
  return {
    event: {
      Event: {
        uuid: opts.uuid,
        info: opts.info,
        date: new Date(opts.now).toISOString().slice(0, 10),
        timestamp: ts,
        published: false,
        analysis: '2',
        threat_level_id: '2',
        distribution: '0',
        Orgc: { name: opts.orgName, uuid: opts.orgUuid },
        Tag: strictest ? [{ name: mispTlpTags[strictest] }] : [],
        Attribute: attributes,
      },
    },
    skipped,
  };
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(v: string | null): string {
  const s = v ?? '';
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const indicatorCsvHeader = 'type,value,indicator_id,name,valid_from,valid_until,tlp,producer';

/** One CSV line per indicator value (RFC 4180, header first, CRLF line ends). */
export function toIndicatorCsv(indicators: readonly IndicatorView[]): string {
  const lines = [indicatorCsvHeader];
  for (const ind of indicators) {
    for (const v of ind.values) {
      lines.push([v.type, v.value, ind.id, ind.name, ind.validFrom, ind.validUntil, ind.tlp, ind.producer].map(csvField).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
