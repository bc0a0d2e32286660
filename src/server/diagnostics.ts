/**
 * Problems of the input as editor diagnostics, with exact ranges, straight from the index: a 200 MB
 * run file need not be open (or read whole) to be checked; only the offending lines are read.
 */
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { readRange } from '../engine/read/jsonl';
import type { TraceIndex } from '../engine/index/traceIndex';
import { forEachRecord } from '../engine/analyse/join';
import { normaliseLabel } from '../engine/read/verdicts';
import type { AnalysisRun } from '../engine/workspace';
import { stringTokens, valueOf } from './jsonLine';
import type { ScenarioCatalog } from '../engine/analyse/scenarios';

const SOURCE = 'Failure-First Lens';
const MAX_PER_FILE = 1000;
const MAX_LINE_READ = 1 << 20;

interface Found {
  path: string;
  line: number | null;
  reason: string;
  offset: number | null;
  length: number | null;
  code: string;
  severity: DiagnosticSeverity;
  /** Keys whose value the range should cover, when present on the line. */
  keys?: string[];
  label?: string;
}

function classify(reason: string): { code: string; severity: DiagnosticSeverity; keys?: string[] } {
  if (reason.startsWith('invalid JSON')) return { code: 'invalid-json', severity: DiagnosticSeverity.Error };
  if (reason.startsWith('truncated last line'))
    return { code: 'truncated-line', severity: DiagnosticSeverity.Error };
  if (reason.startsWith('not a JSON object'))
    return { code: 'not-an-object', severity: DiagnosticSeverity.Error };
  if (reason.startsWith('missing model'))
    return { code: 'missing-model', severity: DiagnosticSeverity.Error };
  if (reason.startsWith('unknown verdict label'))
    return {
      code: 'unknown-label',
      severity: DiagnosticSeverity.Warning,
      keys: ['llm_verdict', 'flip_verdict', 'verdict', 'llm_raw'],
    };
  if (reason.startsWith('duplicate trace id'))
    return { code: 'duplicate-trace', severity: DiagnosticSeverity.Warning, keys: ['trace_id'] };
  if (reason.startsWith('graded line matches no trace'))
    return {
      code: 'unmatched-graded',
      severity: DiagnosticSeverity.Error,
      keys: ['trace_id', 'scenario_id'],
    };
  if (reason.startsWith('cross-grader line matches no trace'))
    return {
      code: 'unmatched-xgrader',
      severity: DiagnosticSeverity.Error,
      keys: ['trace_id', 'scenario_id'],
    };
  if (reason.includes('already graded'))
    return {
      code: 'second-verdict',
      severity: DiagnosticSeverity.Warning,
      keys: ['llm_verdict', 'flip_verdict', 'verdict'],
    };
  if (reason.includes('has no verdict')) return { code: 'no-verdict', severity: DiagnosticSeverity.Warning };
  return { code: 'input-problem', severity: DiagnosticSeverity.Warning };
}

/** Diagnostics per workspace-relative path. */
export function computeDiagnostics(
  root: string,
  index: TraceIndex,
  run: AnalysisRun,
  catalog: ScenarioCatalog,
): Map<string, Diagnostic[]> {
  const found: Found[] = [];
  const rows = index.db
    .prepare(
      'SELECT f.path AS path, p.line AS line, p.reason AS reason, p.offset AS offset, p.length AS length FROM problems p JOIN files f ON f.id = p.file_id',
    )
    .all() as {
    path: string;
    line: number | null;
    reason: string;
    offset: number | null;
    length: number | null;
  }[];
  for (const r of rows) found.push({ ...r, ...classify(r.reason) });

  // Problems of the join: locate their lines through the index.
  const wanted = new Map<string, Set<number>>();
  for (const p of run.traceSet.problems) {
    if (p.line === null) found.push({ ...p, offset: null, length: null, ...classify(p.reason) });
    else {
      let s = wanted.get(p.path);
      if (!s) wanted.set(p.path, (s = new Set()));
      s.add(p.line);
    }
  }
  const located = new Map<string, Map<number, [number, number]>>();
  for (const f of index.files()) {
    const lines = wanted.get(f.path);
    if (!lines) continue;
    const m = new Map<number, [number, number]>();
    forEachRecord(index, f.id, (r) => {
      if (lines.has(r.line)) m.set(r.line, [r.offset, r.length]);
    });
    located.set(f.path, m);
  }
  for (const p of run.traceSet.problems) {
    if (p.line === null) continue;
    const at = located.get(p.path)?.get(p.line);
    const label = /^unknown verdict label "(.*)"/.exec(p.reason)?.[1];
    found.push({ ...p, offset: at?.[0] ?? null, length: at?.[1] ?? null, ...classify(p.reason), label });
  }

  // Scenario files: duplicate ids and lines without one (editor diagnostics only).
  for (const [id, lines] of catalog.duplicates()) {
    const first = lines[0] as (typeof lines)[number];
    for (const l of lines.slice(1)) {
      found.push({
        path: l.path,
        line: l.line,
        offset: l.offset,
        length: l.length,
        reason: `duplicate scenario id ${JSON.stringify(id)} (first defined at ${first.path}:${first.line})`,
        code: 'duplicate-scenario',
        severity: DiagnosticSeverity.Warning,
        keys: ['id'],
      });
    }
  }
  for (const l of catalog.lines) {
    if (l.id === null)
      found.push({
        path: l.path,
        line: l.line,
        offset: l.offset,
        length: l.length,
        reason: 'scenario without an id: nothing can refer to it',
        code: 'scenario-without-id',
        severity: DiagnosticSeverity.Warning,
      });
  }

  const out = new Map<string, Diagnostic[]>();
  for (const f of found) {
    let list = out.get(f.path);
    if (!list) out.set(f.path, (list = []));
    if (list.length === MAX_PER_FILE) {
      list.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: SOURCE,
        message: `more problems in this file are not shown (see the analysis page's Problems tab)`,
      });
    }
    if (list.length > MAX_PER_FILE) continue;
    list.push(toDiagnostic(root, f));
  }
  return out;
}

function toDiagnostic(root: string, f: Found): Diagnostic {
  const line = f.line === null ? 0 : f.line - 1;
  let start = 0;
  let end = 0;
  if (f.line !== null && f.offset !== null && f.length !== null) {
    let text = '';
    try {
      text = readRange(path.join(root, f.path), f.offset, Math.min(f.length, MAX_LINE_READ));
    } catch {
      // the file changed since it was indexed: the whole line is the best guess
    }
    end = text.length;
    const pos = /at position (\d+)/.exec(f.reason)?.[1];
    if (f.code === 'invalid-json' && pos !== undefined && Number(pos) < text.length) start = Number(pos);
    else if (f.keys) {
      const tokens = stringTokens(text);
      const label = f.code === 'unknown-label' ? f.label : undefined;
      const match =
        label !== undefined
          ? tokens.find(
              (t) =>
                !t.isKey &&
                t.key !== null &&
                f.keys?.includes(t.key) &&
                (normaliseLabel(t.value) === label || t.value.includes(label)),
            )
          : valueOf(text, f.keys);
      if (match) {
        start = match.start;
        end = match.end;
      }
    }
  }
  return {
    range: { start: { line, character: start }, end: { line, character: end } },
    severity: f.severity,
    source: SOURCE,
    code: f.code,
    message: f.reason,
  };
}
