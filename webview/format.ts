/** How numbers and names are written on the page (rates are fractions in the results, pp are points). */
import type { RateJson, TraceSelector } from '../src/protocol';

const MINUS = '\u2212';

function signed(v: number, digits: number): string {
  const s = Math.abs(v).toFixed(digits);
  if (Number(s) === 0) return s;
  return v < 0 ? `${MINUS}${s}` : `+${s}`;
}

function unsigned(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s.startsWith('-') ? `${MINUS}${s.slice(1)}` : s;
}

export const DASH = '\u2014';

/** A rate (fraction) as a percentage: 0.586 → "58.6%". */
export function pct(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined ? DASH : `${unsigned(rate * 100, digits)}%`;
}

/** A Wilson interval in percent: "[48.7, 67.8]". */
export function interval(lo: number, hi: number, digits = 1): string {
  return `[${unsigned(lo * 100, digits)}, ${unsigned(hi * 100, digits)}]`;
}

/** "58.6% [48.7, 67.8]", or a dash when n = 0. */
export function rateWithInterval(r: RateJson | null): string {
  return r ? `${pct(r.rate)} ${interval(r.lo, r.hi)}` : DASH;
}

/** A signed percentage-point value: "+6.2 pp", "−15.8 pp". */
export function pp(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? DASH : `${signed(v, digits)} pp`;
}

/** A signed number without unit. */
export function signedNumber(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? DASH : signed(v, digits);
}

/** An interval of pp values: "[−16.0, +21.5]". */
export function ppInterval(ci: readonly [number, number] | null | undefined, digits = 1): string {
  return ci ? `[${signed(ci[0], digits)}, ${signed(ci[1], digits)}]` : DASH;
}

export function fixed(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? DASH : unsigned(v, digits);
}

/** A p-value: three decimals, or scientific notation below 0.001. */
export function pValue(p: number): string {
  if (p >= 0.001) return p.toFixed(3);
  const [m, e] = p.toExponential(1).split('e');
  return `${m} \u00d7 10${superscript(Number(e))}`;
}

function superscript(n: number): string {
  const digits = '\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079';
  const s = String(Math.abs(n))
    .split('')
    .map((d) => digits[Number(d)] ?? d)
    .join('');
  return n < 0 ? `\u207b${s}` : s;
}

/** A size in billions of parameters: 0.8 → "0.8B", 27 → "27B", 0.05 → "50M", 1500 → "1.5T". */
export function size(b: number | null | undefined, approximate = false): string {
  if (b === null || b === undefined) return 'size unknown';
  const prefix = approximate ? '~' : '';
  if (b >= 1000) return `${prefix}${trim(b / 1000)}T`;
  if (b < 0.1) return `${prefix}${trim(b * 1000)}M`;
  return `${prefix}${trim(b)}B`;
}

function trim(v: number): string {
  return String(Number(v.toPrecision(3)));
}

export function integer(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${integer(n)} ${n === 1 ? one : many}`;
}

/** The words for the traces a selector names (the trace pane's heading). */
export function selectorTitle(s: TraceSelector): string {
  switch (s.kind) {
    case 'cell':
      return `${s.attackClass} \u00d7 ${s.model}`;
    case 'model':
      return `${s.model}, all attack classes`;
    case 'datasetCell':
      return `${s.dataset} \u00d7 ${s.model}`;
    case 'dilution':
      return `Reasoning dilution: ${s.model}${s.variant ? ` (variant ${s.variant})` : ''}`;
    case 'disagreement':
      return `Disagreements: ${s.primary} vs ${s.secondary}`;
    case 'scenario':
      return `Scenario ${s.scenarioId}`;
  }
}

export const CLASSIFICATION_WORDS: Record<string, string> = {
  INVERSE_SCALING: 'inverse scaling: bigger models less safe',
  POSITIVE_SCALING: 'positive scaling: bigger models safer',
  FLAT_OR_NOISY: 'flat or noisy',
  INSUFFICIENT: 'insufficient: fewer than two distinct sizes',
};
