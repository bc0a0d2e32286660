/**
 * The traces behind each figure, listed by the rules that counted them (totals.ts): the same attack
 * class, the same variant rule, the same pairing and the same test of what κ counts. Built once per
 * analysis run, when the editor first asks (tracesBehind.ts answers from it).
 */
import type { Trace } from './join';
import { agreementCounts, dilutionPairs } from './totals';

/** A grader pair's traces that κ counts, with the two labels, in trace order. */
export interface Labelled {
  trace: Trace;
  primary: string;
  secondary: string;
}

export interface Counted {
  /** Keyed `attack class \0 model`; variant B traces enter no cell. */
  cells: Map<string, Trace[]>;
  /** Keyed `dataset \0 model`. */
  datasetCells: Map<string, Trace[]>;
  /** Each model's traces over all attack classes, variant B left out. */
  models: Map<string, Trace[]>;
  /** Each model's traces of variant A and of variant B. */
  arms: Map<string, { A: Trace[]; B: Trace[] }>;
  /** The pairing of McNemar's test, both ways. */
  partners: Map<Trace, Trace>;
  /** Keyed `primary \0 secondary`. */
  agreement: Map<string, Labelled[]>;
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

/** The trace lists of every figure, `traces` in trace order. */
export function countedOf(traces: readonly Trace[]): Counted {
  const c: Counted = {
    cells: new Map(),
    datasetCells: new Map(),
    models: new Map(),
    arms: new Map(),
    partners: new Map(),
    agreement: new Map(),
  };
  for (const t of traces) {
    if (t.variant !== 'B') {
      push(c.cells, `${t.attackClass}\u0000${t.key}`, t);
      if (t.dataset !== null) push(c.datasetCells, `${t.dataset}\u0000${t.key}`, t);
      push(c.models, t.key, t);
    }
    if (t.variant !== null) {
      let arms = c.arms.get(t.key);
      if (!arms) c.arms.set(t.key, (arms = { A: [], B: [] }));
      arms[t.variant].push(t);
    }
    if (t.verdict)
      for (const o of t.opinions)
        if (agreementCounts(t, o))
          push(c.agreement, `${t.verdict.grader}\u0000${o.grader}`, {
            trace: t,
            primary: t.verdict.label,
            secondary: o.label,
          });
  }
  dilutionPairs(traces, (a, b) => c.partners.set(a, b).set(b, a));
  return c;
}
