/**
 * The structure of a Markdown report as CLAIMS.md reads it: tables with the source range of every
 * cell, headings, and code to skip. Markdown is parsed by micromark/mdast with the GFM table
 * extension. Where a table starts and ends differs from GFM (CLAIMS.md: also without blank lines
 * around it, and ending at the first line without an unescaped `|`), so blank lines are put there
 * before parsing; positions are mapped back to the report's own lines.
 */
import type { Nodes, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';

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

const CONTAINERS = new Set(['root', 'list', 'listItem', 'blockquote', 'footnoteDefinition']);
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
    const line = lines[i] as string;
    if (isBlank(line)) inTable = false;
    else if (inTable) {
      if (!hasUnescapedPipe(line)) {
        breaks.push(i);
        inTable = false;
      }
    } else if (hasUnescapedPipe(line) && i + 1 < lines.length) {
      const next = lines[i + 1] as string;
      if (next.includes('|') && DELIMITER_ROW.test(next)) {
        if (i > 0 && !isBlank(lines[i - 1] as string)) breaks.push(i);
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
  const parsed = parsedLines.join('\n');
  const lineStart: number[] = [];
  let at = 0;
  for (const l of parsedLines) {
    lineStart.push(at);
    at += l.length + 1;
  }

  const roles: LineRole[] = lines.map(() => 'text');
  const tables: SourceTable[] = [];
  const tree = fromMarkdown(parsed, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });

  const mark = (from: number, to: number, role: LineRole, next: LineRole = role): void => {
    for (let p = from; p <= to; p++) {
      const o = origin[p - 1];
      if (o !== undefined && o >= 0) roles[o] = p === from ? role : next;
    }
  };
  const cellOf = (node: Nodes & { children: Nodes[] }): SourceCell => {
    const start = node.position?.start;
    const first = node.children[0]?.position?.start;
    const last = node.children[node.children.length - 1]?.position?.end;
    const line = (first ?? start)?.line ?? 1;
    const o = origin[line - 1] ?? 0;
    if (first === undefined || last === undefined || first.offset === undefined || last.offset === undefined)
      return { line: o + 1, column: start?.column ?? 1, raw: '' };
    const raw = parsed.slice(first.offset, last.offset);
    return { line: o + 1, column: first.offset - (lineStart[line - 1] ?? 0) + 1, raw };
  };
  const tableOf = (t: Table): SourceTable => {
    const [head, ...body] = t.children;
    const p = t.position;
    return {
      startLine: (origin[(p?.start.line ?? 1) - 1] ?? 0) + 1,
      endLine: (origin[(p?.end.line ?? 1) - 1] ?? 0) + 1,
      header: head ? head.children.map(cellOf) : [],
      rows: body.map((r) => r.children.map(cellOf)),
    };
  };
  const visit = (node: Nodes): void => {
    const p = node.position;
    switch (node.type) {
      case 'code':
      case 'html':
        // Skipped: neither claims nor a change of lineage context (CLAIMS.md §2).
        if (p) mark(p.start.line, p.end.line, 'code');
        return;
      case 'heading':
        if (p) mark(p.start.line, p.end.line, 'heading', 'heading-continued');
        return;
      case 'table':
        if (p) mark(p.start.line, p.end.line, 'table');
        tables.push(tableOf(node));
        return;
    }
    // Containers hold blocks; a paragraph's inline HTML or code is part of its line, not skipped.
    if (CONTAINERS.has(node.type) && 'children' in node) for (const c of node.children) visit(c);
  };
  visit(tree);
  return { lines, roles, tables };
}
