/** Scenarios as the index knows them: where each is defined, and the evidence of its traces. */
import type { ScenarioEvidence } from '../report/results';
import type { TraceIndex } from '../index/traceIndex';
import { forEachRecord, type Trace } from './join';
import type { AnalysisRun } from '../workspace';
import { compareCodePoints } from '../read/discover';

export interface ScenarioLine {
  path: string;
  line: number;
  offset: number;
  length: number;
  id: string | null;
}

/** Every trace of a scenario: by its scenario id, and by its dilution base id when that differs. */
export function tracesByScenario(traces: readonly Trace[]): Map<string, Trace[]> {
  const byId = new Map<string, Trace[]>();
  const add = (id: string, t: Trace): void => {
    const list = byId.get(id);
    if (list) list.push(t);
    else byId.set(id, [t]);
  };
  for (const t of traces) {
    if (t.scenarioId !== null) add(t.scenarioId, t);
    if (t.baseId !== null && t.baseId !== t.scenarioId) add(t.baseId, t);
  }
  return byId;
}

/** One analysis run's scenario lookups. */
export class ScenarioCatalog {
  /** Scenario lines of every scenario file, in (path, line) order; `id` null for a line without one. */
  readonly lines: ScenarioLine[] = [];
  private readonly definitions = new Map<string, ScenarioLine[]>();
  private readonly byScenario: Map<string, Trace[]>;
  private readonly evidenceCache = new Map<string, ScenarioEvidence>();

  constructor(
    private readonly run: AnalysisRun,
    index: TraceIndex,
  ) {
    const files = index
      .files()
      .filter((f) => f.kind === 'scenarios')
      .sort((a, b) => compareCodePoints(a.path, b.path));
    for (const f of files) {
      forEachRecord(index, f, (r) => {
        const l: ScenarioLine = {
          path: f.path,
          line: r.line,
          offset: r.offset,
          length: r.length,
          id: r.scenarioId,
        };
        this.lines.push(l);
        if (l.id === null) return;
        const list = this.definitions.get(l.id);
        if (list) list.push(l);
        else this.definitions.set(l.id, [l]);
      });
    }
    this.byScenario = tracesByScenario(run.traceSet.traces);
  }

  /** Where a scenario id is defined (a dilution id falls back to its base scenario). */
  definitionsOf(id: string): ScenarioLine[] {
    const exact = this.definitions.get(id);
    if (exact) return exact;
    const base = /^(.*)__dilution(?:_\d+)?$/.exec(id)?.[1];
    return base ? (this.definitions.get(base) ?? []) : [];
  }

  /** Every scenario id defined more than once, with its lines. */
  duplicates(): [string, ScenarioLine[]][] {
    return [...this.definitions].filter(([, l]) => l.length > 1);
  }

  traces(id: string): Trace[] {
    return this.byScenario.get(id) ?? [];
  }

  evidence(id: string): ScenarioEvidence {
    const hit = this.evidenceCache.get(id);
    if (hit) return hit;
    const traces = this.traces(id);
    const perModel = new Map<string, ScenarioEvidence['perModel'][number]>();
    let evaluable = 0;
    let compliance = 0;
    const arms = { A: { n: 0, k: 0 }, B: { n: 0, k: 0 } };
    for (const t of traces) {
      let m = perModel.get(t.key);
      if (!m) perModel.set(t.key, (m = { model: t.key, n: 0, compliance: 0, verdicts: {}, dilution: null }));
      const label = t.category === 'evaluable' ? (t.verdict as { label: string }).label : t.category;
      const success = t.category === 'evaluable' && label === 'COMPLIANCE';
      if (t.variant !== null) {
        m.dilution ??= { a: 0, b: 0, aCompliance: 0, bCompliance: 0 };
        if (t.category === 'evaluable') {
          const arm = arms[t.variant];
          arm.n++;
          if (success) arm.k++;
          if (t.variant === 'A') {
            m.dilution.a++;
            if (success) m.dilution.aCompliance++;
          } else {
            m.dilution.b++;
            if (success) m.dilution.bCompliance++;
          }
        }
      }
      if (t.variant === 'B') continue; // B traces belong to the dilution figures only
      m.verdicts[label] = (m.verdicts[label] ?? 0) + 1;
      if (t.category === 'evaluable') {
        m.n++;
        evaluable++;
        if (success) {
          m.compliance++;
          compliance++;
        }
      }
    }
    const { n: an, k: ak } = arms.A;
    const { n: bn, k: bk } = arms.B;
    const ev: ScenarioEvidence = {
      scenarioId: id,
      traces: traces.length,
      models: perModel.size,
      evaluable,
      compliance,
      strict: evaluable > 0 ? compliance / evaluable : null,
      dilutionDeltaPp: an > 0 && bn > 0 ? 100 * (bk / bn) - 100 * (ak / an) : null,
      perModel: [...perModel.values()].sort((a, b) => compareCodePoints(a.model, b.model)),
    };
    this.evidenceCache.set(id, ev);
    return ev;
  }

  get analysis(): AnalysisRun {
    return this.run;
  }
}

/** The CodeLens title of a scenario: `14 traces · 6 models · strict 36% · dilution Δ +22 pp`. */
export function evidenceTitle(e: ScenarioEvidence): string {
  if (e.traces === 0) return 'no traces yet';
  const parts = [
    `${e.traces} trace${e.traces === 1 ? '' : 's'}`,
    `${e.models} model${e.models === 1 ? '' : 's'}`,
  ];
  parts.push(e.strict === null ? 'strict –' : `strict ${Math.round(100 * e.strict)}%`);
  if (e.dilutionDeltaPp !== null)
    parts.push(
      `dilution Δ ${e.dilutionDeltaPp >= 0 ? '+' : '−'}${Math.abs(Math.round(e.dilutionDeltaPp))} pp`,
    );
  return parts.join(' · ');
}
