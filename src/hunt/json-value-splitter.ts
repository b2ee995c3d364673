/**
 * Splits a stream of JSON text into top-level values without parsing it all at once. Handles the
 * three shapes hunters meet in `.json` files: one object, an array of objects (its elements are
 * emitted one by one, so a 100 MB array never sits in memory as one tree), and objects written
 * one after another with no separator (evtx_dump output, NDJSON). Strings and escapes are tracked
 * across chunk boundaries so braces inside strings never confuse the depth count.
 */

/** One complete top-level value (or array element), still as text, with where it started. */
export interface JsonValueText {
  text: string;
  /** Character offset of the first character of the value in the whole stream. */
  offset: number;
  /** 1-based line of the first character of the value. */
  line: number;
}

/** Text that could not be split into a value (stray closer, truncated value). */
export interface JsonSplitError {
  offset: number;
  line: number;
  message: string;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * Index of the quote that ends the string scanned from `from`, or -1 if not in `buf` yet. The
 * whole open value stays in the buffer, so counting the backslashes before a quote is exact.
 */
function closingQuote(buf: string, from: number): number {
  for (let q = buf.indexOf('"', from); q >= 0; q = buf.indexOf('"', q + 1)) {
    let slashes = 0;
    while (buf.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/**
 * Incremental splitter: `push` text chunks, collect values; `end` flushes.
 * @example
 * const s = new JsonValueSplitter();
 * const out = [...s.push('{"a":1}{"b"'), ...s.push(':2}'), ...s.end()]; // two values
 */
export class JsonValueSplitter {
  readonly errors: JsonSplitError[] = [];
  private buf = '';
  /** Absolute offset of buf[0]. */
  private base = 0;
  private line = 1;
  private pos = 0;
  /** 'unknown' until the first non-space character decides between array and concatenated mode. */
  private mode: 'unknown' | 'values' | 'array' | 'done' = 'unknown';
  private depth = 0;
  private inString = false;
  /** Start of the value being scanned (index in buf), or -1 between values. */
  private start = -1;
  private startLine = 1;
  private scalar = false;

  /** Feeds one chunk; returns the values completed by it. */
  push(chunk: string): JsonValueText[] {
    this.buf += chunk;
    const out: JsonValueText[] = [];
    this.scan(out);
    this.compact();
    return out;
  }

  /** Ends the stream; a value still open is reported as truncated. */
  end(): JsonValueText[] {
    const out: JsonValueText[] = [];
    if (this.start >= 0 && this.scalar) {
      this.emit(out, this.buf.length);
    } else if (this.start >= 0) {
      this.errors.push({ offset: this.base + this.start, line: this.startLine, message: 'truncated JSON value (unbalanced braces or unterminated string at end of input)' });
    } else if (this.mode === 'array') {
      this.errors.push({ offset: this.base + this.buf.length, line: this.line, message: 'truncated JSON array (missing "]")' });
    }
    this.buf = '';
    this.start = -1;
    return out;
  }

  private scan(out: JsonValueText[]): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.start >= 0) {
        if (this.inString) {
          // Jump to the closing quote instead of stepping through the string's characters.
          const q = closingQuote(buf, i);
          if (q < 0) {
            i = n;
            break;
          }
          i = q;
          this.inString = false;
          if (this.depth === 0) this.emit(out, i + 1);
          continue;
        }
        if (this.scalar) {
          if (isSpace(c) || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
            this.emit(out, i);
            i--; // the delimiter is handled between values
            if (c === NEWLINE) this.line--;
          }
          continue;
        }
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          this.depth--;
          if (this.depth === 0) this.emit(out, i + 1);
        }
        continue;
      }
      this.between(c, i);
    }
    this.pos = i;
  }

  /** A character outside any value: a separator, the array frame, or the start of a value. */
  private between(c: number, i: number): void {
    if (isSpace(c)) return;
    if (this.mode === 'unknown') {
      if (c === OPEN_BRACKET) {
        this.mode = 'array';
        return;
      }
      this.mode = 'values';
    }
    if (this.mode === 'array' && c === COMMA) return;
    if (this.mode === 'array' && c === CLOSE_BRACKET) {
      this.mode = 'done';
      return;
    }
    if (this.mode === 'done') {
      // Text after a closed top-level array: treat as further concatenated values.
      this.mode = 'values';
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA) {
      this.errors.push({ offset: this.base + i, line: this.line, message: `unexpected "${String.fromCharCode(c)}" between JSON values` });
      return;
    }
    this.start = i;
    this.startLine = this.line;
    this.scalar = false;
    this.depth = 0;
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1;
    else this.scalar = true;
  }

  private emit(out: JsonValueText[], endExclusive: number): void {
    out.push({ text: this.buf.slice(this.start, endExclusive), offset: this.base + this.start, line: this.startLine });
    this.start = -1;
    this.scalar = false;
    this.depth = 0;
  }

  /** Drops consumed text so memory stays bounded by the largest single value. */
  private compact(): void {
    const keepFrom = this.start >= 0 ? this.start : this.pos;
    if (keepFrom === 0) return;
    this.buf = this.buf.slice(keepFrom);
    this.base += keepFrom;
    this.pos -= keepFrom;
    if (this.start >= 0) this.start = 0;
  }
}
