/** A written figure against the current value: the claim with its status (CLAIMS.md "Result"). */
import { numberHolds, type WrittenInterval, type WrittenNumber } from './figures';
import type { Resolved } from './lookup';
import type { Claim, ClaimKind, ClaimValue } from './types';

/** A claim before it is placed in a group: its fields, and the n behind the figure. */
export type DraftClaim = Claim & { n: number | null };

/** Where a figure is written: its line and the 1-based UTF-16 column of its first character. */
export interface At {
  line: number;
  column: number;
}

/** The current value behind a figure; `actual` null when the figure is undefined now. */
export interface Current<T> {
  actual: T | null;
  ci?: [number, number] | null;
  n?: number | null;
}

function draft(at: At, text: string, kind: ClaimKind, figure: string, claimed: ClaimValue): DraftClaim {
  return {
    line: at.line,
    column: at.column,
    end_column: at.column + text.length,
    text,
    kind,
    figure,
    claimed,
    actual: null,
    actual_ci: null,
    status: 'NOT_FOUND',
    n: null,
  };
}

function settle<T extends ClaimValue>(
  d: DraftClaim,
  current: Resolved<Current<T>>,
  holds: (actual: T) => boolean,
): DraftClaim {
  if (current.found === 'none') return d;
  if (current.found === 'several') return { ...d, status: 'NOT_CHECKED' };
  const c = current.value;
  d.actual = c.actual;
  d.actual_ci = c.ci ?? null;
  d.n = c.n ?? null;
  d.status = c.actual !== null && holds(c.actual) ? 'HOLDS' : 'CHANGED';
  return d;
}

/** A number (`at` is where `w` starts); counts compare exactly, others within half the last decimal. */
export function judgeNumber(
  at: At,
  w: WrittenNumber,
  kind: ClaimKind,
  figure: string,
  current: Resolved<Current<number>>,
  count: boolean,
): DraftClaim {
  return settle(draft(at, w.text, kind, figure, w.value), current, (a) => numberHolds(w, a, count));
}

/** An interval `[a, b]`: it holds when both bounds hold. */
export function judgeInterval(
  at: At,
  w: WrittenInterval,
  kind: ClaimKind,
  figure: string,
  current: Resolved<Current<[number, number]>>,
): DraftClaim {
  return settle(
    draft(at, w.text, kind, figure, [w.lo.value, w.hi.value]),
    current,
    (a) => numberHolds(w.lo, a[0]) && numberHolds(w.hi, a[1]),
  );
}

/** A label (a direction's classification or a shape) compared by name. */
export function judgeLabel(
  at: At,
  text: string,
  claimed: string,
  kind: ClaimKind,
  figure: string,
  current: Resolved<Current<string>>,
): DraftClaim {
  return settle(draft(at, text, kind, figure, claimed), current, (a) => a === claimed);
}
