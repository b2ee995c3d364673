import { CliExit } from '../cli-exit.js';

/**
 * The STIX objects of an import file: a bundle's `objects`, a JSON array of objects, or one
 * object. Each object is validated later on its own, so only the envelope is checked here.
 */
export function intelObjectsOf(text: string, where: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliExit(1, `${where}: not JSON (${(err as Error).message})`);
  }
  if (Array.isArray(doc)) return doc;
  if (doc === null || typeof doc !== 'object') throw new CliExit(1, `${where}: expected a STIX bundle, got ${doc === null ? 'null' : typeof doc}`);
  const o = doc as Record<string, unknown>;
  if (o.type === 'bundle') {
    if (!Array.isArray(o.objects)) throw new CliExit(1, `${where}: bundle.objects must be an array`);
    return o.objects;
  }
  if ('Event' in o || 'response' in o) throw new CliExit(1, `${where}: MISP events are not supported yet; convert to a STIX 2.1 bundle`);
  if (typeof o.type === 'string' && typeof o.id === 'string') return [o];
  throw new CliExit(1, `${where}: expected a STIX bundle ({"type": "bundle", "objects": [...]}), an array of STIX objects or one object`);
}
