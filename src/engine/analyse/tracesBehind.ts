/**
 * The traces behind a number: for a selector, the traces the figure counted, as the figure itself
 * counted them (counted.ts, by the rules of totals.ts), never selected again by a second rule.
 */
import type { ConfusionMatrix, TraceSelector } from '../report/selectors';
import type { AnalysisRun } from '../workspace';
import type { Trace } from './join';
import { tracesByScenario } from './scenarios';
import { AGREEMENT_LABELS } from './totals';

const LABELS: string[] = [...AGREEMENT_LABELS];

const pairKey = (a: string, b: string): string => `${a}\u0000${b}`;

/** One analysis run's lookups, built once and dropped with the run. */
export class TracesBehind {
  /** Both arms of a model's dilution traces, in trace order. */
  private readonly bothArms = new Map<string, Trace[]>();
  private byId: Map<string, Trace> | null = null;
  private byScenario: Map<string, Trace[]> | null = null;
  private position: Map<Trace, number> | null = null;

  constructor(private readonly run: AnalysisRun) {}

  trace(id: string): Trace | undefined {
    this.byId ??= new Map(this.run.traceSet.traces.map((t) => [t.id, t]));
    return this.byId.get(id);
  }

  /** The traces behind a selector, in trace order: every trace the figure counted, evaluable or not. */
  select(selector: TraceSelector): readonly Trace[] {
    const counted = this.run.counted;
    switch (selector.kind) {
      case 'cell':
        return counted.cells.get(pairKey(selector.attackClass, selector.model)) ?? [];
      case 'model':
        return counted.models.get(selector.model) ?? [];
      case 'datasetCell':
        return counted.datasetCells.get(pairKey(selector.dataset, selector.model)) ?? [];
      case 'dilution': {
        const arms = counted.arms.get(selector.model);
        if (!arms) return [];
        if (selector.variant !== undefined) return arms[selector.variant];
        let both = this.bothArms.get(selector.model);
        if (!both) this.bothArms.set(selector.model, (both = this.inTraceOrder(arms.A, arms.B)));
        return both;
      }
      case 'disagreement':
        return (counted.agreement.get(pairKey(selector.primary, selector.secondary)) ?? [])
          .filter((l) => l.primary !== l.secondary)
          .map((l) => l.trace);
      case 'scenario':
        this.byScenario ??= tracesByScenario(this.run.traceSet.traces);
        return this.byScenario.get(selector.scenarioId) ?? [];
    }
  }

  /** The other variant a dilution trace was paired with in McNemar's test, if any. */
  partner(t: Trace): Trace | null {
    return this.run.counted.partners.get(t) ?? null;
  }

  /** The confusion matrix of two graders over the traces their κ counts (ANALYSIS.md §7). */
  confusion(primary: string, secondary: string): ConfusionMatrix {
    const matrix = LABELS.map(() => LABELS.map(() => 0));
    const labelled = this.run.counted.agreement.get(pairKey(primary, secondary)) ?? [];
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
