import type { HuntDetection, HuntSummary } from './hunt.js';
import { levelRank, sigmaLevels } from './sigma-level.js';

/** Output formats of `shieldwall hunt`. */
export const huntFormats = ['jsonl', 'table', 'csv'] as const;
export type HuntFormat = (typeof huntFormats)[number];

/**
 * One JSON line per detection: `{"rule":{"id","title","level","author","tags"},"file","record","event"}`.
 * `author` is always present (DRL 1.1: every alert based on a rule carries its author).
 * Correlation detections add a `correlation` object (type, group-by values, contributing rules).
 */
export function formatJsonl(d: HuntDetection): string {
  const r = d.detection.rule;
  const line: Record<string, unknown> = {
    rule: { id: r.id, title: r.title, level: r.level, author: r.author, tags: r.tags },
    file: d.file,
    record: d.record,
    event: d.event,
  };
  if (d.detection.correlation) line['correlation'] = d.detection.correlation;
  return JSON.stringify(line);
}

/** CSV columns, in order. */
export const csvColumns = ['time', 'computer', 'file', 'record', 'level', 'rule_id', 'rule_title', 'author', 'tags', 'matched'] as const;

/** The event time as ISO 8601 UTC with milliseconds, or '' when unknown. */
function timeText(d: HuntDetection): string {
  return d.time === null ? '' : new Date(d.time).toISOString();
}

/** RFC 4180 quoting: a field with a comma, quote, CR or LF is quoted and its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `selection_a: Image, CommandLine; keywords` — which selections matched on which fields. */
function matchedText(d: HuntDetection): string {
  return d.detection.matched.map((m) => (m.fields.length > 0 ? `${m.selection}: ${m.fields.join(', ')}` : m.selection)).join('; ');
}

/** The CSV header line (no line ending). */
export function csvHeader(): string {
  return csvColumns.join(',');
}

/** One CSV row for a detection (no line ending). */
export function formatCsv(d: HuntDetection): string {
  const r = d.detection.rule;
  const cells = [timeText(d), d.computer ?? '', d.file ?? '', d.record === null ? '' : String(d.record), r.level, r.id, r.title, r.author, r.tags.join(' '), matchedText(d)];
  return cells.map(csvField).join(',');
}

/** The row a detection contributes to the table output. */
export function tableRow(d: HuntDetection): Record<string, string> {
  const r = d.detection.rule;
  return { time: timeText(d), computer: d.computer ?? '', level: r.level, rule: r.title, file: d.file ?? '', record: d.record === null ? '' : String(d.record), matched: matchedText(d), author: r.author };
}

/** Summary rows by rule (most severe, then most frequent first) and by level. */
export function summaryRows(s: HuntSummary): { byRule: Record<string, unknown>[]; byLevel: Record<string, unknown>[] } {
  const byRule = [...s.byRule.values()]
    .sort((a, b) => levelRank(b.rule.level) - levelRank(a.rule.level) || b.count - a.count || a.rule.title.localeCompare(b.rule.title))
    .map((e) => ({ level: e.rule.level, count: e.count, kind: e.kind, id: e.rule.id, title: e.rule.title, author: e.rule.author }));
  const levels = [...sigmaLevels].reverse().filter((l) => s.byLevel.has(l));
  const other = [...s.byLevel.keys()].filter((l) => !(sigmaLevels as readonly string[]).includes(l));
  const byLevel = [...levels, ...other].map((level) => ({ level, count: s.byLevel.get(level) ?? 0 }));
  return { byRule, byLevel };
}
