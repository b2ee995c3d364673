import type { CompiledRule } from './compile-rule.js';
import { noteScanMinLength, type EventView } from './event-view.js';
import { ruleClauses, type Clause } from './rule-clauses.js';

const EQ = 0;
const SUB = 1;
const START = 2;
const END = 3;
const NULL = 4;
const PRESENT = 5;
const ABSENT = 6;
const kindCode = { eq: EQ, sub: SUB, start: START, end: END, null: NULL, present: PRESENT, absent: ABSENT } as const;
const kindName = ['eq', 'sub', 'start', 'end', 'null', 'present', 'absent'] as const;

/** A {@link Clause} test with its field as an index into the gates' field table. */
interface GateTest {
  field: number;
  kind: number;
  text: string;
  dash: boolean;
}

/** The clauses of one rule, how often each held in the current trial, and the one in use. */
interface RuleGate {
  clauses: GateTest[][];
  passes: Uint32Array;
  /** Times the rule was a candidate. */
  seen: number;
  chosen: GateTest[] | undefined;
  /** Share of the last trial's candidacies on which {@link chosen} held. */
  chosenRate: number;
}

/** Tuning of {@link CandidateGates}; counts are candidacies of one rule, never time. */
export interface GateOptions {
  /** Candidacies per trial, during which every clause is checked and counted. Default 256. */
  trial?: number;
  /** A trial starts every this many candidacies (the data may change). Default 65,536. */
  period?: number;
  /** A clause is kept only when it held on at most this share of the trial. Default 0.5. */
  maxPassRate?: number;
  /** Whether the rule bucket may move a rule onto the clause its gate chose (`RuleBucket`). Default true. */
  reanchor?: boolean;
}

/**
 * Run-time choice of a second necessary condition per rule, checked after the index made the rule
 * a candidate and before its predicate runs. The index anchors a rule on one cheap condition
 * chosen when the rules are compiled, and some of those fire on nearly every event of a logsource
 * (`kernelbase.dll+` in Sysmon 10 call traces, `Initiated: true` on network connections) while the
 * rule never matches. Each rule's other necessary conditions ({@link ruleClauses}) are tried on its
 * first candidacies; the one that held least often then gates the rule, if it rejected at least
 * half of them. Checking a clause is a few comparisons on folded values, mostly cached already
 * (the index folded the fields it probed), or the lookup of a noted automaton scan: no long value
 * is scanned that the rule's own evaluation would not have scanned. A clause only ever rejects
 * a rule that cannot match, so the choice changes the speed, never the matches.
 */
export class CandidateGates {
  /** Per rule: its gate, null when it has no clause, undefined until first needed. */
  private readonly gates: (RuleGate | null | undefined)[];
  private readonly fields: { name: string; slot: number; view: EventView | undefined }[] = [];
  private readonly fieldIndex = new Map<string, number>();
  private readonly trial: number;
  private readonly period: number;
  private readonly maxPassRate: number;
  /** Told of each rule whose trial just chose a clause (see `RuleBucket`'s re-anchoring). */
  onChosen: ((i: number) => void) | undefined;

  constructor(
    private readonly rules: readonly CompiledRule[],
    options: GateOptions = {},
  ) {
    this.gates = new Array<RuleGate | null | undefined>(rules.length);
    this.trial = Math.max(1, options.trial ?? 256);
    this.period = Math.max(this.trial + 1, options.period ?? 65_536);
    this.maxPassRate = options.maxPassRate ?? 0.5;
  }

  /** False only when a necessary condition of rule `i` (its index in the bucket) fails on the event. */
  admits(i: number, view: EventView): boolean {
    let g = this.gates[i];
    if (g === undefined) g = this.gates[i] = this.build(this.rules[i]!);
    if (g === null) return true;
    const phase = g.seen++ % this.period;
    if (phase >= this.trial) return g.chosen === undefined || this.holds(g.chosen, view);
    if (phase === 0) g.passes.fill(0);
    // In a trial every clause is checked: any that fails rejects the rule.
    let ok = true;
    const clauses = g.clauses;
    for (let k = 0; k < clauses.length; k++) {
      if (this.holds(clauses[k]!, view)) g.passes[k]!++;
      else ok = false;
    }
    if (phase === this.trial - 1) this.choose(i, g, this.trial);
    return ok;
  }

  /**
   * Ends every running trial now and chooses from what it counted (tests, and callers that know the
   * data changed); the next trial starts after the rest of the period.
   */
  replan(): void {
    for (let i = 0; i < this.gates.length; i++) {
      const g = this.gates[i];
      if (!g) continue;
      const phase = g.seen % this.period;
      if (phase === 0 || phase >= this.trial) continue;
      this.choose(i, g, phase);
      g.seen += this.trial - phase;
    }
  }

  /** The clause gating rule `i` now (undefined: none), for tests and diagnostics. */
  chosenClause(i: number): Clause | undefined {
    const c = this.gates[i]?.chosen;
    return c?.map((t) => ({ field: this.fields[t.field]!.name, dash: t.dash, kind: kindName[t.kind]!, text: t.text }));
  }

  /** Times rule `i` has been a candidate so far. */
  candidacies(i: number): number {
    return this.gates[i]?.seen ?? 0;
  }

  /** Share of its last trial's candidacies on which rule `i`'s chosen clause held (1 without one). */
  chosenPassRate(i: number): number {
    const g = this.gates[i];
    return g?.chosen === undefined ? 1 : g.chosenRate;
  }

  private choose(i: number, g: RuleGate, tried: number): void {
    let best = -1;
    for (let k = 0; k < g.clauses.length; k++) {
      if (best < 0 || g.passes[k]! < g.passes[best]! || (g.passes[k] === g.passes[best] && g.clauses[k]!.length < g.clauses[best]!.length)) best = k;
    }
    g.chosen = best >= 0 && g.passes[best]! <= tried * this.maxPassRate ? g.clauses[best] : undefined;
    g.chosenRate = g.chosen === undefined ? 1 : g.passes[best]! / tried;
    if (g.chosen !== undefined && this.onChosen !== undefined) this.onChosen(i);
  }

  private build(rule: CompiledRule): RuleGate | null {
    if (rule.clauses === undefined) rule.clauses = ruleClauses(rule.detection);
    if (rule.clauses.length === 0) return null;
    const clauses = rule.clauses.map((c) => c.map((t): GateTest => ({ field: this.fieldOf(t.field), kind: kindCode[t.kind], text: t.text, dash: t.dash })));
    return { clauses, passes: new Uint32Array(clauses.length), seen: 0, chosen: undefined, chosenRate: 1 };
  }

  private fieldOf(name: string): number {
    let f = this.fieldIndex.get(name);
    if (f === undefined) {
      f = this.fields.length;
      this.fields.push({ name, slot: -1, view: undefined });
      this.fieldIndex.set(name, f);
    }
    return f;
  }

  /** Whether any test of the clause holds (as the rule's predicate would read the value). */
  private holds(clause: GateTest[], view: EventView): boolean {
    for (let k = 0; k < clause.length; k++) {
      const t = clause[k]!;
      const f = this.fields[t.field]!;
      if (f.view !== view) {
        f.view = view;
        f.slot = view.slotOf(f.name);
      }
      if (t.kind >= NULL) {
        const raw = view.get(f.name);
        if (t.kind === NULL ? raw === undefined || raw === null : (raw !== undefined) === (t.kind === PRESENT)) return true;
        continue;
      }
      const v = t.dash ? view.dashFoldedAt(f.slot, f.name) : view.foldedAt(f.slot, f.name);
      if (v === undefined) {
        // A list (ECS arrays) matches when an element does: left to the predicate.
        if (Array.isArray(view.get(f.name))) return true;
        continue;
      }
      switch (t.kind) {
        case EQ:
          if (v === t.text) return true;
          break;
        case SUB: {
          if (!t.dash && v.length >= noteScanMinLength) {
            const known = view.scannedContainsAt(f.slot, t.text);
            if (known !== undefined) {
              if (known) return true;
              break;
            }
          }
          if (v.includes(t.text)) return true;
          break;
        }
        case START:
          if (v.startsWith(t.text)) return true;
          break;
        default:
          if (v.endsWith(t.text)) return true;
      }
    }
    return false;
  }
}
