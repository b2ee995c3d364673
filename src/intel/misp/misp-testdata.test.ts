import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { IdGenerator } from '../../shared/ids.js';
import { validateStixObject } from '../stix/node.js';
import { TLP_MARKING_IDS } from '../tlp/index.js';
import { changedFeedEntries, mispEventToStix, readMispEvents, readMispFeedManifest, stixToMispEvent, type MispEvent } from './index.js';

// Every JSON file of the shared MISP test data (see its README): each one is either MISP events
// (mapped, every object validated) or named below with what it is instead.
const root = fileURLToPath(new URL('../../../../shared/testdata/misp/', import.meta.url));
const notEvents: Record<string, string> = {
  'pymisp/tests/stix2.json': 'a STIX 2.0 bundle',
  'pymisp/tests/sharing_groups.json': 'sharing groups',
  'pymisp/tests/mispevent_testfiles/simple.json': 'an empty object',
  'pymisp/tests/mispevent_testfiles/galaxy.json': 'a galaxy',
  'pymisp/tests/mispevent_testfiles/sighting.json': 'a sighting',
  'pymisp/tests/mispevent_testfiles/overwrite_file/definition.json': 'an object template',
  'pymisp/tests/mispevent_testfiles/test_object_template/definition.json': 'an object template',
  'feed-example/manifest.json': 'a feed manifest',
  'feed-rfc-sample/manifest.json': 'a feed manifest',
};

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [relative(root, path)] : [];
  });
}

/** Deterministic RFC 4122 ids for objects MISP gives no uuid. */
function sequentialUuids(): IdGenerator {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

const load = (file: string): unknown => JSON.parse(readFileSync(join(root, file), 'utf8'));
const options = () => ({ now: Date.UTC(2026, 10, 26), ids: sequentialUuids() });

describe('MISP test data', () => {
  const files = jsonFiles(root);

  it('maps every event of every file to STIX objects that all validate', () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
    let events = 0;
    let mapped = 0;
    let objects = 0;
    const invalid: string[] = [];
    const unsupported: Record<string, number> = {};
    for (const file of files) {
      const found = readMispEvents(load(file));
      if (file in notEvents) {
        expect(found, `${file} is ${notEvents[file]}`).toBeNull();
        continue;
      }
      expect(found, `${file} should hold MISP events`).not.toBeNull();
      for (const event of found!) {
        events++;
        const result = mispEventToStix(event, options());
        let ok = true;
        for (const object of result.objects) {
          objects++;
          const check = validateStixObject(object);
          if (!check.ok) {
            ok = false;
            invalid.push(`${file} ${object.id}: ${JSON.stringify(check.errors.slice(0, 2))}`);
          }
        }
        for (const [type, n] of Object.entries(result.report.unsupported)) unsupported[type] = (unsupported[type] ?? 0) + n;
        if (ok) mapped++;
      }
    }
    console.log(`MISP test data: ${mapped}/${events} events mapped, ${objects} STIX objects, ${invalid.length} invalid; unsupported by type: ${JSON.stringify(unsupported)}`);
    expect(invalid).toEqual([]);
    expect(mapped).toBe(events);
    expect(events).toBeGreaterThanOrEqual(40);
  });

  it('maps the Xorist event: indicators, observables, report, identity, TLP:CLEAR', () => {
    const [event] = readMispEvents(load('pymisp/tests/57c4445b-c548-4654-af0b-4be3950d210f.json'))!;
    const { objects, report } = mispEventToStix(event!, options());
    const byType = (t: string) => objects.filter((o) => o.type === t);
    expect(report.attributes).toBe(event!.Attribute!.length);
    const indicators = byType('indicator');
    expect(indicators.length).toBe(event!.Attribute!.filter((a) => a.to_ids === true).length);
    expect(report.indicators + report.observedData + Object.values(report.unsupported).reduce((a, b) => a + b, 0) + Object.values(report.invalid).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(report.attributes);
    const [identity] = byType('identity');
    expect(identity).toMatchObject({ id: 'identity--55f6ea5e-2c60-40e5-964f-47a8950d210f', name: 'CIRCL', identity_class: 'organization', object_marking_refs: [TLP_MARKING_IDS.clear] });
    const [stixReport] = byType('report');
    expect(stixReport).toMatchObject({
      id: 'report--57c4445b-c548-4654-af0b-4be3950d210f',
      name: 'Ransomware - Xorist',
      created_by_ref: identity!.id,
      object_marking_refs: [TLP_MARKING_IDS.clear],
    });
    expect((stixReport!.object_refs as string[]).length).toBe(indicators.length + byType('observed-data').length + byType('attack-pattern').length + byType('vulnerability').length);
    for (const i of indicators) expect(i.object_marking_refs).toEqual([TLP_MARKING_IDS.clear]);
    expect(stixReport!.labels).toContain('misp:threat-level="low"');
  });

  it('maps galaxy_1: galaxy tags become labels and keep their names', () => {
    const [event] = readMispEvents(load('pymisp/tests/reportlab_testfiles/galaxy_1.json'))!;
    const report = mispEventToStix(event!, options()).objects.find((o) => o.type === 'report')!;
    expect(report.labels).toContain('misp-galaxy:mitre-intrusion-set="APT1 - G0006"');
    expect(report.labels).not.toContain('tlp:white');
  });

  it('reads both feed manifests and finds the changed events', () => {
    const example = readMispFeedManifest(load('feed-example/manifest.json'));
    expect(example).toHaveLength(11);
    const files = readdirSync(join(root, 'feed-example')).filter((f) => f.endsWith('.json') && f !== 'manifest.json');
    expect(example.map((e) => `${e.uuid}.json`).sort()).toEqual(files.sort());
    for (const entry of example) {
      const [event] = readMispEvents(load(`feed-example/${entry.uuid}.json`))!;
      expect(Number(event!.timestamp), entry.uuid).toBe(entry.timestamp);
    }
    const rfc = readMispFeedManifest(load('feed-rfc-sample/manifest.json'));
    expect(rfc.map((e) => e.timestamp)).toEqual([1472638251, 1461764231]);
    const cursor = Object.fromEntries(example.map((e) => [e.uuid, e.timestamp]));
    expect(changedFeedEntries(example, cursor)).toEqual([]);
    cursor[example[3]!.uuid] = example[3]!.timestamp - 1;
    delete cursor[example[5]!.uuid];
    expect(changedFeedEntries(example, cursor).map((e) => e.uuid)).toEqual([example[3]!.uuid, example[5]!.uuid]);
  });

  it('rejects a manifest entry without a timestamp, naming it', () => {
    expect(() => readMispFeedManifest({ '57c4445b-c548-4654-af0b-4be3950d210f': { info: 'x' } })).toThrow(/57c4445b.*timestamp/);
    expect(() => readMispFeedManifest([])).toThrow(/expected an object/);
  });

  it('exports the indicators of every feed event back to MISP with the same types and values', () => {
    for (const entry of readMispFeedManifest(load('feed-example/manifest.json'))) {
      const [event] = readMispEvents(load(`feed-example/${entry.uuid}.json`)) as MispEvent[];
      const { objects } = mispEventToStix(event!, options());
      const { event: exported, skipped } = stixToMispEvent(objects, { info: 'export', now: options().now, ids: sequentialUuids() });
      const indicators = objects.filter((o) => o.type === 'indicator');
      expect(exported.Event.Attribute!.length, entry.uuid).toBe(indicators.length);
      expect(skipped['pattern not expressible in MISP'] ?? 0).toBe(0);
      const original = new Map(
        [...(event!.Attribute ?? []), ...(event!.Object ?? []).flatMap((o) => o.Attribute ?? [])].map((a) => [a.uuid, a]),
      );
      for (const attr of exported.Event.Attribute!) {
        const source = original.get(attr.uuid);
        expect(source, `${entry.uuid} ${attr.uuid}`).toBeDefined();
        expect({ type: attr.type, value: attr.value.toLowerCase() }).toEqual({ type: source!.type, value: source!.value.trim().toLowerCase() });
        expect(attr.Tag).toContainEqual({ name: 'tlp:clear' });
      }
    }
  });
});
