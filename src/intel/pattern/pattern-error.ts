import { ShieldwallError } from '../../errors/error-catalog.js';

/** Which phase refused the pattern: the grammar, a spec rule beyond it, or evaluation on data. */
export type PatternErrorPhase = 'syntax' | 'semantic' | 'evaluation';

/** Where in the pattern text something is: 0-based offset, 1-based line and column. */
export interface PatternPosition {
  offset: number;
  line: number;
  column: number;
}

/** Converts a 0-based offset into the line/column a person reads in an editor. */
export function positionOf(source: string, offset: number): PatternPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/**
 * A pattern the caller sent is wrong (a 400, never a 500). `details` carries
 * `{phase, reason, offset, line, column}` so an API answer or a CLI line can point at the spot.
 */
export class PatternError extends ShieldwallError {
  readonly phase: PatternErrorPhase;
  readonly reason: string;
  readonly position: PatternPosition;
  constructor(phase: PatternErrorPhase, reason: string, source: string, offset: number) {
    const position = positionOf(source, offset);
    super('VALIDATION_FAILED', `STIX pattern ${phase} error at line ${position.line}, column ${position.column}: ${reason}`, {
      phase,
      reason,
      ...position,
    });
    this.name = 'PatternError';
    this.phase = phase;
    this.reason = reason;
    this.position = position;
  }
}
