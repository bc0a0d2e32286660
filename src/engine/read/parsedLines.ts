/**
 * A line's fields by JSON.parse and records.ts's extractors: exactly what the scanner (scan.ts) is
 * held to by the property test, done by V8's own parser, which needs no warming. A thread's first
 * thousand lines through the scanner run code that is not optimised yet (~30 ms for a 1 MB append,
 * against ~6 ms once it is); JSON.parse runs at full speed from the first line. The scanner is faster
 * on a warm thread and on long strings, so the parse threads keep it; this reader is for a little work on
 * the calling thread (pool.ts, DECISIONS 88). A line JSON.parse refuses, or that is not an object,
 * goes to the scanner, whose problem is the report: one source of every problem's wording.
 */
import { extractLine, extractScenario, isObj, type LineFields, type ScenarioFields } from './records';
import { LineScanner, type Scanned } from './scan';

/** What reads a line's fields: the scanner, or JSON.parse first. */
export interface LineReader {
  traceLine(buf: Buffer, start: number, end: number): Scanned<LineFields> | null;
  scenarioLine(buf: Buffer, start: number, end: number): Scanned<ScenarioFields> | null;
}

/** How a parse reads its lines: `scanner`, or `json-parse` (ParsedLines). */
export type LineVia = 'scanner' | 'json-parse';

export class ParsedLines implements LineReader {
  constructor(private readonly scanner: LineScanner = new LineScanner()) {}

  traceLine(buf: Buffer, start: number, end: number): Scanned<LineFields> | null {
    const o = objectOf(buf, start, end);
    return o === undefined ? this.scanner.traceLine(buf, start, end) : { fields: extractLine(o) };
  }

  scenarioLine(buf: Buffer, start: number, end: number): Scanned<ScenarioFields> | null {
    const o = objectOf(buf, start, end);
    return o === undefined ? this.scanner.scenarioLine(buf, start, end) : { fields: extractScenario(o) };
  }
}

export const lineReader = (via: LineVia): LineReader =>
  via === 'json-parse' ? new ParsedLines() : new LineScanner();

/** The line as an object, when JSON.parse makes one of its UTF-8 text; undefined otherwise. */
function objectOf(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return undefined;
  }
  return isObj(v) ? v : undefined;
}
