/**
 * Problems of the input: every unusable line, file, folder or row, with a stable code given where it
 * is found. The code is what tools act on (the editor's diagnostics, counts per reason); the reason
 * is for people and may be reworded freely.
 */

/** Each code, what it means, and how the editor shows it. The README's table is this one. */
export const PROBLEM_CODES = {
  // Lines of a JSONL file
  'invalid-json': { severity: 'error', about: 'a line that is not valid JSON (the column says where)' },
  'not-an-object': { severity: 'error', about: 'a line that is valid JSON but not an object' },
  'truncated-line': {
    severity: 'error',
    about: 'the last line has no newline and is not valid JSON (still being written?)',
  },
  'line-too-long': {
    severity: 'error',
    about: 'a line longer than the bound (64 MiB); skipped without being held in memory',
  },
  // Files and folders
  'unreadable-file': {
    severity: 'error',
    about: 'a file that could not be opened or read (permissions, I/O error)',
  },
  'unreadable-folder': { severity: 'error', about: 'a folder whose entries could not be listed' },
  'not-a-regular-file': {
    severity: 'error',
    about: 'a FIFO, device or socket where a file is expected; never opened',
  },
  'link-outside-workspace': {
    severity: 'warning',
    about: 'a symbolic link to something outside the folder; not followed',
  },
  'dangling-link': { severity: 'warning', about: 'a symbolic link to nothing' },
  'name-not-utf8': { severity: 'warning', about: 'a file or folder name that is not valid UTF-8; not read' },
  'path-too-long': { severity: 'warning', about: 'a path too long to open' },
  'file-changed': {
    severity: 'warning',
    about: 'a file replaced while it was being read; read again next time',
  },
  // Joining lines into traces
  'missing-model': { severity: 'error', about: 'a trace line (or corpus row) without a model' },
  'duplicate-trace': { severity: 'warning', about: 'a trace id seen on an earlier line; not counted again' },
  'unmatched-graded': { severity: 'error', about: 'a graded line that matches no trace and names no model' },
  'unmatched-xgrader': { severity: 'error', about: 'a cross-grader line that matches no trace' },
  'second-verdict': {
    severity: 'warning',
    about: 'a second verdict by a grader that already graded the trace; ignored',
  },
  'no-verdict': { severity: 'warning', about: 'a graded or cross-grader line without a verdict' },
  'unknown-label': { severity: 'warning', about: 'a verdict label outside FORMATS.md §3' },
  // The corpus database
  'corpus-unreadable': {
    severity: 'error',
    about: 'the database could not be read (locked, corrupt, not SQLite)',
  },
  'corpus-missing-table': {
    severity: 'error',
    about: 'a required table or column is missing: no rows are read',
  },
  'corpus-missing-optional': {
    severity: 'warning',
    about: 'an optional table or column is missing: the figures it gives are absent',
  },
  'corpus-not-a-table': {
    severity: 'error',
    about: 'a table the corpus needs is a view or virtual table; only base tables are read',
  },
  'corpus-orphan-row': {
    severity: 'warning',
    about: 'a result whose evaluation run or model is missing; not used',
  },
  'corpus-bad-value': {
    severity: 'warning',
    about: 'a value of an unexpected SQL type (a BLOB verdict); treated as absent',
  },
  'corpus-wal-unread': {
    severity: 'warning',
    about: 'a write-ahead log that no writer holds; its last transactions are not read',
  },
  // The lineage map
  'lineage-map-invalid': {
    severity: 'error',
    about: 'the lineage map is not valid JSON or has the wrong shape: the built-in map is used',
  },
  'lineage-regex-invalid': {
    severity: 'error',
    about: 'a member pattern that does not compile on the linear-time engine; it matches nothing',
  },
} as const satisfies Record<string, { severity: 'error' | 'warning'; about: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface Problem {
  /** Workspace-relative, `/`-separated (a `--lineages` file outside the folder: absolute). */
  path: string;
  /** 1-based line, or null for a problem of the whole file (or of a corpus row: see `row`). */
  line: number | null;
  code: ProblemCode;
  reason: string;
  /** 1-based column (UTF-16 units) where a line stops being valid JSON. */
  column?: number;
  /** The verdict label (normalised: trimmed, upper-case) of an `unknown-label`. */
  label?: string;
  /** The trace id a join problem is about. */
  traceId?: string;
  /** A corpus row's `results.id`. */
  row?: number;
}

/** At most this many problems of one file are kept in full; the rest are counted per code. */
export const MAX_PROBLEMS_PER_FILE = 1000;

/** Problems beyond the per-file bound, counted. */
export interface OmittedProblems {
  path: string;
  code: ProblemCode;
  count: number;
}

/**
 * Keeps the first `limit` problems in full and counts the rest per code: memory stays bounded
 * whatever the input (four million junk lines are 1,000 problems and one count).
 */
export class ProblemBudget<P> {
  readonly kept: P[] = [];
  readonly omitted = new Map<ProblemCode, number>();

  constructor(private readonly limit: number) {}

  add(code: ProblemCode, p: P): void {
    if (this.kept.length < this.limit) this.kept.push(p);
    else this.omitted.set(code, (this.omitted.get(code) ?? 0) + 1);
  }

  /** Whether the next problem would be kept in full. */
  get hasRoom(): boolean {
    return this.kept.length < this.limit;
  }

  get total(): number {
    let n = this.kept.length;
    for (const c of this.omitted.values()) n += c;
    return n;
  }
}

/**
 * A short, safe quote of the text at a parse position: a few characters, escaped. A problem message
 * never carries more of a file than this (the file may be a secret someone linked in).
 */
export function quoteAt(text: string, index: number, max = 8): string {
  const s = text.slice(Math.max(0, index), Math.max(0, index) + max);
  return JSON.stringify(s);
}

/** A field value (an id, a label) quoted in a message: at most 80 characters of it. */
export function shortQuote(value: string): string {
  return value.length <= 80 ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, 80))}…`;
}
