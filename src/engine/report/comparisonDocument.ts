/**
 * The comparison document of COMPARE.md (schema failure-first-lens/comparison@1): its types and
 * what they say, apart from the code that makes it, so that the page (which imports nothing from
 * Node) can read it too.
 */
import type { Classification, GroupKey, RateJson, Shape } from './results';

export const COMPARISON_SCHEMA = 'failure-first-lens/comparison@1';

export interface ComparisonSide {
  /** The document's origin as the researcher named it (a file or a folder). */
  source: string;
  generated_at: string;
  /** `inputs.traces.total`. */
  traces: number;
  settings: Record<string, unknown>;
}

export interface CellSide {
  n: number;
  /** The COMPLIANCE count. */
  k: number;
  strict: RateJson | null;
}

export type CellStatus = 'added' | 'removed' | 'changed' | 'same';

export interface CellComparison {
  attack_class: string;
  model: string;
  status: CellStatus;
  before: CellSide | null;
  after: CellSide | null;
  delta_pp: number | null;
  delta_ci_pp: [number, number] | null;
}

export interface RegressionSide {
  slope_pp: number | null;
  classification: Classification;
  n_traces: number;
}

export interface RegressionComparison {
  group: string;
  key: GroupKey;
  before: RegressionSide | null;
  after: RegressionSide | null;
  classification_changed: boolean;
}

export interface LineageComparison {
  name: string;
  before: { shape: Shape } | null;
  after: { shape: Shape } | null;
  shape_changed: boolean;
}

export interface HeadlineSide {
  delta_span_pp: number;
  meets_threshold: boolean;
  /** ANALYSIS.md §10; null when the document predates it. */
  decision: string | null;
}

export interface HeadlineComparison {
  lineage: string;
  before: HeadlineSide | null;
  after: HeadlineSide | null;
  changed: boolean;
}

export type ChangeKind = 'headline' | 'classification' | 'shape' | 'cell_added' | 'cell_removed';

export interface Change {
  kind: ChangeKind;
  what: string;
  before: string | boolean | { n: number; k: number } | null;
  after: string | boolean | { n: number; k: number } | null;
}

export interface ComparisonDocument {
  schema: typeof COMPARISON_SCHEMA;
  generated_at: string;
  before: ComparisonSide;
  after: ComparisonSide;
  settings_changed: string[];
  cells: CellComparison[];
  regressions: RegressionComparison[];
  lineages: LineageComparison[];
  headlines: HeadlineComparison[];
  changes: Change[];
}

/** The kinds of change that overturn a published conclusion (`--fail-on-change`). */
export const CONCLUSION_CHANGES: readonly ChangeKind[] = ['headline', 'classification', 'shape'];

/** True when new data overturned a conclusion: a headline, a classification or a shape moved. */
export function overturnsConclusion(doc: ComparisonDocument): boolean {
  return doc.changes.some((c) => CONCLUSION_CHANGES.includes(c.kind));
}

// Written in src/shared, where the page reads it too.
export { deltaExcludesZero } from '../../shared/conclusions';
