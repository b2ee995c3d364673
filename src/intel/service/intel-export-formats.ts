import type { IndicatorView } from './indicator-view.js';

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
