import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { orgScope } from '../../store/index.js';
import { ListLogger, loadCaptures, readCapture, realIngestService, valueOf, waitFor } from './input-test-kit.js';
import { SyslogInputMetrics } from './syslog-input-metrics.js';
import { SyslogTcpInput } from './syslog-tcp-input.js';

const captures = loadCaptures();
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function realService(maxInFlight: number) {
  const service = await realIngestService(maxInFlight);
  open.push(service);
  return service;
}

describe.runIf(captures)('SyslogTcpInput with the real IngestService', () => {
  it('stores every line exactly once while the real service answers RATE_LIMITED until detection catches up', async () => {
    const svc = await realService(100);
    const deps = { org: 'member-1', ingest: svc.ingest, metrics: new SyslogInputMetrics(svc.registry, svc.metrics.dropped), logger: new ListLogger(), clock: systemClock };
    const input = new SyslogTcpInput({ ...deps, address: '127.0.0.1:0', maxBatch: 50, flushMs: 5, retryDelayMs: 10, maxRetryDelayMs: 40 });
    open.push(input);
    await input.start();
    // Detection stand-in: works the backlog down slowly, so the 100-event bound is hit again and again.
    const detector = setInterval(() => (svc.state.backlog = Math.max(0, svc.state.backlog - 40)), 25);
    open.push({ close: async () => clearInterval(detector) });

    const capture = readCapture('logger-tcp-rfc3164-lf.tcp');
    const lines = capture.toString('utf8').split('\n').filter(Boolean);
    // Plain syslog lines (no CEF), so the sequence number stays at the end of the stored message.
    const payload = Array.from({ length: 160 * lines.length }, (_, i) => `${lines[i % lines.length]} seq=${i}\n`).join('');
    const socket = connect(Number(input.address.split(':').pop()), '127.0.0.1');
    await new Promise<void>((resolve) => socket.end(payload, resolve));

    const total = lines.length * 160;
    await waitFor(async () => (await valueOf(svc.metrics.queued, { input: 'syslog-tcp' })) >= total, `${total} queued events`, 20_000);
    const scoped = svc.store.scoped(orgScope('member-1'));
    const messages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await scoped.events.query({ source: 'syslog-tcp', limit: 1000, cursor });
      messages.push(...page.items.map((e) => e.message ?? ''));
      cursor = page.next;
    } while (cursor);
    expect(messages).toHaveLength(total);
    const seqs = messages.map((m) => Number(/ seq=(\d+)$/.exec(m)?.[1])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(await valueOf(deps.metrics.retries, { input: 'syslog-tcp', reason: 'RATE_LIMITED' })).toBeGreaterThan(0);
    expect(await valueOf(deps.metrics.dropped, { input: 'syslog-tcp', reason: 'RATE_LIMITED' })).toBe(0);
    expect(await valueOf(svc.metrics.rejected, { input: 'syslog-tcp', reason: 'SYSLOG_BAD_PRI' })).toBe(0);
  });
});
