/** Lookups over the results document, and the points the scaling chart draws. */
import type { ResultsDocument, ScalingGroup, TraceSelector } from '../src/protocol';
import type { RateLike } from '../src/shared/format';
import { wilson } from '../src/shared/wilson';

// The document's parts, named from the protocol's ResultsDocument (the page does not import engine/).
export type CellJson = ResultsDocument['cells'][number];
export type ModelJson = ResultsDocument['models'][number];
export type RegressionJson = ResultsDocument['regressions'][number];
export type GroupKey = RegressionJson['key'];
export type LineageJson = ResultsDocument['lineages'][number];
export type DilutionModelJson = ResultsDocument['dilution']['models'][number];

/** The key of a regression as JSON with its fields in one order (PageState.scalingKey). */
export function keyJson(key: GroupKey): string {
  const ordered: GroupKey = {};
  if (key.lineage !== undefined) ordered.lineage = key.lineage;
  if (key.attack_class !== undefined) ordered.attack_class = key.attack_class;
  if (key.dataset !== undefined) ordered.dataset = key.dataset;
  return JSON.stringify(ordered);
}

/** How a regression is named in the key selector. */
export function keyLabel(key: GroupKey): string {
  return (
    [key.lineage, key.attack_class, key.dataset].filter((v) => v !== undefined).join(' \u00d7 ') || '(none)'
  );
}

export class ResultsIndex {
  private readonly models = new Map<string, ModelJson>();
  private readonly cells = new Map<string, CellJson>();

  constructor(readonly doc: ResultsDocument) {
    for (const m of doc.models) this.models.set(m.key, m);
    for (const c of doc.cells) this.cells.set(JSON.stringify([c.attack_class, c.model]), c);
  }

  model(key: string): ModelJson | undefined {
    return this.models.get(key);
  }

  cell(attackClass: string, model: string): CellJson | undefined {
    return this.cells.get(JSON.stringify([attackClass, model]));
  }

  regressions(group: RegressionJson['group']): RegressionJson[] {
    return this.doc.regressions.filter((r) => r.group === group);
  }

  regression(group: RegressionJson['group'], key: string | null): RegressionJson | undefined {
    return key === null ? undefined : this.regressions(group).find((r) => keyJson(r.key) === key);
  }

  /** The regression shown first: the first with a fit, else the first. */
  defaultKey(group: ScalingGroup): string | null {
    const all = this.regressions(group);
    const first = all.find((r) => r.ols !== null) ?? all[0];
    return first ? keyJson(first.key) : null;
  }
}

/** The traces behind one point of a scaling regression. */
export function pointSelector(group: ScalingGroup, key: GroupKey, model: string): TraceSelector {
  switch (group) {
    case 'attack_class':
    case 'lineage_attack_class':
      return { kind: 'cell', attackClass: key.attack_class ?? '', model };
    case 'dataset':
      return { kind: 'datasetCell', dataset: key.dataset ?? '', model };
    case 'lineage':
      return { kind: 'model', model };
  }
}

/**
 * Where a selector's traces are a point: the group and key to show for a cell, a dataset cell
 * or a model (the current group is kept when it has the point).
 */
export function scalingPlaceOf(
  index: ResultsIndex,
  selector: TraceSelector,
  current: { group: ScalingGroup; key: string | null },
): { group: ScalingGroup; key: string } | null {
  const has = (group: ScalingGroup, key: GroupKey): { group: ScalingGroup; key: string } | null => {
    const r = index.regression(group, keyJson(key));
    return r && r.points.some((p) => p.model === modelOf(selector)) ? { group, key: keyJson(key) } : null;
  };
  const lineage = index.model(modelOf(selector) ?? '')?.lineage ?? undefined;
  switch (selector.kind) {
    case 'cell':
      if (current.group === 'lineage_attack_class' && lineage !== undefined) {
        const here = has('lineage_attack_class', { lineage, attack_class: selector.attackClass });
        if (here) return here;
      }
      return has('attack_class', { attack_class: selector.attackClass });
    case 'datasetCell':
      return has('dataset', { dataset: selector.dataset });
    case 'model':
      return lineage === undefined ? null : has('lineage', { lineage });
    default:
      return null;
  }
}

function modelOf(s: TraceSelector): string | undefined {
  return 'model' in s ? s.model : undefined;
}

export interface ScalingPoint {
  model: string;
  sizeB: number;
  approximate: boolean;
  /** log10 of the size, as in the regression. */
  x: number;
  /** Strict ASR (pp, as the regression fits it) and its Wilson interval (fractions). */
  y: number;
  strict: RateLike;
  n: number;
  fitPp: number | null;
  residualPp: number | null;
  outlier: boolean;
  offLine: boolean;
  thin: boolean;
  selector: TraceSelector;
}

/**
 * The points of a scaling regression with their intervals: from the cell (attack class groups),
 * the lineage member (lineage groups), or Wilson on the point's own k and n (dataset groups,
 * whose cells the document does not list; k = y·n/100).
 */
export function scalingPoints(index: ResultsIndex, group: ScalingGroup, reg: RegressionJson): ScalingPoint[] {
  const doc = index.doc;
  const lineage =
    reg.key.lineage === undefined ? undefined : doc.lineages.find((l) => l.name === reg.key.lineage);
  return reg.points.map((p) => {
    const model = index.model(p.model);
    const cell = reg.key.attack_class === undefined ? undefined : index.cell(reg.key.attack_class, p.model);
    const member = group === 'lineage' ? lineage?.members.find((m) => m.model === p.model) : undefined;
    const strict = cell?.strict ?? member?.strict ?? wilson(Math.round((p.y_pp * p.n) / 100), p.n);
    // Outlier fields belong to the attack_class regressions only (ANALYSIS.md §6).
    const own = group === 'attack_class' && cell !== undefined && cell.fit_pp !== null ? cell : undefined;
    const fitPp = own?.fit_pp ?? (reg.ols ? reg.ols.intercept_pp + reg.ols.slope_pp * p.x : null);
    return {
      model: p.model,
      sizeB: model?.params_b ?? 10 ** p.x,
      approximate: model?.approximate ?? false,
      x: p.x,
      y: p.y_pp,
      strict: strict ?? { rate: p.y_pp / 100, lo: p.y_pp / 100, hi: p.y_pp / 100 },
      n: p.n,
      fitPp,
      residualPp: own?.residual_pp ?? (fitPp === null ? null : p.y_pp - fitPp),
      outlier: own?.outlier === true,
      offLine: own?.off_line === true,
      thin: p.n < doc.settings.thin_n,
      selector: pointSelector(group, reg.key, p.model),
    };
  });
}
