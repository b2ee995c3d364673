import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { orgScope, type FeedSubscription, type Scope, type Store } from '../../store/index.js';
import { TaxiiClient } from '../../taxii/client/index.js';
import { changedFeedEntries, mispEventToStix, readMispEvents, readMispFeedManifest, type MispFeedCursor } from '../misp/index.js';
import { mispFeedSource, type MispFeedSource } from './misp-feed-source.js';

/** The import entry point (IntelService.importObjects): validation, versioning and storage per organisation. */
export interface IntelImporter {
  importObjects(scope: Scope, objects: readonly unknown[], opts: { source: string }): Promise<{ accepted: readonly unknown[]; rejected: readonly unknown[] }>;
}

/** What one poll of one subscription did. */
export interface FeedPollReport {
  subscription: string;
  org: string;
  kind: FeedSubscription['kind'];
  /** STIX objects received (TAXII) or produced from MISP events. */
  objects: number;
  accepted: number;
  rejected: number;
  /** MISP feeds: events fetched because new or changed (the others were skipped as unchanged). */
  events?: number;
  /** MISP feeds: attributes without a STIX form or with invalid values, by MISP type. */
  unsupported?: Record<string, number>;
  /** The cursor saved for the next poll. */
  cursor: string | null;
  error: string | null;
}

export interface FeedPollerDeps {
  store: Store;
  importer: IntelImporter;
  clock: Clock;
  ids: IdGenerator;
  /** Injected for tests; Node's fetch otherwise. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** TAXII page size asked of peers. */
  pageSize?: number;
  /** Opens a MISP feed (URL or directory); injected for tests. */
  mispSource?: (sub: FeedSubscription) => MispFeedSource;
}

const pollerAuthority = { kind: 'authority' as const, actor: 'feed-poller', reason: 'list feed subscriptions to poll' };

/**
 * Polls feed subscriptions and imports what is new through the intel service, as the
 * subscription's organisation. Progress is saved after every TAXII page and every MISP event, so
 * a poll that fails half-way resumes where it stopped instead of starting over.
 */
export class FeedPoller {
  constructor(private readonly deps: FeedPollerDeps) {}

  /** Every subscription of every organisation (an audited authority read). */
  subscriptions(): Promise<FeedSubscription[]> {
    return this.deps.store.scoped(pollerAuthority).feeds.list();
  }

  /** Polls all subscriptions one after the other; one failing does not stop the others. */
  async pollAll(): Promise<FeedPollReport[]> {
    const reports: FeedPollReport[] = [];
    for (const sub of await this.subscriptions()) reports.push(await this.poll(sub));
    return reports;
  }

  /**
   * Polls one subscription and records the outcome on it. An aborted `signal` ends the poll after
   * the page or event in progress (its progress is saved, so the next poll resumes there).
   */
  async poll(sub: FeedSubscription, signal?: AbortSignal): Promise<FeedPollReport> {
    const report: FeedPollReport = { subscription: sub.id, org: sub.orgId, kind: sub.kind, objects: 0, accepted: 0, rejected: 0, cursor: sub.cursor, error: null };
    const feeds = this.deps.store.scoped(orgScope(sub.orgId)).feeds;
    const save = (cursor: string) => {
      report.cursor = cursor;
      return feeds.saveCursor(sub.id, cursor);
    };
    try {
      if (sub.kind === 'taxii') await this.pollTaxii(sub, report, save, signal);
      else await this.pollMispFeed(sub, report, save, signal);
    } catch (e) {
      report.error = e instanceof Error ? e.message : String(e);
      // Interrupted by shutdown, not failed: leave the poll time alone so the next start polls
      // again at once, from the cursor saved so far.
      if (signal?.aborted) return report;
    }
    await feeds.recordPoll(sub.id, { at: this.deps.clock.now(), error: report.error });
    return report;
  }

  private async importAs(sub: FeedSubscription, objects: readonly unknown[], source: string, report: FeedPollReport): Promise<void> {
    if (objects.length === 0) return;
    const result = await this.deps.importer.importObjects(orgScope(sub.orgId), objects, { source });
    report.objects += objects.length;
    report.accepted += result.accepted.length;
    report.rejected += result.rejected.length;
  }

  private async pollTaxii(sub: FeedSubscription, report: FeedPollReport, save: (cursor: string) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
    if (!sub.collectionId) throw new Error(`subscription ${sub.id}: a TAXII subscription needs a collection id`);
    const client = new TaxiiClient({
      ...(sub.auth ? { auth: sub.auth } : {}),
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
      ...(this.deps.timeoutMs ? { timeoutMs: this.deps.timeoutMs } : {}),
    });
    const collectionUrl = `${sub.url.endsWith('/') ? sub.url : `${sub.url}/`}collections/${encodeURIComponent(sub.collectionId)}/`;
    const pages = client.pollObjects(collectionUrl, { ...(sub.cursor ? { addedAfter: sub.cursor } : {}), limit: this.deps.pageSize ?? 1000 });
    for await (const page of pages) {
      await this.importAs(sub, page.objects, `taxii:${collectionUrl}`, report);
      if (page.dateAddedLast && page.dateAddedLast !== report.cursor) await save(page.dateAddedLast);
      signal?.throwIfAborted();
    }
  }

  private async pollMispFeed(sub: FeedSubscription, report: FeedPollReport, save: (cursor: string) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
    const source = this.deps.mispSource?.(sub) ?? mispFeedSource(sub.url, { auth: sub.auth, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}), ...(this.deps.timeoutMs ? { timeoutMs: this.deps.timeoutMs } : {}) });
    const cursor = parseMispCursor(sub.cursor);
    const changed = changedFeedEntries(readMispFeedManifest(await source.manifest()), cursor);
    report.events = 0;
    report.unsupported = {};
    const failures: string[] = [];
    for (const entry of changed) {
      signal?.throwIfAborted();
      try {
        const events = readMispEvents(await source.event(entry.uuid));
        if (events === null) throw new Error(`${entry.uuid}.json is not a MISP event`);
        for (const event of events) {
          const mapped = mispEventToStix(event, { now: this.deps.clock.now(), ids: this.deps.ids });
          for (const [type, n] of [...Object.entries(mapped.report.unsupported), ...Object.entries(mapped.report.invalid)]) {
            report.unsupported[type] = (report.unsupported[type] ?? 0) + n;
          }
          await this.importAs(sub, mapped.objects, `misp-feed:${source.location}`, report);
        }
        report.events++;
        cursor[entry.uuid] = entry.timestamp;
        await save(JSON.stringify(cursor));
      } catch (e) {
        // One unreadable event must not hold back the rest; it stays out of the cursor and is
        // fetched again next time.
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (failures.length > 0) throw new Error(`${failures.length} of ${changed.length} events failed: ${failures.slice(0, 3).join('; ')}`);
  }
}

function parseMispCursor(text: string | null): MispFeedCursor {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as MispFeedCursor) : {};
  } catch {
    return {};
  }
}
