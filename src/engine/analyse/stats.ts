/** The statistics of ANALYSIS.md, one function per figure. Pure numbers in, numbers out. */
import { MAX_PER_ARM } from '../../shared/conclusions';
import { expectDefined } from '../../shared/expect';
import type { HeadlineDecision } from '../report/results';
import { wilsonOfRate, Z95, type Rate } from '../../shared/wilson';
import { T975, T975_MAX_DF } from './tTable';

// The Wilson interval (ANALYSIS.md §1) is in src/shared: the page computes it for dataset points too.
export { wilson, wilsonOfRate, Z95, type Rate } from '../../shared/wilson';

/** stdlib's functions, loaded at first use (lazy/stdlib.ts: a bundle apart, which a warm run never loads). */
let stdlib: typeof import('../lazy/stdlib') | null = null;
const lib = (): typeof import('../lazy/stdlib') =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily; typed by the import type
  (stdlib ??= require('../lazy/stdlib') as typeof import('../lazy/stdlib'));

/**
 * Student t quantile (stdlib's, by the inverse regularised incomplete beta function). The regressions'
 * p = 0.975 for df ≤ T975_MAX_DF comes from stdlib's own values, tabled (tTable.ts); any other is
 * computed, and kept per (p, df): an analysis asks for the same few values many times, and each costs
 * an iterative inverse.
 */
const tQuantiles = new Map<string, number>();
export function tQuantile(p: number, df: number): number {
  if (p === 0.975 && Number.isInteger(df) && df >= 1 && df <= T975_MAX_DF) return T975[df - 1] as number;
  const key = `${p} ${df}`;
  let q = tQuantiles.get(key);
  if (q === undefined) {
    q = lib().tQuantile(p, df);
    tQuantiles.set(key, q);
  }
  return q;
}

// ---------------------------------------------------------------- regressions

export interface OlsFit {
  slope: number;
  intercept: number;
  r2: number | null;
  se: number | null;
  ci: [number, number] | null;
  /** Residual standard deviation sqrt(SSres/(k−2)), k ≥ 3. */
  residualSd: number | null;
}

function mean(v: number[], w?: number[]): number {
  let s = 0;
  let sw = 0;
  for (const [i, vi] of v.entries()) {
    const wi = w?.[i] ?? 1;
    s += wi * vi;
    sw += wi;
  }
  return s / sw;
}

/** Least squares of y on x, weighted when `w` is given (ANALYSIS.md §3). */
function leastSquares(
  x: number[],
  y: number[],
  w?: number[],
): { slope: number; intercept: number; ssRes: number; ssTot: number; sxx: number } {
  const xm = mean(x, w);
  const y0 = expectDefined(y[0], 'a point to fit');
  if (y.every((v) => v === y0)) {
    // A flat group: fitted exactly, so rounding in the means cannot make a slope or an outlier.
    let sxx = 0;
    for (const [i, xi] of x.entries()) sxx += (w?.[i] ?? 1) * (xi - xm) ** 2;
    return { slope: 0, intercept: y0, ssRes: 0, ssTot: 0, sxx };
  }
  const ym = mean(y, w);
  let sxx = 0;
  let sxy = 0;
  let ssTot = 0;
  for (const [i, xi] of x.entries()) {
    const wi = w?.[i] ?? 1;
    const dx = xi - xm;
    const dy = expectDefined(y[i], 'a y for every x') - ym;
    sxx += wi * dx * dx;
    sxy += wi * dx * dy;
    ssTot += wi * dy * dy;
  }
  const slope = sxy / sxx;
  const intercept = ym - slope * xm;
  let ssRes = 0;
  for (const [i, xi] of x.entries()) {
    const wi = w?.[i] ?? 1;
    const r = expectDefined(y[i], 'a y for every x') - (intercept + slope * xi);
    ssRes += wi * r * r;
  }
  return { slope, intercept, ssRes, ssTot, sxx };
}

/** Ordinary least squares; requires at least two distinct x. */
export function ols(x: number[], y: number[]): OlsFit {
  const k = x.length;
  const f = leastSquares(x, y);
  const r2 = f.ssTot === 0 ? null : 1 - f.ssRes / f.ssTot;
  if (k < 3) return { slope: f.slope, intercept: f.intercept, r2, se: null, ci: null, residualSd: null };
  const s2 = f.ssRes / (k - 2);
  const se = Math.sqrt(s2 / f.sxx);
  const t = tQuantile(0.975, k - 2);
  return {
    slope: f.slope,
    intercept: f.intercept,
    r2,
    se,
    ci: [f.slope - t * se, f.slope + t * se],
    residualSd: Math.sqrt(s2),
  };
}

export interface WlsFit {
  slope: number;
  intercept: number;
  r2: number | null;
}

/** Weighted least squares (weights = n); weighted R². */
export function wls(x: number[], y: number[], w: number[]): WlsFit {
  const f = leastSquares(x, y, w);
  return { slope: f.slope, intercept: f.intercept, r2: f.ssTot === 0 ? null : 1 - f.ssRes / f.ssTot };
}

export interface LogisticFit {
  alpha: number | null;
  beta: number | null;
  se: number | null;
  ci: [number, number] | null;
  converged: boolean;
}

export interface BinomialPoint {
  x: number;
  /** Successes (COMPLIANCE). */
  k: number;
  n: number;
}

/** Separated data: the maximum-likelihood β is infinite (ANALYSIS.md §3). */
export function isSeparated(points: BinomialPoint[]): boolean {
  let succ = 0;
  let fail = 0;
  let maxFail = -Infinity;
  let minFail = Infinity;
  let maxSucc = -Infinity;
  let minSucc = Infinity;
  for (const p of points) {
    if (p.k > 0) {
      succ += p.k;
      maxSucc = Math.max(maxSucc, p.x);
      minSucc = Math.min(minSucc, p.x);
    }
    if (p.n - p.k > 0) {
      fail += p.n - p.k;
      maxFail = Math.max(maxFail, p.x);
      minFail = Math.min(minFail, p.x);
    }
  }
  return succ === 0 || fail === 0 || maxFail <= minSucc || maxSucc <= minFail;
}

/** logit P(success) = α + β·x by Newton–Raphson from 0 (ANALYSIS.md §9.7), on grouped trace counts. */
export function logistic(points: BinomialPoint[]): LogisticFit {
  if (isSeparated(points)) return { alpha: null, beta: null, se: null, ci: null, converged: false };
  let a = 0;
  let b = 0;
  const info = (
    aa: number,
    bb: number,
  ): { i00: number; i01: number; i11: number; g0: number; g1: number; ll: number } => {
    let i00 = 0;
    let i01 = 0;
    let i11 = 0;
    let g0 = 0;
    let g1 = 0;
    let ll = 0;
    for (const p of points) {
      const eta = aa + bb * p.x;
      const pr = 1 / (1 + Math.exp(-eta));
      const wgt = p.n * pr * (1 - pr);
      i00 += wgt;
      i01 += wgt * p.x;
      i11 += wgt * p.x * p.x;
      const r = p.k - p.n * pr;
      g0 += r;
      g1 += r * p.x;
      // log-likelihood, stable form: k·η − n·log(1 + e^η)
      const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
      ll += p.k * eta - p.n * softplus;
    }
    return { i00, i01, i11, g0, g1, ll };
  };
  let cur = info(a, b);
  let converged = false;
  for (let iter = 0; iter < 100; iter++) {
    const det = cur.i00 * cur.i11 - cur.i01 * cur.i01;
    const da = (cur.i11 * cur.g0 - cur.i01 * cur.g1) / det;
    const db = (-cur.i01 * cur.g0 + cur.i00 * cur.g1) / det;
    let step = 1;
    let next = info(a + da, b + db);
    // Step-halving only guards against overshoot far from the optimum; near it full steps are taken.
    while (next.ll < cur.ll - 1e-12 * Math.abs(cur.ll) && step > 1e-6) {
      step /= 2;
      next = info(a + step * da, b + step * db);
    }
    a += step * da;
    b += step * db;
    cur = next;
    // The whole step (ANALYSIS.md §9.7): with every point at the same rate the first β step is
    // ~1e-14 while α is still far from its optimum.
    if (Math.max(Math.abs(step * da), Math.abs(step * db)) < 1e-12) {
      converged = true;
      break;
    }
  }
  const det = cur.i00 * cur.i11 - cur.i01 * cur.i01;
  const se = Math.sqrt(cur.i00 / det);
  return { alpha: a, beta: b, se, ci: [b - Z95 * se, b + Z95 * se], converged };
}

// ---------------------------------------------------------------- dilution

/**
 * MOVER (Zou & Donner 2008, Stat Med 27:1693) for θ1 − θ2 from two independent estimates and
 * their 95% intervals: each side recovers its variance from the bound on that side.
 */
export function moverDifference(
  e1: number,
  ci1: readonly [number, number],
  e2: number,
  ci2: readonly [number, number],
): [number, number] {
  const d = e1 - e2;
  return [
    d - Math.sqrt((e1 - ci1[0]) ** 2 + (ci2[1] - e2) ** 2),
    d + Math.sqrt((ci1[1] - e1) ** 2 + (e2 - ci2[0]) ** 2),
  ];
}

const pp = (r: Rate): [number, number, number] => [100 * r.rate, 100 * r.lo, 100 * r.hi];

/** Newcombe's square-and-add interval for Δ = B − A from two Wilson intervals, in pp: MOVER on the two rates. */
export function newcombe(a: Rate, b: Rate): [number, number] {
  const [pa, la, ua] = pp(a);
  const [pb, lb, ub] = pp(b);
  return moverDifference(pb, [lb, ub], pa, [la, ua]);
}

/** The span Δ_L − Δ_S (pp) and its MOVER interval (ANALYSIS.md §10), from the four arms' strict rates. */
export function headlineSpan(
  small: { a: Rate; b: Rate },
  large: { a: Rate; b: Rate },
): { span: number; ci: [number, number] } {
  const dS = 100 * small.b.rate - 100 * small.a.rate;
  const dL = 100 * large.b.rate - 100 * large.a.rate;
  return {
    span: dL - dS,
    ci: moverDifference(dL, newcombe(large.a, large.b), dS, newcombe(small.a, small.b)),
  };
}

/** EXCEEDS when the whole interval is above the threshold, BELOW when it is all below (§10). */
export function headlineDecision(ci: readonly [number, number], thresholdPp: number): HeadlineDecision {
  if (ci[0] > thresholdPp + 1e-9) return 'EXCEEDS';
  if (ci[1] < thresholdPp - 1e-9) return 'BELOW';
  return 'UNDECIDED';
}

/**
 * The smallest m in 1..100,000 evaluable traces per arm that decides the headline with the four
 * strict rates held (§10), or null.
 *
 * Bisection is exact here because "decided" is monotone in m: a Wilson interval is the set of π
 * with (p − π)² ≤ z²π(1 − π)/m, so for a fixed p the interval at a larger m lies inside the one at
 * a smaller m. Every distance p − lo and hi − p therefore shrinks (or stays) as m grows, so do the
 * Newcombe and MOVER distances built from them by square-and-add, and the span's interval only
 * narrows around the fixed span. Once a bound clears the threshold it stays clear.
 */
export function perArmToDecide(
  rates: { smallA: number; smallB: number; largeA: number; largeB: number },
  thresholdPp: number,
): number | null {
  const decidedAt = (m: number): boolean => {
    const arm = (p: number): Rate => wilsonOfRate(p, m);
    const { ci } = headlineSpan(
      { a: arm(rates.smallA), b: arm(rates.smallB) },
      { a: arm(rates.largeA), b: arm(rates.largeB) },
    );
    return headlineDecision(ci, thresholdPp) !== 'UNDECIDED';
  };
  if (!decidedAt(MAX_PER_ARM)) return null;
  let undecided = 0; // no traces decide nothing
  let decided = MAX_PER_ARM;
  while (decided - undecided > 1) {
    const mid = Math.floor((undecided + decided) / 2);
    if (decidedAt(mid)) decided = mid;
    else undecided = mid;
  }
  return decided;
}

/** Exact two-sided McNemar p = min(1, 2·P(X ≤ min(b, c))), X ~ Binomial(b + c, ½). */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const m = Math.min(b, c);
  let tail: number;
  if (n <= 1000) {
    let term = Math.pow(2, -n); // C(n, 0) / 2^n, exact
    tail = term;
    for (let i = 1; i <= m; i++) {
      term = (term * (n - i + 1)) / i;
      tail += term;
    }
  } else {
    // Sum relative to the largest term C(n, m)/2^n, then scale by it.
    let r = 1;
    let s = 1;
    for (let i = m; i > 0; i--) {
      r = (r * i) / (n - i + 1);
      s += r;
      if (r < 1e-20 * s) break;
    }
    const { gammaln } = lib();
    const logTop = gammaln(n + 1) - gammaln(m + 1) - gammaln(n - m + 1) - n * Math.LN2;
    tail = s * Math.exp(logTop);
  }
  return Math.min(1, 2 * tail);
}

// ---------------------------------------------------------------- agreement

/** Cohen's κ over paired labels; null when there are none or the expected agreement is 1. */
export function cohenKappa(pairs: [string, string][]): number | null {
  const labels = [...new Set(pairs.flat())].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const matrix = new Array<number>(labels.length * labels.length).fill(0);
  for (const [a, b] of pairs) {
    const i = expectDefined(at.get(a), 'a label') * labels.length + expectDefined(at.get(b), 'a label');
    matrix[i] = expectDefined(matrix[i], 'a matrix entry') + 1;
  }
  return cohenKappaOf(matrix, labels.length);
}

/** Cohen's κ from a row-major size × size confusion matrix (rows: the first rater's labels). */
export function cohenKappaOf(matrix: readonly number[], size: number): number | null {
  let n = 0;
  let agree = 0;
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) {
      const c = expectDefined(matrix[i * size + j], 'a matrix entry');
      n += c;
      if (i === j) agree += c;
    }
  if (n === 0) return null;
  const po = agree / n;
  let pe = 0;
  for (let i = 0; i < size; i++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < size; j++) {
      row += expectDefined(matrix[i * size + j], 'a matrix entry');
      col += expectDefined(matrix[j * size + i], 'a matrix entry');
    }
    pe += (row / n) * (col / n);
  }
  if (pe === 1) return null;
  return (po - pe) / (1 - pe);
}
