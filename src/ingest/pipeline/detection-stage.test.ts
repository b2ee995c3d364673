import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../bus/index.js';
import { createStore } from '../../store/index.js';
import { ManualClock } from '../../shared/clock.js';
import { sequentialIds } from '../../shared/ids.js';
import { loadRuleTexts } from '../../sigma/index.js';
import { InProcessDetectionEngine } from './detection-engine.js';
import { DetectionStage } from './detection-stage.js';
import { IngestMetrics } from './ingest-metrics.js';
import { PipelineSubjects } from './pipeline-event.js';

describe('DetectionStage backlog', () => {
  it('lets a submission wait for room: true as soon as detection frees some, false after the bounded wait', async () => {
    const store = await createStore(':memory:');
    const bus = await createBus('memory:');
    const clock = new ManualClock(0);
    const { ruleSet } = loadRuleTexts([]);
    const stage = new DetectionStage({
      store, bus, clock, ids: sequentialIds('a'), metrics: new IngestMetrics(new Registry()), subjects: new PipelineSubjects('t'),
      engine: new InProcessDetectionEngine({ ruleSet, correlations: [] }, clock),
    });
    try {
      stage.track(10);
      expect(await stage.waitForRoom(11, 0)).toBe(true);
      expect(await stage.waitForRoom(10, 0)).toBe(false);
      const started = Date.now();
      expect(await stage.waitForRoom(10, 30)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(25);
      const waiting = stage.waitForRoom(8, 10_000);
      stage.track(-1);
      stage.track(5); // more work arriving does not wake it
      stage.track(-10);
      expect(await waiting).toBe(true);
      expect(stage.inFlight()).toBe(4);
    } finally {
      await bus.close();
      await store.close();
    }
  });
});
