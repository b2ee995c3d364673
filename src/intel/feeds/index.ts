/** Feed subscriptions and polling: peer TAXII collections and MISP feeds imported per organisation. */
export { FeedPoller, type FeedPollerDeps, type FeedPollReport, type IntelImporter } from './feed-poller.js';
export { FeedPollingService, nodePollTimer, type FeedPollingServiceDeps, type PollTimer } from './feed-polling-service.js';
export { mispFeedSource, type MispFeedSource, type MispFeedSourceOptions } from './misp-feed-source.js';
