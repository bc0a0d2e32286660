/**
 * Parse a byte range of a JSONL file into a segment: the compact records the index stores. Runs in
 * a worker thread (parseWorker.ts) or inline; pure function of the file's bytes.
 */
import * as fs from 'node:fs';
import { SegmentBuilder, type Segment } from '../index/segment';
import { ProblemBudget, quoteAt, type ProblemCode } from '../problems';
import type { FileKind } from '../settings';
import { segmentKeys, type KeyFile } from '../analyse/joinKeys';
import { MAX_LINE_BYTES, openRegular, scanLines } from './jsonl';
import { lineReader, type LineVia } from './parsedLines';
import { jsonParseMessage, type ScanProblem } from './scan';

export interface ParseJob {
  abs: string;
  /** Workspace-relative, and the file's dataset: what a record's join keys are made of. */
  path: string;
  dataset: string;
  kind: FileKind;
  /** A line boundary: 0, or the `consumed` of an earlier read. */
  start: number;
  /** Lines before `start`. */
  startLine: number;
  end: number;
  /** crc32 of the bytes before `start` (0 at the start of a file), continued over what is read. */
  crcSeed: number;
  /** The file as it was looked at: a file replaced since is not read. */
  dev: number;
  ino: number;
  /** Problems still to be kept in full for this file (the rest are counted). */
  problemBudget: number;
}

/** A problem of a line: [line, code, reason, byte offset, byte length, column or null]. */
export type LineProblem = [number, ProblemCode, string, number, number, number | null];

export interface ParsedPart {
  /** JSON of the Segment. */
  segment: string;
  /**
   * The Segment itself, on the thread that parsed it: the indexer then need not parse the JSON back.
   * A parse worker drops it before posting (a structured clone of it costs more than the JSON.parse).
   */
  parsed?: Segment;
  /** The join keys of its records (joinKeys.ts), for traces, graded and cross-grader files. */
  keys?: Float64Array;
  records: number;
  problems: LineProblem[];
  omitted: Partial<Record<ProblemCode, number>>;
}

export interface ParseResult {
  /** The newline-terminated lines. */
  body: ParsedPart;
  /** The unfinished last line, read again next time; null when the range ends with a newline. */
  tail: ParsedPart | null;
  consumed: number;
  lines: number;
  /** crc32 of [0, consumed), and of every byte read, [0, end). */
  crc: number;
  endCrc: number;
  /** Where the read stopped: the file's size when it was read. */
  end: number;
}

/** Why a file could not be read at all: it becomes one problem of the file, and is read again next time. */
export interface ParseFailure {
  failed: 'unreadable-file' | 'not-a-regular-file' | 'file-changed' | 'gone';
  reason: string;
}

const TRUNCATED = 'truncated last line: no newline and not valid JSON (still being written?)';

/**
 * V8's message without what it quotes of the input (a linked file may be a secret): the kind of
 * error, and the column where the text stops being JSON.
 */
function invalidJson(m: string, text: string): { reason: string; column: number | null } {
  const at = /at position (\d+)/.exec(m);
  const kind = m
    .replace(/,? ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/^Unexpected token '(.)'.*$/s, 'unexpected token')
    .trim();
  if (at) {
    const i = Number(at[1]);
    return {
      reason: `invalid JSON at column ${i + 1}: ${lower(kind)} at ${quoteAt(text, i, 1)}`,
      column: i + 1,
    };
  }
  if (/end of JSON input/.test(m))
    return { reason: 'invalid JSON: unexpected end of the line', column: text.length + 1 };
  return { reason: `invalid JSON: ${lower(kind)}`, column: null };
}

const lower = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Why a line is unusable. */
class Unusable {
  constructor(
    readonly code: ProblemCode,
    readonly reason: string,
    readonly column: number | null,
  ) {}
}

const NOT_JSON = new Unusable('invalid-json', 'invalid JSON', null);

/**
 * Why a line the scanner refused is unusable. The reason and column are worded only for a problem
 * kept in full (they decode the line); beyond the budget only the kind of a bad line is counted.
 */
function unusable(p: ScanProblem, buf: Buffer, start: number, end: number, detail: boolean): Unusable {
  if (p.code === 'not-an-object') return new Unusable('not-an-object', `not a JSON object (${p.what})`, 1);
  if (!detail) return NOT_JSON;
  const { text, message } = jsonParseMessage(buf, start, end, p);
  const { reason, column } = invalidJson(message, text);
  return new Unusable('invalid-json', reason, column);
}

const MAX_LINE_MIB = MAX_LINE_BYTES / (1 << 20);

/** One part (body or tail) being built. */
class Part {
  readonly seg = new SegmentBuilder();
  records = 0;

  constructor(readonly budget: ProblemBudget<LineProblem>) {}

  /** The part; with its records' join keys when `file` is a traces, graded or cross-grader file. */
  done(file: KeyFile | null): ParsedPart {
    const omitted: Partial<Record<ProblemCode, number>> = {};
    for (const [code, n] of this.budget.omitted) omitted[code] = n;
    const parsed = this.seg.segment();
    const keys = file === null ? undefined : segmentKeys(parsed, file);
    return {
      segment: this.seg.json(),
      parsed,
      keys,
      records: this.records,
      problems: this.budget.kept,
      omitted,
    };
  }
}

/** `via`: how lines are read (parsedLines.ts); the result is the same either way. */
export function parseRange(job: ParseJob, via: LineVia = 'scanner'): ParseResult | ParseFailure {
  let fd: number;
  try {
    fd = openRegular(job.abs, { dev: job.dev, ino: job.ino }).fd;
  } catch (e) {
    return failure(e);
  }
  try {
    return parseOpen(fd, job, via);
  } catch (e) {
    return failure(e);
  } finally {
    fs.closeSync(fd);
  }
}

function failure(e: unknown): ParseFailure {
  const code = (e as NodeJS.ErrnoException).code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT') return { failed: 'gone', reason: 'the file was removed while it was being read' };
  if (code === 'ENOTREG')
    return {
      failed: 'not-a-regular-file',
      reason: 'not a regular file (a FIFO, device or socket); not read',
    };
  if (code === 'ECHANGED')
    return {
      failed: 'file-changed',
      reason: 'the file was replaced while it was being read; it is read again next time',
    };
  return { failed: 'unreadable-file', reason: `cannot read the file (${code ?? msg})` };
}

/** Problems of the whole file share one budget; a tail's problem is one line at most. */
function parseOpen(fd: number, job: ParseJob, via: LineVia): ParseResult {
  const body = new Part(new ProblemBudget<LineProblem>(job.problemBudget));
  const tail = new Part(new ProblemBudget<LineProblem>(1));
  const scenarios = job.kind === 'scenarios';
  const scanner = lineReader(via);
  const problem = (
    p: Part,
    line: number,
    code: ProblemCode,
    reason: string,
    offset: number,
    length: number,
    column: number | null,
  ): void => {
    p.budget.add(code, [line, code, reason, offset, length, column]);
  };
  const scan = scanLines(
    fd,
    job.start,
    job.startLine,
    job.end,
    job.crcSeed,
    (line, offset, length, buf, start, end, terminated) => {
      const p = terminated ? body : tail;
      const scanned = scenarios ? scanner.scenarioLine(buf, start, end) : scanner.traceLine(buf, start, end);
      if (scanned === null) return; // blank
      if (scanned.problem) {
        const why = unusable(scanned.problem, buf, start, end, p.budget.hasRoom);
        if (!terminated && why.code === 'invalid-json')
          problem(p, line, 'truncated-line', TRUNCATED, offset, length, why.column);
        else problem(p, line, why.code, why.reason, offset, length, why.column);
        return;
      }
      const f = scanned.fields;
      if ('id' in f) {
        // A scenario file's line: its id, class and variant.
        if (f.id !== null) p.records++;
        p.seg.add({
          line,
          offset,
          length,
          scenarioId: f.id,
          attackClass: f.attackClass,
          variant: f.variant,
        });
        return;
      }
      p.records++;
      p.seg.addAt(line, offset, length, f);
    },
    (line, offset, length, terminated) =>
      problem(
        terminated ? body : tail,
        line,
        'line-too-long',
        `line too long: more than ${MAX_LINE_MIB} MiB; not read`,
        offset,
        length,
        null,
      ),
  );
  const hasTail = tail.records > 0 || tail.budget.total > 0;
  // Keys are computed here, on the parse threads: they depend on one record alone (joinKeys.ts).
  const keyed: KeyFile | null = scenarios ? null : { kind: job.kind, path: job.path, dataset: job.dataset };
  return {
    body: body.done(keyed),
    tail: hasTail ? tail.done(keyed) : null,
    consumed: scan.consumed,
    lines: scan.lines,
    crc: scan.crc,
    endCrc: scan.endCrc,
    end: job.end,
  };
}
