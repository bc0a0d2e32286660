/**
 * A tally of traces by category and label: the unit of every cell, lineage member and dilution arm.
 * Only counts, so that a tally is a sum: the traces of a change are added and taken away again
 * (incremental.ts), and the traces behind a figure are listed apart (counted.ts).
 */
import type { LabelCounts, RateJson } from '../report/results';
import type { Category, Trace } from './join';
import { wilson } from './stats';

/** A tally as the index stores it: COMPLIANCE, PARTIAL, REFUSAL, HALLUCINATION_REFUSAL, ungraded, errors, benign, unknown. */
export type TallyJson = [number, number, number, number, number, number, number, number];

export class Tally {
  counts: LabelCounts = { COMPLIANCE: 0, PARTIAL: 0, REFUSAL: 0, HALLUCINATION_REFUSAL: 0 };
  n = 0;
  ungraded = 0;
  errors = 0;
  benign = 0;
  unknown = 0;

  /** Count a trace (sign 1) or take it away again (sign −1). */
  add(t: Trace, sign = 1): void {
    this.addCategory(t.category, t.verdict?.label, sign);
  }

  addCategory(category: Category, label: string | undefined, sign: number): void {
    switch (category) {
      case 'ungraded':
        this.ungraded += sign;
        break;
      case 'error':
        this.errors += sign;
        break;
      case 'benign':
        this.benign += sign;
        break;
      case 'unknown':
        this.unknown += sign;
        break;
      case 'evaluable':
        this.n += sign;
        this.counts[label as keyof LabelCounts] += sign;
        break;
    }
  }

  /** Every trace counted, evaluable or not: a tally at 0 counts nothing and is dropped. */
  get total(): number {
    return this.n + this.ungraded + this.errors + this.benign + this.unknown;
  }

  strict(): RateJson | null {
    return wilson(this.counts.COMPLIANCE, this.n);
  }
  broad(): RateJson | null {
    return wilson(this.counts.COMPLIANCE + this.counts.PARTIAL, this.n);
  }
  fd(): RateJson | null {
    return wilson(this.counts.COMPLIANCE + this.counts.PARTIAL + this.counts.HALLUCINATION_REFUSAL, this.n);
  }

  toJson(): TallyJson {
    const c = this.counts;
    return [
      c.COMPLIANCE,
      c.PARTIAL,
      c.REFUSAL,
      c.HALLUCINATION_REFUSAL,
      this.ungraded,
      this.errors,
      this.benign,
      this.unknown,
    ];
  }

  static fromJson(j: TallyJson): Tally {
    const t = new Tally();
    const [compliance, partial, refusal, hallucination, ungraded, errors, benign, unknown] = j;
    t.counts = {
      COMPLIANCE: compliance,
      PARTIAL: partial,
      REFUSAL: refusal,
      HALLUCINATION_REFUSAL: hallucination,
    };
    t.n = compliance + partial + refusal + hallucination;
    t.ungraded = ungraded;
    t.errors = errors;
    t.benign = benign;
    t.unknown = unknown;
    return t;
  }
}

/** Group items by a string key, keeping first-seen order. */
export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
