import type { BundleValidationResult, StixValidationResult, StixValidator } from './stix-validator.js';
import { createStixValidator } from './stix-validator.js';
import { loadStixSchemas } from './stix-schema-loader.js';

let cached: StixValidator | undefined;

/**
 * The process-wide validator over the shipped schemas, built on first use and kept: loading and
 * compiling the 57 schemas takes a moment, validating one object then takes microseconds.
 */
export function defaultStixValidator(): StixValidator {
  cached ??= createStixValidator(loadStixSchemas());
  return cached;
}

/**
 * Validates one STIX 2.1 object against the OASIS schemas and the code checks.
 *
 * @example validateStixObject({ type: 'indicator', … }) // { ok: false, errors: [{ path: '/pattern', message: 'required property "pattern" is missing' }] }
 */
export function validateStixObject(object: unknown): StixValidationResult {
  return defaultStixValidator().validateObject(object);
}

/** Validates a bundle's envelope and each of its objects on its own. */
export function validateBundle(bundle: unknown): BundleValidationResult {
  return defaultStixValidator().validateBundle(bundle);
}
