/**
 * Aho-Corasick multi-pattern matcher over UTF-16 code units: finds every pattern occurring in a
 * text in one pass, whatever the number of patterns.
 *
 * Layout, chosen for speed per character without a full DFA's memory: characters map to a small
 * alphabet of the characters that occur in patterns (class 0 = any other); shallow states (where
 * a scan spends most of its time) get a dense row of precomputed transitions, failure links
 * included; deeper states keep sorted child lists and fall back along failure links.
 *
 * @example
 * const ac = new AhoCorasick(['he', 'she', 'hers']);
 * ac.search('ushers', []); // [1, 0, 2]: pattern indexes, in order of end position
 */
export class AhoCorasick {
  /** Number of patterns (indexes reported by {@link search} are 0..size-1). */
  readonly size: number;
  /**
   * Whether no pattern holds a line feed: then every occurrence lies within one line of a text,
   * and its lines can be searched separately (see `LineScanMemo`).
   */
  readonly withinLines: boolean;
  private readonly asciiClass = new Uint8Array(128);
  private readonly otherClass = new Map<number, number>();
  /** Columns of the dense table: class 0 and the ASCII classes. */
  private readonly width: number;
  /** Dense rows of states 0..rows-1: dense[state * width + class] = next state. */
  private readonly dense: Int32Array | Uint16Array;
  private readonly rows: number;
  private readonly childStart: Int32Array;
  private readonly childClass: Int32Array;
  private readonly childTarget: Int32Array;
  private readonly fail: Int32Array;
  /** Patterns ending exactly at state s: outList[outStart[s] .. outStart[s+1]). */
  private readonly outStart: Int32Array;
  private readonly outList: Int32Array;
  /** Nearest state on the fail chain that has an output, or 0 (root has none). */
  private readonly dict: Int32Array;
  /** 1 when the state or its fail chain ends some pattern. */
  private readonly reports: Uint8Array;

  /**
   * Duplicate or empty patterns are allowed; an empty pattern never reports.
   * @param denseBudget most dense-table entries (states × alphabet); deeper states stay sparse
   */
  constructor(patterns: readonly string[], denseBudget = 2_500_000) {
    this.size = patterns.length;
    this.withinLines = !patterns.some((p) => p.includes('\n'));
    // ASCII characters get the low classes: the dense table covers only them (class 0 = any
    // character in no pattern), so a rule set with many exotic characters stays compact.
    let nextClass = 1;
    for (const pat of patterns) {
      for (let i = 0; i < pat.length; i++) {
        const c = pat.charCodeAt(i);
        if (c < 128 && this.asciiClass[c] === 0) this.asciiClass[c] = 1;
      }
    }
    for (let c = 0; c < 128; c++) if (this.asciiClass[c] === 1) this.asciiClass[c] = nextClass++;
    this.width = nextClass;
    const classOfChar = (c: number): number => {
      if (c < 128) return this.asciiClass[c] || (this.asciiClass[c] = nextClass++);
      let k = this.otherClass.get(c);
      if (k === undefined) this.otherClass.set(c, (k = nextClass++));
      return k;
    };
    const children: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    for (let p = 0; p < patterns.length; p++) {
      const pat = patterns[p]!;
      if (pat.length === 0) continue;
      let s = 0;
      for (let i = 0; i < pat.length; i++) {
        const c = classOfChar(pat.charCodeAt(i));
        let t = children[s]!.get(c);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          ends.push([]);
          children[s]!.set(c, t);
        }
        s = t;
      }
      ends[s]!.push(p);
    }
    const n = children.length;
    // Renumber states breadth-first, so the dense rows (given to the shallowest states) are
    // simply states 0..rows-1 and a scan needs no row lookup.
    {
      const order = [0, ...bfs(children)];
      const id = new Int32Array(n);
      order.forEach((old, i) => (id[old] = i));
      const ch2: Map<number, number>[] = order.map((old) => new Map([...children[old]!].map(([c, t]) => [c, id[t]!])));
      const ends2 = order.map((old) => ends[old]!);
      // Element by element: spreading ~100k states into splice() overflows the call stack (the
      // driver hash lists of `windows/sysmon/driver_load` reach that size).
      for (let i = 0; i < n; i++) {
        children[i] = ch2[i]!;
        ends[i] = ends2[i]!;
      }
    }
    this.childStart = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) this.childStart[s + 1] = this.childStart[s]! + children[s]!.size;
    this.childClass = new Int32Array(this.childStart[n]!);
    this.childTarget = new Int32Array(this.childStart[n]!);
    for (let s = 0; s < n; s++) {
      let k = this.childStart[s]!;
      for (const [c, t] of [...children[s]!].sort((a, b) => a[0] - b[0])) {
        this.childClass[k] = c;
        this.childTarget[k++] = t;
      }
    }
    this.outStart = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) this.outStart[s + 1] = this.outStart[s]! + ends[s]!.length;
    this.outList = Int32Array.from(ends.flat());
    this.fail = new Int32Array(n);
    this.dict = new Int32Array(n);
    this.reports = new Uint8Array(n);
    // Dense rows for the shallowest states (where scans spend their time): all of them for
    // most automata, within a budget of 2.5M entries (10 MB) for the largest: process_creation
    // `CommandLine` (5,526 literals, 29,800 states × 70 classes = 2.09M) fits, so it is packed.
    const width = this.width;
    const rows = Math.min(n, Math.max(1, Math.floor(denseBudget / width)));
    this.rows = rows;
    this.dense = new Int32Array(rows * width);
    const order = bfs(children);
    // Breadth-first: a state's fail link is the longest proper suffix that is a state; a dense
    // row is its children overlaid on its fail state's row (already complete, being shallower).
    for (const s of [0, ...order]) {
      const row = s < rows ? s : -1;
      if (s !== 0) {
        const f = this.fail[s]!;
        this.dict[s] = ends[f]!.length > 0 ? f : this.dict[f]!;
        this.reports[s] = ends[s]!.length > 0 || this.dict[s] !== 0 ? 1 : 0;
      }
      if (row >= 0) {
        const base = row * width;
        if (s !== 0) {
          const f = this.fail[s]! * width;
          this.dense.copyWithin(base, f, f + width);
        }
        for (const [c, t] of children[s]!) if (c < width) this.dense[base + c] = t;
      }
      for (const [c, t] of children[s]!) this.fail[t] = s === 0 ? 0 : this.next(this.fail[s]!, c);
    }
    // Fully dense automata (the usual case) store row offsets instead of state numbers, with the
    // sign bit marking states that report: the scan then needs no multiply and no extra load.
    if (rows === n) {
      const d = this.dense;
      for (let k = 0; k < d.length; k++) {
        const t = d[k]!;
        d[k] = this.reports[t] === 1 ? ~(t * width) : t * width;
      }
      this.packed = true;
    }
  }

  /** Whether {@link dense} holds signed row offsets (see the end of the constructor). */
  private packed = false;

  /** Transition with failure links resolved (used at build time and for sparse states). */
  private next(s: number, c: number): number {
    for (;;) {
      if (s < this.rows && c < this.width) return this.dense[s * this.width + c]!;
      const t = this.child(s, c);
      if (t >= 0) return t;
      if (s === 0) return 0;
      s = this.fail[s]!;
    }
  }

  private child(s: number, c: number): number {
    const start = this.childStart[s]!;
    const end = this.childStart[s + 1]!;
    const cls = this.childClass;
    for (let i = start; i < end; i++) if (cls[i] === c) return this.childTarget[i]!;
    return -1;
  }

  /**
   * Appends to `hits` the index of every pattern occurrence in `text` (a pattern occurring twice
   * is reported twice). With `fold`, the text is lower-cased on the fly (patterns must already be
   * lower case). Returns `hits`.
   */
  search(text: string, hits: number[], fold = false): number[] {
    if (this.packed) return this.searchPacked(text, hits, fold);
    const ascii = this.asciiClass;
    const other = this.otherClass;
    const rows = this.rows;
    const dense = this.dense;
    const width = this.width;
    const reports = this.reports;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let ch = text.charCodeAt(i);
      if (fold) ch = ch < 128 ? (ch >= 65 && ch <= 90 ? ch + 32 : ch) : foldCode(ch);
      const c = ch < 128 ? ascii[ch]! : (other.get(ch) ?? 0);
      s = s < rows && c < width ? dense[s * width + c]! : this.next(s, c);
      if (reports[s] === 1) this.report(s, hits);
    }
    return hits;
  }

  private searchPacked(text: string, hits: number[], fold: boolean): number[] {
    const ascii = this.asciiClass;
    const other = this.otherClass;
    const dense = this.dense;
    const width = this.width;
    let off = 0;
    for (let i = 0; i < text.length; i++) {
      let ch = text.charCodeAt(i);
      if (fold) ch = ch < 128 ? (ch >= 65 && ch <= 90 ? ch + 32 : ch) : foldCode(ch);
      const c = ch < 128 ? ascii[ch]! : (other.get(ch) ?? 0);
      let v: number;
      if (c < width) v = dense[off + c]!;
      else {
        // A character outside the dense columns: resolve through children and fail links
        // (which never read the dense table for such a class).
        const t = this.next(off / width, c);
        v = this.reports[t] === 1 ? ~(t * width) : t * width;
      }
      if (v < 0) {
        v = ~v;
        this.report(v / width, hits);
      }
      off = v;
    }
    return hits;
  }

  /**
   * Like {@link search} on lower-case text, but each pattern is reported at least once and
   * repeats are mostly skipped: what an index needs ("which patterns occur"). Short common
   * patterns (`add`, ` -c `) occur dozens of times in a 5 KB script; reporting every occurrence
   * cost more than the scan.
   */
  searchDistinct(text: string, hits: number[]): number[] {
    return this.searchDistinctIn(text, 0, text.length, hits);
  }

  /**
   * {@link searchDistinct} on `text.slice(from, to)`, without slicing: the scan starts at the root
   * state at `from` and stops at `to`, so a pattern is reported only when it lies wholly inside.
   */
  searchDistinctIn(text: string, from: number, to: number, hits: number[]): number[] {
    if (!this.packed) return this.search(from === 0 && to === text.length ? text : text.slice(from, to), hits);
    if (++this.scanId === 0xffffffff) {
      this.reportedIn.fill(0);
      this.scanId = 1;
    }
    return this.searchPackedFolded(text, from, to, hits);
  }

  /** Scan counter of {@link searchDistinct} and, per state, the last scan that reported it. */
  private scanId = 0;
  private reportedIn = new Uint32Array(0);

  /**
   * The scan loop of {@link searchDistinct}: one table load per ASCII character (the chain of
   * dependent loads bounds it, about 2 ns per character); non-ASCII and reports leave the loop.
   */
  private searchPackedFolded(text: string, from: number, to: number, hits: number[]): number[] {
    const ascii = this.asciiClass;
    const dense = this.dense;
    const width = this.width;
    if (this.reportedIn.length === 0) this.reportedIn = new Uint32Array(this.fail.length);
    const reportedIn = this.reportedIn;
    const scanId = this.scanId;
    let off = 0;
    for (let i = from; i < to; i++) {
      const ch = text.charCodeAt(i);
      let v = ch < 128 ? dense[off + ascii[ch]!]! : this.stepOther(off, ch);
      if (v < 0) {
        v = ~v;
        const state = v / width;
        if (reportedIn[state] !== scanId) {
          reportedIn[state] = scanId;
          this.report(state, hits);
        }
      }
      off = v;
    }
    return hits;
  }

  /** Packed transition from row offset `off` on a non-ASCII character. */
  private stepOther(off: number, ch: number): number {
    const c = this.otherClass.get(ch) ?? 0;
    if (c < this.width) return this.dense[off + c]!;
    const t = this.next(off / this.width, c);
    return this.reports[t] === 1 ? ~(t * this.width) : t * this.width;
  }

  private report(s: number, hits: number[]): void {
    const outStart = this.outStart;
    let o = outStart[s + 1]! > outStart[s]! ? s : this.dict[s]!;
    while (o !== 0) {
      for (let k = outStart[o]!, e = outStart[o + 1]!; k < e; k++) hits.push(this.outList[k]!);
      o = this.dict[o]!;
    }
  }
}

function bfs(children: Map<number, number>[]): number[] {
  const order: number[] = [...children[0]!.values()];
  for (let i = 0; i < order.length; i++) for (const t of children[order[i]!]!.values()) order.push(t);
  return order;
}

let foldTable: Uint16Array | undefined;

/** Lower-case form of one UTF-16 code unit (itself when lower-casing changes the length). */
function foldCode(c: number): number {
  if (!foldTable) {
    foldTable = new Uint16Array(65536);
    for (let i = 0; i < 65536; i++) {
      const l = String.fromCharCode(i).toLowerCase();
      foldTable[i] = l.length === 1 ? l.charCodeAt(0) : i;
    }
  }
  return foldTable[c]!;
}
