/**
 * Figures as a report writes them (CLAIMS.md "Comparing a figure"): signs `−` `-` `+`, decimals,
 * thousands separators, an attached `%`, intervals `[a, b]`; whether one holds against a value, and
 * a value written back in the same style (the editor's quick fix "Update to the current value").
 */

export interface WrittenNumber {
  /** Offsets of the figure in the string searched, `end` exclusive. */
  start: number;
  end: number;
  /** Sign, digits and an attached `%`, as written. */
  text: string;
  /** The value in the unit written (percent when `percent`). */
  value: number;
  /** Digits after the decimal point (of the mantissa, in e-notation). */
  decimals: number;
  /** The power of ten of e-notation (`6.1e-5`: −5); 0 without one. */
  exponent: number;
  percent: boolean;
  sign: '' | '+' | '-' | '−';
  /** The thousands separator written, if any. */
  separator: string | null;
}

export interface WrittenInterval {
  start: number;
  end: number;
  text: string;
  lo: WrittenNumber;
  hi: WrittenNumber;
}

// A number not glued to a word or to another number; thousands grouped by `,` or a space (CLAIMS.md:
// `25,625` and `25 625` are 25625), also the no-break spaces a word processor writes.
const NUMBER_SOURCE =
  '([+\\-\\u2212]?)(\\d{1,3}(?:,\\d{3})+(?![\\d,])|\\d{1,3}(?:[ \\u00a0\\u202f]\\d{3})+(?!\\d)|\\d+)(?:\\.(\\d+))?(?:[eE]([+\\-\\u2212]?\\d+)(?![\\d]))?(%?)';
const NUMBER = new RegExp(`(?<![\\p{L}\\p{N}.,])${NUMBER_SOURCE}`, 'gu');
const PLAIN = '[+\\-\\u2212]?\\d+(?:\\.\\d+)?%?';
const INTERVAL = new RegExp(`\\[\\s*(${PLAIN})\\s*(?:,|\\u2013)\\s*(${PLAIN})\\s*\\]`, 'gu');

const MINUS = '\u2212';

function numberAt(m: RegExpExecArray): WrittenNumber {
  const [text, sign = '', int = '', frac, exp, pct] = m;
  const separator = /[^\d]/.exec(int)?.[0] ?? null;
  const digits = int.replace(/[^\d]/g, '');
  const exponent = exp === undefined ? 0 : Number(exp.replace(MINUS, '-'));
  const magnitude = Number(`${digits}${frac === undefined ? '' : `.${frac}`}`) * 10 ** exponent;
  return {
    start: m.index,
    end: m.index + text.length,
    text,
    value: sign === '-' || sign === MINUS ? -magnitude : magnitude,
    decimals: frac?.length ?? 0,
    exponent,
    percent: pct === '%',
    sign: sign as WrittenNumber['sign'],
    separator,
  };
}

/** Every number written in `s`, in order. */
export function findNumbers(s: string): WrittenNumber[] {
  NUMBER.lastIndex = 0;
  const out: WrittenNumber[] = [];
  for (let m = NUMBER.exec(s); m !== null; m = NUMBER.exec(s)) out.push(numberAt(m));
  return out;
}

/** The number written exactly as `s` (the whole string), or null. */
export function parseNumber(s: string): WrittenNumber | null {
  const m = new RegExp(`^${NUMBER_SOURCE}$`, 'u').exec(s);
  return m ? numberAt(m) : null;
}

/** The first interval `[a, b]` (or `[a–b]`) at or after `from`. */
export function findInterval(s: string, from = 0): WrittenInterval | null {
  INTERVAL.lastIndex = from;
  const m = INTERVAL.exec(s);
  if (m === null) return null;
  const bound = (t: string, at: number): WrittenNumber => {
    const n = parseNumber(t);
    if (n === null) throw new Error(`unreadable interval bound ${t}`);
    return { ...n, start: at, end: at + t.length };
  };
  const [text, a = '', b = ''] = m;
  const aAt = m.index + text.indexOf(a, 1);
  const bAt = m.index + text.lastIndexOf(b);
  return { start: m.index, end: m.index + text.length, text, lo: bound(a, aAt), hi: bound(b, bAt) };
}

/** How far a figure written with d decimals may be from the value it states: 0.5·10⁻ᵈ + 1e-9. */
export function tolerance(n: WrittenNumber): number {
  return 0.5 * 10 ** (n.exponent - n.decimals) + 1e-9;
}

/** Whether the written figure agrees with `actual` (in the unit written); counts compare exactly. */
export function numberHolds(n: WrittenNumber, actual: number, count = false): boolean {
  if (count) return n.value === actual;
  return Math.abs(actual - n.value) <= tolerance(n);
}

export interface StyleOptions {
  /** The minus sign for a value that turns negative when the written figure has no sign (default `-`). */
  minus?: '-' | '−';
}

function group(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * `value` written like `written`: the same number of decimals, sign style (`+`, `−` or `-`),
 * thousands separator, e-notation and `%`. `value` is in the unit written (percent for `%`).
 */
export function formatLike(written: string, value: number, options: StyleOptions = {}): string {
  const w = parseNumber(written.trim());
  if (w === null) return String(value);
  let body: string;
  if (/e/i.test(w.text)) {
    const [mantissa = '', exp = '0'] = Math.abs(value).toExponential(w.decimals).split('e');
    const e = Number(exp);
    const eAt = w.text.search(/e/i);
    const eChar = w.text.charAt(eAt) || 'e';
    const writtenExp = w.text.slice(eAt + 1);
    const expSign =
      e < 0 ? (writtenExp.startsWith(MINUS) ? MINUS : '-') : writtenExp.startsWith('+') ? '+' : '';
    body = `${mantissa}${eChar}${expSign}${Math.abs(e)}`;
  } else {
    body = Math.abs(value).toFixed(w.decimals);
    if (w.separator !== null) {
      const [int = '', frac] = body.split('.');
      body = group(int, w.separator) + (frac === undefined ? '' : `.${frac}`);
    }
  }
  const zero = !/[1-9]/.test(body.replace(/e.*$/i, ''));
  let sign = '';
  if (value < 0 && !zero)
    sign = w.sign === '-' || w.sign === MINUS ? w.sign : w.sign === '+' ? MINUS : (options.minus ?? '-');
  // A figure written with `+` or `−` comes from a signed style (`+1.10`, `−5.17`): positives get `+`.
  else if ((w.sign === '+' || w.sign === MINUS) && !zero) sign = '+';
  else if (w.sign === '+') sign = '+';
  return `${sign}${body}${w.percent ? '%' : ''}`;
}

/** An interval `[a, b]` written like `written`: each bound like its counterpart, the same brackets and separator. */
export function formatIntervalLike(
  written: string,
  value: [number, number],
  options: StyleOptions = {},
): string {
  const w = findInterval(written);
  if (w === null) return `[${value[0]}, ${value[1]}]`;
  const minus = options.minus ?? (w.text.includes(MINUS) ? MINUS : w.text.includes('-') ? '-' : undefined);
  const o = minus === undefined ? {} : { minus };
  const lo = formatLike(w.lo.text, value[0], o);
  const hi = formatLike(w.hi.text, value[1], o);
  const rel = (n: WrittenNumber): number => n.start - w.start;
  const t = w.text;
  return `${t.slice(0, rel(w.lo))}${lo}${t.slice(rel(w.lo) + w.lo.text.length, rel(w.hi))}${hi}${t.slice(rel(w.hi) + w.hi.text.length)}`;
}
