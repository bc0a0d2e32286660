/**
 * A segment: the compact records of one read of a file (a whole read, or what an append added), as
 * the index stores them. Its columns are declared once, below; the row type, the builder, the reader
 * and the stride all follow from that table.
 */

/** `int`: a number; `text`: a string or null, stored inline; `dict`: a string or null, stored once per segment. */
type ColumnType = 'int' | 'text' | 'dict';

export const SEGMENT_COLUMNS = [
  ['line', 'int'],
  ['offset', 'int'],
  ['length', 'int'],
  ['traceId', 'text'],
  ['scenarioId', 'dict'],
  ['model', 'dict'],
  ['attackClass', 'dict'],
  /** A corpus row's technique name (the attack class when `attackClassSource` is `name`). */
  ['altClass', 'dict'],
  ['variant', 'dict'],
  /** The raw parameter-count field, JSON-encoded (number or string). */
  ['params', 'dict'],
  /** The raw verdict label (from a verdict field or `llm_raw`). */
  ['verdict', 'dict'],
  ['grader', 'dict'],
  /** 0: no response field; 1: a response; 2: an error sentinel (FORMATS.md §2, DECISIONS.md 3). */
  ['response', 'int'],
  ['preambleId', 'dict'],
  ['dataset', 'dict'],
] as const satisfies readonly (readonly [string, ColumnType])[];

type Columns = typeof SEGMENT_COLUMNS;
type ValueOf<T extends ColumnType> = T extends 'int' ? number : string | null;

/** One indexed record, by name. */
export type Rec = { [C in Columns[number] as C[0]]: ValueOf<C[1]> };

/** What a reader gives the builder: the position is required, every other field defaults to null (response: 0). */
export type RecFields = Pick<Rec, 'line' | 'offset' | 'length'> & Partial<Rec>;

/** Values per row in `Segment.rows`. */
export const SEGMENT_STRIDE = SEGMENT_COLUMNS.length;

/** Rows flattened, SEGMENT_STRIDE values each (one array to parse instead of one per line); dict columns hold indexes into `dict` (−1 for null). */
export interface Segment {
  dict: string[];
  rows: (number | string | null)[];
  /** Not stored: the join keys of the rows (analyse/joinKeys.ts), when the parse that made it computed them. */
  keys?: Float64Array;
}

export class SegmentBuilder {
  private readonly dict: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly rows: (number | string | null)[] = [];

  get count(): number {
    return this.rows.length / SEGMENT_STRIDE;
  }

  add(f: RecFields): void {
    this.addAt(f.line, f.offset, f.length, f);
  }

  /**
   * add() with the line's position apart from its fields (the parse threads' call: no merged object
   * per line). Written out column by column, in SEGMENT_COLUMNS' order: this is the parse threads'
   * hot path, where a loop over the table read each field by a computed name (5–10% of a parse).
   * A unit test holds it to the table: every column of a row reads back (readRow) as written.
   */
  addAt(line: number, offset: number, length: number, f: Partial<Rec>): void {
    this.rows.push(
      line,
      offset,
      length,
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
    );
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

  segment(): Segment {
    return { dict: this.dict, rows: this.rows };
  }

  json(): string {
    return JSON.stringify(this.segment());
  }
}

/** A fresh record with every field empty. */
export function emptyRec(): Rec {
  const r: Record<string, number | string | null> = {};
  for (const [name, type] of SEGMENT_COLUMNS) r[name] = type === 'int' ? 0 : null;
  return r as Rec;
}

/** Visit a segment's rows in order; `r` is reused between rows: copy what you keep. */
export function forEachRow(seg: Segment, r: Rec, visit: (r: Rec) => void): void {
  for (let row = 0, n = seg.rows.length / SEGMENT_STRIDE; row < n; row++) {
    readRow(seg, row, r);
    visit(r);
  }
}

/**
 * Read row `row` of a segment into `r`. Written out column by column, in SEGMENT_COLUMNS' order, like
 * SegmentBuilder.addAt: every join reads its records through here, and a loop over the table
 * stored each field by a computed name. A unit test holds both to the table.
 */
export function readRow(seg: Segment, row: number, r: Rec): void {
  const d = seg.dict;
  const v = seg.rows;
  const b = row * SEGMENT_STRIDE;
  r.line = v[b] as number;
  r.offset = v[b + 1] as number;
  r.length = v[b + 2] as number;
  r.traceId = v[b + 3] as string | null;
  r.scenarioId = ref(d, v[b + 4]);
  r.model = ref(d, v[b + 5]);
  r.attackClass = ref(d, v[b + 6]);
  r.altClass = ref(d, v[b + 7]);
  r.variant = ref(d, v[b + 8]);
  r.params = ref(d, v[b + 9]);
  r.verdict = ref(d, v[b + 10]);
  r.grader = ref(d, v[b + 11]);
  r.response = v[b + 12] as number;
  r.preambleId = ref(d, v[b + 13]);
  r.dataset = ref(d, v[b + 14]);
}

/** A dict column's value: the string at index `i`, or null for −1. */
const ref = (d: string[], i: number | string | null | undefined): string | null =>
  (i as number) < 0 ? null : (d[i as number] as string);

/** A segment as stored: well-formed or an error (a damaged index is rebuilt, never trusted). */
export function parseSegment(json: string): Segment {
  const seg = JSON.parse(json) as Segment;
  if (!Array.isArray(seg.dict) || !Array.isArray(seg.rows) || seg.rows.length % SEGMENT_STRIDE !== 0)
    throw new Error('segment has the wrong shape');
  return { dict: seg.dict, rows: seg.rows };
}
