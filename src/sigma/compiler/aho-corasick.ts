/**
 * Aho-Corasick multi-pattern matcher over UTF-16 code units: finds every pattern occurring in a
 * text in one pass, whatever the number of patterns. Built once; the automaton is stored in flat
 * typed arrays (sorted child lists per state, a dense table for ASCII at the root) so a search
 * allocates nothing and the memory stays proportional to the total pattern length.
 *
 * @example
 * const ac = new AhoCorasick(['he', 'she', 'hers']);
 * const hits: number[] = [];
 * ac.search('ushers', hits); // hits holds 1, 0, 2 (pattern indexes, in order of end position)
 */
export class AhoCorasick {
  /** Number of patterns (indexes reported by {@link search} are 0..size-1). */
  readonly size: number;
  private readonly rootAscii = new Int32Array(128).fill(-1);
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly childCode: Uint16Array;
  private readonly childTarget: Int32Array;
  private readonly fail: Int32Array;
  /** Pattern ending exactly at the state, or -1. */
  private readonly output: Int32Array;
  /** Nearest state on the fail chain that has an output, or 0 (root has none). */
  private readonly dict: Int32Array;

  /** Duplicate or empty patterns are allowed; an empty pattern never reports. */
  constructor(patterns: readonly string[]) {
    this.size = patterns.length;
    const children: Map<number, number>[] = [new Map()];
    const out: number[] = [-1];
    const extra: number[][] = [];
    for (let p = 0; p < patterns.length; p++) {
      const pat = patterns[p]!;
      if (pat.length === 0) continue;
      let s = 0;
      for (let i = 0; i < pat.length; i++) {
        const c = pat.charCodeAt(i);
        let t = children[s]!.get(c);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          out.push(-1);
          children[s]!.set(c, t);
        }
        s = t;
      }
      if (out[s] === -1) out[s] = p;
      else (extra[s] ??= []).push(p);
    }
    const n = children.length;
    this.childStart = new Int32Array(n);
    this.childCount = new Int32Array(n);
    let total = 0;
    for (const m of children) total += m.size;
    this.childCode = new Uint16Array(total);
    this.childTarget = new Int32Array(total);
    let k = 0;
    for (let s = 0; s < n; s++) {
      const entries = [...children[s]!.entries()].sort((a, b) => a[0] - b[0]);
      this.childStart[s] = k;
      this.childCount[s] = entries.length;
      for (const [c, t] of entries) {
        this.childCode[k] = c;
        this.childTarget[k++] = t;
        if (s === 0 && c < 128) this.rootAscii[c] = t;
      }
    }
    this.fail = new Int32Array(n);
    this.output = Int32Array.from(out);
    this.dict = new Int32Array(n);
    this.duplicates = extra;
    // Breadth-first: a state's fail link points to the longest proper suffix that is a state.
    const queue: number[] = [];
    for (const t of children[0]!.values()) queue.push(t);
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const [c, t] of children[s]!) {
        let f = this.fail[s]!;
        let g = this.step(f, c);
        while (g < 0 && f !== 0) {
          f = this.fail[f]!;
          g = this.step(f, c);
        }
        const ft = g >= 0 && g !== t ? g : 0;
        this.fail[t] = ft;
        this.dict[t] = this.output[ft]! >= 0 || this.duplicates[ft] ? ft : this.dict[ft]!;
        queue.push(t);
      }
    }
  }

  private readonly duplicates: number[][];

  private step(s: number, c: number): number {
    if (s === 0 && c < 128) return this.rootAscii[c]!;
    const start = this.childStart[s]!;
    const end = start + this.childCount[s]!;
    const codes = this.childCode;
    if (end - start <= 8) {
      for (let i = start; i < end; i++) if (codes[i] === c) return this.childTarget[i]!;
      return -1;
    }
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = codes[mid]!;
      if (m === c) return this.childTarget[mid]!;
      if (m < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Appends to `hits` the index of every pattern occurrence in `text` (a pattern occurring twice
   * is reported twice). Returns `hits`.
   */
  search(text: string, hits: number[]): number[] {
    let s = 0;
    const fail = this.fail;
    const output = this.output;
    const dict = this.dict;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let t = this.step(s, c);
      while (t < 0 && s !== 0) {
        s = fail[s]!;
        t = this.step(s, c);
      }
      s = t < 0 ? 0 : t;
      let o = output[s]! >= 0 || this.duplicates[s] ? s : dict[s]!;
      while (o !== 0) {
        const p = output[o]!;
        if (p >= 0) hits.push(p);
        const more = this.duplicates[o];
        if (more) for (const d of more) hits.push(d);
        o = dict[o]!;
      }
    }
    return hits;
  }
}
