import type { RuleMeta, SigmaLoadError } from '../sigma-types.js';
import {
  conditionOperators,
  correlationTypes,
  type CorrelationCondition,
  type CorrelationRule,
  type CorrelationType,
} from './correlation-rule.js';
import type { RawCorrelation } from '../rule/sigma-rule.js';
import { kindOf, parseTimespan } from './parse-timespan.js';

/** Types that aggregate a field and therefore need `condition.field`. */
const fieldTypes: ReadonlySet<CorrelationType> = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const temporalTypes: ReadonlySet<CorrelationType> = new Set(['temporal', 'temporal_ordered']);
const operatorSet: ReadonlySet<string> = new Set(conditionOperators);

/**
 * Validates one correlation document (Sigma specification v2.1) into a {@link CorrelationRule}.
 * Never throws: an invalid document yields a {@link SigmaLoadError} whose message names the key.
 * References in `rules` and `aliases` are resolved later, against the loaded rule set.
 */
export function parseCorrelation(raw: RawCorrelation): CorrelationRule | SigmaLoadError {
  const { doc, path } = raw;
  const ruleId = typeof doc.id === 'string' ? doc.id : typeof doc.name === 'string' ? doc.name : undefined;
  const fail = (message: string): SigmaLoadError => ({
    path,
    ...(raw.line !== undefined ? { line: raw.line } : {}),
    ...(ruleId !== undefined ? { ruleId } : {}),
    message,
  });

  if (typeof doc.title !== 'string' || doc.title.trim() === '') {
    return fail(`correlation rule: 'title' is required and must be a string, got ${kindOf(doc.title)}`);
  }
  const c = doc.correlation;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    return fail(`'correlation' must be a map, got ${kindOf(c)}`);
  }
  const corr = c as Record<string, unknown>;

  if (corr.type === undefined) return fail(`correlation.type is required (one of ${correlationTypes.join(', ')})`);
  if (!(correlationTypes as readonly unknown[]).includes(corr.type)) {
    return fail(`correlation.type: unknown type ${kindOf(corr.type)} (expected one of ${correlationTypes.join(', ')})`);
  }
  const type = corr.type as CorrelationType;

  const rules = stringList(corr.rules, 'correlation.rules', true);
  if (typeof rules === 'string') return fail(rules);

  const groupBy = corr['group-by'] === undefined ? [] : stringList(corr['group-by'], 'correlation.group-by', false);
  if (typeof groupBy === 'string') return fail(groupBy);

  if (corr.timespan === undefined) return fail('correlation.timespan is required (e.g. 30s, 5m, 1h, 1d)');
  const span = parseTimespan(corr.timespan);
  if ('error' in span) return fail(`correlation.timespan: ${span.error}`);

  const cond = parseCondition(corr.condition, type, rules.length);
  if (typeof cond === 'string') return fail(cond);

  const aliases = parseAliases(corr.aliases);
  if (typeof aliases === 'string') return fail(aliases);

  if (doc.generate !== undefined && typeof doc.generate !== 'boolean') {
    return fail(`'generate' must be true or false, got ${kindOf(doc.generate)}`);
  }
  if (doc.level !== undefined && typeof doc.level !== 'string') {
    return fail(`'level' must be a string, got ${kindOf(doc.level)}`);
  }

  const meta: RuleMeta = {
    id: ruleId ?? `${path}#${raw.line ?? 0}`,
    title: doc.title,
    level: typeof doc.level === 'string' ? doc.level : '',
    status: typeof doc.status === 'string' ? doc.status : '',
    author: typeof doc.author === 'string' ? doc.author : '',
    description: typeof doc.description === 'string' ? doc.description : '',
    tags: Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : [],
    references: Array.isArray(doc.references) ? doc.references.filter((t): t is string => typeof t === 'string') : [],
    logsource: {},
    path,
  };
  if (typeof doc.name === 'string') meta.name = doc.name;

  return {
    meta,
    type,
    rules,
    groupBy,
    aliases,
    timespanMs: span.ms,
    timespan: String(corr.timespan),
    condition: cond.condition,
    fields: cond.fields,
    generate: doc.generate === true,
    path,
    ...(raw.line !== undefined ? { line: raw.line } : {}),
  };
}

/** A list of unique non-empty strings, or an error message. */
function stringList(v: unknown, where: string, required: boolean): string[] | string {
  if (v === undefined || v === null) return `${where} is required and must be a list of strings`;
  if (!Array.isArray(v)) return `${where} must be a list of strings, got ${kindOf(v)}`;
  if (required && v.length === 0) return `${where} must not be empty`;
  const seen = new Set<string>();
  for (const [i, item] of v.entries()) {
    if (typeof item !== 'string' || item === '') return `${where}[${i}] must be a non-empty string, got ${kindOf(item)}`;
    if (seen.has(item)) return `${where}[${i}]: '${item}' is listed twice`;
    seen.add(item);
  }
  return v as string[];
}

function parseCondition(
  v: unknown,
  type: CorrelationType,
  ruleCount: number,
): { condition: CorrelationCondition; fields: string[] } | string {
  if (v === undefined || v === null) {
    if (temporalTypes.has(type)) return { condition: { gte: ruleCount }, fields: [] }; // all referenced rules
    return `correlation.condition is required for ${type} (e.g. {gte: 10})`;
  }
  if (typeof v !== 'object' || Array.isArray(v)) return `correlation.condition must be a map like {gte: 10}, got ${kindOf(v)}`;
  const condition: CorrelationCondition = {};
  let fields: string[] = [];
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (key === 'field') {
      const list = typeof value === 'string' ? [value] : value;
      const parsed = stringList(list, 'correlation.condition.field', true);
      if (typeof parsed === 'string') return parsed;
      fields = parsed;
    } else if (operatorSet.has(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `correlation.condition.${key} must be a number, got ${kindOf(value)}`;
      }
      condition[key as keyof CorrelationCondition] = value;
    } else {
      return `correlation.condition: unknown operator '${key}' (expected gt, gte, lt, lte, eq, neq or field)`;
    }
  }
  if (Object.keys(condition).length === 0) {
    return 'correlation.condition needs at least one of gt, gte, lt, lte, eq, neq';
  }
  if (fieldTypes.has(type) && fields.length === 0) return `correlation.condition.field is required for ${type}`;
  return { condition, fields };
}

function parseAliases(v: unknown): Record<string, Record<string, string>> | string {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) return `correlation.aliases must be a map, got ${kindOf(v)}`;
  const out: Record<string, Record<string, string>> = {};
  for (const [alias, mapping] of Object.entries(v as Record<string, unknown>)) {
    if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
      return `correlation.aliases.${alias} must map rule names to field names, got ${kindOf(mapping)}`;
    }
    const m: Record<string, string> = {};
    for (const [ruleRef, field] of Object.entries(mapping as Record<string, unknown>)) {
      if (typeof field !== 'string' || field === '') {
        return `correlation.aliases.${alias}.${ruleRef} must be a field name, got ${kindOf(field)}`;
      }
      m[ruleRef] = field;
    }
    out[alias] = m;
  }
  return out;
}
