import { describe, expect, it } from 'vitest';
import { createBus } from './create-bus.js';

describe('createBus', () => {
  it.each([undefined, '', 'memory:', 'memory://', '  memory:  '])('gives a memory bus for %j', async (url) => {
    const bus = await createBus(url);
    expect(bus.kind).toBe('memory');
    await bus.ping();
    await bus.close();
  });

  it.each(['redis://x:6379', 'nats:/x', 'nats://a b', 'nats://x/path', 'nats://a,,nats://b'])(
    'refuses %j with CONFIG_INVALID naming the value',
    async (url) => {
      const err = await createBus(url).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((err as Error).message).toMatch(/^bus URL ".*" is not understood/);
    },
  );

  it('reports an unreachable NATS as BUS_UNAVAILABLE in one line naming the URL', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const err = await createBus('nats://127.0.0.1:1', { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BUS_UNAVAILABLE' });
    const message = (err as Error).message;
    expect(message).toMatch(/^cannot reach NATS at nats:\/\/127\.0\.0\.1:1: \S/);
    expect(message).not.toContain('\n');
  });

  it('keeps credentials out of the message', async () => {
    const err = await createBus('nats://alice:s3cret@127.0.0.1:1', { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('nats://127.0.0.1:1');
    expect((err as Error).message).not.toContain('s3cret');
  });
});
