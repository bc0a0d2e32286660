/** Cells (ANALYSIS.md §2): the document's cells from the per-(attack class, model) tallies. */
import { compareCodePoints as cmp } from '../read/discover';
import type { CellJson } from '../report/results';
import type { ModelInfo } from './models';
import type { CellTotal, DatasetCellTotal, Totals } from './totals';

/** The cells sorted by (attack class, model), and the dataset cells by (dataset, model). */
export function sortedCells(totals: Totals): { cells: CellTotal[]; datasetCells: DatasetCellTotal[] } {
  return {
    cells: [...totals.cells.values()].sort((a, b) => cmp(a.attackClass, b.attackClass) || cmp(a.key, b.key)),
    datasetCells: [...totals.datasetCells.values()].sort(
      (a, b) => cmp(a.dataset, b.dataset) || cmp(a.key, b.key),
    ),
  };
}

/** The cells of the document, keyed `attack class \0 model`; outlier fields are set by the regressions. */
export function cellDocuments(
  cells: CellTotal[],
  models: Map<string, ModelInfo>,
  thinN: number,
): Map<string, CellJson> {
  const cellJson = new Map<string, CellJson>();
  for (const c of cells) {
    const m = models.get(c.key) as ModelInfo;
    cellJson.set(`${c.attackClass}\u0000${c.key}`, {
      attack_class: c.attackClass,
      model: c.key,
      n: c.tally.n,
      counts: { ...c.tally.counts },
      ungraded: c.tally.ungraded,
      errors: c.tally.errors,
      benign: c.tally.benign,
      strict: c.tally.strict(),
      broad: c.tally.broad(),
      fd: c.tally.fd(),
      thin: c.tally.n < thinN,
      excluded: m.excluded,
      fit_pp: null,
      residual_pp: null,
      outlier: null,
      off_line: null,
      unknown_label: c.tally.unknown,
      params_b: m.params_b,
      lineage: m.lineage,
      exclusion_reason: m.exclusion_reason,
      residual_sd_pp: null,
    });
  }
  return cellJson;
}

/** Each lineage's member models (by key), from the models the map matched. */
export function lineageMembersOf(models: Map<string, ModelInfo>): Map<string, string[]> {
  const lineageMembers = new Map<string, string[]>();
  for (const m of [...models.values()].sort((a, b) => cmp(a.key, b.key))) {
    if (m.lineage === null) continue;
    const list = lineageMembers.get(m.lineage);
    if (list) list.push(m.key);
    else lineageMembers.set(m.lineage, [m.key]);
  }
  return lineageMembers;
}
