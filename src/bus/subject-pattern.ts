import { ShieldwallError } from '../errors/error-catalog.js';

/**
 * NATS subject syntax, shared by the memory adapter (which must match exactly like the server) and
 * the conformance suite. Tokens are separated by `.`; `*` matches one token, `>` (last only) one or more.
 */

/** Throws BAD_REQUEST naming the subject and the fault unless `subject` is valid NATS syntax. */
export function assertSubject(subject: string, where: string, allowWildcards: boolean): void {
  const fail = (what: string): never => {
    throw new ShieldwallError('BAD_REQUEST', `${where}: invalid subject "${subject}": ${what}`, { where, subject });
  };
  if (subject.length === 0) fail('empty');
  if (/\s/.test(subject)) fail('contains white space');
  const tokens = subject.split('.');
  tokens.forEach((t, i) => {
    if (t.length === 0) fail(`empty token at position ${i + 1}`);
    const wild = t === '*' || t === '>';
    if (wild && !allowWildcards) fail(`wildcard "${t}" not allowed here`);
    if (!wild && (t.includes('*') || t.includes('>'))) fail(`"${t}" mixes a wildcard with text`);
    if (t === '>' && i !== tokens.length - 1) fail('">" must be the last token');
  });
}

/** True when the concrete `subject` is matched by `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when at least one concrete subject is matched by both patterns. */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; ; i++) {
    const tx = x[i];
    const ty = y[i];
    if (tx === undefined || ty === undefined) return tx === ty;
    if (tx === '>' || ty === '>') return true;
    if (tx !== '*' && ty !== '*' && tx !== ty) return false;
  }
}
