/**
 * From indexed lines to traces: the join of graded lines to trace lines, duplicates, second
 * opinions, variants (FORMATS.md §2–3, §6; DECISIONS.md 4–11).
 */
import { compareCodePoints } from './discover';
import { canonicalModelKey } from './models';
import type { FileKind } from './settings';
import type { TraceIndex } from './traceIndex';
import { classifyVerdict, type Verdict } from './verdicts';

export interface SourceFile {
  /** Position in (path, line) order: JSONL files by path, then databases by path. */
  idx: number;
  id: number;
  path: string;
  kind: FileKind;
  dataset: string;
  records: number;
}

export type Category = 'ungraded' | 'error' | 'benign' | 'unknown' | 'evaluable';
export type Variant = 'A' | 'B';

export interface GivenVerdict extends Verdict {
  grader: string;
  file: number;
  line: number;
}

export interface Trace {
  id: string;
  /** Where the trace's own line is: a trace line, a graded line that stands alone, or a corpus row (line = results.id). */
  file: number;
  line: number;
  offset: number;
  length: number;
  dataset: string;
  model: string;
  key: string;
  /** Attack class from the fields, before the dataset fallback; the corpus's family and technique name. */
  attackClassField: string | null;
  techniqueName: string | null;
  scenarioId: string | null;
  variantField: string | null;
  variant: Variant | null;
  baseId: string | null;
  params: string | null;
  preambleId: string | null;
  /** 0: no response; 1: a response; 2: an error sentinel. */
  response: number;
  verdict: GivenVerdict | null;
  opinions: GivenVerdict[];
  category: Category;
}

export interface Problem {
  path: string;
  line: number | null;
  reason: string;
}

export interface TraceSet {
  files: SourceFile[];
  traces: Trace[];
  problems: Problem[];
}

const JSONL_KINDS = new Set<FileKind>(['traces', 'graded', 'xgrader']);

type RecTuple = [
  line: number,
  offset: number,
  length: number,
  traceId: string | null,
  scenarioId: string | null,
  model: string | null,
  attackClass: string | null,
  altClass: string | null,
  variant: string | null,
  params: string | null,
  verdict: string | null,
  grader: string | null,
  response: number,
  preambleId: string | null,
  dataset: string | null,
];

/** The run files and databases of the index in (path, line) order. */
export function sourceFiles(index: TraceIndex): SourceFile[] {
  const rows = index.files().filter((f) => JSONL_KINDS.has(f.kind) || f.kind === 'database');
  const rank = (k: FileKind): number => (k === 'database' ? 1 : 0);
  rows.sort((a, b) => rank(a.kind) - rank(b.kind) || compareCodePoints(a.path, b.path));
  return rows.map((f, idx) => ({ idx, id: f.id, path: f.path, kind: f.kind, dataset: f.dataset, records: f.records }));
}

const DILUTION_SUFFIX = /^(.*)__dilution(?:_[A-Za-z0-9]+)?$/;

function variantOfField(v: string | null): Variant | null {
  if (v === null) return null;
  switch (v.trim().toLowerCase()) {
    case 'baseline':
    case 'a':
      return 'A';
    case 'dilution':
    case 'diluted':
    case 'b':
      return 'B';
    default:
      return null;
  }
}

const keyCache = new Map<string, string>();
export function modelKey(name: string): string {
  let k = keyCache.get(name);
  if (k === undefined) {
    k = canonicalModelKey(name);
    keyCache.set(name, k);
  }
  return k;
}

export function buildTraces(index: TraceIndex): TraceSet {
  const files = sourceFiles(index);
  const problems: Problem[] = [];
  const traces: Trace[] = [];
  const byId = new Map<string, Trace>();
  // Trace lines that became traces, per (dataset, model key, scenario), in (path, line) order.
  const occurrences = new Map<string, Trace[]>();
  const lineVerdicts = new Map<Trace, GivenVerdict>();
  const stmt = index.db
    .prepare(
      `SELECT line, offset, length, trace_id, scenario_id, model, attack_class, alt_class, variant, params,
              verdict, grader, response, preamble_id, dataset FROM recs WHERE file_id = ? ORDER BY line`,
    )
    .raw(true);
  const recsOf = (f: SourceFile): RecTuple[] => stmt.all(f.id) as RecTuple[];
  const locate = (f: SourceFile, line: number): string => `${f.path}:${line}`;

  const newTrace = (f: SourceFile, r: RecTuple, id: string, dataset: string): Trace => {
    const model = r[5] as string;
    return {
      id,
      file: f.idx,
      line: r[0],
      offset: r[1],
      length: r[2],
      dataset,
      model,
      key: modelKey(model),
      attackClassField: r[6],
      techniqueName: r[7],
      scenarioId: r[4],
      variantField: r[8],
      variant: null,
      baseId: null,
      params: r[9],
      preambleId: r[13],
      response: r[12],
      verdict: null,
      opinions: [],
      category: 'ungraded',
    };
  };
  const given = (f: SourceFile, r: RecTuple): GivenVerdict | null => {
    if (r[10] === null) return null;
    return { ...classifyVerdict(r[10]), grader: r[11] ?? 'unknown', file: f.idx, line: r[0] };
  };
  const occKey = (dataset: string, key: string, scenario: string): string => `${dataset}\u0000${key}\u0000${scenario}`;

  // 1. Trace lines.
  for (const f of files) {
    if (f.kind !== 'traces') continue;
    for (const r of recsOf(f)) {
      if (r[5] === null) {
        problems.push({ path: f.path, line: r[0], reason: 'missing model: no model_id or model' });
        continue;
      }
      const id = r[3] ?? `${f.path}:${r[0]}`;
      const first = byId.get(id);
      if (first) {
        problems.push({
          path: f.path,
          line: r[0],
          reason: `duplicate trace id ${JSON.stringify(id)} (first at ${locate(files[first.file] as SourceFile, first.line)}); not counted again`,
        });
        continue;
      }
      const t = newTrace(f, r, id, f.dataset);
      traces.push(t);
      byId.set(id, t);
      if (t.scenarioId !== null) {
        const k = occKey(t.dataset, t.key, t.scenarioId);
        const list = occurrences.get(k);
        if (list) list.push(t);
        else occurrences.set(k, [t]);
      }
      const v = given(f, r);
      if (v) lineVerdicts.set(t, v);
    }
  }

  // 2. Graded and cross-grader lines attach to traces.
  const findTarget = (f: SourceFile, r: RecTuple, counters: Map<string, number>): Trace | undefined => {
    if (r[3] !== null) return byId.get(r[3]);
    if (r[5] === null || r[4] === null) return undefined;
    const k = occKey(f.dataset, modelKey(r[5]), r[4]);
    const nth = (counters.get(k) ?? 0) + 1;
    counters.set(k, nth);
    return occurrences.get(k)?.[nth - 1];
  };
  const addOpinion = (t: Trace, v: GivenVerdict, f: SourceFile, line: number): void => {
    const dup = t.opinions.find((o) => o.grader === v.grader);
    if (dup) {
      problems.push({
        path: f.path,
        line,
        reason: `second verdict by grader ${JSON.stringify(v.grader)} for trace ${JSON.stringify(t.id)} (first at ${locate(files[dup.file] as SourceFile, dup.line)}); ignored`,
      });
    } else t.opinions.push(v);
  };
  for (const f of files) {
    if (f.kind !== 'graded') continue;
    const counters = new Map<string, number>();
    for (const r of recsOf(f)) {
      const v = given(f, r);
      let target = findTarget(f, r, counters);
      if (!target) {
        if (r[5] === null) {
          problems.push({ path: f.path, line: r[0], reason: 'graded line matches no trace (and names no model to stand alone)' });
          continue;
        }
        // A graded line is the trace object with grader fields: alone, it is the trace.
        target = newTrace(f, r, r[3] ?? `${f.path}:${r[0]}`, f.dataset);
        traces.push(target);
        byId.set(target.id, target);
      }
      if (!v) {
        problems.push({ path: f.path, line: r[0], reason: 'graded line has no verdict (llm_verdict, flip_verdict, verdict or llm_raw)' });
        continue;
      }
      if (!target.verdict) target.verdict = v;
      else if (target.verdict.grader === v.grader) {
        problems.push({
          path: f.path,
          line: r[0],
          reason: `trace ${JSON.stringify(target.id)} already graded by ${JSON.stringify(v.grader)} at ${locate(files[target.verdict.file] as SourceFile, target.verdict.line)}; this verdict is ignored`,
        });
      } else addOpinion(target, v, f, r[0]);
    }
  }
  for (const f of files) {
    if (f.kind !== 'xgrader') continue;
    const counters = new Map<string, number>();
    for (const r of recsOf(f)) {
      const target = findTarget(f, r, counters);
      if (!target) {
        problems.push({ path: f.path, line: r[0], reason: 'cross-grader line matches no trace' });
        continue;
      }
      const v = given(f, r);
      if (!v) {
        problems.push({ path: f.path, line: r[0], reason: 'cross-grader line has no verdict' });
        continue;
      }
      addOpinion(target, v, f, r[0]);
    }
  }

  // 3. Corpus rows: each a trace with the LLM grader's verdict (heuristic verdicts never enter).
  for (const f of files) {
    if (f.kind !== 'database') continue;
    for (const r of recsOf(f)) {
      if (r[5] === null) {
        problems.push({ path: f.path, line: null, reason: `result ${r[0]} has no model name` });
        continue;
      }
      const t = newTrace(f, r, r[3] ?? `db:${r[0]}`, r[14] ?? f.dataset);
      t.verdict = given(f, r);
      traces.push(t);
    }
  }

  // 4. A verdict on the trace line itself counts when no graded line gave one.
  for (const [t, v] of lineVerdicts) if (!t.verdict) t.verdict = v;

  traces.sort((a, b) => a.file - b.file || a.line - b.line);
  assignVariants(traces);
  for (const t of traces) {
    t.category = categorise(t);
    for (const v of t.verdict ? [t.verdict, ...t.opinions] : t.opinions) {
      if (v.cls === 'unknown') {
        const f = files[v.file] as SourceFile;
        problems.push({ path: f.path, line: f.kind === 'database' ? null : v.line, reason: `unknown verdict label ${JSON.stringify(v.label)}` });
      }
    }
  }
  return { files, traces, problems };
}

function categorise(t: Trace): Category {
  if (!t.verdict) return 'ungraded';
  if (t.verdict.cls === 'error' || t.response === 2) return 'error';
  if (t.verdict.cls === 'benign') return 'benign';
  if (t.verdict.cls === 'unknown') return 'unknown';
  return 'evaluable';
}

/** The four rules of FORMATS.md §6, first that applies wins. */
function assignVariants(traces: Trace[]): void {
  const hasDiluted = new Set<string>();
  for (const t of traces) {
    const m = t.scenarioId === null ? null : DILUTION_SUFFIX.exec(t.scenarioId);
    if (m) hasDiluted.add(`${t.key}\u0000${m[1]}`);
  }
  for (const t of traces) {
    const fromField = variantOfField(t.variantField);
    if (fromField) {
      t.variant = fromField;
      t.baseId = t.scenarioId;
      continue;
    }
    if (t.scenarioId === null) continue;
    const m = DILUTION_SUFFIX.exec(t.scenarioId);
    if (m) {
      t.variant = 'B';
      t.baseId = m[1] as string;
    } else if (hasDiluted.has(`${t.key}\u0000${t.scenarioId}`)) {
      t.variant = 'A';
      t.baseId = t.scenarioId;
    }
  }
}
