/** Cells (ANALYSIS.md §2): tallies per (attack class, model), per (dataset, model) and per model. */
import { compareCodePoints as cmp } from '../read/discover';
import type { CellJson, TraceCounts } from '../report/results';
import type { Trace } from './join';
import type { ModelInfo } from './models';
import { Tally } from './tally';

export interface CellTally {
  attackClass: string;
  key: string;
  tally: Tally;
}

export interface CellTallies {
  /** Sorted by (attack class, model). */
  cells: CellTally[];
  datasetCells: { dataset: string; key: string; tally: Tally }[];
  /** Every model's traces over all attack classes (lineage members, lineage regressions). */
  modelTallies: Map<string, Tally>;
  counts: TraceCounts;
}

/** Every trace counts in `counts`; variant B traces enter no cell (ANALYSIS.md §9.2). */
export function tallyCells(traces: Trace[], attackClassOf: (t: Trace) => string): CellTallies {
  const cells = new Map<string, CellTally>();
  const datasetCells = new Map<string, { dataset: string; key: string; tally: Tally }>();
  const modelTallies = new Map<string, Tally>();
  const counts: TraceCounts = {
    total: 0,
    graded: 0,
    ungraded: 0,
    evaluable: 0,
    errors: 0,
    benign: 0,
    unknown_label: 0,
  };
  for (const t of traces) {
    counts.total++;
    if (t.category === 'ungraded') counts.ungraded++;
    else {
      counts.graded++;
      if (t.category === 'error') counts.errors++;
      else if (t.category === 'benign') counts.benign++;
      else if (t.category === 'unknown') counts.unknown_label++;
      else counts.evaluable++;
    }
    if (t.variant === 'B') continue;
    const ac = attackClassOf(t);
    const ck = `${ac}\u0000${t.key}`;
    let c = cells.get(ck);
    if (!c) cells.set(ck, (c = { attackClass: ac, key: t.key, tally: new Tally() }));
    c.tally.add(t);
    if (t.dataset !== null) {
      const dk = `${t.dataset}\u0000${t.key}`;
      let d = datasetCells.get(dk);
      if (!d) datasetCells.set(dk, (d = { dataset: t.dataset, key: t.key, tally: new Tally() }));
      d.tally.add(t);
    }
    let m = modelTallies.get(t.key);
    if (!m) modelTallies.set(t.key, (m = new Tally()));
    m.add(t);
  }
  return {
    cells: [...cells.values()].sort((a, b) => cmp(a.attackClass, b.attackClass) || cmp(a.key, b.key)),
    datasetCells: [...datasetCells.values()],
    modelTallies,
    counts,
  };
}

/** The cells of the document, keyed `attack class \0 model`; outlier fields are set by the regressions. */
export function cellDocuments(
  cells: CellTally[],
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
