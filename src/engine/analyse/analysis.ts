/** From totals to the results document: ANALYSIS.md, one call per figure. */
import { compareCodePoints as cmp } from '../read/discover';
import type { OmittedProblems } from '../problems';
import type { FileJson, ProblemJson, RegressionJson, ResultsDocument } from '../report/results';
import { SCHEMA } from '../report/results';
import type { Settings } from '../settings';
import { graderAgreement } from './agreement';
import { cellDocuments, lineageMembersOf, sortedCells } from './cells';
import { dilutionAnalysis } from './dilution';
import type { Problem, TraceSet } from './join';
import type { LineageMap } from './lineageMap';
import { matchedLineages } from './matchedLineages';
import { describeModels, stripX, type ModelInfo } from './models';
import { compareRegressions, scalingRegressions } from './regressions';
import { dilutionPairs, paramsCandidates, Totals, type ParamsCandidate } from './totals';
import { expectDefined } from '../../shared/expect';

export interface AnalysisInput {
  /** The per-cell, per-model and per-pair counts of every trace. */
  totals: Totals;
  /** Each model's first parameter-count field that gives a size, in (path, line) order. */
  fieldParams: Map<string, ParamsCandidate>;
  settings: Settings;
  lineages: LineageMap;
  /** Every discovered file with its kind and usable records (run files, databases, scenarios, map). */
  files: { path: string; kind: FileJson['kind']; records: number }[];
  /** Problems found while reading lines (invalid JSON, …), finding files, and in the lineage map. */
  readProblems: Problem[];
  /** Problems of the join (duplicates, unmatched lines, unknown labels, …). */
  joinProblems: Iterable<Problem>;
  /** Problems beyond the per-file bound, counted. */
  omittedProblems?: OmittedProblems[];
  generatedAt?: string;
}

export interface Analysis {
  document: ResultsDocument;
  models: Map<string, ModelInfo>;
}

/** The totals and the parameter-count candidates of a whole trace set (a from-scratch analysis). */
export function totalsOf(set: TraceSet): { totals: Totals; fieldParams: Map<string, ParamsCandidate> } {
  const totals = new Totals();
  totals.addTraces(set.traces, 1);
  totals.addPairs(dilutionPairs(set.traces), 1);
  totals.addGraders(set.graderVerdicts, 1);
  const fieldParams = paramsCandidates(set.traces, (t) => {
    const f = expectDefined(set.files[t.file], 'the file of a trace');
    return { rank: f.kind === 'database' ? 1 : 0, path: f.path, line: t.line };
  });
  return { totals, fieldParams };
}

export function analyse(input: AnalysisInput): Analysis {
  const { totals, settings, lineages } = input;
  const th = settings.thresholds;
  const models = describeModels(totals.names, input.fieldParams, lineages);
  const { cells, datasetCells } = sortedCells(totals);
  const cellJson = cellDocuments(cells, models, th.thinN);
  const lineageMembers = lineageMembersOf(models);
  const regressions: RegressionJson[] = scalingRegressions(
    cells,
    datasetCells,
    totals.models,
    cellJson,
    models,
    lineageMembers,
    th.slopePpPerDecade,
  );
  const lineageJson = matchedLineages(
    lineages.names,
    lineageMembers,
    totals.models,
    cells,
    models,
    th.flatPp,
  );
  const dilution = dilutionAnalysis(
    totals.dilution,
    models,
    th.headlinePp,
    lineages.names,
    th.slopePpPerDecade,
  );
  regressions.push(...dilution.regressions);
  regressions.sort(compareRegressions);
  for (const r of regressions) r.points.sort((a, b) => a.x - b.x || cmp(a.model, b.model));
  const { files, problems, omitted } = inputProblems(input);

  const document: ResultsDocument = {
    schema: SCHEMA,
    generated_at: input.generatedAt ?? new Date().toISOString(),
    settings: {
      flat_threshold_pp: th.flatPp,
      thin_n: th.thinN,
      headline_threshold_pp: th.headlinePp,
      attack_class_source: settings.attackClassSource,
      slope_threshold_pp_per_decade: th.slopePpPerDecade,
      grader: settings.grader,
    },
    inputs: {
      files,
      traces: { ...totals.counts },
      problems,
      ...(omitted.length > 0 ? { problems_omitted: omitted } : {}),
    },
    models: [...models.values()].sort((a, b) => cmp(a.key, b.key)).map(stripX),
    cells: [...cellJson.values()],
    regressions,
    lineages: lineageJson,
    dilution: { models: dilution.models, headlines: dilution.headlines },
    agreement: graderAgreement(totals.agreement),
  };
  return { document, models };
}

/** The input files with their problem counts, and every problem kept, in order (DECISIONS.md 22). */
function inputProblems(input: AnalysisInput): {
  files: FileJson[];
  problems: ProblemJson[];
  omitted: OmittedProblems[];
} {
  const problems: ProblemJson[] = [...input.readProblems, ...input.joinProblems].map(problemJson);
  problems.sort(
    (a, b) =>
      cmp(a.path, b.path) ||
      (a.line ?? -1) - (b.line ?? -1) ||
      cmp(a.code, b.code) ||
      cmp(a.reason, b.reason),
  );
  const omitted = [...(input.omittedProblems ?? [])].sort(
    (a, b) => cmp(a.path, b.path) || cmp(a.code, b.code),
  );
  const perFile = new Map<string, number>();
  for (const p of problems) perFile.set(p.path, (perFile.get(p.path) ?? 0) + 1);
  for (const o of omitted) perFile.set(o.path, (perFile.get(o.path) ?? 0) + o.count);
  const files: FileJson[] = input.files
    .map((f) => ({ path: f.path, kind: f.kind, records: f.records, problems: perFile.get(f.path) ?? 0 }))
    .sort((a, b) => cmp(a.path, b.path));
  return { files, problems, omitted };
}

/** A problem as the document writes it: the structured fields only where they apply. */
function problemJson(p: Problem): ProblemJson {
  const out: ProblemJson = { path: p.path, line: p.line, code: p.code, reason: p.reason };
  if (p.column !== undefined) out.column = p.column;
  if (p.label !== undefined) out.label = p.label;
  if (p.traceId !== undefined) out.trace_id = p.traceId;
  if (p.row !== undefined) out.row = p.row;
  return out;
}
