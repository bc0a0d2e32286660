/**
 * How numbers, intervals, sizes and classifications are written: in the tree and its tooltips, the
 * Markdown report and the analysis page alike (DECISIONS.md, "How results are written"). Pure, no
 * Node: the page bundles it. Rates are fractions in the results; pp values are percentage points.
 */
import type { Classification, ClassificationCi } from '../protocol';

const MINUS = '\u2212';

/** A value that is not there (n = 0, no fit, no interval). */
export const DASH = '\u2013';

export interface RateLike {
  rate: number;
  lo: number;
  hi: number;
}

type Maybe = number | null | undefined;

/** `digits` decimals, a real minus sign, and no negative zero: −0.03 → "0.0", −2.5 → "−2.5". */
export function fixed(v: Maybe, digits = 1): string {
  if (v === null || v === undefined) return DASH;
  const s = Math.abs(v).toFixed(digits);
  return v < 0 && Number(s) !== 0 ? `${MINUS}${s}` : s;
}

/** Signed with a real minus sign: "+6.2", "−2.8"; a value that rounds to zero has no sign: "0.0". */
export function signed(v: Maybe, digits = 1): string {
  if (v === null || v === undefined) return DASH;
  const s = fixed(v, digits);
  return v > 0 && Number(s) !== 0 ? `+${s}` : s;
}

/** A rate (fraction) as a percentage: 0.948 → "94.8%". */
export function percent(rate: Maybe, digits = 1): string {
  return rate === null || rate === undefined ? DASH : `${fixed(100 * rate, digits)}%`;
}

/** A Wilson interval of a rate, in percent: "[88.4, 97.8]". */
export function interval(r: RateLike): string {
  return `[${fixed(100 * r.lo)}, ${fixed(100 * r.hi)}]`;
}

/** A rate with its interval: "94.8% [88.4, 97.8]"; a dash when n = 0. */
export function rateWithCi(r: RateLike | null | undefined): string {
  return r ? `${percent(r.rate)} ${interval(r)}` : DASH;
}

/** A signed pp value with its unit: "+6.2 pp", "−15.8 pp". */
export function pp(v: Maybe, digits = 1): string {
  return v === null || v === undefined ? DASH : `${signed(v, digits)} pp`;
}

/** An interval of signed values (pp, slopes, β): "[−16.0, +21.5]". */
export function signedInterval(ci: readonly [number, number] | null | undefined, digits = 1): string {
  return ci ? `[${signed(ci[0], digits)}, ${signed(ci[1], digits)}]` : DASH;
}

/**
 * A p-value: three decimals, or e-notation below 0.001 ("6.1e-5"), which a report's claims are read
 * in (DECISIONS.md 38), so that a table pasted from the Markdown report checks against its results.
 */
export function pValue(p: Maybe): string {
  if (p === null || p === undefined) return DASH;
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

/**
 * A size in billions of parameters, three significant digits: 0.135 → "0.135B", 0.8 → "0.8B",
 * 27 → "27B", 0.05 → "50M", 1500 → "1.5T"; "~" before an approximate size; "?" when unknown.
 */
export function size(b: Maybe, approximate = false): string {
  if (b === null || b === undefined) return '?';
  const prefix = approximate ? '~' : '';
  const three = (v: number): string => String(Number(v.toPrecision(3)));
  if (b >= 1000) return `${prefix}${three(b / 1000)}T`;
  if (b < 0.1) return `${prefix}${three(b * 1000)}M`;
  return `${prefix}${three(b)}B`;
}

/** A step between two lineage members: "0.8B→2B: +36.2 pp". */
export function transition(fromB: Maybe, toB: Maybe, deltaPp: number): string {
  return `${size(fromB)}\u2192${size(toB)}: ${pp(deltaPp)}`;
}

/** A count: "40,000". */
export function integer(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count with its noun: "1 point", "40,000 traces". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${integer(n)} ${n === 1 ? one : many}`;
}

/** A slope classification in words: its name, and what it means for the question. */
export const CLASSIFICATION_WORDS: Record<Classification, { name: string; meaning: string }> = {
  INVERSE_SCALING: { name: 'inverse scaling', meaning: 'bigger models less safe' },
  POSITIVE_SCALING: { name: 'positive scaling', meaning: 'bigger models safer' },
  FLAT_OR_NOISY: { name: 'flat or noisy', meaning: 'slope within the threshold' },
  // Not "fewer than two sizes": a group can also have no evaluable trace or every model left out
  // (insufficientReason in src/shared/conclusions.ts says which).
  INSUFFICIENT: { name: 'insufficient', meaning: 'no slope could be fitted' },
};

/** "inverse scaling (bigger models less safe)". */
export function classificationText(classification: Classification): string {
  const w = CLASSIFICATION_WORDS[classification];
  return `${w.name} (${w.meaning})`;
}

/** What the whole 95% slope interval says (ANALYSIS.md §12), beside the point estimate's classification. */
export const CLASSIFICATION_CI_WORDS: Record<ClassificationCi, string> = {
  INVERSE_SCALING: 'inverse scaling',
  POSITIVE_SCALING: 'positive scaling',
  FLAT_OR_NOISY: 'flat',
  UNCERTAIN: 'uncertain',
};

/** "uncertain", or "uncertain (2 points, no interval)" for a two-point fit; a dash without a fit. */
export function intervalClassificationText(
  c: ClassificationCi | null | undefined,
  hasInterval: boolean,
): string {
  if (c === null || c === undefined) return DASH;
  return c === 'UNCERTAIN' && !hasInterval ? 'uncertain (2 points, no interval)' : CLASSIFICATION_CI_WORDS[c];
}
