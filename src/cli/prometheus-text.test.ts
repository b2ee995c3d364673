import { Registry, Counter, Histogram } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PromTextError, histogramBuckets, histogramQuantile, parsePrometheusText } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads what prom-client writes: counters with labels, histograms, escaped label values', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'x_total', help: 'h', labelNames: ['input', 'reason'], registers: [registry] });
    c.inc({ input: 'http', reason: 'JSON_INVALID' }, 3);
    c.inc({ input: 'say "hi"\\\n', reason: 'a,b}' }, 2);
    const h = new Histogram({ name: 'lag_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    for (const v of [0.05, 0.5, 0.5, 5]) h.observe(v);
    const samples = parsePrometheusText(await registry.metrics());
    expect(samples).toContainEqual({ name: 'x_total', labels: { input: 'http', reason: 'JSON_INVALID' }, value: 3 });
    expect(samples).toContainEqual({ name: 'x_total', labels: { input: 'say "hi"\\\n', reason: 'a,b}' }, value: 2 });
    expect(samples).toContainEqual({ name: 'lag_seconds_bucket', labels: { le: '+Inf' }, value: 4 });
    expect(samples).toContainEqual({ name: 'lag_seconds_count', labels: {}, value: 4 });
    expect(histogramBuckets(samples, 'lag_seconds')).toEqual([{ le: 0.1, count: 1 }, { le: 1, count: 3 }, { le: Infinity, count: 4 }]);
  });

  it('accepts timestamps, special values and blank or comment lines', () => {
    const s = parsePrometheusText('# HELP a x\n\n  a 1.5e3 1700000000\nb{le="+Inf"} +Inf\nc NaN\nd Nan\ne -inf\n');
    expect(s.map((x) => [x.name, x.value])).toEqual([['a', 1500], ['b', Infinity], ['c', NaN], ['d', NaN], ['e', -Infinity]]);
  });

  it('names the line and the problem on bad input', () => {
    const cases: [string, RegExp][] = [
      ['ok 1\n{x="1"} 2', /line 2: expected a metric name/],
      ['a{x="1} 2', /line 1: unterminated value of label x/],
      ['a{x=1} 2', /line 1: expected ="…" after label x/],
      ['a{1="x"} 2', /line 1: expected a label name at column 3/],
      ['a twelve', /line 1: a: value "twelve" is not a number/],
      ['a', /line 1: a: value "" is not a number/],
    ];
    for (const [text, message] of cases) {
      expect(() => parsePrometheusText(text), text).toThrow(PromTextError);
      expect(() => parsePrometheusText(text), text).toThrow(message);
    }
  });
});

describe('histogramQuantile', () => {
  const buckets = [{ le: 0.1, count: 50 }, { le: 1, count: 90 }, { le: 2, count: 100 }, { le: Infinity, count: 100 }];

  it('interpolates within the bucket that holds the rank, like PromQL', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.1 + 0.9 * (20 / 40));
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(1 + (9 / 10));
  });

  it('returns the highest finite bound for the +Inf bucket and null for an empty histogram', () => {
    expect(histogramQuantile(0.99, [{ le: 1, count: 1 }, { le: Infinity, count: 10 }])).toBe(1);
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }])).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it('matches prom-client observations of a known distribution within a bucket width', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'h', help: 'h', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry] });
    for (let i = 1; i <= 1000; i++) h.observe(i / 1000); // uniform over (0, 1]
    const buckets = histogramBuckets(parsePrometheusText(await registry.metrics()), 'h');
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.5, 2);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.99, 2);
  });
});
