import { ShieldwallError } from '../../errors/error-catalog.js';
import { buildIndicator, organisationIdentityId, type Indicator, type StixBuildContext } from '../stix/index.js';
import { TLP_MARKING_IDS, type TlpLevel } from '../tlp/index.js';
import { extractIndicatorValues, patternFor, type IndicatorValueType } from './indicator-values.js';

/** One value in the convenience form of `POST /api/v1/indicators`. */
export interface SimpleIndicatorInput {
  orgId: string;
  type: IndicatorValueType;
  value: string;
  name?: string;
  description?: string;
  indicatorTypes?: string[];
  validFrom?: string;
  validUntil?: string;
  /** Default `amber`: shared inside the organisation and its clients until someone decides wider. */
  tlp?: TlpLevel;
}

const checks: Partial<Record<IndicatorValueType, RegExp>> = {
  'ipv4-addr': /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/\d{1,2})?$/,
  'ipv6-addr': /^[0-9a-fA-F:.]+(\/\d{1,3})?$/,
  'domain-name': /^[^\s/\\:@?#]+$/,
  url: /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/,
  'email-addr': /^[^\s@]+@[^\s@]+$/,
  md5: /^[0-9a-fA-F]{32}$/,
  sha1: /^[0-9a-fA-F]{40}$/,
  sha256: /^[0-9a-fA-F]{64}$/,
  sha512: /^[0-9a-fA-F]{128}$/,
};

/**
 * A valid STIX 2.1 indicator for one value (`[ipv4-addr:value = '…']`, `[file:hashes.'SHA-256' = '…']`),
 * created by the organisation's identity and marked with its TLP. Throws VALIDATION_FAILED naming
 * `value` when the value does not have the form of its type.
 */
export function buildSimpleIndicator(input: SimpleIndicatorInput, ctx: StixBuildContext): Indicator {
  const value = input.value.trim();
  const check = checks[input.type];
  const octetsOk = input.type !== 'ipv4-addr' || value.split(/[./]/).slice(0, 4).every((o) => Number(o) <= 255);
  if ((check && !check.test(value)) || !octetsOk || value === '') {
    throw new ShieldwallError('VALIDATION_FAILED', `value: ${JSON.stringify(input.value)} is not a valid ${input.type}`, { where: 'value', type: input.type });
  }
  const pattern = patternFor({ type: input.type, value });
  // The pattern must index as what it was built from; a mismatch would be a bug in patternFor.
  if (extractIndicatorValues(pattern).length !== 1) throw new ShieldwallError('INTERNAL', `pattern for ${input.type} does not index: ${pattern}`);
  return buildIndicator(
    {
      pattern,
      name: input.name ?? `${input.type} ${value}`,
      description: input.description,
      indicatorTypes: input.indicatorTypes ?? ['malicious-activity'],
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      createdBy: organisationIdentityId(input.orgId),
      markings: [TLP_MARKING_IDS[input.tlp ?? 'amber']],
    },
    ctx,
  );
}
