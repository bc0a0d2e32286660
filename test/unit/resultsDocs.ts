/**
 * Small results documents written by hand for the compare and claims tests: only the fields those
 * rules read, with rates and Wilson intervals computed here from the formula of ANALYSIS.md §1
 * (independently of the engine's stats module).
 */
import type {
  CellJson,
  DilutionModelJson,
  HeadlineJson,
  LineageJson,
  RateJson,
  RegressionJson,
  ResultsDocument,
} from '../../src/engine/report/results';

const Z = 1.959963984540054;

/** Wilson score interval, ANALYSIS.md §1, written out again. */
export function wilsonRate(k: number, n: number): RateJson | null {
  if (n === 0) return null;
  const p = k / n;
  const d = 1 + (Z * Z) / n;
  const c = (p + (Z * Z) / (2 * n)) / d;
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / d;
  return { rate: p, lo: Math.max(0, c - h), hi: Math.min(1, c + h) };
}

export function cell(
  attack_class: string,
  model: string,
  n: number,
  k: number,
  more: Partial<CellJson> = {},
): CellJson {
  return {
    attack_class,
    model,
    n,
    counts: { COMPLIANCE: k, PARTIAL: 0, REFUSAL: n - k, HALLUCINATION_REFUSAL: 0 },
    ungraded: 0,
    errors: 0,
    benign: 0,
    strict: wilsonRate(k, n),
    broad: wilsonRate(k, n),
    fd: wilsonRate(k, n),
    thin: n < 20,
    excluded: false,
    fit_pp: null,
    residual_pp: null,
    outlier: null,
    off_line: null,
    unknown_label: 0,
    params_b: null,
    lineage: null,
    exclusion_reason: null,
    residual_sd_pp: null,
    ...more,
  };
}

export function regression(
  group: RegressionJson['group'],
  key: RegressionJson['key'],
  classification: RegressionJson['classification'],
  slope: number | null,
  more: Partial<RegressionJson> = {},
): RegressionJson {
  return {
    group,
    key,
    points: [],
    left_out: { unknown_size: 0, excluded: 0, empty: 0 },
    n_traces: 100,
    classification,
    classification_ci: slope === null ? null : 'UNCERTAIN',
    ols:
      slope === null
        ? null
        : { slope_pp: slope, intercept_pp: 0, r2: 0.5, se_pp: 1, ci_pp: [slope - 2, slope + 2] },
    wls: slope === null ? null : { slope_pp: slope, intercept_pp: 0, r2: 0.5 },
    logistic: null,
    ...more,
  };
}

export function lineage(
  name: string,
  shape: LineageJson['shape'],
  members: [string, number | null, number, number][] = [],
): LineageJson {
  const ms = members.map(([model, params_b, n, k]) => ({
    model,
    params_b,
    n,
    strict: wilsonRate(k, n),
    shared: { n, strict: wilsonRate(k, n) },
  }));
  return {
    name,
    members: ms,
    transitions: ms.slice(1).map((m, i) => ({
      from: (ms[i] as (typeof ms)[number]).model,
      to: m.model,
      delta_pp: 100 * (m.strict?.rate ?? 0) - 100 * ((ms[i] as (typeof ms)[number]).strict?.rate ?? 0),
      same_size: m.params_b === (ms[i] as (typeof ms)[number]).params_b,
    })),
    shape,
    shared_attack_classes: [],
    mix_differs: false,
  };
}

/** A headline; the fields of ANALYSIS.md §10 only when `decision` is given (an older document has none). */
export function headline(
  lineage: string,
  span: number,
  meets: boolean,
  decision?: HeadlineJson['decision'],
): HeadlineJson {
  const h = { lineage, smallest: 's', largest: 'l', delta_span_pp: span, meets_threshold: meets };
  if (decision === undefined) return h as HeadlineJson; // as a document written before §10 reads
  return { ...h, delta_span_ci_pp: [span - 10, span + 10], decision, n_per_arm_to_decide: null };
}

export function results(
  more: Omit<Partial<ResultsDocument>, 'settings'> & { settings?: Record<string, unknown> } = {},
): ResultsDocument {
  const { settings, ...rest } = more;
  return {
    schema: 'failure-first-lens/results@1',
    generated_at: '2026-11-27T10:00:00.000Z',
    settings: {
      flat_threshold_pp: 5,
      thin_n: 20,
      headline_threshold_pp: 20,
      attack_class_source: 'family',
      slope_threshold_pp_per_decade: 5,
      grader: null,
      ...settings,
    },
    inputs: {
      files: [],
      traces: { total: 0, graded: 0, ungraded: 0, evaluable: 0, errors: 0, benign: 0, unknown_label: 0 },
      problems: [],
    },
    models: [],
    cells: [],
    regressions: [],
    lineages: [],
    dilution: { models: [] as DilutionModelJson[], headlines: [] },
    agreement: [],
    ...rest,
  };
}
