import { JsonValueSplitter, type JsonValueText } from './json-value-splitter.js';

/** One raw event read from a file, before normalisation. */
export interface RawEventRecord {
  /** File label (the path as given; `archive.zip!member.json` for zip members). */
  file: string;
  /** 0-based index of the event in its file (malformed events take an index too). */
  record: number;
  raw: Record<string, unknown>;
}

/** An event that could not be read; hunting goes on. */
export interface MalformedEvent {
  file: string;
  /** Index the event would have had, when the reader got that far. */
  record?: number;
  /** 1-based line (text inputs) and character offset where the bad value starts. */
  line?: number;
  offset?: number;
  message: string;
}

/** What a parser produced for one chunk: events in order, and the malformed ones. */
export interface ParsedChunk {
  events: RawEventRecord[];
  malformed: MalformedEvent[];
}

/**
 * Tells `tell` the malformed events of a batch, from index `from` on, that come at or before
 * `record` (pass Infinity for the rest), and returns the index after them. Called before each
 * event of the batch, it puts every malformed event in its place among the events, so where a
 * read's batches end (a file read whole or in parts) does not change the order of a report.
 * Malformed entries without a record come first.
 */
export function malformedUpTo(bad: readonly MalformedEvent[], from: number, record: number, tell: (m: MalformedEvent) => void): number {
  let i = from;
  while (i < bad.length && (bad[i]!.record ?? -1) <= record) tell(bad[i++]!);
  return i;
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Turns decoded text into raw event records. `lines` mode parses one JSON object per line
 * (NDJSON: fastest, no character scan); `values` mode splits concatenated values or array
 * elements with {@link JsonValueSplitter} (`.json` files, which may hold any of the three shapes).
 */
export class EventTextParser {
  private record = 0;
  private rest = '';
  private lineNo = 0;
  private readonly splitter: JsonValueSplitter | undefined;
  private splitErrorsSeen = 0;
  /** Bytes of an unfinished line from earlier {@link pushBytes} calls. */
  private restBytes: Buffer[] = [];

  /**
   * @param atFileStart false for a part of a file that starts in its middle (see `FilePart`):
   *   a byte order mark there is text, as when the file is read whole
   */
  constructor(
    private readonly file: string,
    readonly mode: 'lines' | 'values',
    private readonly atFileStart = true,
  ) {
    if (mode === 'values') this.splitter = new JsonValueSplitter();
  }

  /** Records numbered so far (malformed ones included). */
  get records(): number {
    return this.record;
  }

  /** Lines read so far (`lines` mode). */
  get linesRead(): number {
    return this.lineNo;
  }

  /** Feeds decoded text. */
  push(text: string): ParsedChunk {
    const out: ParsedChunk = { events: [], malformed: [] };
    if (this.splitter) this.values(this.splitter.push(text), out);
    else this.lines(text, false, out);
    return out;
  }

  /**
   * Feeds UTF-8 bytes (`lines` mode only; not to be mixed with {@link push}). Each line is decoded
   * on its own: a chunk decoded whole is stored two bytes per character as soon as one of its
   * lines holds a character above U+00FF, and so is every line sliced from it, which makes
   * JSON.parse and every later scan of the values slower (~1.8× for JSON.parse). A byte order
   * mark at the start of the input is dropped; invalid UTF-8 becomes U+FFFD, as with TextDecoder.
   */
  pushBytes(chunk: Uint8Array): ParsedChunk {
    if (this.splitter) throw new Error('pushBytes is for lines mode');
    const out: ParsedChunk = { events: [], malformed: [] };
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, from);
      if (nl < 0) break;
      if (this.restBytes.length > 0) {
        this.restBytes.push(buf.subarray(from, nl));
        const whole = Buffer.concat(this.restBytes);
        this.restBytes = [];
        this.byteLine(whole, 0, whole.length, out);
      } else this.byteLine(buf, from, nl, out);
      from = nl + 1;
    }
    // A copy: the caller may reuse its chunk's memory.
    if (from < buf.length) this.restBytes.push(Buffer.from(buf.subarray(from)));
    return out;
  }

  /** Flushes the last line or value. */
  end(): ParsedChunk {
    const out: ParsedChunk = { events: [], malformed: [] };
    if (this.splitter) this.values(this.splitter.end(), out);
    else if (this.restBytes.length > 0) {
      const whole = Buffer.concat(this.restBytes);
      this.restBytes = [];
      this.byteLine(whole, 0, whole.length, out);
    } else this.lines('', true, out);
    return out;
  }

  private byteLine(buf: Buffer, start: number, end: number, out: ParsedChunk): void {
    let from = start;
    if (this.lineNo === 0 && this.atFileStart && end - from >= 3 && buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf) from += 3;
    const stop = end > from && buf[end - 1] === 0x0d ? end - 1 : end;
    this.line(buf.toString('utf8', from, stop), out);
  }

  private lines(text: string, final: boolean, out: ParsedChunk): void {
    const data = this.rest + text;
    let from = 0;
    for (;;) {
      const nl = data.indexOf('\n', from);
      if (nl < 0) break;
      this.line(data.slice(from, nl), out);
      from = nl + 1;
    }
    this.rest = data.slice(from);
    if (final && this.rest !== '') {
      this.line(this.rest, out);
      this.rest = '';
    }
  }

  private line(text: string, out: ParsedChunk): void {
    this.lineNo++;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return;
    this.accept(t, { line: this.lineNo }, out);
  }

  private values(values: JsonValueText[], out: ParsedChunk): void {
    for (const v of values) this.accept(v.text, { line: v.line, offset: v.offset }, out);
    const errors = this.splitter!.errors;
    for (; this.splitErrorsSeen < errors.length; this.splitErrorsSeen++) {
      const e = errors[this.splitErrorsSeen]!;
      out.malformed.push({ file: this.file, line: e.line, offset: e.offset, message: e.message });
    }
  }

  private accept(text: string, where: { line: number; offset?: number }, out: ParsedChunk): void {
    const record = this.record++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      out.malformed.push({ file: this.file, record, ...where, message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.malformed.push({ file: this.file, record, ...where, message: `expected a JSON object, got ${kindOf(value)}` });
      return;
    }
    out.events.push({ file: this.file, record, raw: value as Record<string, unknown> });
  }
}
