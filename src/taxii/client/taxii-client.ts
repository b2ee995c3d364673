import { TaxiiClientError, taxiiErrorOf } from './taxii-client-error.js';

/** The TAXII 2.1 media type, sent on Accept and Content-Type (TAXII 2.1 §1.6.8). */
export const taxiiMediaType = 'application/taxii+json;version=2.1';

/** Credentials for a peer: HTTP Basic or a bearer token. */
export type TaxiiAuth = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

export interface TaxiiClientOptions {
  auth?: TaxiiAuth;
  /** Per-request deadline (ms), default 30 s. */
  timeoutMs?: number;
  /** Injected for tests; Node's global fetch otherwise. */
  fetch?: typeof fetch;
  /** Waits between status polls; injected so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface TaxiiDiscovery {
  title: string;
  description?: string;
  contact?: string;
  default?: string;
  api_roots?: string[];
}

export interface TaxiiApiRoot {
  title: string;
  description?: string;
  versions: string[];
  max_content_length: number;
}

export interface TaxiiCollection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  can_read: boolean;
  can_write: boolean;
  media_types?: string[];
}

export interface TaxiiManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type?: string;
}

/** One page of a collection, with the `X-TAXII-Date-Added-*` headers. */
export interface TaxiiPage<T> {
  objects: T[];
  more: boolean;
  next?: string;
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

export interface TaxiiStatus {
  id: string;
  status: 'pending' | 'complete';
  request_timestamp?: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes?: { id: string; version?: string; message?: string }[];
  failures?: { id: string; version?: string; message?: string }[];
  pendings?: { id: string; version?: string; message?: string }[];
}

/** Filters of GET objects and GET manifest (TAXII 2.1 §3.5). */
export interface TaxiiObjectQuery {
  addedAfter?: string;
  limit?: number;
  next?: string;
  match?: { id?: string[]; type?: string[]; version?: string[]; spec_version?: string[] };
}

type StixLike = { type: string; id: string; [property: string]: unknown };

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * A TAXII 2.1 client over fetch: discovery, API roots, collections, objects (paged), manifests,
 * adding objects and following their status. Every failure is a `TaxiiClientError` carrying the
 * peer's status and the title of its TAXII error message.
 *
 * @example
 * const client = new TaxiiClient({ auth: { kind: 'bearer', token } });
 * for await (const page of client.pollObjects('https://peer/api1/collections/91a7…/', { addedAfter })) { … }
 */
export class TaxiiClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TaxiiClientOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** GET the discovery resource (`https://host/taxii2/`). */
  discovery(url: string): Promise<TaxiiDiscovery> {
    return this.json<TaxiiDiscovery>('GET', withSlash(url));
  }

  /** GET an API root's information. */
  apiRoot(apiRootUrl: string): Promise<TaxiiApiRoot> {
    return this.json<TaxiiApiRoot>('GET', withSlash(apiRootUrl));
  }

  /** The collections of an API root (an empty list when the peer answers `{}`). */
  async collections(apiRootUrl: string): Promise<TaxiiCollection[]> {
    const body = await this.json<{ collections?: TaxiiCollection[] }>('GET', `${withSlash(apiRootUrl)}collections/`);
    return body.collections ?? [];
  }

  /** One collection (its URL is `<api-root>/collections/<id>/`). */
  collection(collectionUrl: string): Promise<TaxiiCollection> {
    return this.json<TaxiiCollection>('GET', withSlash(collectionUrl));
  }

  /** One page of a collection's objects. */
  getObjects<T = StixLike>(collectionUrl: string, query: TaxiiObjectQuery = {}): Promise<TaxiiPage<T>> {
    return this.page<T>(`${withSlash(collectionUrl)}objects/`, query);
  }

  /** One page of a collection's manifest. */
  manifest(collectionUrl: string, query: TaxiiObjectQuery = {}): Promise<TaxiiPage<TaxiiManifestRecord>> {
    return this.page<TaxiiManifestRecord>(`${withSlash(collectionUrl)}manifest/`, query);
  }

  /**
   * Every object added after `addedAfter`, page by page until `more` is false. Follows `next`
   * when the peer gives one; otherwise moves `added_after` to the page's
   * `X-TAXII-Date-Added-Last`. Each page reports that header so a poller can save it as its
   * cursor once the page is imported.
   */
  async *pollObjects<T = StixLike>(collectionUrl: string, query: { addedAfter?: string; limit?: number } = {}): AsyncGenerator<TaxiiPage<T>> {
    let addedAfter = query.addedAfter;
    let next: string | undefined;
    for (;;) {
      const page = await this.getObjects<T>(collectionUrl, {
        ...(addedAfter ? { addedAfter } : {}),
        ...(query.limit ? { limit: query.limit } : {}),
        ...(next ? { next } : {}),
      });
      yield page;
      if (!page.more) return;
      if (page.next) {
        next = page.next;
      } else if (page.dateAddedLast && page.dateAddedLast !== addedAfter) {
        addedAfter = page.dateAddedLast;
        next = undefined;
      } else {
        // `more` without a way forward: asking again would return the same page forever.
        throw new TaxiiClientError(collectionUrl, 200, 'peer says more objects follow but gives neither next nor a newer X-TAXII-Date-Added-Last');
      }
    }
  }

  /** POST an envelope; returns the status resource the peer answers with (202). */
  addObjects(collectionUrl: string, objects: readonly Record<string, unknown>[]): Promise<TaxiiStatus> {
    return this.json<TaxiiStatus>('POST', `${withSlash(collectionUrl)}objects/`, { objects });
  }

  /** GET a status resource. */
  status(apiRootUrl: string, statusId: string): Promise<TaxiiStatus> {
    return this.json<TaxiiStatus>('GET', `${withSlash(apiRootUrl)}status/${encodeURIComponent(statusId)}/`);
  }

  /** Polls a status resource until it is `complete` or `deadlineMs` has been spent waiting. */
  async waitForStatus(apiRootUrl: string, statusId: string, opts: { intervalMs?: number; deadlineMs?: number } = {}): Promise<TaxiiStatus> {
    const interval = opts.intervalMs ?? 1000;
    let waited = 0;
    for (;;) {
      const status = await this.status(apiRootUrl, statusId);
      if (status.status === 'complete' || waited >= (opts.deadlineMs ?? 60_000)) return status;
      await this.sleep(interval);
      waited += interval;
    }
  }

  private async page<T>(url: string, query: TaxiiObjectQuery): Promise<TaxiiPage<T>> {
    const params = new URLSearchParams();
    if (query.addedAfter) params.set('added_after', query.addedAfter);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.next) params.set('next', query.next);
    for (const [field, values] of Object.entries(query.match ?? {})) if (values?.length) params.set(`match[${field}]`, values.join(','));
    const search = params.toString();
    const { body, headers } = await this.request<{ objects?: T[]; more?: boolean; next?: string }>('GET', search ? `${url}?${search}` : url);
    const first = headers.get('x-taxii-date-added-first');
    const last = headers.get('x-taxii-date-added-last');
    return {
      objects: body.objects ?? [],
      more: body.more === true,
      ...(typeof body.next === 'string' && body.next !== '' ? { next: body.next } : {}),
      ...(first ? { dateAddedFirst: first } : {}),
      ...(last ? { dateAddedLast: last } : {}),
    };
  }

  private async json<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    return (await this.request<T>(method, url, body)).body;
  }

  private async request<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: taxiiMediaType };
    if (body !== undefined) headers['content-type'] = taxiiMediaType;
    const auth = this.options.auth;
    if (auth?.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
    if (auth?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new TaxiiClientError(url, 0, timedOut ? 'timeout' : 'unreachable', reason, undefined, { cause: e });
    }
    if (!response.ok) throw await taxiiErrorOf(url, response);
    const text = await response.text();
    try {
      return { body: (text === '' ? {} : JSON.parse(text)) as T, headers: response.headers };
    } catch (e) {
      throw new TaxiiClientError(url, response.status, 'invalid JSON in answer', text.slice(0, 200), undefined, { cause: e });
    }
  }
}
