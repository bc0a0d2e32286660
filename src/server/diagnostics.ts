/**
 * Problems of the input as editor diagnostics, with exact ranges, straight from the index: a 200 MB
 * run file need not be open (or read whole) to be checked; only the offending lines are read.
 */
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { readRange } from '../engine/read/jsonl';
import type { TraceIndex } from '../engine/index/traceIndex';
import { forEachRecord } from '../engine/analyse/join';
import { PROBLEM_CODES, type Problem, type ProblemCode } from '../engine/problems';
import { normaliseLabel } from '../engine/read/verdicts';
import type { AnalysisRun } from '../engine/workspace';
import { stringTokens, valueOf } from './jsonLine';
import type { ScenarioCatalog } from '../engine/analyse/scenarios';
import { expectDefined } from '../shared/expect';

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
  /** Where a line stops being JSON (1-based). */
  column?: number;
}

/** The keys on a line whose value a problem is about (the diagnostic's range covers it). */
const KEYS: Partial<Record<ProblemCode, string[]>> = {
  'unknown-label': ['llm_verdict', 'flip_verdict', 'verdict', 'llm_raw'],
  'duplicate-trace': ['trace_id'],
  'unmatched-graded': ['trace_id', 'scenario_id'],
  'unmatched-xgrader': ['trace_id', 'scenario_id'],
  'second-verdict': ['llm_verdict', 'flip_verdict', 'verdict'],
};

function shown(p: Problem): Pick<Found, 'code' | 'severity' | 'keys'> {
  const keys = KEYS[p.code];
  return {
    code: p.code,
    severity:
      PROBLEM_CODES[p.code].severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    ...(keys ? { keys } : {}),
  };
}

/** Diagnostics per workspace-relative path. */
export function computeDiagnostics(
  root: string,
  index: TraceIndex,
  run: AnalysisRun,
  catalog: ScenarioCatalog,
): Map<string, Diagnostic[]> {
  const found: Found[] = [];
  const files = index.files();
  const stored = index.problems(files);
  for (const p of stored.kept) {
    const problem: Problem = { path: p.path, line: p.line, code: p.code, reason: p.reason };
    found.push({
      ...problem,
      offset: p.offset,
      length: p.length,
      ...shown(problem),
      ...(p.column !== null ? { column: p.column } : {}),
    });
  }
  const omitted = new Map<string, number>();
  for (const o of stored.omitted) omitted.set(o.path, (omitted.get(o.path) ?? 0) + o.count);

  // Problems of the join: locate their lines through the index.
  const wanted = new Map<string, Set<number>>();
  for (const p of run.traceSet.problems) {
    if (p.line === null) found.push({ ...p, offset: null, length: null, ...shown(p) });
    else {
      let s = wanted.get(p.path);
      if (!s) wanted.set(p.path, (s = new Set()));
      s.add(p.line);
    }
  }
  const located = new Map<string, Map<number, [number, number]>>();
  for (const f of files) {
    const lines = wanted.get(f.path);
    if (!lines) continue;
    const m = new Map<number, [number, number]>();
    forEachRecord(index, f, (r) => {
      if (lines.has(r.line)) m.set(r.line, [r.offset, r.length]);
    });
    located.set(f.path, m);
  }
  for (const p of run.traceSet.problems) {
    if (p.line === null) continue;
    const at = located.get(p.path)?.get(p.line);
    found.push({ ...p, offset: at?.[0] ?? null, length: at?.[1] ?? null, ...shown(p) });
  }

  // Scenario files: duplicate ids and lines without one (editor diagnostics only).
  for (const [id, lines] of catalog.duplicates()) {
    const first = expectDefined(lines[0], 'the first line with this id');
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
      list.push(moreNotShown(omitted.get(f.path) ?? 0));
      omitted.delete(f.path);
    }
    if (list.length > MAX_PER_FILE) continue;
    list.push(toDiagnostic(root, f));
  }
  // Files whose problems beyond the index's bound were only counted.
  for (const [p, count] of omitted) {
    let list = out.get(p);
    if (!list) out.set(p, (list = []));
    list.push(moreNotShown(count));
  }
  return out;
}

function moreNotShown(counted: number): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    message:
      counted > 0
        ? `${counted} more problems in this file are counted but not shown (see the analysis page's Problems tab)`
        : `more problems in this file are not shown (see the analysis page's Problems tab)`,
  };
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
    if (f.code === 'invalid-json' && f.column !== undefined && f.column - 1 < text.length)
      start = f.column - 1;
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
