/**
 * The structure of a Markdown report as CLAIMS.md reads it: tables with the source range of every
 * cell, headings, and code to skip. Two well-kept parsers, each for what it does best: markdown-it
 * finds the blocks of the whole report (headings, fences, HTML blocks, tables) in a few
 * milliseconds; micromark/mdast with the GFM table extension then reads each table alone, giving
 * the position of every cell (micromark over a whole report costs ~30 times more). Where a table
 * starts and ends differs from GFM (CLAIMS.md: also without blank lines around it, and ending at
 * the first line without an unescaped `|`), so blank lines are put there before parsing; positions
 * are mapped back to the report's own lines.
 */
import type { Nodes, Table } from 'mdast';
import { expectDefined } from '../../../shared/expect';

/** The parsers, loaded at the first check (lazy/markdown.ts: a bundle apart, which an analysis never loads). */
let parsers: typeof import('../../lazy/markdown') | null = null;
const markdown = (): typeof import('../../lazy/markdown') =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily; typed by the import type
  (parsers ??= require('../../lazy/markdown') as typeof import('../../lazy/markdown'));

// HTML blocks on, so that an HTML comment is a block to skip rather than prose.
let parser: InstanceType<ReturnType<typeof markdown>['MarkdownIt']> | null = null;
const markdownIt = (): NonNullable<typeof parser> => (parser ??= new (markdown().MarkdownIt)({ html: true }));

/** What a line of the report is, for the lineage contexts of CLAIMS.md §2. */
export type LineRole = 'text' | 'heading' | 'heading-continued' | 'table' | 'code';

/** A cell's content (without the pipes and the white space around it) and where it is. */
export interface SourceCell {
  /** 1-based line of the report. */
  line: number;
  /** 1-based UTF-16 column of the content's first character. */
  column: number;
  /** The content exactly as written (escapes, emphasis and all); "" for an empty cell. */
  raw: string;
}

export interface SourceTable {
  /** 1-based lines of the header row and of the last row. */
  startLine: number;
  endLine: number;
  header: SourceCell[];
  rows: SourceCell[][];
}

export interface ReportText {
  /** The report's lines (without line endings); `lines[i]` is line i + 1. */
  lines: string[];
  roles: LineRole[];
  tables: SourceTable[];
}

const UNESCAPED_PIPE = /(?:^|[^\\])(?:\\\\)*\|/;
const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

export const hasUnescapedPipe = (line: string): boolean => UNESCAPED_PIPE.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

/** Lines of a text, split at \n, \r\n and \r (the editor's line numbering). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Where a blank line makes GFM see the tables CLAIMS.md sees: before a table's header row when the
 * line above is not blank (a table also starts inside a paragraph or after a list item's lazy
 * lines), and at a non-blank line without an unescaped `|` after a table row, where the table
 * ends by CLAIMS.md but GFM would go on. Returns the indices of the lines to put a blank line before.
 */
function tableBreaks(lines: string[]): number[] {
  const breaks: number[] = [];
  let inTable = false;
  for (let i = 0; i < lines.length; i++) {
    const line = expectDefined(lines[i], 'a report line');
    if (isBlank(line)) inTable = false;
    else if (inTable) {
      if (!hasUnescapedPipe(line)) {
        breaks.push(i);
        inTable = false;
      }
    } else if (hasUnescapedPipe(line) && i + 1 < lines.length) {
      const next = expectDefined(lines[i + 1], 'the next report line');
      if (next.includes('|') && DELIMITER_ROW.test(next)) {
        if (i > 0 && !isBlank(expectDefined(lines[i - 1], 'the previous report line'))) breaks.push(i);
        inTable = true;
        i++;
      }
    }
  }
  return breaks;
}

/** Reads a report: its lines, what each line is, and its tables with cell positions. */
export function readReport(text: string): ReportText {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // the editor does not show a BOM
  const lines = splitLines(source);
  // The parsed text: the report with blank lines around its tables; origin[i] is the report's line
  // index of parsed line i (−1 for an inserted blank line).
  const breaks = new Set(tableBreaks(lines));
  const parsedLines: string[] = [];
  const origin: number[] = [];
  lines.forEach((l, i) => {
    if (breaks.has(i)) {
      parsedLines.push('');
      origin.push(-1);
    }
    parsedLines.push(l);
    origin.push(i);
  });
  const roles: LineRole[] = lines.map(() => 'text');
  const tables: SourceTable[] = [];
  // Parsed lines [from, to) (0-based, markdown-it's `map`) get `role`, the first one `first`.
  const mark = (from: number, to: number, role: LineRole, first: LineRole = role): void => {
    for (let p = from; p < to; p++) {
      const o = origin[p];
      if (o !== undefined && o >= 0) roles[o] = p === from ? first : role;
    }
  };
  const blocks = markdownIt();
  const tokens: ReturnType<typeof blocks.parse> = [];
  blocks.block.parse(parsedLines.join('\n'), blocks, {}, tokens);
  for (const t of tokens) {
    if (t.map === null) continue;
    const [from, to] = t.map;
    switch (t.type) {
      case 'fence':
      case 'code_block':
      case 'html_block':
        // Skipped: neither claims nor a change of lineage context (CLAIMS.md §2).
        mark(from, to, 'code');
        break;
      case 'heading_open':
        mark(from, to, 'heading-continued', 'heading');
        break;
      case 'table_open': {
        mark(from, to, 'table');
        const table = tableCells(parsedLines.slice(from, to), (p) => origin[from + p] ?? -1);
        if (table) tables.push(table);
        break;
      }
    }
  }
  return { lines, roles, tables };
}

/**
 * A table's cells with their positions, read by micromark's GFM table extension from the table's
 * own lines. `originOf(i)` is the report's line index of the table's line i. A common indentation
 * (a table in a list item) is set aside for the parse and added back to the columns.
 */
function tableCells(lines: string[], originOf: (i: number) => number): SourceTable | null {
  const indent = lines.reduce<string>(
    (common, l) => {
      const own = /^[ \t]*/.exec(l)?.[0] ?? '';
      let k = 0;
      while (k < common.length && k < own.length && common[k] === own[k]) k++;
      return common.slice(0, k);
    },
    /^[ \t]*/.exec(lines[0] ?? '')?.[0] ?? '',
  );
  const body = lines.map((l) => l.slice(indent.length));
  const text = body.join('\n');
  const lineStart: number[] = [];
  let at = 0;
  for (const l of body) {
    lineStart.push(at);
    at += l.length + 1;
  }
  const { fromMarkdown, gfmTable, gfmTableFromMarkdown } = markdown();
  const tree = fromMarkdown(text, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  const find = (node: Nodes): Table | null => {
    if (node.type === 'table') return node;
    if ('children' in node)
      for (const c of node.children) {
        const t = find(c);
        if (t) return t;
      }
    return null;
  };
  const table = find(tree);
  if (table === null) return null;
  const cellOf = (node: Nodes & { children: Nodes[] }): SourceCell => {
    const start = node.position?.start;
    const first = node.children[0]?.position?.start;
    const last = node.children[node.children.length - 1]?.position?.end;
    const line = (first ?? start)?.line ?? 1;
    const reportLine = originOf(line - 1) + 1;
    if (first?.offset === undefined || last?.offset === undefined)
      return { line: reportLine, column: (start?.column ?? 1) + indent.length, raw: '' };
    const column = first.offset - (lineStart[line - 1] ?? 0) + 1 + indent.length;
    return { line: reportLine, column, raw: text.slice(first.offset, last.offset) };
  };
  const [head, ...rows] = table.children;
  return {
    startLine: originOf((table.position?.start.line ?? 1) - 1) + 1,
    endLine: originOf((table.position?.end.line ?? 1) - 1) + 1,
    header: head ? head.children.map(cellOf) : [],
    rows: rows.map((r) => r.children.map(cellOf)),
  };
}
