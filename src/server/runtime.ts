import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createBus, type Bus } from '../bus/index.js';
import type { Config } from '../config/index.js';
import { ShieldwallError } from '../errors/error-catalog.js';
import { createStore, type Store } from '../store/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { bootstrapAuthority } from './bootstrap.js';
import { buildServer, type RoutePlugin } from './build-server.js';

/** A running Shieldwall node. */
export interface Node {
  app: FastifyInstance;
  store: Store;
  bus: Bus;
  /** `http://host:port` actually bound. */
  address: string;
  /** Token created on first start (null afterwards). */
  firstStart: { orgId: string; token: string } | null;
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
export async function openInfrastructure(config: Config): Promise<{ store: Store; bus: Bus }> {
  if (config.db.url.startsWith('sqlite:')) mkdirSync(config.dataDir, { recursive: true });
  const store = await createStore(config.db.url);
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
export async function startNode(
  config: Config,
  opts: { logger?: Logger; clock?: Clock; routes?: RoutePlugin[] } = {},
): Promise<Node> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.log.level);
  const { store, bus } = await openInfrastructure(config);
  let app: FastifyInstance | undefined;
  try {
    const firstStart = await bootstrapAuthority(store, clock);
    app = await buildServer({ config, store, bus, clock, logger }, opts.routes ?? []);
    await listen(app, config.http.host, config.http.port);
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
    const address = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
    let closing: Promise<void> | undefined;
    const node: Node = {
      app, store, bus, address, firstStart,
      close: () => (closing ??= shutdown(app!, store, bus, config.http.shutdownGraceMs, logger)),
    };
    return node;
  } catch (err) {
    await app?.close().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
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

async function shutdown(app: FastifyInstance, store: Store, bus: Bus, graceMs: number, logger: Logger): Promise<void> {
  const timer = setTimeout(() => {
    logger.warn({ graceMs }, 'drain took longer than the grace period; closing connections');
    app.server.closeAllConnections();
  }, graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    await bus.close().catch((err: unknown) => logger.error({ err }, 'closing the bus failed'));
    await store.close().catch((err: unknown) => logger.error({ err }, 'closing the store failed'));
  }
}
