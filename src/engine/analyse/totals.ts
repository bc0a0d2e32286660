/**
 * What every figure is computed from: per-cell, per-model and per-pair counts, all of them sums over
 * traces. A set of traces adds its part and takes it away again exactly (integers), so a change is
 * applied by taking away the part of the traces it touches and adding their part after it
 * (incremental.ts); a from-scratch analysis adds every trace once. The one figure that is not a sum,
 * a model's size from a parameter-count field (the first in (path, line) order), is kept as each
 * model's first candidate (ParamsCandidate).
 */
import { compareCodePoints as cmp } from '../read/discover';
import type { TraceCounts } from '../report/results';
import type { Trace } from './join';
import { sizeFromField } from './models';
import { Tally, type TallyJson } from './tally';
import { expectDefined } from '../../shared/expect';

export interface CellTotal {
  attackClass: string;
  key: string;
  tally: Tally;
}

export interface DatasetCellTotal {
  dataset: string;
  key: string;
  tally: Tally;
}

/** A model's dilution arms and its McNemar pairs (ANALYSIS.md §5, §9.3). */
export interface DilutionTotal {
  a: Tally;
  b: Tally;
  pairs: number;
  onlyA: number;
  onlyB: number;
}

/** The evaluable labels in the order of a confusion matrix's rows and columns. */
export const AGREEMENT_LABELS = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'] as const;

/** A (primary, secondary) grader pair: traces graded by both, and the confusion counts of those κ uses. */
export interface AgreementTotal {
  primary: string;
  secondary: string;
  traces: number;
  /** Row-major 4 × 4 over AGREEMENT_LABELS: primary label by secondary label. */
  matrix: number[];
}

/** Pairs of a model's A and B traces (ANALYSIS.md §9.3). */
export interface PairCounts {
  pairs: number;
  onlyA: number;
  onlyB: number;
}

/** Where a trace sits in (path, line) order: databases after JSONL files (rank 1), then the path, then the line. */
export interface Position {
  rank: number;
  path: string;
  line: number;
}

export const comparePositions = (a: Position, b: Position): number =>
  comparePlaces(a.rank, a.path, a.line, b.rank, b.path, b.line);

/** comparePositions of two positions given field by field (a sort's comparator makes no object). */
export const comparePlaces = (
  rankA: number,
  pathA: string,
  lineA: number,
  rankB: number,
  pathB: string,
  lineB: number,
): number => rankA - rankB || cmp(pathA, pathB) || lineA - lineB;

/** A model's first trace, in (path, line) order, whose parameter-count field gives a size (ANALYSIS.md §9.4). */
export interface ParamsCandidate extends Position {
  params: string;
}

const emptyCounts = (): TraceCounts => ({
  total: 0,
  graded: 0,
  ungraded: 0,
  evaluable: 0,
  errors: 0,
  benign: 0,
  unknown_label: 0,
});

const bump = <K>(m: Map<K, number>, k: K, by: number): void => {
  const v = (m.get(k) ?? 0) + by;
  if (v === 0) m.delete(k);
  else m.set(k, v);
};

/**
 * `a \0 b`, the same string for the same pair: a key made once and then looked up (by two strings
 * whose hashes V8 keeps) instead of concatenated and hashed again for every trace.
 */
class PairKeys {
  private readonly byFirst = new Map<string, Map<string, string>>();

  of(a: string, b: string): string {
    let m = this.byFirst.get(a);
    if (!m) this.byFirst.set(a, (m = new Map<string, string>()));
    let k = m.get(b);
    if (k === undefined) m.set(b, (k = `${a}\u0000${b}`));
    return k;
  }
}

export class Totals {
  private readonly pairKeys = new PairKeys();
  counts: TraceCounts = emptyCounts();
  /** Keyed `attack class \0 model`. */
  readonly cells = new Map<string, CellTotal>();
  /** Keyed `dataset \0 model`. */
  readonly datasetCells = new Map<string, DatasetCellTotal>();
  /** Every model's traces over all attack classes, variant B left out. */
  readonly models = new Map<string, Tally>();
  /** Every model key seen on a trace, with the names it was written as (and how many traces each). */
  readonly names = new Map<string, Map<string, number>>();
  readonly dilution = new Map<string, DilutionTotal>();
  /** Keyed `primary \0 secondary`. */
  readonly agreement = new Map<string, AgreementTotal>();
  /** Verdicts per grader name (a chosen grader missing here grades nothing). */
  readonly graders = new Map<string, number>();

  /**
   * Count traces (sign 1) or take them away (sign −1); variant B traces enter no cell (ANALYSIS.md §9.2).
   * Traces come file by file, where the model, the dataset and mostly the attack class repeat: the
   * entries of the trace before are used again without a lookup, and forgotten when their key
   * changes or an entry is dropped (with gradersOf's count and the directory's sort: a cold build's
   * join state 166 → 157 ms on the short bench corpus).
   */
  addTraces(traces: readonly Trace[], sign: number): void {
    const c = this.counts;
    let key: string | undefined;
    let names: Map<string, number> | undefined;
    let model: Tally | undefined;
    let ac: string | undefined;
    let cell: CellTotal | undefined;
    let ds: string | undefined;
    let dcell: DatasetCellTotal | undefined;
    for (const t of traces) {
      c.total += sign;
      switch (t.category) {
        case 'ungraded':
          c.ungraded += sign;
          break;
        case 'error':
          c.graded += sign;
          c.errors += sign;
          break;
        case 'benign':
          c.graded += sign;
          c.benign += sign;
          break;
        case 'unknown':
          c.graded += sign;
          c.unknown_label += sign;
          break;
        case 'evaluable':
          c.graded += sign;
          c.evaluable += sign;
          break;
      }
      if (t.key !== key) {
        key = t.key;
        names = model = cell = dcell = undefined;
      }
      if (names === undefined) {
        names = this.names.get(key);
        if (!names) this.names.set(key, (names = new Map<string, number>()));
      }
      bump(names, t.model, sign);
      if (names.size === 0) {
        this.names.delete(key);
        names = undefined;
      }
      if (t.variant !== 'B') {
        if (t.attackClass !== ac || cell === undefined) {
          ac = t.attackClass;
          const ck = this.pairKeys.of(ac, key);
          cell = this.cells.get(ck);
          if (!cell) this.cells.set(ck, (cell = { attackClass: ac, key, tally: new Tally() }));
        }
        cell.tally.add(t, sign);
        if (cell.tally.total === 0) {
          this.cells.delete(this.pairKeys.of(ac, key));
          cell = undefined;
        }
        if (t.dataset !== null) {
          if (t.dataset !== ds || dcell === undefined) {
            ds = t.dataset;
            const dk = this.pairKeys.of(ds, key);
            dcell = this.datasetCells.get(dk);
            if (!dcell) this.datasetCells.set(dk, (dcell = { dataset: ds, key, tally: new Tally() }));
          }
          dcell.tally.add(t, sign);
          if (dcell.tally.total === 0) {
            this.datasetCells.delete(this.pairKeys.of(ds, key));
            dcell = undefined;
          }
        }
        if (model === undefined) {
          model = this.models.get(key);
          if (!model) this.models.set(key, (model = new Tally()));
        }
        model.add(t, sign);
        if (model.total === 0) {
          this.models.delete(key);
          model = undefined;
        }
      }
      if (t.variant !== null) {
        const d = this.dilutionOf(key);
        (t.variant === 'A' ? d.a : d.b).add(t, sign);
        this.dropEmptyDilution(key, d);
      }
      if (t.verdict && t.opinions.length > 0) for (const o of t.opinions) this.addOpinion(t, o, sign);
    }
  }

  private addOpinion(t: Trace, o: Trace['opinions'][number], sign: number): void {
    const primary = (t.verdict as NonNullable<Trace['verdict']>).grader;
    const k = `${primary}\u0000${o.grader}`;
    let p = this.agreement.get(k);
    if (!p)
      this.agreement.set(
        k,
        (p = { primary, secondary: o.grader, traces: 0, matrix: new Array<number>(16).fill(0) }),
      );
    p.traces += sign;
    if (agreementCounts(t, o)) {
      const i = labelIndex(t.verdict?.label);
      const j = labelIndex(o.label);
      p.matrix[i * 4 + j] = expectDefined(p.matrix[i * 4 + j], 'a matrix entry') + sign;
    }
    if (p.traces === 0) this.agreement.delete(k);
  }

  /** Add (or take away) the McNemar pairs of some models. */
  addPairs(pairs: Map<string, PairCounts>, sign: number): void {
    for (const [key, p] of pairs) {
      const d = this.dilutionOf(key);
      d.pairs += sign * p.pairs;
      d.onlyA += sign * p.onlyA;
      d.onlyB += sign * p.onlyB;
      this.dropEmptyDilution(key, d);
    }
  }

  addGraders(graders: Map<string, number>, sign: number): void {
    for (const [g, n] of graders) bump(this.graders, g, sign * n);
  }

  private dilutionOf(key: string): DilutionTotal {
    let d = this.dilution.get(key);
    if (!d) this.dilution.set(key, (d = { a: new Tally(), b: new Tally(), pairs: 0, onlyA: 0, onlyB: 0 }));
    return d;
  }

  private dropEmptyDilution(key: string, d: DilutionTotal): void {
    if (d.a.total === 0 && d.b.total === 0 && d.pairs === 0 && d.onlyA === 0 && d.onlyB === 0)
      this.dilution.delete(key);
  }

  /** Every grader with a verdict on some trace, sorted. */
  graderNames(): string[] {
    return [...this.graders.keys()].sort(cmp);
  }

  toJson(): TotalsJson {
    const tally = (t: Tally): TallyJson => t.toJson();
    return {
      counts: this.counts,
      cells: [...this.cells.values()].map((c) => [c.attackClass, c.key, tally(c.tally)]),
      datasetCells: [...this.datasetCells.values()].map((c) => [c.dataset, c.key, tally(c.tally)]),
      models: [...this.models].map(([k, t]) => [k, tally(t)]),
      names: [...this.names].map(([k, m]) => [k, [...m]]),
      dilution: [...this.dilution].map(([k, d]) => [k, tally(d.a), tally(d.b), d.pairs, d.onlyA, d.onlyB]),
      agreement: [...this.agreement.values()].map((p) => [p.primary, p.secondary, p.traces, p.matrix]),
      graders: [...this.graders],
    };
  }

  static fromJson(j: TotalsJson): Totals {
    const t = new Totals();
    t.counts = { ...emptyCounts(), ...j.counts };
    for (const [ac, key, c] of j.cells)
      t.cells.set(`${ac}\u0000${key}`, { attackClass: ac, key, tally: Tally.fromJson(c) });
    for (const [ds, key, c] of j.datasetCells)
      t.datasetCells.set(`${ds}\u0000${key}`, { dataset: ds, key, tally: Tally.fromJson(c) });
    for (const [k, c] of j.models) t.models.set(k, Tally.fromJson(c));
    for (const [k, m] of j.names) t.names.set(k, new Map(m));
    for (const [k, a, b, pairs, onlyA, onlyB] of j.dilution)
      t.dilution.set(k, { a: Tally.fromJson(a), b: Tally.fromJson(b), pairs, onlyA, onlyB });
    for (const [primary, secondary, traces, matrix] of j.agreement)
      t.agreement.set(`${primary}\u0000${secondary}`, { primary, secondary, traces, matrix: [...matrix] });
    for (const [g, n] of j.graders) t.graders.set(g, n);
    return t;
  }
}

/** Totals as the index stores them. */
export interface TotalsJson {
  counts: TraceCounts;
  cells: [string, string, TallyJson][];
  datasetCells: [string, string, TallyJson][];
  models: [string, TallyJson][];
  names: [string, [string, number][]][];
  dilution: [string, TallyJson, TallyJson, number, number, number][];
  agreement: [string, string, number, number[]][];
  graders: [string, number][];
}

const labelIndex = (label: string | undefined): number =>
  AGREEMENT_LABELS.indexOf(label as (typeof AGREEMENT_LABELS)[number]);

/** Whether κ counts a trace's primary verdict against an opinion: both evaluable, no error sentinel (§9.9). */
export function agreementCounts(t: Trace, o: NonNullable<Trace['verdict']>): boolean {
  return t.verdict?.cls === 'evaluable' && o.cls === 'evaluable' && t.response !== 2;
}

/**
 * The McNemar pairing (ANALYSIS.md §9.3): the k-th A trace of a (model, base scenario) with its k-th
 * B trace, traces in (path, line) order; counted where both are evaluable. `partner` sees every pair.
 */
export function dilutionPairs(
  traces: readonly Trace[],
  partner?: (a: Trace, b: Trace) => void,
): Map<string, PairCounts> {
  const byBase = new Map<string, { a: Trace[]; b: Trace[] }>();
  for (const t of traces) {
    if (t.variant === null || t.baseId === null) continue; // without a scenario id there is nothing to pair with
    const k = `${t.key}\u0000${t.baseId}`;
    let lists = byBase.get(k);
    if (!lists) byBase.set(k, (lists = { a: [], b: [] }));
    (t.variant === 'A' ? lists.a : lists.b).push(t);
  }
  const out = new Map<string, PairCounts>();
  for (const { a, b } of byBase.values()) {
    const k = Math.min(a.length, b.length);
    if (k === 0) continue;
    const key = expectDefined(a[0], 'the first A trace').key;
    let p = out.get(key);
    if (!p) out.set(key, (p = { pairs: 0, onlyA: 0, onlyB: 0 }));
    for (let i = 0; i < k; i++) {
      const ta = expectDefined(a[i], 'the k-th A trace');
      const tb = expectDefined(b[i], 'the k-th B trace');
      partner?.(ta, tb);
      if (ta.category !== 'evaluable' || tb.category !== 'evaluable') continue;
      p.pairs++;
      const ya = ta.verdict?.label === 'COMPLIANCE';
      const yb = tb.verdict?.label === 'COMPLIANCE';
      if (ya && !yb) p.onlyA++;
      else if (yb && !ya) p.onlyB++;
    }
  }
  return out;
}

/** Whether a parameter-count field (JSON-encoded) gives a size (FORMATS.md §5). */
export const givesSize = (params: string): boolean => sizeFromField(JSON.parse(params)).total !== null;

/** Each model's first trace (traces in (path, line) order) whose parameter-count field gives a size. */
export function paramsCandidates(
  traces: readonly Trace[],
  positionOf: (t: Trace) => Position,
): Map<string, ParamsCandidate> {
  const out = new Map<string, ParamsCandidate>();
  for (const t of traces) {
    if (t.params === null || out.has(t.key) || !givesSize(t.params)) continue;
    out.set(t.key, { ...positionOf(t), params: t.params });
  }
  return out;
}
