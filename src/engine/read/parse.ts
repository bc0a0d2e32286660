/**
 * Parse a byte range of a JSONL file into a segment: the compact records the index stores. Runs in
 * a worker thread (parseWorker.ts) or inline; pure function of the file's bytes.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { scanLines } from './jsonl';
import { extractLine, extractScenario, isObj, type LineFields } from './records';
import type { FileKind } from '../settings';

export interface ParseJob {
  abs: string;
  kind: FileKind;
  /** A line boundary: 0, or the `consumed` of an earlier read. */
  start: number;
  /** Lines before `start`. */
  startLine: number;
  end: number;
  /** crc32 of the bytes before `start` (0 at the start of a file), continued over what is read. */
  crcSeed: number;
}

/** A segment row; strings are indexes into the segment's dictionary (−1 for null). */
export type SegmentRow = [
  line: number,
  offset: number,
  length: number,
  traceId: string | null,
  scenarioId: number,
  model: number,
  attackClass: number,
  altClass: number,
  variant: number,
  params: number,
  verdict: number,
  grader: number,
  response: number,
  preambleId: number,
  dataset: number,
];

/** Rows flattened, SEGMENT_STRIDE values each: one array to parse instead of one per line. */
export interface Segment {
  dict: string[];
  rows: (number | string | null)[];
}

export const SEGMENT_STRIDE = 15;

export interface ParseResult {
  /** JSON of the Segment of newline-terminated lines. */
  segment: string;
  /** JSON of the Segment holding the unfinished last line, when it parsed; read again next time. */
  tailSegment: string | null;
  /** [line, tail (1 for the unfinished last line), reason, byte offset, byte length] */
  problems: [number, number, string, number, number][];
  consumed: number;
  lines: number;
  /** Usable records among the terminated lines (scenario files: lines with an id). */
  records: number;
  tailRecords: number;
  crc: number;
  /** crc32 of the first 64 KiB and of the 64 KiB before `consumed` (the indexer's quick change check). */
  headCrc: number;
  tailCrc: number;
}

export const SAMPLE_BYTES = 64 * 1024;

/** crc32 of bytes [start, end) of an open file. */
export function crcOf(fd: number, start: number, end: number): number {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - start)));
  let crc = 0;
  for (let pos = start; pos < end;) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (got === 0) break;
    crc = zlib.crc32(buf.subarray(0, got), crc);
    pos += got;
  }
  return crc;
}

/** What one row says, by name; absent fields are null (response: 0). */
export interface SegmentFields {
  line: number;
  offset: number;
  length: number;
  traceId?: string | null;
  scenarioId?: string | null;
  model?: string | null;
  attackClass?: string | null;
  altClass?: string | null;
  variant?: string | null;
  params?: string | null;
  verdict?: string | null;
  grader?: string | null;
  response?: number;
  preambleId?: string | null;
  dataset?: string | null;
}

export class SegmentBuilder {
  private readonly dict: string[] = [];
  private readonly index = new Map<string, number>();
  readonly rows: SegmentRow[] = [];

  /** Append a row (in the column order of SegmentRow). */
  add(f: SegmentFields): void {
    this.rows.push([
      f.line,
      f.offset,
      f.length,
      f.traceId ?? null,
      this.ref(f.scenarioId ?? null),
      this.ref(f.model ?? null),
      this.ref(f.attackClass ?? null),
      this.ref(f.altClass ?? null),
      this.ref(f.variant ?? null),
      this.ref(f.params ?? null),
      this.ref(f.verdict ?? null),
      this.ref(f.grader ?? null),
      f.response ?? 0,
      this.ref(f.preambleId ?? null),
      this.ref(f.dataset ?? null),
    ]);
  }

  private ref(s: string | null): number {
    if (s === null) return -1;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.dict.length;
      this.dict.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  json(): string {
    return JSON.stringify({ dict: this.dict, rows: this.rows.flat() } satisfies Segment);
  }
}

function shortMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
}

type Obj = Record<string, unknown>;

const TRUNCATED = 'truncated last line: no newline and not valid JSON (still being written?)';

/** The parsed object, or the reason the line is unusable. */
function parseObject(text: string): Obj | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `invalid JSON: ${shortMessage(e)}`;
  }
  if (isObj(value)) return value;
  return `not a JSON object (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value})`;
}

const NON_ASCII = /[^\x00-\x7f]/;
const ascii = (s: string | null): boolean => s === null || !NON_ASCII.test(s);

function asciiFields(f: LineFields): boolean {
  return (
    ascii(f.traceId) &&
    ascii(f.scenarioId) &&
    ascii(f.model) &&
    ascii(f.attackClass) &&
    ascii(f.variant) &&
    ascii(f.params) &&
    ascii(f.verdict) &&
    ascii(f.grader) &&
    ascii(f.preambleId)
  );
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  if (c === 0x7b || c === 0x5b) return false; // `{` or `[`: decided without a scan
  return text.trim() === '';
}

export function parseRange(job: ParseJob): ParseResult {
  const body = new SegmentBuilder();
  const tail = new SegmentBuilder();
  const problems: [number, number, string, number, number][] = [];
  const scenarios = job.kind === 'scenarios';
  let records = 0;
  let tailRecords = 0;
  let crc = job.crcSeed;
  let headCrc = 0;
  let tailCrc = 0;
  const fd = fs.openSync(job.abs, 'r');
  let scan;
  try {
    scan = scanLines(
      fd,
      job.start,
      job.startLine,
      job.end,
      (line, offset, length, buf, start, end, terminated) => {
        // Latin-1 decoding is twice as fast as UTF-8 and gives the same JSON structure (multi-byte
        // UTF-8 never contains ASCII bytes); a line whose kept fields are not ASCII is decoded again.
        let text = buf.toString('latin1', start, end);
        if (isBlank(text)) return;
        const t = terminated ? 0 : 1;
        const value = parseObject(text);
        if (typeof value === 'string') {
          text = buf.toString('utf8', start, end); // the error message's positions count UTF-8 characters
          const again = parseObject(text);
          const reason = typeof again === 'string' ? again : 'invalid JSON';
          problems.push([
            line,
            t,
            !terminated && reason.startsWith('invalid JSON') ? TRUNCATED : reason,
            offset,
            length,
          ]);
          return;
        }
        const b = terminated ? body : tail;
        if (scenarios) {
          let sc = extractScenario(value);
          if (!ascii(sc.id) || !ascii(sc.attackClass) || !ascii(sc.variant)) {
            const exact = parseObject(buf.toString('utf8', start, end));
            if (typeof exact !== 'string') sc = extractScenario(exact);
          }
          if (sc.id !== null) {
            if (terminated) records++;
            else tailRecords++;
          }
          b.add({
            line,
            offset,
            length,
            scenarioId: sc.id,
            attackClass: sc.attackClass,
            variant: sc.variant,
          });
          return;
        }
        let f = extractLine(value);
        if (!asciiFields(f) || !f.responseAscii) {
          const exact = parseObject(buf.toString('utf8', start, end));
          if (typeof exact !== 'string') f = extractLine(exact);
        }
        if (terminated) records++;
        else tailRecords++;
        b.add({ line, offset, length, ...f });
      },
      { update: (chunk: Buffer) => (crc = zlib.crc32(chunk, crc)) },
    );
    headCrc = crcOf(fd, 0, Math.min(SAMPLE_BYTES, scan.consumed));
    tailCrc = crcOf(fd, Math.max(0, scan.consumed - SAMPLE_BYTES), scan.consumed);
  } finally {
    fs.closeSync(fd);
  }
  return {
    headCrc,
    tailCrc,
    segment: body.json(),
    tailSegment: tail.rows.length > 0 ? tail.json() : null,
    problems,
    consumed: scan.consumed,
    lines: scan.lines,
    records,
    tailRecords,
    crc,
  };
}
