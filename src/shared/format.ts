/**
 * How numbers are written in the tree, its tooltips and the Markdown report. Pure, no Node. (The
 * analysis page has its own richer set in webview/format.ts: superscript exponents, thousands.)
 */

export interface RateLike {
  rate: number;
  lo: number;
  hi: number;
}

/** 0.948 → "94.8%" */
export const percent = (r: number | null | undefined, digits = 1): string =>
  r === null || r === undefined ? '–' : `${(100 * r).toFixed(digits)}%`;

/** A rate with its Wilson interval: "94.8% [88.4–97.8]" */
export const rateWithCi = (r: RateLike | null | undefined): string =>
  r ? `${percent(r.rate)} [${(100 * r.lo).toFixed(1)}–${(100 * r.hi).toFixed(1)}]` : '–';

/** Signed with a real minus sign: "+6.2", "−2.8" */
export const signed = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

/** Billions of parameters: 0.135 → "135M", 0.8 → "0.8B", 70 → "70B" */
export const sizeLabel = (b: number | null | undefined): string => {
  if (b === null || b === undefined) return '?';
  if (b < 1) return b >= 0.1 ? `${+b.toFixed(2)}B` : `${+(b * 1000).toFixed(0)}M`;
  return `${+b.toFixed(b < 10 ? 1 : 0)}B`;
};

/** "0.8B→2B: +36.2 pp" */
export const transitionLabel = (fromB: number | null, toB: number | null, deltaPp: number): string =>
  `${sizeLabel(fromB)}→${sizeLabel(toB)}: ${signed(deltaPp)} pp`;

export const pValue = (p: number): string => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));
