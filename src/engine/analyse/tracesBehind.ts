/**
 * The traces behind a number: for a selector, the traces the figure counted, as the figure itself
 * recorded them (cells.ts, dilution.ts, agreement.ts), never selected again by a second rule.
 */
import type { ConfusionMatrix, TraceSelector } from '../report/selectors';
import type { AnalysisRun } from '../workspace';
import type { GraderPair } from './agreement';
import type { Trace } from './join';
import { tracesByScenario } from './scenarios';
import type { Tally } from './tally';

const LABELS = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'];

const pairKey = (a: string, b: string): string => `${a}\u0000${b}`;

/** One analysis run's lookups, built once and dropped with the run. */
export class TracesBehind {
  private readonly cells = new Map<string, Tally>();
  private readonly datasetCells = new Map<string, Tally>();
  private readonly graderPairs = new Map<string, GraderPair>();
  /** Both arms of a model's dilution traces, in trace order. */
  private readonly bothArms = new Map<string, Trace[]>();
  private byId: Map<string, Trace> | null = null;
  private byScenario: Map<string, Trace[]> | null = null;
  private position: Map<Trace, number> | null = null;

  constructor(private readonly run: AnalysisRun) {
    const { cells, agreement } = run.counted;
    for (const c of cells.cells) this.cells.set(pairKey(c.attackClass, c.key), c.tally);
    for (const d of cells.datasetCells) this.datasetCells.set(pairKey(d.dataset, d.key), d.tally);
    for (const p of agreement) this.graderPairs.set(pairKey(p.primary, p.secondary), p);
  }

  trace(id: string): Trace | undefined {
    this.byId ??= new Map(this.run.traceSet.traces.map((t) => [t.id, t]));
    return this.byId.get(id);
  }

  /** The traces behind a selector, in trace order: every trace the figure counted, evaluable or not. */
  select(selector: TraceSelector): readonly Trace[] {
    const { cells, dilution } = this.run.counted;
    switch (selector.kind) {
      case 'cell':
        return this.cells.get(pairKey(selector.attackClass, selector.model))?.traces ?? [];
      case 'model':
        return cells.modelTallies.get(selector.model)?.traces ?? [];
      case 'datasetCell':
        return this.datasetCells.get(pairKey(selector.dataset, selector.model))?.traces ?? [];
      case 'dilution': {
        const arms = dilution.arms.get(selector.model);
        if (!arms) return [];
        if (selector.variant !== undefined) return arms[selector.variant].traces;
        let both = this.bothArms.get(selector.model);
        if (!both)
          this.bothArms.set(selector.model, (both = this.inTraceOrder(arms.A.traces, arms.B.traces)));
        return both;
      }
      case 'disagreement':
        return (this.graderPairs.get(pairKey(selector.primary, selector.secondary))?.labelled ?? [])
          .filter((l) => l.primary !== l.secondary)
          .map((l) => l.trace);
      case 'scenario':
        this.byScenario ??= tracesByScenario(this.run.traceSet.traces);
        return this.byScenario.get(selector.scenarioId) ?? [];
    }
  }

  /** The other variant a dilution trace was paired with in McNemar's test, if any. */
  partner(t: Trace): Trace | null {
    return this.run.counted.dilution.partners.get(t) ?? null;
  }

  /** The confusion matrix of two graders over the traces their κ counts (ANALYSIS.md §7). */
  confusion(primary: string, secondary: string): ConfusionMatrix {
    const matrix = LABELS.map(() => LABELS.map(() => 0));
    const labelled = this.graderPairs.get(pairKey(primary, secondary))?.labelled ?? [];
    let disagreements = 0;
    for (const l of labelled) {
      const row = matrix[LABELS.indexOf(l.primary)];
      const j = LABELS.indexOf(l.secondary);
      if (row) row[j] = (row[j] ?? 0) + 1;
      if (l.primary !== l.secondary) disagreements++;
    }
    return { primary, secondary, labels: [...LABELS], matrix, n: labelled.length, disagreements };
  }

  /** Two lists of one run's traces merged back into trace order. */
  private inTraceOrder(a: readonly Trace[], b: readonly Trace[]): Trace[] {
    this.position ??= new Map(this.run.traceSet.traces.map((t, i) => [t, i]));
    const at = this.position;
    return [...a, ...b].sort((x, y) => (at.get(x) ?? 0) - (at.get(y) ?? 0));
  }
}
