/**
 * From indexed lines to traces: the join of graded lines to trace lines, duplicates, second
 * opinions, variants (FORMATS.md §2–3, §6; DECISIONS.md 4–11).
 */
import { compareCodePoints } from '../read/discover';
import { baseOf, DILUTION_SUFFIX, modelKey } from './joinKeys';
import { emptyRec, forEachRow, type Rec } from '../index/segment';
import { shortQuote, type Problem, type ProblemCode } from '../problems';
import type { FileKind } from '../settings';
import type { FileRow, TraceIndex } from '../index/traceIndex';
import { classifyVerdict, type VerdictClass } from '../read/verdicts';
import { expectDefined } from '../../shared/expect';

/** A file as the join sees it. */
export interface JoinFile {
  /** Position in (path, line) order: JSONL files by path, then databases by path. */
  idx: number;
  path: string;
  kind: FileKind;
  dataset: string;
}

/** A run file or database of the index. */
export interface SourceFile extends JoinFile {
  id: number;
  records: number;
  row: FileRow;
}

export type Category = 'ungraded' | 'error' | 'benign' | 'unknown' | 'evaluable';
export type Variant = 'A' | 'B';

export interface GivenVerdict {
  label: string;
  cls: VerdictClass;
  grader: string;
  /** Where the verdict was read (a graded, cross-grader or trace line, or a corpus row). */
  file: number;
  line: number;
  offset: number;
  length: number;
}

export interface Trace {
  id: string;
  /** The trace's own line: a trace line, a graded line that stands alone, or a corpus row (line = results.id). */
  file: number;
  line: number;
  offset: number;
  length: number;
  /** null only for corpus rows without a source dataset. */
  dataset: string | null;
  model: string;
  key: string;
  /** Attack class from the fields, before the dataset fallback; for corpus rows, the technique family. */
  attackClassField: string | null;
  techniqueName: string | null;
  /** The attack class the trace counts under (ANALYSIS.md §2; a corpus row's by `attackClassSource`). */
  attackClass: string;
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

export type { Problem } from '../problems';
export type { Rec } from '../index/segment';

/** What the join makes of some files' records (all of them, or one component's: components.ts). */
export interface Joined {
  /** In trace order. */
  traces: Trace[];
  problems: Problem[];
  /**
   * Per grader, the traces it gave a verdict on a graded, cross-grader or trace line, before a grader
   * is chosen: the traces an analysis under that grader counts as graded (ANALYSIS.md §11). Sums over
   * components, like every total.
   */
  graderVerdicts: Map<string, number>;
}

export interface TraceSet extends Joined {
  files: SourceFile[];
  /** Every grader with a verdict on some trace, sorted (a chosen grader that is not here grades nothing). */
  graders: string[];
}

/** Visit a file's indexed records in line order (the record is reused between rows: copy what you keep). */
export function forEachRecord(index: TraceIndex, file: FileRow, visit: (r: Rec) => void): void {
  const r = emptyRec();
  for (const seg of index.segments(file)) forEachRow(seg, r, visit);
}

const JSONL_KINDS = new Set<FileKind>(['traces', 'graded', 'xgrader']);

/** The run files and databases of the index in (path, line) order. */
export function sourceFiles(index: TraceIndex): SourceFile[] {
  const rows = index.files().filter((f) => JSONL_KINDS.has(f.kind) || f.kind === 'database');
  const rank = (k: FileKind): number => (k === 'database' ? 1 : 0);
  rows.sort((a, b) => rank(a.kind) - rank(b.kind) || compareCodePoints(a.path, b.path));
  return rows.map((f, idx) => ({
    idx,
    id: f.id,
    path: f.path,
    kind: f.kind,
    dataset: f.dataset,
    records: f.records,
    row: f,
  }));
}

export { DILUTION_SUFFIX, modelKey };

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

/** Shared by every trace without a second opinion (most of them): one array instead of one each. */
const NO_OPINIONS: GivenVerdict[] = Object.freeze([]) as unknown as GivenVerdict[];

/** What the join depends on besides the records: the grader whose verdicts count, where a corpus row's attack class comes from. */
export interface JoinOptions {
  grader: string | null;
  attackClassSource: 'family' | 'name';
}

/**
 * The attack class a trace counts under (ANALYSIS.md §2): its field, a corpus row's technique family or
 * name by `attackClassSource`, else the dataset, else `unknown`.
 */
export function attackClassOf(f: JoinFile, r: Rec, dataset: string | null, options: JoinOptions): string {
  const field = f.kind === 'database' && options.attackClassSource === 'name' ? r.altClass : r.attackClass;
  return field ?? (dataset !== null && dataset !== '' ? dataset : 'unknown');
}

function newTrace(f: JoinFile, r: Rec, id: string, dataset: string | null, options: JoinOptions): Trace {
  const model = r.model as string;
  return {
    id,
    file: f.idx,
    line: r.line,
    offset: r.offset,
    length: r.length,
    dataset,
    model,
    key: modelKey(model),
    attackClassField: r.attackClass,
    techniqueName: r.altClass,
    attackClass: attackClassOf(f, r, dataset, options),
    scenarioId: r.scenarioId,
    variantField: r.variant,
    variant: null,
    baseId: null,
    params: r.params,
    preambleId: r.preambleId,
    response: r.response,
    verdict: null,
    opinions: NO_OPINIONS,
    category: 'ungraded',
  };
}

function given(f: JoinFile, r: Rec): GivenVerdict | null {
  if (r.verdict === null) return null;
  const v = classifyVerdict(r.verdict);
  return {
    label: v.label,
    cls: v.cls,
    grader: r.grader ?? 'unknown',
    file: f.idx,
    line: r.line,
    offset: r.offset,
    length: r.length,
  };
}

/**
 * Traces from the index: trace lines, corpus rows, then graded and cross-grader lines attached to
 * them. `grader` (ANALYSIS.md §11) chooses whose verdicts count; null keeps each trace's primary.
 */
export function buildTraces(index: TraceIndex, options: JoinOptions): TraceSet {
  const files = sourceFiles(index);
  const joined = joinRecords(
    files,
    (f, visit) => forEachRecord(index, (f as SourceFile).row, visit),
    options,
  );
  return { files, ...joined, graders: [...joined.graderVerdicts.keys()].sort(compareCodePoints) };
}

/**
 * The join of the records of `files` (in (path, line) order, `idx` their position in it), each file's
 * records visited in line order by `records`. Pure: the same records in the same order always give the
 * same traces and problems, whichever other records exist, as long as none of them shares a trace id,
 * an occurrence key or a variant key with these (components.ts).
 */
export function joinRecords(
  files: readonly JoinFile[],
  records: (f: JoinFile, visit: (r: Rec) => void) => void,
  options: JoinOptions,
): Joined {
  const grader = options.grader;
  const problems: Problem[] = [];
  const traces: Trace[] = [];
  const byId = new Map<string, Trace>();
  const traceLineCount = { n: 0 };
  const lineVerdicts: [Trace, GivenVerdict][] = [];
  const byIdx = new Map(files.map((f) => [f.idx, f]));
  const at = (file: number, line: number): string => `${(byIdx.get(file) as JoinFile).path}:${line}`;
  const occKey = (dataset: string, key: string, scenario: string): string =>
    `${dataset}\u0000${key}\u0000${scenario}`;
  const problem = (
    f: JoinFile,
    line: number | null,
    code: ProblemCode,
    reason: string,
    extra?: Partial<Problem>,
  ): void => {
    problems.push({ path: f.path, line, code, reason, ...extra });
  };

  // 1. Trace lines.
  for (const f of files) {
    if (f.kind !== 'traces') continue;
    records(f, (r) => {
      if (r.model === null) return problem(f, r.line, 'missing-model', 'missing model: no model_id or model');
      const id = r.traceId ?? `${f.path}:${r.line}`;
      const first = byId.get(id);
      if (first)
        return problem(
          f,
          r.line,
          'duplicate-trace',
          `duplicate trace id ${shortQuote(id)} (first at ${at(first.file, first.line)}); not counted again`,
          { traceId: id },
        );
      const t = newTrace(f, r, id, f.dataset, options);
      traces.push(t);
      byId.set(id, t);
      traceLineCount.n++;
      const v = given(f, r);
      if (v) lineVerdicts.push([t, v]);
    });
  }

  // 2. Corpus rows: each a trace with the LLM grader's verdict (heuristic verdicts never enter),
  // which counts like a trace line's own verdict: when no graded line attaches one.
  for (const f of files) {
    if (f.kind !== 'database') continue;
    records(f, (r) => {
      if (r.model === null)
        return problem(f, null, 'missing-model', `result ${r.line} has no model name`, { row: r.line });
      const t = newTrace(f, r, r.traceId ?? `db:${r.line}`, r.dataset, options);
      traces.push(t);
      byId.set(t.id, t);
      const v = given(f, r);
      if (v) lineVerdicts.push([t, v]);
    });
  }

  // 3. Graded and cross-grader lines attach to traces.
  // Trace lines that became traces, per (dataset, model key, scenario), in (path, line) order;
  // built the first time a graded line without a trace id needs it.
  let occurrences: Map<string, Trace[]> | null = null;
  const occurrencesOf = (): Map<string, Trace[]> => {
    if (occurrences) return occurrences;
    occurrences = new Map();
    for (let i = 0; i < traceLineCount.n; i++) {
      const t = expectDefined(traces[i], 'a trace line');
      if (t.scenarioId === null || t.dataset === null) continue;
      const k = occKey(t.dataset, t.key, t.scenarioId);
      const list = occurrences.get(k);
      if (list) list.push(t);
      else occurrences.set(k, [t]);
    }
    return occurrences;
  };
  const findTarget = (f: JoinFile, r: Rec, counters: Map<string, number>): Trace | undefined => {
    if (r.traceId !== null) return byId.get(r.traceId);
    if (r.model === null || r.scenarioId === null) return undefined;
    const k = occKey(f.dataset, modelKey(r.model), r.scenarioId);
    const nth = (counters.get(k) ?? 0) + 1;
    counters.set(k, nth);
    return occurrencesOf().get(k)?.[nth - 1];
  };
  /** A second verdict: ignored (with a problem) when its grader already gave one. */
  const addOpinion = (t: Trace, v: GivenVerdict, f: JoinFile): void => {
    const earlier =
      t.verdict?.grader === v.grader ? t.verdict : t.opinions.find((o) => o.grader === v.grader);
    if (earlier) {
      problem(
        f,
        v.line,
        'second-verdict',
        `trace ${shortQuote(t.id)} already graded by ${shortQuote(v.grader)} at ${at(earlier.file, earlier.line)}; this verdict is ignored`,
        { traceId: t.id },
      );
    } else t.opinions = [...t.opinions, v];
  };
  for (const f of files) {
    if (f.kind !== 'graded') continue;
    const counters = new Map<string, number>();
    records(f, (r) => {
      const v = given(f, r);
      let target = findTarget(f, r, counters);
      if (!target) {
        if (r.model === null)
          return problem(
            f,
            r.line,
            'unmatched-graded',
            'graded line matches no trace (and names no model to stand alone)',
            r.traceId === null ? {} : { traceId: r.traceId },
          );
        // A graded line is the trace object with grader fields: alone, it is the trace.
        target = newTrace(f, r, r.traceId ?? `${f.path}:${r.line}`, f.dataset, options);
        traces.push(target);
        byId.set(target.id, target);
      }
      if (!v)
        return problem(
          f,
          r.line,
          'no-verdict',
          'graded line has no verdict (llm_verdict, flip_verdict, verdict or llm_raw)',
          { traceId: target.id },
        );
      if (!target.verdict) target.verdict = v;
      else addOpinion(target, v, f);
    });
  }
  // A verdict on the trace line itself counts when no graded line gave one; cross-graders come after,
  // so a second opinion by the grader of the trace line is recognised as a repeat.
  for (const [t, v] of lineVerdicts) if (!t.verdict) t.verdict = v;

  for (const f of files) {
    if (f.kind !== 'xgrader') continue;
    const counters = new Map<string, number>();
    records(f, (r) => {
      const target = findTarget(f, r, counters);
      if (!target)
        return problem(
          f,
          r.line,
          'unmatched-xgrader',
          'cross-grader line matches no trace',
          r.traceId === null ? {} : { traceId: r.traceId },
        );
      const v = given(f, r);
      if (!v)
        return problem(f, r.line, 'no-verdict', 'cross-grader line has no verdict', { traceId: target.id });
      addOpinion(target, v, f);
    });
  }

  const inOrder = (a: Trace, b: Trace): number => a.file - b.file || a.line - b.line;
  if (!traces.every((t, i) => i === 0 || inOrder(expectDefined(traces[i - 1], 'the trace before'), t) < 0))
    traces.sort(inOrder);
  assignVariants(traces);
  // Problems are those of the join without a chosen grader (§11), so two graders list the same ones.
  for (const t of traces) {
    if (t.verdict?.cls === 'unknown') unknownLabel(byIdx, t.verdict, problems);
    for (const o of t.opinions) if (o.cls === 'unknown') unknownLabel(byIdx, o, problems);
  }
  const graderVerdicts = gradersOf(traces, lineVerdicts);
  if (grader !== null) chooseGrader(traces, lineVerdicts, grader);
  for (const t of traces) t.category = categorise(t);
  return { traces, problems, graderVerdicts };
}

/** Each grader with the traces it gave a verdict, in the code-point order of the names (the page's grader list). */
export function tracesPerGrader(set: TraceSet): [string, number][] {
  return set.graders.map((g) => [g, set.graderVerdicts.get(g) ?? 0]);
}

/** A chosen grader that gave no trace a verdict: what to tell the researcher (the CLI's warning, the editor's). */
export function graderNotFound(grader: string, graders: string[]): string {
  const known = graders.map((g) => JSON.stringify(g)).join(', ') || 'none';
  return `no trace has a verdict by grader ${JSON.stringify(grader)}, so every trace is ungraded (graders with verdicts: ${known})`;
}

/** Each grader's number of traces with a verdict by it, in code-point order of the names. */
function gradersOf(traces: Trace[], lineVerdicts: [Trace, GivenVerdict][]): Map<string, number> {
  const own = lineVerdicts.length > 0 ? new Map<Trace, GivenVerdict>(lineVerdicts) : null;
  const counts = new Map<string, number>();
  const byTrace = new Set<string>();
  for (const t of traces) {
    const line = own?.get(t);
    if (t.opinions.length === 0) {
      // Most traces: a verdict and perhaps their line's, counted without a set (in the same order).
      const a = t.verdict?.grader;
      const b = line?.grader;
      if (a !== undefined) counts.set(a, (counts.get(a) ?? 0) + 1);
      if (b !== undefined && b !== a) counts.set(b, (counts.get(b) ?? 0) + 1);
      continue;
    }
    byTrace.clear();
    if (t.verdict) byTrace.add(t.verdict.grader);
    for (const o of t.opinions) byTrace.add(o.grader);
    if (line) byTrace.add(line.grader);
    for (const g of byTrace) counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => compareCodePoints(a, b)));
}

/**
 * ANALYSIS.md §11: a trace's verdict is the first by `grader` among its graded lines, then its
 * cross-grader lines (each in (path, line) order, as the join attached them, repeats by one grader
 * already reported and left out), then its own line's (or corpus row's) verdict. Every other
 * grader's first verdict in that order is a second opinion.
 */
function chooseGrader(traces: Trace[], lineVerdicts: [Trace, GivenVerdict][], grader: string): void {
  const own = new Map<Trace, GivenVerdict>(lineVerdicts);
  for (const t of traces) {
    const line = own.get(t);
    // Without a chosen grader the own verdict stands in as primary only when nothing attached one.
    const attached = t.verdict !== null && t.verdict !== line ? [t.verdict, ...t.opinions] : t.opinions;
    const candidates = line ? [...attached, line] : attached;
    let verdict: GivenVerdict | null = null;
    const opinions: GivenVerdict[] = [];
    const seen = new Set<string>();
    for (const v of candidates) {
      if (seen.has(v.grader)) continue;
      seen.add(v.grader);
      if (v.grader === grader) verdict = v;
      else opinions.push(v);
    }
    t.verdict = verdict;
    t.opinions = opinions.length === 0 ? NO_OPINIONS : opinions;
  }
}

function unknownLabel(files: Map<number, JoinFile>, v: GivenVerdict, problems: Problem[]): void {
  const f = files.get(v.file) as JoinFile;
  const db = f.kind === 'database';
  problems.push({
    path: f.path,
    line: db ? null : v.line,
    code: 'unknown-label',
    reason: `unknown verdict label ${shortQuote(v.label)}${db ? ` (result ${v.line})` : ''}`,
    label: v.label,
    ...(db ? { row: v.line } : {}),
  });
}

function categorise(t: Trace): Category {
  if (!t.verdict) return 'ungraded';
  if (t.verdict.cls === 'error' || t.response === 2) return 'error';
  if (t.verdict.cls === 'benign') return 'benign';
  if (t.verdict.cls === 'unknown') return 'unknown';
  return 'evaluable';
}

/** The four rules of FORMATS.md §6, first that applies wins (DECISIONS.md 13). */
function assignVariants(traces: Trace[]): void {
  const hasDiluted = new Set<string>();
  const suffixed = (id: string): boolean => id.includes('__dilution');
  for (const t of traces) {
    const m = t.scenarioId === null || !suffixed(t.scenarioId) ? null : DILUTION_SUFFIX.exec(t.scenarioId);
    if (m) hasDiluted.add(`${t.key}\u0000${m[1]}`);
  }
  if (hasDiluted.size === 0 && !traces.some((t) => t.variantField !== null)) return; // no dilution run at all
  for (const t of traces) {
    const fromField = variantOfField(t.variantField);
    if (fromField) {
      t.variant = fromField;
      t.baseId = t.scenarioId === null ? null : baseOf(t.scenarioId);
      continue;
    }
    if (t.scenarioId === null) continue;
    const m = suffixed(t.scenarioId) ? DILUTION_SUFFIX.exec(t.scenarioId) : null;
    if (m) {
      t.variant = 'B';
      t.baseId = expectDefined(m[1], 'a base id');
    } else if (hasDiluted.has(`${t.key}\u0000${t.scenarioId}`)) {
      t.variant = 'A';
      t.baseId = t.scenarioId;
    }
  }
}
