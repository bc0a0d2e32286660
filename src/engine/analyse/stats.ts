/** The statistics of ANALYSIS.md, one function per figure. Pure numbers in, numbers out. */

import { Z95, type Rate } from '../../shared/wilson';

// The Wilson interval (ANALYSIS.md §1) is in src/shared: the page computes it for dataset points too.
export { wilson, Z95, type Rate } from '../../shared/wilson';

// ---------------------------------------------------------------- special functions

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xx = x - 1;
  let a = LANCZOS[0] as number;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incbeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betacf(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betacf(b, a, 1 - x)) / b;
}

/** Student t cumulative distribution. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incbeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Student t quantile for p in (0.5, 1): exact forms for 1 and 2 degrees of freedom, else Newton on the CDF. */
export function tQuantile(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // Upper tail q = 1 − p, solved as 0.5·I_x(df/2, 1/2) = q for x = df/(df+t²): better conditioned.
  const q = 1 - p;
  let lo = 0;
  let hi = 1e3;
  let t = 2;
  for (let i = 0; i < 200; i++) {
    const tail = 0.5 * incbeta(df / (df + t * t), df / 2, 0.5);
    const f = tail - q; // decreasing in t
    if (f > 0) lo = t;
    else hi = t;
    const pdf = Math.exp(
      lgamma((df + 1) / 2) -
        lgamma(df / 2) -
        0.5 * Math.log(df * Math.PI) -
        ((df + 1) / 2) * Math.log1p((t * t) / df),
    );
    let next = t + f / pdf;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
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
  for (let i = 0; i < v.length; i++) {
    const wi = w ? (w[i] as number) : 1;
    s += wi * (v[i] as number);
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
  const y0 = y[0] as number;
  if (y.every((v) => v === y0)) {
    // A flat group: fitted exactly, so rounding in the means cannot make a slope or an outlier.
    let sxx = 0;
    for (let i = 0; i < x.length; i++) sxx += (w ? (w[i] as number) : 1) * ((x[i] as number) - xm) ** 2;
    return { slope: 0, intercept: y0, ssRes: 0, ssTot: 0, sxx };
  }
  const ym = mean(y, w);
  let sxx = 0;
  let sxy = 0;
  let ssTot = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? (w[i] as number) : 1;
    const dx = (x[i] as number) - xm;
    const dy = (y[i] as number) - ym;
    sxx += wi * dx * dx;
    sxy += wi * dx * dy;
    ssTot += wi * dy * dy;
  }
  const slope = sxy / sxx;
  const intercept = ym - slope * xm;
  let ssRes = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? (w[i] as number) : 1;
    const r = (y[i] as number) - (intercept + slope * (x[i] as number));
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

/** Newcombe's square-and-add interval for Δ = B − A from two Wilson intervals, in pp. */
export function newcombe(a: Rate, b: Rate): [number, number] {
  const delta = 100 * b.rate - 100 * a.rate;
  const lower = delta - 100 * Math.sqrt((b.rate - b.lo) ** 2 + (a.hi - a.rate) ** 2);
  const upper = delta + 100 * Math.sqrt((b.hi - b.rate) ** 2 + (a.rate - a.lo) ** 2);
  return [lower, upper];
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
    const logTop = lgamma(n + 1) - lgamma(m + 1) - lgamma(n - m + 1) - n * Math.LN2;
    tail = s * Math.exp(logTop);
  }
  return Math.min(1, 2 * tail);
}

// ---------------------------------------------------------------- agreement

/** Cohen's κ over paired labels; null when there are none or the expected agreement is 1. */
export function cohenKappa(pairs: [string, string][]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    rows.set(a, (rows.get(a) ?? 0) + 1);
    cols.set(b, (cols.get(b) ?? 0) + 1);
    if (a === b) agree++;
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, r] of rows) pe += (r / n) * ((cols.get(label) ?? 0) / n);
  if (pe === 1) return null;
  return (po - pe) / (1 - pe);
}
