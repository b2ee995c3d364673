import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createBus, type Bus } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { ShieldwallError } from '../errors/error-catalog.js';
import { createStore, type Store } from '../store/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { randomIds, timeOrderedIds, type IdGenerator } from '../shared/ids.js';
import { loadRulePaths } from '../hunt/rule-loader.js';
import { Pipeline } from '../ingest/pipeline/pipeline.js';
import { EventRetention } from '../ingest/pipeline/retention.js';
import { SyslogListeners, type SyslogAddresses } from '../ingest/inputs/index.js';
import { InProcessDetectionEngine, type DetectionContent, type DetectionEngine } from '../ingest/pipeline/detection-engine.js';
import { WorkerDetectionEngine } from '../ingest/pipeline/worker-detection-engine.js';
import { loadErrorLocation, type RuleMeta } from '../sigma/index.js';
import { bootstrapAuthority } from './bootstrap.js';
import { buildServer, type RoutePlugin } from './build-server.js';
import { createMetricsRegistry } from './plugins/metrics.js';
import { eventIngestRoutes } from './routes/event-ingest-routes.js';
import { ruleRoutes, type RuleCatalog } from './routes/rule-routes.js';
import { indicatorRoutes } from './routes/indicator-routes.js';
import { IndicatorBroadcast, IntelDetection, IntelService, SightingThreshold } from '../intel/index.js';
import { FeedPoller, FeedPollingService, type PollTimer } from '../intel/feeds/index.js';

/** A running Shieldwall node. */
export interface Node {
  app: FastifyInstance;
  store: Store;
  bus: Bus;
  /** `http://host:port` actually bound. */
  address: string;
  /** Token created on first start (null afterwards). */
  firstStart: { orgId: string; token: string } | null;
  pipeline: Pipeline;
  /** Threat intelligence: import, search, export, confirmation (early warning). */
  intel: IntelService;
  /** Periodic polling of feed subscriptions (peer TAXII collections, MISP feeds). */
  feeds: FeedPollingService;
  /** Rules in force and load failures at start. */
  rules: { loaded: number; failed: number; loadMs: number };
  /** Bound `host:port` of each syslog listener configured in `ingest.syslog` (empty when none). */
  syslog: SyslogAddresses;
  /** Stops accepting work, drains in-flight requests, then closes bus and store. */
  close(): Promise<void>;
}

/** Creates the logger with secrets redacted: tokens never reach a log line. */
export function createLogger(level: Config['log']['level']): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token', 'password', '*.password'], censor: '[redacted]' },
  });
}

/** Opens the store (migrated) and bus named by the config. */
export async function openInfrastructure(config: Config, logger?: Logger): Promise<{ store: Store; bus: Bus }> {
  if (config.db.url.startsWith('sqlite:')) mkdirSync(config.dataDir, { recursive: true });
  // A node writes events all day: its WAL checkpoints run beside the event loop, not in it.
  const store = await createStore(config.db.url, {
    backgroundCheckpoints: { onError: (err) => logger?.warn({ err }, 'background WAL checkpoints stopped; the writer checkpoints again itself') },
  });
  try {
    await store.migrate();
    const bus = await createBus(config.bus.url);
    return { store, bus };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** Starts a node: store, bus, first-start bootstrap, HTTP server. */
/** A detection engine with the rules named by the config, and what loading them gave. */
export interface LoadedEngine {
  engine: DetectionEngine;
  failed: number;
  errors: { path: string; message: string }[];
  loadMs: number;
}

/**
 * Loads the Sigma rules named by the config (the shipped SigmaHQ content by default) into worker
 * threads (`ingest.detectionWorkers`) or, with 0 workers, into this thread.
 */
export async function loadDetectionEngine(config: Config, clock: Clock): Promise<LoadedEngine> {
  const started = performance.now();
  const loadMs = () => Math.round(performance.now() - started);
  if (config.ingest.detectionWorkers > 0) {
    const engine = await WorkerDetectionEngine.start({ size: config.ingest.detectionWorkers, rulePaths: [config.content.sigmaDir] });
    return { engine, failed: engine.errors.length, errors: engine.errors, loadMs: loadMs() };
  }
  const loaded = await loadRulePaths([config.content.sigmaDir]);
  const content: DetectionContent = { ruleSet: loaded.ruleSet, correlations: loaded.correlations };
  return {
    engine: new InProcessDetectionEngine(content, clock),
    failed: loaded.errors.length,
    errors: loaded.errors.map((e) => ({ path: loadErrorLocation(e), message: e.message })),
    loadMs: loadMs(),
  };
}

export async function startNode(
  config: Config,
  opts: { logger?: Logger; clock?: Clock; ids?: IdGenerator; routes?: RoutePlugin[]; content?: DetectionContent; pollTimer?: PollTimer } = {},
): Promise<Node> {
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  const logger = opts.logger ?? createLogger(config.log.level);
  // The database and the bus first: an unreachable service fails in a second, not after the rules load.
  const { store, bus } = await openInfrastructure(config, logger);
  let loaded: LoadedEngine;
  try {
    loaded = opts.content
      ? { engine: new InProcessDetectionEngine(opts.content, clock), failed: 0, errors: [], loadMs: 0 }
      : await oneLine(() => loadDetectionEngine(config, clock), 'CONFIG_INVALID', 'cannot load rules');
  } catch (err) {
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  for (const e of loaded.errors.slice(0, 20)) logger.warn({ path: e.path }, `rule not loaded: ${e.message}`);
  let app: FastifyInstance | undefined;
  let pipeline: Pipeline | undefined;
  let syslog: SyslogListeners | undefined;
  try {
    const firstStart = await bootstrapAuthority(store, clock);
    const registry = createMetricsRegistry();
    const broadcast = new IndicatorBroadcast(bus, config.bus.namespace);
    await broadcast.start();
    // Indicator matching rides on detection: the matchers live in the detection engine's threads,
    // fed from the store now and from the early-warning channel afterwards.
    const threshold = new SightingThreshold({ threshold: config.intel.sightingThreshold, windowMs: config.intel.sightingWindowMs, clock });
    const intelDetection = config.ingest.detect === false ? undefined : new IntelDetection({ store, clock, ids, broadcast, threshold });
    if (intelDetection) {
      await intelDetection.start();
      await intelDetection.attach(loaded.engine);
    }
    // Events and alerts are keyed by time-ordered ids (B-tree appends); an injected generator wins.
    pipeline = new Pipeline({ store, bus, clock, ids: opts.ids ?? timeOrderedIds(() => clock.now()), registry, engine: loaded.engine, namespace: config.bus.namespace, maxInFlight: config.ingest.maxInFlight, detect: config.ingest.detect, intel: intelDetection });
    await pipeline.start();
    const retention = new EventRetention(store, clock, config.ingest.retentionDays * 86_400_000, (err) =>
      logger.error({ err }, 'event retention sweep failed'),
    );
    retention.start();
    pipeline.onStop(() => retention.stop());
    pipeline.onStop(() => void intelDetection?.stop());
    // Syslog listeners feed the pipeline, so they start after it and close before it (see close()).
    syslog = await SyslogListeners.start(config.ingest, { ingest: pipeline.ingest, registry, dropped: pipeline.metrics.dropped, logger, clock });
    let engine = loaded.engine;
    const catalog: RuleCatalog = {
      rules: (): readonly RuleMeta[] => engine.rules(),
      reload: async () => {
        const next = await loadDetectionEngine(config, clock);
        engine = next.engine;
        await intelDetection?.attach(next.engine);
        await pipeline!.detection.reload(next.engine);
        logger.info({ rules: next.engine.rules().length, failed: next.failed, ms: next.loadMs }, 'rules reloaded');
        return { loaded: next.engine.rules().length, failed: next.failed, errors: next.errors };
      },
    };
    const intel = new IntelService({ store, clock, ids, broadcast });
    const feeds = new FeedPollingService({
      poller: new FeedPoller({ store, importer: intel, clock, ids }),
      store,
      clock,
      ...(opts.pollTimer ? { timer: opts.pollTimer } : {}),
      onReport: (r) => {
        const summary = { subscription: r.subscription, org: r.org, kind: r.kind, objects: r.objects, accepted: r.accepted, rejected: r.rejected, events: r.events };
        if (r.error) logger.warn({ ...summary, error: r.error }, 'feed poll failed');
        else logger.info(summary, 'feed polled');
      },
      onError: (err) => logger.error({ err }, 'feed polling failed'),
    });
    const routes: RoutePlugin[] = [
      eventIngestRoutes({ ingest: pipeline.ingest, bodyLimit: config.http.bodyLimit, maxLineBytes: config.ingest.maxLineBytes, clock }),
      ruleRoutes(catalog),
      indicatorRoutes({ intel, clock, ids }),
      ...(opts.routes ?? []),
    ];
    app = await buildServer({ config, store, bus, clock, logger, registry }, routes);
    await listen(app, config.http.host, config.http.port);
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
    const address = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    feeds.start();
    let closing: Promise<void> | undefined;
    const node: Node = {
      app, store, bus, address, firstStart, pipeline, intel, feeds,
      rules: { loaded: loaded.engine.rules().length, failed: loaded.failed, loadMs: loaded.loadMs },
      syslog: syslog.addresses,
      close: () =>
        (closing ??= syslog!
          .close()
          .catch((err: unknown) => logger.error({ err }, 'closing the syslog listeners failed'))
          // Feed polling writes to the store: it ends (after its current page) before the store closes.
          .then(() => feeds.stop().catch((err: unknown) => logger.error({ err }, 'stopping feed polling failed')))
          .then(() => shutdown(app!, pipeline!, store, bus, config.http.shutdownGraceMs, logger))),
    };
    return node;
  } catch (err) {
    await syslog?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    if (pipeline) await pipeline.stop().catch(() => undefined);
    else await loaded.engine.close().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function oneLine<T>(fn: () => Promise<T>, code: 'CONFIG_INVALID', what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ShieldwallError) throw err;
    throw new ShieldwallError(code, `${what}: ${(err as Error).message}`);
  }
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ShieldwallError('PORT_IN_USE', `port ${port} on ${host} is already in use`, { host, port });
    if (code === 'EACCES') throw new ShieldwallError('PORT_IN_USE', `no permission to listen on ${host}:${port}`, { host, port });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ShieldwallError('CONFIG_INVALID', `cannot listen on ${host}: address not available`, { host });
    throw err;
  }
}

async function shutdown(app: FastifyInstance, pipeline: Pipeline, store: Store, bus: Bus, graceMs: number, logger: Logger): Promise<void> {
  const timer = setTimeout(() => {
    logger.warn({ graceMs }, 'drain took longer than the grace period; closing connections');
    app.server.closeAllConnections();
  }, graceMs);
  timer.unref();
  try {
    await app.close();
    await pipeline.stop();
  } finally {
    clearTimeout(timer);
    await bus.close().catch((err: unknown) => logger.error({ err }, 'closing the bus failed'));
    await store.close().catch((err: unknown) => logger.error({ err }, 'closing the store failed'));
  }
}
