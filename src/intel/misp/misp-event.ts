/**
 * The MISP core format as it arrives from `/events/view`, feed event files and API wrappers.
 *
 * Types are loose on purpose: MISP writes numbers as strings in some places and as numbers in
 * others (`"distribution": "5"` vs `5`), and older instances omit fields that newer ones always
 * send. Readers below accept both and never trust a field's presence.
 */

/** A MISP tag (`tlp:white`, `misp-galaxy:mitre-attack-pattern="…"`). */
export interface MispTag {
  name: string;
  colour?: string;
  local?: boolean | number | string;
}

/** A MISP attribute, standalone or inside an object. */
export interface MispAttribute {
  uuid?: string;
  type: string;
  category?: string;
  value: string;
  to_ids?: boolean | string | number;
  comment?: string;
  timestamp?: string | number;
  first_seen?: string | null;
  last_seen?: string | null;
  distribution?: string | number;
  deleted?: boolean | string | number;
  object_relation?: string | null;
  Tag?: MispTag[];
  data?: string;
}

/** A MISP object (a group of attributes built from a template, e.g. `file`). */
export interface MispObject {
  uuid?: string;
  name?: string;
  'meta-category'?: string;
  comment?: string;
  timestamp?: string | number;
  distribution?: string | number;
  deleted?: boolean | string | number;
  Attribute?: MispAttribute[];
}

export interface MispGalaxyCluster {
  uuid?: string;
  type?: string;
  value?: string;
  tag_name?: string;
  description?: string;
  meta?: Record<string, unknown>;
}

export interface MispGalaxy {
  type?: string;
  name?: string;
  GalaxyCluster?: MispGalaxyCluster[];
}

export interface MispOrg {
  name?: string;
  uuid?: string;
}

/** The body of a MISP event (what sits under `"Event"`). */
export interface MispEvent {
  uuid?: string;
  info?: string;
  date?: string;
  timestamp?: string | number;
  publish_timestamp?: string | number;
  published?: boolean;
  distribution?: string | number;
  threat_level_id?: string | number;
  analysis?: string | number;
  Orgc?: MispOrg;
  Org?: MispOrg;
  Tag?: MispTag[];
  Attribute?: MispAttribute[];
  Object?: MispObject[];
  Galaxy?: MispGalaxy[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keys only an event body has; used to recognise a bare body (no "Event" wrapper).
const eventBodyKeys = ['info', 'Attribute', 'Object', 'Orgc', 'threat_level_id', 'analysis', 'date'];

/**
 * The MISP events in a parsed JSON document: `{"Event": {...}}`, a bare event body, an API
 * `{"response": [{"Event": …}, …]}` wrapper or an array of either. Returns `null` when the
 * document is not MISP events at all (a STIX bundle, a feed manifest, an object template…), so a
 * caller can tell "not MISP" from "a MISP document with zero events".
 */
export function readMispEvents(doc: unknown): MispEvent[] | null {
  if (Array.isArray(doc)) {
    const events: MispEvent[] = [];
    for (const item of doc) {
      const found = readMispEvents(item);
      if (found === null) return null;
      events.push(...found);
    }
    return events;
  }
  if (!isRecord(doc)) return null;
  if (isRecord(doc.Event)) return [doc.Event as unknown as MispEvent];
  if (Array.isArray(doc.response)) return readMispEvents(doc.response);
  // STIX objects (SCOs may lack spec_version) are recognised by their `type--uuid` id.
  if (typeof doc.type === 'string' && (doc.type === 'bundle' || typeof doc.spec_version === 'string' || (typeof doc.id === 'string' && doc.id.includes('--')))) return null;
  if (eventBodyKeys.some((k) => k in doc)) return [doc as unknown as MispEvent];
  return null;
}

/** A MISP integer that may arrive as a string; `undefined` when absent or not a number. */
export function mispInteger(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** A MISP boolean that may arrive as `true`, `1`, `"1"` or `"true"`. */
export function mispBoolean(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

/** Epoch seconds (number or string) to ms, or `undefined` when absent or malformed. */
export function mispEpochMs(v: unknown): number | undefined {
  const s = mispInteger(v);
  return s === undefined || s < 0 ? undefined : s * 1000;
}

/** `YYYY-MM-DD` (MISP `date`) to ms at 00:00 UTC, or `undefined`. */
export function mispDateMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  const ms = Date.parse(`${v}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO 8601 (MISP `first_seen`/`last_seen`) to ms, or `undefined`. */
export function mispIsoMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}
