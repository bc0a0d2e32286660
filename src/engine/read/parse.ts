/**
 * Parse a byte range of a JSONL file into a segment: the compact records the index stores. Runs in
 * a worker thread (parseWorker.ts) or inline; pure function of the file's bytes.
 */
import * as fs from 'node:fs';
import { SegmentBuilder } from '../index/segment';
import { ProblemBudget, quoteAt, type ProblemCode } from '../problems';
import type { FileKind } from '../settings';
import { segmentKeys, type KeyFile } from '../analyse/joinKeys';
import { MAX_LINE_BYTES, openRegular, scanLines } from './jsonl';
import { extractLine, extractScenario, isObj, type LineFields } from './records';

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

type Obj = Record<string, unknown>;

const TRUNCATED = 'truncated last line: no newline and not valid JSON (still being written?)';

/**
 * V8's message without what it quotes of the input (a linked file may be a secret): the kind of
 * error, and the column where the text stops being JSON.
 */
function invalidJson(e: unknown, text: string): { reason: string; column: number | null } {
  const m = e instanceof Error ? e.message : String(e);
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

/** The parsed object, or why the line is unusable. */
function parseObject(text: string): Obj | Unusable {
  let value: unknown;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // a bad line's stack is never looked at, and capturing it doubles its cost
  try {
    value = JSON.parse(text);
  } catch (e) {
    const { reason, column } = invalidJson(e, text);
    return new Unusable('invalid-json', reason, column);
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (isObj(value)) return value;
  const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
  return new Unusable('not-an-object', `not a JSON object (${what})`, 1);
}

const isProblem = (v: Obj | Unusable): v is Unusable => v instanceof Unusable;

const NOT_JSON = new Unusable('invalid-json', 'invalid JSON', null);

/**
 * A line whose first character after blanks cannot begin any JSON value (junk, a log line): invalid
 * without asking JSON.parse, whose exceptions are what made millions of junk lines slow.
 */
function cannotBeJson(text: string): boolean {
  let i = 0;
  let c = text.charCodeAt(0);
  while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++i);
  // { [ " - 0–9 t f n
  return !(
    c === 0x7b ||
    c === 0x5b ||
    c === 0x22 ||
    c === 0x2d ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x74 ||
    c === 0x66 ||
    c === 0x6e
  );
}
const MAX_LINE_MIB = MAX_LINE_BYTES / (1 << 20);

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

/** One part (body or tail) being built. */
class Part {
  readonly seg = new SegmentBuilder();
  records = 0;

  constructor(readonly budget: ProblemBudget<LineProblem>) {}

  /** The part; with its records' join keys when `file` is a traces, graded or cross-grader file. */
  done(file: KeyFile | null): ParsedPart {
    const omitted: Partial<Record<ProblemCode, number>> = {};
    for (const [code, n] of this.budget.omitted) omitted[code] = n;
    const keys = file === null ? undefined : segmentKeys(this.seg.segment(), file);
    return { segment: this.seg.json(), keys, records: this.records, problems: this.budget.kept, omitted };
  }
}

export function parseRange(job: ParseJob): ParseResult | ParseFailure {
  let fd: number;
  try {
    fd = openRegular(job.abs, { dev: job.dev, ino: job.ino }).fd;
  } catch (e) {
    return failure(e);
  }
  try {
    return parseOpen(fd, job);
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
function parseOpen(fd: number, job: ParseJob): ParseResult {
  const body = new Part(new ProblemBudget<LineProblem>(job.problemBudget));
  const tail = new Part(new ProblemBudget<LineProblem>(1));
  const scenarios = job.kind === 'scenarios';
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
      // Latin-1 decoding is twice as fast as UTF-8 and gives the same JSON structure (multi-byte
      // UTF-8 never contains ASCII bytes); a line whose kept fields are not ASCII is decoded again.
      let text = buf.toString('latin1', start, end);
      if (isBlank(text)) return;
      const p = terminated ? body : tail;
      // Beyond the problems kept in full, only the kind of a bad line is wanted: no message, no second parse.
      const detail = p.budget.hasRoom;
      const value = cannotBeJson(text) && !detail ? NOT_JSON : parseObject(text);
      if (isProblem(value)) {
        let why = value;
        if (detail) {
          text = buf.toString('utf8', start, end); // the message's column counts UTF-16 units of the text
          const again = parseObject(text);
          if (isProblem(again)) why = again;
        }
        if (!terminated && why.code === 'invalid-json')
          problem(p, line, 'truncated-line', TRUNCATED, offset, length, why.column);
        else problem(p, line, why.code, why.reason, offset, length, why.column);
        return;
      }
      if (scenarios) {
        let sc = extractScenario(value);
        if (!ascii(sc.id) || !ascii(sc.attackClass) || !ascii(sc.variant)) {
          const exact = parseObject(buf.toString('utf8', start, end));
          if (!isProblem(exact)) sc = extractScenario(exact);
        }
        if (sc.id !== null) p.records++;
        p.seg.add({
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
        if (!isProblem(exact)) f = extractLine(exact);
      }
      p.records++;
      p.seg.add({ line, offset, length, ...f });
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
