import { extractIndicatorValues, type IndicatorValue } from './indicator-values.js';

/** A stored indicator as the API and the CLI show it. */
export interface IndicatorView {
  id: string;
  /** Organisation that produced (stored) it. */
  producer: string;
  name: string | null;
  pattern: string;
  patternType: string;
  validFrom: string | null;
  validUntil: string | null;
  modified: string | null;
  revoked: boolean;
  /** TLP level of its markings (`clear`, `green`, `amber`, `amber+strict`, `red`), or null when unmarked. */
  tlp: string | null;
  /** Values of a simple pattern (empty for a complex one). */
  values: IndicatorValue[];
  /** The STIX object itself. */
  object: Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The view of one stored indicator version. */
export function indicatorView(object: Record<string, unknown>, producer: string, tlp: string | null): IndicatorView {
  const pattern = str(object.pattern) ?? '';
  const patternType = str(object.pattern_type) ?? 'stix';
  return {
    id: String(object.id),
    producer,
    name: str(object.name),
    pattern,
    patternType,
    validFrom: str(object.valid_from),
    validUntil: str(object.valid_until),
    modified: str(object.modified),
    revoked: object.revoked === true,
    tlp,
    values: patternType === 'stix' ? extractIndicatorValues(pattern) : [],
    object,
  };
}

/** Values an indicator object puts in the value index: none when revoked or not a STIX pattern. */
export function indexedValues(object: Record<string, unknown>): IndicatorValue[] {
  if (object.type !== 'indicator' || object.revoked === true) return [];
  if ((str(object.pattern_type) ?? 'stix') !== 'stix') return [];
  return extractIndicatorValues(str(object.pattern) ?? '');
}
