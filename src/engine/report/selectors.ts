/**
 * How the traces behind a number are named: a selector per kind of figure, and the confusion
 * matrix of a grader pair. Types only (the protocol re-exports them to the server, client and page).
 */

/** Which traces a list shows: the traces behind one number of the results. */
export type TraceSelector =
  /** A cell: (attack class, model), variant A or none. */
  | { kind: 'cell'; attackClass: string; model: string }
  /** A model pooled over attack classes (a lineage member / a point of a lineage regression). */
  | { kind: 'model'; model: string }
  /** A (dataset, model) cell of the pooled dataset view. */
  | { kind: 'datasetCell'; dataset: string; model: string }
  /** A model's dilution traces; `variant` narrows to A or B. */
  | { kind: 'dilution'; model: string; variant?: 'A' | 'B' }
  /** Traces on which two graders disagree (both evaluable). */
  | { kind: 'disagreement'; primary: string; secondary: string }
  /** Every trace of a scenario (by scenario id or its dilution base id). */
  | { kind: 'scenario'; scenarioId: string };

/** Two graders' labels over the traces evaluable under both (rows: primary, columns: second grader). */
export interface ConfusionMatrix {
  primary: string;
  secondary: string;
  labels: string[];
  /** matrix[i][j]: traces the primary grader labelled labels[i] and the second labels[j]. */
  matrix: number[][];
  n: number;
  disagreements: number;
}
