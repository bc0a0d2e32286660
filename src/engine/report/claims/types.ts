/** What a report check produces (CLAIMS.md "Result"), and what the editor needs beside it. */

export type ClaimStatus = 'HOLDS' | 'CHANGED' | 'NOT_FOUND' | 'NOT_CHECKED';
export const CLAIM_STATUSES: readonly ClaimStatus[] = ['HOLDS', 'CHANGED', 'NOT_FOUND', 'NOT_CHECKED'];

/** Which figure of the results document a claim states (each documented in the README). */
export type ClaimKind =
  // a row of a dataset / attack class / lineage table: one regression group
  | 'regression_models'
  | 'regression_n'
  | 'regression_slope'
  | 'regression_slope_ci'
  | 'regression_r2'
  | 'regression_wls_slope'
  | 'regression_logistic_beta'
  | 'regression_classification'
  // a lineage member: a row of a lineage + model table, or a member line
  | 'member_size'
  | 'member_n'
  | 'member_strict'
  | 'member_strict_ci'
  | 'transition'
  | 'lineage_shape'
  // an (attack class, model) cell
  | 'cell_n'
  | 'cell_strict'
  | 'cell_strict_ci'
  | 'cell_broad'
  | 'cell_broad_ci'
  | 'cell_fd'
  | 'cell_fd_ci'
  | 'cell_fit'
  | 'cell_residual'
  // a model of the reasoning-dilution table
  | 'dilution_size'
  | 'dilution_a_n'
  | 'dilution_a_strict'
  | 'dilution_a_strict_ci'
  | 'dilution_b_n'
  | 'dilution_b_strict'
  | 'dilution_b_strict_ci'
  | 'dilution_delta'
  | 'dilution_delta_ci'
  | 'dilution_pairs'
  | 'dilution_only_a'
  | 'dilution_only_b'
  | 'dilution_mcnemar_p';

/** A figure's value: a number in the unit written, an interval, or a label (a direction or a shape). */
export type ClaimValue = number | [number, number] | string;

/** One claim, exactly the fields of CLAIMS.md's `claims[]`. */
export interface Claim {
  /** 1-based line. */
  line: number;
  /** 1-based UTF-16 column of the figure's first character; `end_column` exclusive. */
  column: number;
  end_column: number;
  /** The figure as written: sign, digits and an attached `%`; for a direction or shape, the trimmed cell. */
  text: string;
  kind: ClaimKind;
  /** Where the figure is in the results document, e.g. `lineages[Gemma 3].members[gemma3:4b].strict.rate`. */
  figure: string;
  claimed: ClaimValue;
  /** The current value in the unit written; null when the key names nothing or the figure is undefined. */
  actual: ClaimValue | null;
  actual_ci: [number, number] | null;
  status: ClaimStatus;
}

/** A claim with what the editor shows beside it. */
export interface CheckedClaim extends Claim {
  /** The evaluable traces behind the figure (hover), when the figure has a sample. */
  n: number | null;
  /** Index of the claim's group in `ReportCheck.groups`. */
  group: number;
}

/** Where on the analysis page a group of claims is shown (a PageTab of the protocol, and what to select). */
export type PageTarget =
  | { tab: 'scaling'; group: 'dataset' | 'attack_class' | 'lineage' }
  | { tab: 'lineages'; lineage: string | null }
  | { tab: 'dilution' };

/** A claims table or a lineage context: the unit a CodeLens summarises. */
export interface ClaimGroup {
  kind: 'table' | 'lineage';
  /** 1-based, inclusive: a table's header to its last row; a context's opening line to its last line. */
  startLine: number;
  endLine: number;
  /** "dataset table", "Gemma 3", … */
  title: string;
  counts: Record<ClaimStatus, number>;
  /** "12 figures hold · 2 changed" */
  summary: string;
  page: PageTarget;
}

export interface ReportCheck {
  claims: CheckedClaim[];
  groups: ClaimGroup[];
  summary: Record<ClaimStatus, number>;
}

export const CLAIMS_SCHEMA = 'failure-first-lens/claims@1';

/** The document of `ff-lens check-report --json` (CLAIMS.md). */
export interface ClaimsDocument {
  schema: typeof CLAIMS_SCHEMA;
  report: string;
  workspace: string;
  summary: Record<ClaimStatus, number>;
  claims: Claim[];
}
