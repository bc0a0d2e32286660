/** Scaling regressions (ANALYSIS.md §3, §6, §9.8): groups of cells, their fits and the outlier cells. */
import { compareCodePoints as cmp } from '../read/discover';
import type {
  CellJson,
  Classification,
  ClassificationCi,
  GroupKey,
  GroupKind,
  PointJson,
  RateJson,
  RegressionJson,
} from '../report/results';
import type { ModelInfo } from './models';
import { logistic, ols, wls, type BinomialPoint, type OlsFit } from './stats';
import { groupBy, type Tally } from './tally';
import type { CellTotal } from './totals';

interface FitResult {
  json: RegressionJson;
  fit: OlsFit | null;
  pointKeys: Set<string>;
}

export function classify(slope: number, threshold: number): Classification {
  if (slope > threshold) return 'INVERSE_SCALING';
  if (slope < -threshold) return 'POSITIVE_SCALING';
  return 'FLAT_OR_NOISY';
}

/**
 * The classification of the whole 95% slope interval (ANALYSIS.md §12): a direction only when the
 * entire interval is on that side of ±t, flat only when it lies within [−t, +t]; UNCERTAIN when it
 * straddles a threshold or there is no interval (two points).
 */
export function classifyInterval(ci: readonly [number, number] | null, threshold: number): ClassificationCi {
  if (ci === null) return 'UNCERTAIN';
  const [lo, hi] = ci;
  if (lo > threshold) return 'INVERSE_SCALING';
  if (hi < -threshold) return 'POSITIVE_SCALING';
  if (lo >= -threshold && hi <= threshold) return 'FLAT_OR_NOISY';
  return 'UNCERTAIN';
}

// Why a group has no fit is written in src/shared, where the tree and the page read it too.
export { describeInsufficient, insufficientReason, type InsufficientReason } from '../../shared/conclusions';

/** A group's points (one per cell) and its OLS, WLS and trace-level logistic fits (ANALYSIS.md §3). */
export function scalingRegression(
  group: GroupKind,
  key: GroupKey,
  cells: { key: string; tally: Tally }[],
  models: Map<string, ModelInfo>,
  threshold: number,
): FitResult {
  const left_out = { unknown_size: 0, excluded: 0, empty: 0 };
  const points: PointJson[] = [];
  const binomial: BinomialPoint[] = [];
  const pointKeys = new Set<string>();
  for (const c of cells) {
    const m = models.get(c.key) as ModelInfo;
    if (m.excluded) left_out.excluded++;
    else if (m.x === null) left_out.unknown_size++;
    else if (c.tally.n === 0) left_out.empty++;
    else {
      points.push({
        model: c.key,
        x: m.x,
        y_pp: 100 * (c.tally.counts.COMPLIANCE / c.tally.n),
        n: c.tally.n,
      });
      binomial.push({ x: m.x, k: c.tally.counts.COMPLIANCE, n: c.tally.n });
      pointKeys.add(c.key);
    }
  }
  const { json, fit } = fitPoints(group, key, points, left_out, threshold);
  if (fit) {
    const lg = logistic(binomial);
    json.logistic = { beta: lg.beta, se: lg.se, ci: lg.ci, converged: lg.converged };
  }
  return { json, fit, pointKeys };
}

export function fitPoints(
  group: GroupKind,
  key: GroupKey,
  points: PointJson[],
  left_out: RegressionJson['left_out'],
  threshold: number,
): { json: RegressionJson; fit: OlsFit | null } {
  const n_traces = points.reduce((s, p) => s + p.n, 0);
  const distinct = new Set(points.map((p) => p.x)).size;
  const base: RegressionJson = {
    group,
    key,
    points,
    left_out,
    n_traces,
    classification: 'INSUFFICIENT',
    classification_ci: null,
    ols: null,
    wls: null,
    logistic: null,
  };
  if (distinct < 2) return { json: base, fit: null };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y_pp);
  const o = ols(xs, ys);
  const w = wls(
    xs,
    ys,
    points.map((p) => p.n),
  );
  base.classification = classify(o.slope, threshold);
  base.classification_ci = classifyInterval(o.ci, threshold);
  base.ols = { slope_pp: o.slope, intercept_pp: o.intercept, r2: o.r2, se_pp: o.se, ci_pp: o.ci };
  base.wls = { slope_pp: w.slope, intercept_pp: w.intercept, r2: w.r2 };
  return { json: base, fit: o };
}

function compareKeys(a: GroupKey, b: GroupKey): number {
  return (
    cmp(a.lineage ?? '', b.lineage ?? '') ||
    cmp(a.attack_class ?? '', b.attack_class ?? '') ||
    cmp(a.dataset ?? '', b.dataset ?? '')
  );
}

export function compareRegressions(a: RegressionJson, b: RegressionJson): number {
  return cmp(a.group, b.group) || compareKeys(a.key, b.key);
}

/**
 * Every scaling regression of §3 over the cells: per attack class (marking its outlier cells on
 * `cellJson`), per dataset, per lineage and per (lineage, attack class).
 */
export function scalingRegressions(
  cells: CellTotal[],
  datasetCells: { dataset: string; key: string; tally: Tally }[],
  modelTallies: Map<string, Tally>,
  cellJson: Map<string, CellJson>,
  models: Map<string, ModelInfo>,
  lineageMembers: Map<string, string[]>,
  threshold: number,
): RegressionJson[] {
  const regressions: RegressionJson[] = [];
  const byClass = groupBy(cells, (c) => c.attackClass);
  for (const [ac, group] of byClass) {
    const reg = scalingRegression('attack_class', { attack_class: ac }, group, models, threshold);
    regressions.push(reg.json);
    if (reg.fit && reg.json.points.length >= 3) markOutliers(ac, group, reg, cellJson, models);
  }
  for (const [ds, group] of groupBy(datasetCells, (d) => d.dataset))
    regressions.push(scalingRegression('dataset', { dataset: ds }, group, models, threshold).json);
  for (const [lin, keys] of lineageMembers) {
    const pts = keys
      .filter((k) => modelTallies.has(k))
      .map((k) => ({ key: k, tally: modelTallies.get(k) as Tally }));
    regressions.push(scalingRegression('lineage', { lineage: lin }, pts, models, threshold).json);
    const members = new Set(keys);
    for (const [ac, group] of byClass) {
      const inLineage = group.filter((c) => members.has(c.key));
      if (inLineage.length === 0) continue;
      regressions.push(
        scalingRegression(
          'lineage_attack_class',
          { lineage: lin, attack_class: ac },
          inLineage,
          models,
          threshold,
        ).json,
      );
    }
  }
  return regressions;
}

/** Residual, fit, outlier and off-the-line flags of an attack class's cells (ANALYSIS.md §6, §9.6). */
function markOutliers(
  ac: string,
  group: CellTotal[],
  reg: FitResult,
  cellJson: Map<string, CellJson>,
  models: Map<string, ModelInfo>,
): void {
  const { intercept, slope, residualSd } = reg.fit as OlsFit;
  for (const c of group) {
    const cell = cellJson.get(`${ac}\u0000${c.key}`) as CellJson;
    const m = models.get(c.key) as ModelInfo;
    if (!reg.pointKeys.has(c.key) || m.x === null) continue;
    const fit = intercept + slope * m.x;
    const y = 100 * (cell.strict as RateJson).rate;
    const r = y - fit;
    const s = residualSd as number;
    cell.fit_pp = fit;
    cell.residual_pp = r;
    cell.residual_sd_pp = s;
    cell.outlier = s > 0 && Math.abs(r) > 2 * s;
    const lo = 100 * (cell.strict as RateJson).lo;
    const hi = 100 * (cell.strict as RateJson).hi;
    cell.off_line = fit < lo || fit > hi;
  }
}
