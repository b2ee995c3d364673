import { monthIndex, parseIsoTime, resolveYearlessTime } from './timestamps.js';

const textTimeRe = /^([A-Z][a-z]{2}) {1,2}(\d{1,2})(?: (\d{4}))? (\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?(?: (\S+))?$/;
const zoneOffsets: Readonly<Record<string, number>> = {
  GMT: 0, UTC: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, CET: 60, CEST: 120,
};

/**
 * Reads a CEF time (`rt`, `start`, `end`, `deviceCustomDate1`): epoch milliseconds (`1795634649000`,
 * or seconds when shorter than 12 digits), the spec's `MMM dd [yyyy] HH:mm:ss[.SSS] [zone]`, or
 * ISO 8601. A year-less time is resolved against `referenceMs`. Unknown zone names give undefined.
 */
export function parseCefTime(value: string, referenceMs: number): number | undefined {
  if (/^\d{9,13}$/.test(value)) return value.length >= 12 ? Number(value) : Number(value) * 1000;
  const m = textTimeRe.exec(value);
  if (m === null) return parseIsoTime(value);
  const month = monthIndex[m[1] ?? ''];
  if (month === undefined) return undefined;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined) {
    const numeric = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
    const named = zoneOffsets[zone.toUpperCase()];
    if (numeric !== null) offset = (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
    else if (named !== undefined) offset = named;
    else return undefined;
  }
  const [day, hour, minute, second] = [Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  if (m[3] === undefined) return resolveYearlessTime(month, day, hour, minute, second, ms, referenceMs, offset);
  return Date.UTC(Number(m[3]), month, day, hour, minute, second, ms) - offset * 60_000;
}
