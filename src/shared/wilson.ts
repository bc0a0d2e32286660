/**
 * The Wilson score interval of ANALYSIS.md §1: the engine's rates, and the page's dataset points
 * (whose rates the results document gives without an interval). Pure, no Node.
 */

export const Z95 = 1.959963984540054;

export interface Rate {
  rate: number;
  lo: number;
  hi: number;
}

/** Wilson score interval (ANALYSIS.md §1), bounds clamped to [0, 1]; null when n = 0. */
export function wilson(k: number, n: number, z = Z95): Rate | null {
  if (n <= 0) return null;
  return wilsonOfRate(k / n, n, z);
}

/** The Wilson interval of a rate p observed on n > 0 trials (p need not be a count over n: ANALYSIS.md §10 holds rates fixed). */
export function wilsonOfRate(p: number, n: number, z = Z95): Rate {
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
