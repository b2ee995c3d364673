import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { RE2JS } from 're2js';
import { schemaErrors } from './schema-errors.js';
import { stixCodeChecks } from './stix-code-checks.js';

/** One reason an object is invalid. `path` is a JSON Pointer into the object (`/pattern`, `/external_references/0/url`; `` for the object itself). */
export interface StixValidationError {
  path: string;
  message: string;
}

/** The verdict on one object. */
export type StixValidationResult = { ok: true } | { ok: false; errors: StixValidationError[] };

/** The verdict on a bundle: its envelope, and each object on its own, so one bad object never rejects the others. */
export interface BundleValidationResult {
  /** True when the envelope and every object are valid. */
  ok: boolean;
  /** Problems of the envelope itself (type, id, objects not an array). */
  errors: StixValidationError[];
  objects: { index: number; id?: string; type?: string; result: StixValidationResult }[];
}

/** A compiled STIX 2.1 validator: the OASIS JSON schemas plus the checks they cannot express. */
export interface StixValidator {
  validateObject(object: unknown): StixValidationResult;
  validateBundle(bundle: unknown): BundleValidationResult;
  /** The object types that have their own schema (others are checked against the common core). */
  readonly knownTypes: ReadonlySet<string>;
}

/** A JSON schema as loaded: only `$id` matters here. */
export type JsonSchemaDocument = { $id?: string } & Record<string, unknown>;

const SCHEMA_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
const BUNDLE_ID = /^bundle--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

// ajv-formats is CommonJS: under NodeNext its default import is the module object on some paths.
const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

/**
 * Compiles a validator from the OASIS STIX 2.1 schemas (draft 2020-12). Every schema is added by
 * its `$id` before any is compiled, so the relative `$ref`s (`../common/core.json`) resolve without
 * a network. Compiling takes a moment: build one validator per process and keep it (the
 * `validateStixObject` in `node.ts` does).
 */
export function createStixValidator(schemas: readonly JsonSchemaDocument[]): StixValidator {
  // strict off: the OASIS files use `definitions` and annotation keywords Ajv's strict mode rejects.
  // Patterns with a quantified group go to RE2: the OASIS type pattern `^([a-z][a-z0-9]*)+…`
  // backtracks exponentially (a 28-character "type" from a peer held a native RegExp for 5 s).
  // The others (ids, timestamps) stay native, which validates about twice as fast.
  const ajv = new Ajv2020({ allErrors: true, strict: false, code: { regExp: regExpEngine } });
  addFormats(ajv, ['email', 'uri']);
  // Domain names in intelligence include underscores and IDN labels, which Ajv's `hostname` refuses;
  // only what can never be a name is rejected here.
  ajv.addFormat('idn-hostname', (s: string) => s.length > 0 && s.length <= 253 && !/[\s/\\:@?#]/u.test(s) && s.split('.').every((l) => l.length > 0 && l.length <= 63));
  for (const schema of schemas) ajv.addSchema(schema);

  const byType = new Map<string, ValidateFunction>();
  for (const schema of schemas) {
    const type = typeOfSchema(schema.$id);
    if (type) byType.set(type, ajv.getSchema(schema.$id!)!);
  }
  const core = ajv.getSchema(`${SCHEMA_BASE}common/core.json`);
  const scoCore = ajv.getSchema(`${SCHEMA_BASE}common/cyber-observable-core.json`);
  if (!core || !scoCore) throw new Error('STIX schemas incomplete: common/core.json and common/cyber-observable-core.json are required');

  function validateObject(object: unknown): StixValidationResult {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      return { ok: false, errors: [{ path: '', message: `must be an object, got ${kindOf(object)}` }] };
    }
    const record = object as Record<string, unknown>;
    if (typeof record.type !== 'string') return { ok: false, errors: [{ path: '/type', message: 'must have a string "type"' }] };
    // Custom types: an SDO-like object has `created`; otherwise it is checked as an SCO.
    const validate = byType.get(record.type) ?? ('created' in record ? core! : scoCore!);
    const errors: StixValidationError[] = [];
    if (!validate(record)) errors.push(...schemaErrors(validate.errors ?? []));
    errors.push(...stixCodeChecks(record));
    return errors.length === 0 ? { ok: true } : { ok: false, errors: dedupe(errors) };
  }

  function validateBundle(bundle: unknown): BundleValidationResult {
    const errors: StixValidationError[] = [];
    if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle)) {
      return { ok: false, errors: [{ path: '', message: `a bundle must be an object, got ${kindOf(bundle)}` }], objects: [] };
    }
    const b = bundle as Record<string, unknown>;
    if (b.type !== 'bundle') errors.push({ path: '/type', message: 'must be "bundle"' });
    if (typeof b.id !== 'string' || !BUNDLE_ID.test(b.id)) errors.push({ path: '/id', message: 'must be "bundle--" followed by an RFC 4122 UUID' });
    if (b.objects !== undefined && !Array.isArray(b.objects)) errors.push({ path: '/objects', message: `must be an array, got ${kindOf(b.objects)}` });
    const list = Array.isArray(b.objects) ? (b.objects as unknown[]) : [];
    const objects = list.map((o, index) => {
      const rec = o !== null && typeof o === 'object' ? (o as Record<string, unknown>) : {};
      const result = validateObject(o);
      const at = result.ok ? result : { ok: false as const, errors: result.errors.map((e) => ({ path: `/objects/${index}${e.path}`, message: e.message })) };
      return {
        index,
        ...(typeof rec.id === 'string' ? { id: rec.id } : {}),
        ...(typeof rec.type === 'string' ? { type: rec.type } : {}),
        result: at,
      };
    });
    return { ok: errors.length === 0 && objects.every((o) => o.result.ok), errors, objects };
  }

  return { validateObject, validateBundle, knownTypes: new Set(byType.keys()) };
}

const QUANTIFIED_GROUP = /\)[*+{]/;
// No `u` flag: the OASIS patterns escape `-` (`\-`), which unicode mode rejects.
const regExpEngine = Object.assign((pattern: string) => (QUANTIFIED_GROUP.test(pattern) ? RE2JS.compile(pattern) : new RegExp(pattern)), {
  code: 'stixRegExp',
});

/** `…/sdos/indicator.json` → `indicator`; the common objects that are top-level types too. */
function typeOfSchema(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const m = /\/(sdos|sros|observables)\/([a-z0-9-]+)\.json$/.exec(id);
  if (m) return m[2];
  const common = /\/common\/(marking-definition|language-content|extension-definition)\.json$/.exec(id);
  return common?.[1];
}

function dedupe(errors: StixValidationError[]): StixValidationError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
