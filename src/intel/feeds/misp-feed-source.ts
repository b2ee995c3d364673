import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedAuth } from '../../store/index.js';

/** Where a MISP feed's files come from: `manifest.json` and `<event-uuid>.json`. */
export interface MispFeedSource {
  /** The feed's location, for messages. */
  readonly location: string;
  manifest(): Promise<unknown>;
  event(uuid: string): Promise<unknown>;
}

export interface MispFeedSourceOptions {
  auth?: FeedAuth | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const uuidShape = /^[0-9a-f-]{36}$/i;

/**
 * A MISP feed at an http(s) URL or in a local directory (a feed copied to disk, or a test
 * fixture). Event file names are built only from manifest keys that look like uuids, so a hostile
 * manifest cannot point the reader at other files.
 */
export function mispFeedSource(location: string, options: MispFeedSourceOptions = {}): MispFeedSource {
  const remote = /^https?:\/\//i.test(location);
  const read = remote ? urlReader(location, options) : directoryReader(location.replace(/^file:\/\//, ''));
  return {
    location,
    manifest: () => read('manifest.json'),
    event: (uuid) => {
      if (!uuidShape.test(uuid)) return Promise.reject(new Error(`${location}: ${JSON.stringify(uuid)} is not an event uuid`));
      return read(`${uuid}.json`);
    },
  };
}

function directoryReader(dir: string): (name: string) => Promise<unknown> {
  return async (name) => {
    const path = join(dir, name);
    const text = await readFile(path, 'utf8');
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`${path}: not JSON (${(e as Error).message})`, { cause: e });
    }
  };
}

function urlReader(base: string, options: MispFeedSourceOptions): (name: string) => Promise<unknown> {
  const root = base.endsWith('/') ? base : `${base}/`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  // MISP instances serving feeds take their API key as the bare Authorization header value.
  if (options.auth?.kind === 'bearer') headers.authorization = options.auth.token;
  if (options.auth?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
  return async (name) => {
    const url = `${root}${name}`;
    let response: Response;
    try {
      response = await doFetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    } catch (e) {
      throw new Error(`${url}: ${e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : (e as Error).message}`, { cause: e });
    }
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`${url}: not JSON (${(e as Error).message})`, { cause: e });
    }
  };
}
