import type { Logsource, SigmaEvent } from '../sigma-types.js';
import { applyDerivations } from './apply-derivations.js';
import { applyEcsCategoryMappings, flattenEcsEvent, isEcsWindowsEvent } from './ecs-event.js';
import { FlatShapePlans } from './flat-shape-plans.js';
import type { FlatShapePlan } from './flat-shape-plan.js';
import { flattenEvtxEvent } from './flatten-evtx-event.js';
import { flattenFlatEvent } from './flatten-flat-event.js';
import { flattenWinlogbeatLegacyEvent } from './flatten-winlogbeat-event.js';
import { windowsProviderChannels } from './pipelines/windows-channel-services.js';
import { recoverSysmonEventType } from './recover-sysmon-event-type.js';
import { classifyWindowsEvent } from './windows-classifier.js';

const providerChannels = new Map(windowsProviderChannels.map(([p, c]) => [p.toLowerCase(), c]));
const noLogsource: Logsource = Object.freeze({});

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function eventIdOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && v !== '' && v.length < 8) {
    const n = Number(v);
    return Number.isInteger(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Object spread copies a parsed record keeping V8's fast properties (it clones the hidden class),
 * where `Object.assign({}, raw)` left 9 records in 10 of Security-Datasets in dictionary mode:
 * twice the copy time, and slower key walks and reads for every matcher after it. Spread defines
 * each key as an own data property, so an own `__proto__` key (JSON.parse makes one) stays a key.
 */
function shallowCopy(raw: Record<string, unknown>): Record<string, unknown> {
  return { ...raw };
}

// Explicit logsources are interned like the classified ones, so routers may cache by identity.
const explicitLogsources = new Map<string, Logsource>();

/** An explicit `logsource: {product, category, service}` on an already-flat event (tests, replays). */
function explicitLogsource(v: unknown): Logsource | undefined {
  if (!isObject(v)) return undefined;
  const out: Logsource = {};
  for (const key of ['product', 'category', 'service'] as const) {
    const value = v[key];
    if (typeof value === 'string' && value !== '') out[key] = value.toLowerCase();
  }
  if (Object.keys(out).length === 0) return undefined;
  const key = `${out.product ?? ''}\u0000${out.category ?? ''}\u0000${out.service ?? ''}`;
  const known = explicitLogsources.get(key);
  if (known) return known;
  Object.freeze(out);
  if (explicitLogsources.size < 1000) explicitLogsources.set(key, out);
  return out;
}

/**
 * Classifies a raw event into a {@link SigmaEvent}: Sigma field names and a logsource.
 *
 * Layouts recognised, by shape:
 * - evtx_dump JSON `{Event:{System, EventData|UserData}}` (regression `.json`, rendered `.evtx`);
 * - Winlogbeat 7+/Elastic Agent ECS (`winlog.*`, `process.*`…, nested or dotted keys);
 * - Winlogbeat 6 (`log_name`, `event_id`, `event_data`);
 * - flat records: NXLog/Logstash (Security-Datasets, key case varies), Azure Monitor exports
 *   (`EventData` as a string), or fields already named as in Sigma. A flat event may carry an
 *   explicit `logsource` object, which is then used as is (and not copied to the fields).
 *
 * Windows events are classified by `Channel` (or the provider when the channel is missing) and
 * `EventID` through the pipelines (see `windowsPipelines`): e.g. Sysmon 1 → `{product: windows,
 * service: sysmon, category: process_creation}`, Security 4688 → `{…service: security,
 * category: process_creation}` with `Image`, `ParentImage`, `User`… derived. A record that is
 * none of these gets an empty logsource. Never throws; the input object is not modified (see
 * {@link normalizeEventInPlace} for the variant that may). Key-case variants are kept beside
 * their canonical spelling (`ProcessID` and `ProcessId`).
 *
 * @example
 * normalizeEvent({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\x.exe' })
 * // → { fields: { EventID: 1, Channel: …, Image: 'C:\\x.exe' },
 * //     logsource: { product: 'windows', service: 'sysmon', category: 'process_creation' } }
 */
export function normalizeEvent(raw: Record<string, unknown>): SigmaEvent {
  const plan = flatShapes.lookup(raw);
  return plan === undefined ? normalize(raw, false) : normalizePlanned(plan, flatShapes.values);
}

/**
 * Flat records are built by their shape's compiled plan instead of a copy walked by
 * `flattenFlatEvent`: the copy alone (object spread, whose clone cache is megamorphic across the
 * shapes of many exporters) cost about as much as the rest of the normalisation.
 */
const flatShapes = new FlatShapePlans();

/** The flat path of {@link normalize} from a plan: the same steps in the same order, reading the values the lookup collected. */
function normalizePlanned(plan: FlatShapePlan, values: readonly unknown[]): SigmaEvent {
  const fields = plan.build(values);
  const rawId = plan.eventIdIndex < 0 ? undefined : values[plan.eventIdIndex];
  recoverSysmonEventType(fields, rawId);
  const id = eventIdOf(rawId);
  // Most exporters already wrote a number: then there is nothing to store.
  if (id !== undefined && id !== rawId) fields['EventID'] = id;
  const channel = plan.channelIndex < 0 ? undefined : values[plan.channelIndex];
  const provider = plan.providerIndex < 0 ? undefined : values[plan.providerIndex];
  return routed(fields, id, channel, provider, undefined);
}

/**
 * {@link normalizeEvent} for callers that do not keep the raw event (benchmarks, streaming
 * ingest): a flat record becomes the fields object itself, with the Sigma fields added to it,
 * which spares the shallow copy. Other layouts are rebuilt anyway and `raw` is left as it is.
 */
export function normalizeEventInPlace(raw: Record<string, unknown>): SigmaEvent {
  return normalize(raw, true);
}

function normalize(raw: Record<string, unknown>, inPlace: boolean): SigmaEvent {
  let fields: Record<string, unknown>;
  let ecs = false;
  const event = raw['Event'];
  if (isObject(event) && (event['System'] !== undefined || event['EventData'] !== undefined || event['UserData'] !== undefined)) {
    fields = flattenEvtxEvent(event);
  } else if (isEcsWindowsEvent(raw)) {
    fields = flattenEcsEvent(raw);
    ecs = true;
  } else if (isObject(raw['event_data']) || raw['log_name'] !== undefined) {
    fields = flattenWinlogbeatLegacyEvent(raw);
  } else {
    fields = flattenFlatEvent(inPlace ? raw : shallowCopy(raw));
    const explicit = explicitLogsource(fields['logsource']);
    if (explicit) {
      delete fields['logsource'];
      return { fields, logsource: explicit };
    }
  }

  const id = eventIdOf(fields['EventID']);
  if (id !== undefined) fields['EventID'] = id;
  return routed(fields, id, fields['Channel'], fields['Provider_Name'], ecs ? raw : undefined);
}

/**
 * The logsource of normalised fields, from the channel (or, without one, the provider's channel)
 * and the event id, with the pipeline's derived fields added; ECS records also get their
 * category mappings from `ecsRaw`.
 */
function routed(fields: Record<string, unknown>, id: number | undefined, channelValue: unknown, providerValue: unknown, ecsRaw: Record<string, unknown> | undefined): SigmaEvent {
  let channel = typeof channelValue === 'string' ? channelValue : undefined;
  if (channel === undefined && typeof providerValue === 'string') channel = providerChannels.get(providerValue.toLowerCase());
  if (channel === undefined && id === undefined) return { fields, logsource: noLogsource };
  const cls = classifyWindowsEvent(channel, id, fields);
  if (ecsRaw !== undefined) applyEcsCategoryMappings(fields, ecsRaw, cls.logsource.category);
  if (cls.derive.length > 0) applyDerivations(fields, cls.derive);
  return { fields, logsource: cls.logsource };
}
