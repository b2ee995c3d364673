import { describe, expect, it } from 'vitest';
import type { Alert } from '../store.js';
import { alert, as, expectCode, type ConformanceContext } from './fixtures.js';

/** Alerts: one alert per (organisation, rule, event), filtered and paginated queries. */
export function alertCases(ctx: ConformanceContext): void {
  describe('alerts', () => {
    it('never stores the same rule match of the same event twice in one organisation', async () => {
      const a = as(ctx, 'org-a').alerts;
      expect(await a.insertMany([alert('org-a', 'al-1', 'rule-1', 'evt-1')])).toBe(1);
      expect(await a.insertMany([alert('org-a', 'al-2', 'rule-1', 'evt-1')])).toBe(0);
      expect(await a.insertMany([alert('org-a', 'al-1', 'rule-9', 'evt-9')])).toBe(0);
      expect(await a.insertMany([alert('org-a', 'al-3', 'rule-2', 'evt-1'), alert('org-a', 'al-4', 'rule-1', 'evt-2')])).toBe(2);
      expect(await as(ctx, 'org-b').alerts.insertMany([alert('org-b', 'al-1', 'rule-1', 'evt-1')])).toBe(1);
      expect(await a.insertMany([alert('org-a', 'corr-1', 'corr', null), alert('org-a', 'corr-2', 'corr', null)])).toBe(2);
      expect((await a.query({})).items.map((x) => x.id).sort()).toEqual(['al-1', 'al-3', 'al-4', 'corr-1', 'corr-2']);
    });

    it('reads an alert back with its rule author and data', async () => {
      const original = alert('org-a', 'al-1', 'rule-1', 'evt-1', 1234, { data: { matched: { Image: 'C:\\x.exe' } }, level: 'critical' });
      await as(ctx, 'org-a').alerts.insertMany([original]);
      expect(await as(ctx, 'org-a').alerts.get('al-1')).toEqual(original);
      expect(await as(ctx, 'org-a').alerts.get('al-2')).toBeNull();
    });

    it('filters on rule, level and time, and pages without gaps or repeats', async () => {
      const all: Alert[] = Array.from({ length: 95 }, (_, i) =>
        alert('org-a', `al-${String(i).padStart(2, '0')}`, `rule-${i % 4}`, `evt-${i}`, 1000 + (i % 5), { level: i % 2 ? 'high' : 'low' }),
      );
      await as(ctx, 'org-a').alerts.insertMany(all);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await as(ctx, 'org-a').alerts.query({ ruleId: 'rule-1', limit: 7, cursor });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.next;
      } while (cursor);
      const expected = all
        .filter((x) => x.ruleId === 'rule-1')
        .sort((x, y) => y.time - x.time || (x.id < y.id ? 1 : -1))
        .map((x) => x.id);
      expect(seen).toEqual(expected);
      const high = await as(ctx, 'org-a').alerts.query({ level: 'high', from: 1003, to: 1004, limit: 1000 });
      expect(high.items.map((x) => x.id).sort()).toEqual(all.filter((x) => x.level === 'high' && x.time === 1003).map((x) => x.id).sort());
      await expectCode(as(ctx, 'org-a').alerts.query({ cursor: '%%%' }), 'VALIDATION_FAILED');
    });
  });
}
