/** Model identity and size (FORMATS.md §5, §7). */
import { compareCodePoints as cmp } from '../read/discover';
import type { ModelJson } from '../report/results';
import type { LineageMap } from './lineageMap';

/** Lower-case; strip `:free`/`:beta`; strip an `ollama/` or `ollama-cloud/` host prefix; keep the rest. */
export function canonicalModelKey(name: string): string {
  let k = name.toLowerCase();
  k = k.replace(/:(free|beta)$/, '');
  k = k.replace(/^(ollama|ollama-cloud)\//, '');
  return k;
}

export interface ParsedSize {
  /** Total parameters, billions. */
  total: number | null;
  /** Active parameters (mixture of experts), billions. */
  active: number | null;
  approximate: boolean;
}

const UNKNOWN: ParsedSize = { total: null, active: null, approximate: false };

// Tokens bounded by start, end or a non-alphanumeric character; NxM first, then eN, aN, N.
const SIZE_TOKEN =
  /(?<![a-z0-9])(?:(\d+)x(\d+(?:\.\d+)?)(b)|e(\d+(?:\.\d+)?)b|a(\d+(?:\.\d+)?)b|(\d+(?:\.\d+)?)([bm]))(?![a-z0-9])/gi;

const unitScale = (u: string): number => (u.toLowerCase() === 'm' ? 1e-3 : 1);

export function sizeFromName(name: string): ParsedSize {
  let total: number | null = null;
  let active: number | null = null;
  let approximate = false;
  for (const m of name.matchAll(SIZE_TOKEN)) {
    if (m[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
      if (total === null) {
        total = Number(m[1]) * Number(m[2]) * unitScale(m[3]);
        approximate = true;
      }
    } else if (m[4] !== undefined) {
      if (total === null) total = Number(m[4]);
    } else if (m[5] !== undefined) {
      if (active === null) active = Number(m[5]);
    } else if (m[6] !== undefined && m[7] !== undefined) {
      if (total === null) total = Number(m[6]) * unitScale(m[7]);
    }
    if (total !== null && active !== null) break;
  }
  // The first size token decides; a size of zero says nothing.
  if (total !== null && !(total > 0)) return { total: null, active, approximate: false };
  return { total, active, approximate };
}

const UNIT: Record<string, number> = { k: 1e-6, m: 1e-3, b: 1, t: 1e3 };

/**
 * `~? number unit?` with white space anywhere between, as the regex /^\s*(~)?\s*(\d+(?:\.\d+)?)\s*([kmbt])?\s*$/i
 * would read it, but in linear time: that regex's adjacent \s* runs make a long run of blanks quadratic.
 * Returns [whole, "~" or undefined, number, unit or undefined], or null.
 */
function parseParamString(value: string): [string, string | undefined, string, string | undefined] | null {
  let rest = value.trim(); // the same white space as \s
  let tilde: string | undefined;
  if (rest.startsWith('~')) {
    tilde = '~';
    rest = rest.slice(1).trimStart();
  }
  const num = /^\d+(?:\.\d+)?/.exec(rest)?.[0]; // anchored, no nested repetition: linear
  if (num === undefined) return null;
  rest = rest.slice(num.length).trimStart();
  let unit: string | undefined;
  if (rest.length === 1 && /^[kmbt]$/i.test(rest)) {
    unit = rest;
    rest = '';
  }
  return rest === '' ? [value, tilde, num, unit] : null;
}

/** A `parameter_count` field: a number (billions below 10,000, else a raw count) or a string like `~70B`. */
export function sizeFromField(value: unknown): ParsedSize {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return UNKNOWN;
    return { total: value < 10_000 ? value : value / 1e9, active: null, approximate: false };
  }
  if (typeof value !== 'string') return UNKNOWN;
  const m = parseParamString(value);
  if (!m?.[2]) return UNKNOWN;
  const num = Number(m[2]);
  if (!(num > 0)) return UNKNOWN;
  const total = m[3] ? num * (UNIT[m[3].toLowerCase()] ?? 1) : num < 10_000 ? num : num / 1e9;
  return { total, active: null, approximate: m[1] === '~' };
}

export interface ModelInfo extends ModelJson {
  /** log10(params_b), or null when the size is unknown. */
  x: number | null;
}

/**
 * Size, lineage and exclusion of every model seen on a trace (FORMATS.md §5, §7; ANALYSIS.md §9.4):
 * `names` holds each model key with the names it was written as, `fieldParams` each model's first
 * parameter-count field that gives a size, in (path, line) order.
 */
export function describeModels(
  names: Map<string, Map<string, number>>,
  fieldParams: Map<string, { params: string }>,
  lineages: LineageMap,
): Map<string, ModelInfo> {
  const out = new Map<string, ModelInfo>();
  for (const key of [...names.keys()].sort(cmp)) {
    const excl = lineages.exclusion(key);
    const lin = excl === null ? lineages.match(key) : null;
    const fromName = sizeFromName(key);
    const fieldValue = fieldParams.get(key);
    const field = fieldValue ? sizeFromField(JSON.parse(fieldValue.params)) : null;
    let params: number | null = null;
    let source: ModelJson['params_source'] = null;
    let approximate = false;
    if (lin?.params != null) {
      params = lin.params;
      source = 'lineage';
    } else if (field && field.total !== null) {
      params = field.total;
      source = 'field';
      approximate = field.approximate;
    } else if (fromName.total !== null) {
      params = fromName.total;
      source = 'name';
      approximate = fromName.approximate;
    }
    out.set(key, {
      key,
      names: [...(names.get(key) as Map<string, number>).keys()].sort(cmp),
      params_b: params,
      active_params_b: fromName.active,
      params_source: source,
      approximate,
      lineage: lin?.lineage ?? null,
      excluded: excl !== null,
      exclusion_reason: excl === null ? null : `contains ${JSON.stringify(excl)}`,
      x: params !== null && params > 0 ? Math.log10(params) : null,
    });
  }
  return out;
}

/** Members in order of size (unknown sizes last), ties by key (ANALYSIS.md §4). */
export function bySize(a: ModelInfo, b: ModelInfo): number {
  if (a.params_b === null || b.params_b === null) {
    if (a.params_b !== b.params_b) return a.params_b === null ? 1 : -1;
  } else if (a.params_b !== b.params_b) return a.params_b - b.params_b;
  return cmp(a.key, b.key);
}

export function stripX(m: ModelInfo): ModelJson {
  return {
    key: m.key,
    names: m.names,
    params_b: m.params_b,
    active_params_b: m.active_params_b,
    params_source: m.params_source,
    approximate: m.approximate,
    lineage: m.lineage,
    excluded: m.excluded,
    exclusion_reason: m.exclusion_reason,
  };
}
