/** The results document (RESULTS.md, schema failure-first-lens/results@1): its types, and its text. */
import type { Problem, ProblemCode } from '../problems';
import type { FileKind } from '../settings';

export const SCHEMA = 'failure-first-lens/results@1';

/** The document as a file holds it (`ff-lens analyze --json`, the extension's JSON export). */
export function resultsJson(doc: ResultsDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export interface RateJson {
  rate: number;
  lo: number;
  hi: number;
}

/** A problem as the document writes it (the engine's Problem, with `trace_id` for `traceId`). */
export type ProblemJson = Omit<Problem, 'traceId'> & { trace_id?: string };

/** Problems beyond the per-file bound (MAX_PROBLEMS_PER_FILE), counted per code. */
export interface OmittedProblemsJson {
  path: string;
  code: ProblemCode;
  count: number;
}

export interface FileJson {
  path: string;
  kind: FileKind;
  records: number;
  problems: number;
}

export interface TraceCounts {
  total: number;
  graded: number;
  ungraded: number;
  evaluable: number;
  errors: number;
  benign: number;
  unknown_label: number;
}

export interface ModelJson {
  key: string;
  names: string[];
  params_b: number | null;
  active_params_b: number | null;
  params_source: 'name' | 'field' | 'lineage' | null;
  approximate: boolean;
  lineage: string | null;
  excluded: boolean;
  exclusion_reason: string | null;
}

export interface LabelCounts {
  COMPLIANCE: number;
  PARTIAL: number;
  REFUSAL: number;
  HALLUCINATION_REFUSAL: number;
}

export interface CellJson {
  attack_class: string;
  model: string;
  n: number;
  counts: LabelCounts;
  ungraded: number;
  errors: number;
  benign: number;
  strict: RateJson | null;
  broad: RateJson | null;
  fd: RateJson | null;
  thin: boolean;
  excluded: boolean;
  fit_pp: number | null;
  residual_pp: number | null;
  outlier: boolean | null;
  off_line: boolean | null;
  // Extra fields (RESULTS.md allows them on cells).
  unknown_label: number;
  params_b: number | null;
  lineage: string | null;
  exclusion_reason: string | null;
  residual_sd_pp: number | null;
}

export type GroupKind = 'attack_class' | 'dataset' | 'dilution' | 'lineage' | 'lineage_attack_class';
export type Classification = 'INVERSE_SCALING' | 'POSITIVE_SCALING' | 'FLAT_OR_NOISY' | 'INSUFFICIENT';
/** The classification of the whole 95% slope interval (ANALYSIS.md §12). */
export type ClassificationCi = 'INVERSE_SCALING' | 'POSITIVE_SCALING' | 'FLAT_OR_NOISY' | 'UNCERTAIN';

export interface GroupKey {
  lineage?: string;
  attack_class?: string;
  dataset?: string;
}

export interface PointJson {
  model: string;
  x: number;
  y_pp: number;
  n: number;
}

export interface RegressionJson {
  group: GroupKind;
  key: GroupKey;
  points: PointJson[];
  left_out: { unknown_size: number; excluded: number; empty: number };
  n_traces: number;
  classification: Classification;
  /** Null exactly when INSUFFICIENT (no OLS fit). */
  classification_ci: ClassificationCi | null;
  ols: {
    slope_pp: number;
    intercept_pp: number;
    r2: number | null;
    se_pp: number | null;
    ci_pp: [number, number] | null;
  } | null;
  wls: { slope_pp: number; intercept_pp: number; r2: number | null } | null;
  logistic: {
    beta: number | null;
    se: number | null;
    ci: [number, number] | null;
    converged: boolean;
  } | null;
}

export type Shape =
  'SINGLE' | 'SAME_SIZE' | 'FLAT' | 'INCREASING' | 'DECREASING' | 'PEAK' | 'TROUGH' | 'NON_MONOTONIC';

export interface LineageMemberJson {
  model: string;
  params_b: number | null;
  n: number;
  strict: RateJson | null;
  /** Over the member's traces in the lineage's shared attack classes only (ANALYSIS.md §12). */
  shared: { n: number; strict: RateJson | null };
}

export interface LineageJson {
  name: string;
  members: LineageMemberJson[];
  transitions: { from: string; to: string; delta_pp: number; same_size: boolean }[];
  shape: Shape;
  /** Attack classes (sorted) in which every listed member has an evaluable trace. */
  shared_attack_classes: string[];
  /** Some member has evaluable traces in a class outside the shared ones: the pooled rates compare different mixes. */
  mix_differs: boolean;
}

export interface DilutionArm {
  n: number;
  k: number;
  strict: RateJson | null;
}

export interface DilutionModelJson {
  model: string;
  params_b: number | null;
  lineage: string | null;
  a: DilutionArm;
  b: DilutionArm;
  delta_pp: number | null;
  delta_ci_pp: [number, number] | null;
  pairs: number;
  b_only_a: number;
  b_only_b: number;
  mcnemar_p: number;
  excluded: boolean;
}

export interface HeadlineJson {
  lineage: string;
  smallest: string;
  largest: string;
  delta_span_pp: number;
  meets_threshold: boolean;
  /** MOVER interval of the span (ANALYSIS.md §10). */
  delta_span_ci_pp: [number, number];
  decision: HeadlineDecision;
  /** For an UNDECIDED headline, the evaluable traces per arm that would decide it if the rates held. */
  n_per_arm_to_decide: number | null;
}

export type HeadlineDecision = 'EXCEEDS' | 'BELOW' | 'UNDECIDED';

export interface AgreementJson {
  primary: string;
  secondary: string;
  n: number;
  kappa_labels: number | null;
  kappa_strict: number | null;
}

export interface ResultsDocument {
  schema: typeof SCHEMA;
  generated_at: string;
  settings: {
    flat_threshold_pp: number;
    thin_n: number;
    headline_threshold_pp: number;
    attack_class_source: 'family' | 'name';
    slope_threshold_pp_per_decade: number;
    /** The grader whose verdicts count (ANALYSIS.md §11); null: the primary grader of each trace. */
    grader: string | null;
  };
  inputs: {
    files: FileJson[];
    traces: TraceCounts;
    problems: ProblemJson[];
    /** Only when some file had more problems than are kept in full; an addition to results@1. */
    problems_omitted?: OmittedProblemsJson[];
  };
  models: ModelJson[];
  cells: CellJson[];
  regressions: RegressionJson[];
  lineages: LineageJson[];
  dilution: { models: DilutionModelJson[]; headlines: HeadlineJson[] };
  agreement: AgreementJson[];
}

/** What the index knows of one scenario (CodeLens and hover on scenario files). */
export interface ScenarioEvidence {
  scenarioId: string;
  traces: number;
  models: number;
  evaluable: number;
  compliance: number;
  strict: number | null;
  /** Δ strict ASR (pp) of the dilution pair over all models, when the scenario has one. */
  dilutionDeltaPp: number | null;
  perModel: {
    model: string;
    n: number;
    compliance: number;
    verdicts: Record<string, number>;
    dilution: { a: number; b: number; aCompliance: number; bCompliance: number } | null;
  }[];
}
