/**
 * A report's figures checked against the current analysis, as the editor shows them (CLAIMS.md
 * "In the editor"): a warning on every figure that changed or names nothing now, a hover on every
 * recognised figure, the quick fix "Update to the current value", and a CodeLens per claims table
 * or lineage context that opens the analysis page there. Pure: a check in, LSP objects out.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type CodeLens,
  type Diagnostic,
  type Hover,
  type Range,
} from 'vscode-languageserver/node';
import {
  claimMessage,
  currentValueText,
  currentValueWithInterval,
  reportMinus,
  type CheckedClaim,
  type ClaimStatus,
  type ReportCheck,
  type StyleOptions,
} from '../engine/report/claims';
import { mdText } from '../engine/report/markdown';
import { Commands } from '../protocol/commands';

const SOURCE = 'Failure-First Lens';

export const UPDATE_TITLE = 'Update to the current value';

const STATUS_WORDS: Record<ClaimStatus, string> = {
  HOLDS: 'holds',
  CHANGED: 'changed',
  NOT_FOUND: 'not found',
  NOT_CHECKED: 'not checked',
};

/** Where a claim's figure is in the document (claims are 1-based, UTF-16 columns; LSP is 0-based). */
export function claimRange(c: CheckedClaim): Range {
  return {
    start: { line: c.line - 1, character: c.column - 1 },
    end: { line: c.line - 1, character: c.end_column - 1 },
  };
}

/** How the report writes its figures (the minus sign it uses), for every value written back. */
function styleOf(check: ReportCheck): StyleOptions {
  return { minus: reportMinus(check.claims) };
}

const flagged = (c: CheckedClaim): boolean => c.status === 'CHANGED' || c.status === 'NOT_FOUND';

/** A warning on every CHANGED or NOT_FOUND figure, with what is there now. */
export function reportDiagnostics(check: ReportCheck): Diagnostic[] {
  const style = styleOf(check);
  return check.claims.filter(flagged).map((c) => ({
    range: claimRange(c),
    severity: DiagnosticSeverity.Warning,
    source: SOURCE,
    code: c.status === 'CHANGED' ? 'figure-changed' : 'figure-not-found',
    message: `Figure ${claimMessage(c, style)}`,
  }));
}

const inside = (r: Range, line: number, character: number): boolean =>
  r.start.line === line && character >= r.start.character && character <= r.end.character;

const overlaps = (a: Range, b: Range): boolean =>
  !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );

/** The claim at a position: its status, its current value with its interval, and the traces behind it. */
export function reportHover(check: ReportCheck, line: number, character: number): Hover | null {
  const c = check.claims.find((x) => inside(claimRange(x), line, character));
  if (!c) return null;
  const style = styleOf(check);
  const now =
    c.status === 'NOT_FOUND'
      ? 'names nothing in the current analysis'
      : c.status === 'NOT_CHECKED'
        ? 'the member named fits several members'
        : currentValueWithInterval(c, style);
  const lines = [
    `**Failure-First Lens: ${STATUS_WORDS[c.status]}** · ${mdText(c.kind)}`,
    '',
    `Written: ${mdText(c.text)}  `,
    `Now: ${mdText(now)}${c.n === null ? '' : ` · n = ${c.n}`}  `,
    `Figure: ${mdText(c.figure)}`,
  ];
  return { contents: { kind: 'markdown', value: lines.join('\n') }, range: claimRange(c) };
}

/** "Update to the current value" on every changed figure in `range` that has a current value. */
export function reportActions(check: ReportCheck, uri: string, range: Range): CodeAction[] {
  const style = styleOf(check);
  const diagnostics = reportDiagnostics(check);
  const out: CodeAction[] = [];
  for (const c of check.claims) {
    const at = claimRange(c);
    if (c.status !== 'CHANGED' || !overlaps(at, range)) continue;
    const text = currentValueText(c, style);
    if (text === null) continue;
    out.push({
      title: `${UPDATE_TITLE}: ${text}`,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: diagnostics.filter((d) => d.range.start.line === at.start.line && overlaps(d.range, at)),
      edit: { changes: { [uri]: [{ range: at, newText: text }] } },
    });
  }
  return out;
}

/** A lens over each claims table and lineage context, opening the analysis page on it. */
export function reportLenses(check: ReportCheck, folderUri: string | null): CodeLens[] {
  return check.groups.map((g) => ({
    range: { start: { line: g.startLine - 1, character: 0 }, end: { line: g.startLine - 1, character: 0 } },
    command: {
      title: g.summary,
      command: Commands.showOnPage,
      arguments: [g.page, folderUri],
    },
  }));
}
