import { describe } from 'vitest';
import { requireService } from '../../../test/services.js';
import { busConformance } from '../bus-conformance.js';
import { NatsBus } from './nats-bus.js';

const url = process.env.SHIELDWALL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const natsUp = await requireService(`NATS JetStream at ${url}`, async () => {
  const bus = await NatsBus.connect(url, { timeoutMs: 2_000 });
  await bus.close();
});

describe.runIf(natsUp)('NatsBus', () => {
  busConformance('nats', () => NatsBus.connect(url, { onError: () => {} }));
});
