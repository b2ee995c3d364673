/** Port types of feed subscriptions (`ScopedStore.feeds`). */

/** A peer TAXII 2.1 collection or a MISP feed (manifest.json + event files). */
export type FeedKind = 'taxii' | 'misp-feed';

/** How the poller authenticates to the peer; null for none. */
export type FeedAuth = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

export interface FeedSubscription {
  id: string;
  /** The importing organisation: everything polled is stored as its intel. */
  orgId: string;
  kind: FeedKind;
  /** TAXII: the API root URL; MISP feed: the feed's base URL or a local directory. */
  url: string;
  /** TAXII collection id under the API root; null for MISP feeds. */
  collectionId: string | null;
  auth: FeedAuth | null;
  /** Seconds between polls by the running node. */
  intervalS: number;
  /** Where the next poll starts (TAXII `added_after`, or a MISP feed's JSON event timestamps); null before the first. */
  cursor: string | null;
  lastPolledAt: number | null;
  /** Why the last poll failed, or null when it succeeded (or never ran). */
  lastError: string | null;
  createdAt: number;
}

export interface FeedSubscriptionRepo {
  create(sub: {
    id: string;
    orgId: string;
    kind: FeedKind;
    url: string;
    collectionId?: string | null;
    auth?: FeedAuth | null;
    intervalS: number;
  }): Promise<FeedSubscription>;
  get(id: string): Promise<FeedSubscription | null>;
  /** Subscriptions visible in this scope, oldest first. */
  list(): Promise<FeedSubscription[]>;
  /**
   * Records a poll: its time, its error (null on success) and, when given, the new cursor. A failed
   * poll keeps the old cursor so the next one starts where the last good one ended.
   */
  recordPoll(id: string, poll: { at: number; error: string | null; cursor?: string | null }): Promise<boolean>;
  /** Saves the cursor reached so far in a poll still running (its time is recorded at the end by recordPoll). */
  saveCursor(id: string, cursor: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}
