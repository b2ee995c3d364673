import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStixValidator, validateBundle, validateStixObject } from './default-stix-validator.js';
import { createStixValidator } from './stix-validator.js';
import { loadStixSchemas } from './stix-schema-loader.js';

const EXAMPLES = join(import.meta.dirname, '../../../../shared/content/stix/examples');

function exampleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return exampleFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

const indicator = () => ({
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2026-11-26T01:40:00.000Z',
  modified: '2026-11-26T01:40:00.000Z',
  pattern: "[ipv4-addr:value = '198.51.100.7']",
  pattern_type: 'stix',
  valid_from: '2026-11-26T01:40:00Z',
});

describe('the shipped OASIS schemas', () => {
  it('are the 57 files copied from ../shared, with their licence', () => {
    expect(loadStixSchemas()).toHaveLength(57);
    expect(readFileSync(join(import.meta.dirname, '../../../content/stix/LICENSE'), 'utf8')).toContain('OASIS Open');
  });

  it('validate every example in ../shared/content/stix/examples, object by object', () => {
    const files = exampleFiles(EXAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(8);
    let objects = 0;
    for (const file of files) {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (json.type === 'bundle') {
        const result = validateBundle(json);
        expect({ file, errors: result.errors, bad: result.objects.filter((o) => !o.result.ok) }).toEqual({ file, errors: [], bad: [] });
        expect(result.ok).toBe(true);
        objects += result.objects.length;
      } else {
        expect({ file, result: validateStixObject(json) }).toEqual({ file, result: { ok: true } });
        objects += 1;
      }
    }
    // apt1 (76) and poisonivy (155) alone: the whole set was really walked.
    expect(objects).toBeGreaterThan(231);
  });

  it('build the validator once per process', () => {
    expect(defaultStixValidator()).toBe(defaultStixValidator());
    expect(defaultStixValidator().knownTypes.has('indicator')).toBe(true);
    expect(defaultStixValidator().knownTypes.has('marking-definition')).toBe(true);
  });
});

describe('invalid objects report the failing property', () => {
  const failing = (o: unknown) => {
    const r = validateStixObject(o);
    return r.ok ? [] : r.errors.map((e) => e.path);
  };

  it('a missing required property', () => {
    const o: Record<string, unknown> = indicator();
    delete o.pattern;
    expect(validateStixObject(o)).toEqual({ ok: false, errors: [{ path: '/pattern', message: 'required property "pattern" is missing' }] });
  });

  it('a wrongly typed or formatted property', () => {
    expect(failing({ ...indicator(), valid_from: 'yesterday' })).toContain('/valid_from');
    expect(failing({ ...indicator(), created: '2026-11-26T01:40:00Z' })).toContain('/created');
    expect(failing({ ...indicator(), confidence: 101 })).toContain('/confidence');
    expect(failing({ ...indicator(), external_references: [{ url: 'https://example.org' }] })).toContain('/external_references/0/source_name');
    expect(failing({ ...indicator(), object_marking_refs: ['tlp-red'] })).toContain('/object_marking_refs/0');
  });

  it('a failed alternative reports its closest branch, not every branch', () => {
    expect(validateStixObject({ ...indicator(), external_references: [{ source_name: 'internal' }] })).toEqual({
      ok: false,
      errors: [{ path: '/external_references/0', message: 'needs one of "external_id", "description", "url"' }],
    });
    expect(validateStixObject({ ...indicator(), external_references: [{ source_name: 'cve' }] })).toEqual({
      ok: false,
      errors: [{ path: '/external_references/0/external_id', message: 'required property "external_id" is missing' }],
    });
    const malware = { ...indicator(), type: 'malware', id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', is_family: true };
    expect(failing(malware)).toEqual(['/name']);
    expect(validateStixObject({ type: 'file', id: 'file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', size: 3 })).toEqual({ ok: false, errors: [{ path: '', message: 'needs one of "hashes", "name"' }] });
    const statement = { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2026-11-26T01:40:00.000Z', definition_type: 'statement', definition: { text: 'x' } };
    expect(failing(statement)[0]).toBe('/definition/statement');
  });

  it('what the schemas cannot check: id prefix, time order, selectors', () => {
    expect(failing({ ...indicator(), id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' })).toContain('/id');
    expect(failing({ ...indicator(), modified: '2026-11-25T01:40:00.000Z' })).toEqual(['/modified']);
    expect(failing({ ...indicator(), valid_until: '2026-11-26T01:40:00Z' })).toEqual(['/valid_until']);
    expect(failing({ ...indicator(), granular_markings: [{ selectors: ['description'], marking_ref: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82' }] })).toEqual([
      '/granular_markings/0/selectors/0',
    ]);
  });

  it('an SCO with a malformed value', () => {
    expect(failing({ type: 'email-addr', spec_version: '2.1', id: 'email-addr--2d77a846-6264-5d51-b586-e43822ea1ea3', value: 'not an address' })).toContain('/value');
    expect(failing({ type: 'domain-name', id: 'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7', value: 'a b.example' })).toContain('/value');
  });

  it('custom objects are checked against the common core', () => {
    expect(validateStixObject({ ...indicator(), type: 'x-mitre-tactic', id: 'x-mitre-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', x_mitre_shortname: 'execution' })).toEqual({ ok: true });
    expect(failing({ type: 'x-thing', id: 'x-thing--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: 'now' })).toEqual(expect.arrayContaining(['/created', '/modified']));
  });

  it('not an object at all', () => {
    expect(failing(null)).toEqual(['']);
    expect(failing([indicator()])).toEqual(['']);
    expect(failing({ id: 'x' })).toEqual(['/type']);
  });

  it('a hostile nesting depth is refused before anything tries to serialise it', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(failing({ ...indicator(), x_deep: deep })).toEqual(['/x_deep/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0']);
    let fine: unknown = 'x';
    for (let i = 0; i < 20; i++) fine = { a: fine };
    expect(validateStixObject({ ...indicator(), x_fine: fine })).toEqual({ ok: true });
  });

  it('a hostile type string is answered in linear time (no regex backtracking)', () => {
    const started = performance.now();
    const r = validateStixObject({ ...indicator(), type: `${'a'.repeat(200)}!` });
    expect(r.ok).toBe(false);
    const ext = validateStixObject({ ...indicator(), extensions: { [`${'a'.repeat(200)}!-ext`]: { x: 1 } } });
    expect(ext.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('bundles', () => {
  it('one invalid object never rejects the others', () => {
    const bad = { ...indicator(), id: 'indicator--0b7fd39c-2f7a-4b1a-9c0e-8d0b6d2f2a11', pattern_type: undefined };
    const good2 = { type: 'ipv4-addr', id: 'ipv4-addr--6c83081b-13af-5e30-ba30-6f401772a083', value: '198.51.100.8' };
    const r = validateBundle({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [indicator(), JSON.parse(JSON.stringify(bad)), good2, 'nonsense'] });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => o.result.ok)).toEqual([true, false, true, false]);
    expect(r.objects[1]).toMatchObject({ index: 1, id: bad.id, type: 'indicator', result: { ok: false, errors: [{ path: '/objects/1/pattern_type' }] } });
  });

  it('report envelope problems apart from the objects', () => {
    const r = validateBundle({ type: 'bundle', id: 'bundle-1', objects: [indicator()] });
    expect(r.errors.map((e) => e.path)).toEqual(['/id']);
    expect(r.objects[0]!.result.ok).toBe(true);
    expect(validateBundle({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: {} }).errors.map((e) => e.path)).toEqual(['/objects']);
    expect(validateBundle('x').ok).toBe(false);
  });

  it('a validator can be built from any schema set (the factory is pure)', () => {
    const v = createStixValidator(loadStixSchemas());
    expect(v.validateObject(indicator())).toEqual({ ok: true });
    expect(() => createStixValidator([])).toThrow(/incomplete/);
  });
});
