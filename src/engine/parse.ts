/**
 * Parse a byte range of a JSONL file into a segment: the compact records the index stores. Runs in
 * a worker thread (parseWorker.ts) or inline; pure function of the file's bytes.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { scanLines } from './jsonl';
import { extractLine, extractScenario, isObj } from './records';
import type { FileKind } from './settings';

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

export interface Segment {
  dict: string[];
  rows: SegmentRow[];
}

export interface ParseResult {
  /** JSON of the Segment of newline-terminated lines. */
  segment: string;
  /** JSON of the Segment holding the unfinished last line, when it parsed; read again next time. */
  tailSegment: string | null;
  /** [line, tail (1 for the unfinished last line), reason] */
  problems: [number, number, string][];
  consumed: number;
  lines: number;
  /** Usable records among the terminated lines (scenario files: lines with an id). */
  records: number;
  tailRecords: number;
  crc: number;
}

export class SegmentBuilder {
  private readonly dict: string[] = [];
  private readonly index = new Map<string, number>();
  readonly rows: SegmentRow[] = [];

  ref(s: string | null): number {
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
    return JSON.stringify({ dict: this.dict, rows: this.rows } satisfies Segment);
  }
}

function shortMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
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
  const problems: [number, number, string][] = [];
  const scenarios = job.kind === 'scenarios';
  let records = 0;
  let tailRecords = 0;
  let crc = job.crcSeed;
  const fd = fs.openSync(job.abs, 'r');
  let scan;
  try {
    scan = scanLines(
      fd,
      job.start,
      job.startLine,
      job.end,
      (line, offset, length, text, terminated) => {
        if (isBlank(text)) return;
        const t = terminated ? 0 : 1;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          problems.push([
            line,
            t,
            terminated ? `invalid JSON: ${shortMessage(e)}` : 'truncated last line: no newline and not valid JSON (still being written?)',
          ]);
          return;
        }
        if (!isObj(value)) {
          problems.push([line, t, `not a JSON object (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value})`]);
          return;
        }
        const b = terminated ? body : tail;
        if (scenarios) {
          const s = extractScenario(value);
          if (s.id !== null) {
            if (terminated) records++;
            else tailRecords++;
          }
          b.rows.push([line, offset, length, null, b.ref(s.id), -1, b.ref(s.attackClass), -1, b.ref(s.variant), -1, -1, -1, 0, -1, -1]);
          return;
        }
        const f = extractLine(value);
        if (terminated) records++;
        else tailRecords++;
        b.rows.push([
          line,
          offset,
          length,
          f.traceId,
          b.ref(f.scenarioId),
          b.ref(f.model),
          b.ref(f.attackClass),
          -1,
          b.ref(f.variant),
          b.ref(f.params),
          b.ref(f.verdict),
          b.ref(f.grader),
          f.response,
          b.ref(f.preambleId),
          -1,
        ]);
      },
      { update: (chunk: Buffer) => (crc = zlib.crc32(chunk, crc)) },
    );
  } finally {
    fs.closeSync(fd);
  }
  return {
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
