/** Claims in tables (CLAIMS.md §1): key columns name a row, figure columns name its fields. */
import type { CellJson, DilutionModelJson, LineageJson, RateJson, RegressionJson } from '../results';
import { findInterval, findNumbers } from './figures';
import { judgeInterval, judgeLabel, judgeNumber, type Current, type DraftClaim } from './judge';
import type { Resolved, ResultsLookup } from './lookup';
import type { SourceCell, SourceTable } from './reportText';
import type { ClaimKind, PageTarget } from './types';
import { expectDefined } from '../../../shared/expect';

type Member = LineageJson['members'][number];

/** A header cell normalised (CLAIMS.md §1): `Slope (pp/decade)` → slope, unit pp/decade. */
export interface Header {
  name: string;
  unit: string | null;
  ci: boolean;
}

export function normaliseHeader(raw: string): Header {
  let s = raw
    .replace(/\\(.)/g, '$1')
    .replace(/[*`]/g, '')
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  let unit: string | null = null;
  let ci = false;
  for (;;) {
    const c = /\s*\[\s*95\s*%\s*ci\s*\]$/.exec(s);
    if (c) {
      ci = true;
      s = s.slice(0, c.index).trim();
      continue;
    }
    const u = /\s*\(([^()]*)\)$/.exec(s);
    if (u && u.index > 0) {
      unit ??= expectDefined(u[1], 'a unit').trim();
      s = s.slice(0, u.index).trim();
      continue;
    }
    break;
  }
  return { name: s, unit, ci };
}

/** A key cell: unescaped, stripped of surrounding backticks and emphasis, trimmed. */
export function keyText(raw: string): string {
  let s = raw.replace(/\\([!-/:-@[-`{-~])/g, '$1').trim();
  for (let prev = ''; prev !== s;) {
    prev = s;
    const m = /^(\*\*|__|\*|_|`+)(.*)\1$/s.exec(s);
    if (m) s = expectDefined(m[2], 'a header without its unit').trim();
  }
  return s;
}

type Labels = 'INVERSE_SCALING' | 'POSITIVE_SCALING' | 'FLAT_OR_NOISY' | 'INSUFFICIENT';

/** The classification a direction's words name; qualifiers in parentheses are ignored. */
export function directionLabel(raw: string): Labels | null {
  const s = raw
    .toLowerCase()
    .replace(/\([^()]*\)/g, ' ')
    .replace(/[_*`-]/g, ' ')
    .replace(/\s+/g, ' ');
  const found: Labels[] = [];
  if (/\binverse scaling\b/.test(s)) found.push('INVERSE_SCALING');
  if (/\bpositive scaling\b/.test(s)) found.push('POSITIVE_SCALING');
  if (/\bflat\b/.test(s)) found.push('FLAT_OR_NOISY');
  if (/\binsufficient\b/.test(s)) found.push('INSUFFICIENT');
  return found.length === 1 ? expectDefined(found[0], 'the one table kind') : null;
}

const SHAPES = ['SINGLE', 'SAME_SIZE', 'FLAT', 'INCREASING', 'DECREASING', 'PEAK', 'TROUGH', 'NON_MONOTONIC'];

/** A shape compared by name (`PEAK`, `non-monotonic`); anything else (`U-shape`) is prose. */
export function shapeLabel(raw: string): string | null {
  const s = keyText(raw)
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return SHAPES.includes(s) ? s : null;
}

// ------------------------------------------------------------------------------- the columns

type ColumnType = 'count' | 'number' | 'percent' | 'interval' | 'label';

interface Column<T> {
  kind: ClaimKind;
  type: ColumnType;
  /** The field's path below the row's figure, e.g. `ols.slope_pp`. */
  field: string;
  /** The current value; undefined when the row has no such figure (a first member's transition). */
  get: (t: T) => Current<number> | Current<[number, number]> | Current<string> | undefined;
  /** An interval written after the figure in the same cell. */
  ci?: { kind: ClaimKind; field: string };
  /** For a label column: the label a cell's text names, or null (prose). */
  label?: (raw: string) => string | null;
}

const rate = (r: RateJson | null, n: number): Current<number> => ({
  actual: r === null ? null : 100 * r.rate,
  ci: r === null ? null : [100 * r.lo, 100 * r.hi],
  n,
});

const regressionColumns: Record<string, Column<RegressionJson>> = {
  models: {
    kind: 'regression_models',
    type: 'count',
    field: 'points.length',
    get: (r) => ({ actual: r.points.length }),
  },
  n: {
    kind: 'regression_n',
    type: 'count',
    field: 'n_traces',
    get: (r) => ({ actual: r.n_traces, n: r.n_traces }),
  },
  slope: {
    kind: 'regression_slope',
    type: 'number',
    field: 'ols.slope_pp',
    get: (r) => ({ actual: r.ols?.slope_pp ?? null, ci: r.ols?.ci_pp ?? null, n: r.n_traces }),
    ci: { kind: 'regression_slope_ci', field: 'ols.ci_pp' },
  },
  '95% ci': {
    kind: 'regression_slope_ci',
    type: 'interval',
    field: 'ols.ci_pp',
    get: (r) => ({ actual: r.ols?.ci_pp ?? null, n: r.n_traces }),
  },
  'r²': {
    kind: 'regression_r2',
    type: 'number',
    field: 'ols.r2',
    get: (r) => ({ actual: r.ols?.r2 ?? null }),
  },
  'wls slope': {
    kind: 'regression_wls_slope',
    type: 'number',
    field: 'wls.slope_pp',
    get: (r) => ({ actual: r.wls?.slope_pp ?? null, n: r.n_traces }),
  },
  'logistic β': {
    kind: 'regression_logistic_beta',
    type: 'number',
    field: 'logistic.beta',
    get: (r) => ({ actual: r.logistic?.beta ?? null, ci: r.logistic?.ci ?? null, n: r.n_traces }),
  },
  direction: {
    kind: 'regression_classification',
    type: 'label',
    field: 'classification',
    get: (r) => ({ actual: r.classification, n: r.n_traces }),
    label: directionLabel,
  },
};
regressionColumns['r2'] = expectDefined(regressionColumns['r²'], 'the r² column');
regressionColumns['logistic beta'] = expectDefined(regressionColumns['logistic β'], 'the logistic β column');
regressionColumns['classification'] = expectDefined(regressionColumns['direction'], 'the direction column');

interface MemberRow {
  lineage: LineageJson;
  member: Member;
}

const memberColumns: Record<string, Column<MemberRow>> = {
  size: {
    kind: 'member_size',
    type: 'number',
    field: 'params_b',
    get: ({ member: m }) => ({ actual: m.params_b, n: m.n }),
  },
  n: { kind: 'member_n', type: 'count', field: 'n', get: ({ member: m }) => ({ actual: m.n, n: m.n }) },
  'strict asr': {
    kind: 'member_strict',
    type: 'percent',
    field: 'strict.rate',
    get: ({ member: m }) => rate(m.strict, m.n),
    ci: { kind: 'member_strict_ci', field: 'strict.[lo,hi]' },
  },
  transition: {
    kind: 'transition',
    type: 'number',
    field: 'delta_pp',
    get: ({ lineage, member }) => {
      const t = lineage.transitions.find((x) => x.to === member.model);
      return t === undefined ? undefined : { actual: t.delta_pp };
    },
  },
  shape: {
    kind: 'lineage_shape',
    type: 'label',
    field: 'shape',
    get: ({ lineage }) => ({ actual: lineage.shape }),
    label: shapeLabel,
  },
};

/** A cell's strict, broad or FD ASR column, with its interval. */
function rateColumn(which: 'strict' | 'broad' | 'fd'): Column<CellJson> {
  return {
    kind: `cell_${which}`,
    type: 'percent',
    field: `${which}.rate`,
    get: (c) => rate(c[which], c.n),
    ci: { kind: `cell_${which}_ci`, field: `${which}.[lo,hi]` },
  };
}

const cellColumns: Record<string, Column<CellJson>> = {
  n: { kind: 'cell_n', type: 'count', field: 'n', get: (c) => ({ actual: c.n, n: c.n }) },
  'strict asr': rateColumn('strict'),
  'broad asr': rateColumn('broad'),
  'fd asr': rateColumn('fd'),
  fit: { kind: 'cell_fit', type: 'number', field: 'fit_pp', get: (c) => ({ actual: c.fit_pp, n: c.n }) },
  residual: {
    kind: 'cell_residual',
    type: 'number',
    field: 'residual_pp',
    get: (c) => ({ actual: c.residual_pp, n: c.n }),
  },
};

/** A dilution arm's n and strict rate (`a n`, `a strict`; `b n`, `b strict`). */
function armColumns(arm: 'a' | 'b'): Record<string, Column<DilutionModelJson>> {
  return {
    [`${arm} n`]: {
      kind: `dilution_${arm}_n`,
      type: 'count',
      field: `${arm}.n`,
      get: (d) => ({ actual: d[arm].n, n: d[arm].n }),
    },
    [`${arm} strict`]: {
      kind: `dilution_${arm}_strict`,
      type: 'percent',
      field: `${arm}.strict.rate`,
      get: (d) => rate(d[arm].strict, d[arm].n),
      ci: { kind: `dilution_${arm}_strict_ci`, field: `${arm}.strict.[lo,hi]` },
    },
  };
}

const dilutionColumns: Record<string, Column<DilutionModelJson>> = {
  size: { kind: 'dilution_size', type: 'number', field: 'params_b', get: (d) => ({ actual: d.params_b }) },
  ...armColumns('a'),
  ...armColumns('b'),
  δ: {
    kind: 'dilution_delta',
    type: 'number',
    field: 'delta_pp',
    get: (d) => ({ actual: d.delta_pp, ci: d.delta_ci_pp, n: d.a.n + d.b.n }),
    ci: { kind: 'dilution_delta_ci', field: 'delta_ci_pp' },
  },
  pairs: {
    kind: 'dilution_pairs',
    type: 'count',
    field: 'pairs',
    get: (d) => ({ actual: d.pairs, n: d.pairs }),
  },
  'only a': {
    kind: 'dilution_only_a',
    type: 'count',
    field: 'b_only_a',
    get: (d) => ({ actual: d.b_only_a, n: d.pairs }),
  },
  'only b': {
    kind: 'dilution_only_b',
    type: 'count',
    field: 'b_only_b',
    get: (d) => ({ actual: d.b_only_b, n: d.pairs }),
  },
  'mcnemar p': {
    kind: 'dilution_mcnemar_p',
    type: 'number',
    field: 'mcnemar_p',
    get: (d) => ({ actual: d.mcnemar_p, n: d.pairs }),
  },
};
dilutionColumns['delta'] = expectDefined(dilutionColumns['δ'], 'the δ column');

// ------------------------------------------------------------------------------- rows

/** What a table's rows are about, by its key columns (CLAIMS.md §1's table). */
type RowKind =
  | { kind: 'regression'; group: 'dataset' | 'attack_class' | 'lineage'; key: number }
  | { kind: 'member'; lineage: number; model: number }
  | { kind: 'cell'; attackClass: number; model: number }
  | { kind: 'dilution'; model: number };

const KEY_NAMES = new Set(['dataset', 'attack class', 'lineage', 'model']);

function rowKind(headers: Header[]): RowKind | null {
  const at = (name: string): number => headers.findIndex((h) => h.name === name);
  const keys = headers.map((h) => h.name).filter((n) => KEY_NAMES.has(n));
  const has = (...names: string[]): boolean =>
    keys.length === names.length && names.every((n) => keys.filter((k) => k === n).length === 1);
  if (has('dataset')) return { kind: 'regression', group: 'dataset', key: at('dataset') };
  if (has('attack class')) return { kind: 'regression', group: 'attack_class', key: at('attack class') };
  if (has('lineage')) return { kind: 'regression', group: 'lineage', key: at('lineage') };
  if (has('lineage', 'model')) return { kind: 'member', lineage: at('lineage'), model: at('model') };
  if (has('attack class', 'model'))
    return { kind: 'cell', attackClass: at('attack class'), model: at('model') };
  if (has('model') && (at('a n') >= 0 || at('b n') >= 0)) return { kind: 'dilution', model: at('model') };
  return null;
}

const TITLES: Record<string, string> = {
  dataset: 'dataset table',
  attack_class: 'attack-class table',
  lineage: 'lineage table',
  member: 'matched-lineage table',
  cell: 'cell table',
  dilution: 'dilution table',
};

export interface TableClaims {
  claims: DraftClaim[];
  title: string;
  page: PageTarget;
}

/** The claims of one table; null when its key columns name nothing CLAIMS.md knows. */
export function tableClaims(table: SourceTable, lookup: ResultsLookup): TableClaims | null {
  const headers = table.header.map((c) => normaliseHeader(c.raw));
  const kind = rowKind(headers);
  if (kind === null) return null;
  const claims: DraftClaim[] = [];
  // An empty key cell continues the key of the row above.
  const carried = new Map<number, string>();
  const key = (row: SourceCell[], col: number): string => {
    const text = keyText(row[col]?.raw ?? '');
    if (text !== '') carried.set(col, text);
    return carried.get(col) ?? '';
  };
  for (const row of table.rows) {
    switch (kind.kind) {
      case 'regression': {
        const k = key(row, kind.key);
        const r = k === '' ? null : lookup.regression(kind.group, k);
        rowClaims(
          claims,
          row,
          headers,
          regressionColumns,
          r,
          `regressions[${kind.group} ${k}]`,
          new Set([kind.key]),
        );
        break;
      }
      case 'member': {
        const l = key(row, kind.lineage);
        const m = key(row, kind.model);
        const lineage = lookup.lineage(l);
        const member = lineage ? lookup.tableMember(lineage, m) : null;
        const target = lineage && member ? { lineage, member } : null;
        const ln = `lineages[${lineage?.name ?? l}]`;
        const name = `${ln}.members[${member?.model ?? m}]`;
        const from = lineage?.transitions.find((t) => t.to === member?.model)?.from ?? '';
        rowClaims(
          claims,
          row,
          headers,
          memberColumns,
          target,
          name,
          new Set([kind.lineage, kind.model]),
          (col) =>
            col.kind === 'lineage_shape'
              ? ln
              : col.kind === 'transition'
                ? `${ln}.transitions[${from}→${member?.model ?? m}]`
                : name,
        );
        break;
      }
      case 'cell': {
        const a = key(row, kind.attackClass);
        const m = key(row, kind.model);
        const c = lookup.cell(a, m);
        rowClaims(
          claims,
          row,
          headers,
          cellColumns,
          c,
          `cells[${a} ${c?.model ?? m}]`,
          new Set([kind.attackClass, kind.model]),
        );
        break;
      }
      case 'dilution': {
        const m = key(row, kind.model);
        const d = lookup.dilutionModel(m);
        rowClaims(
          claims,
          row,
          headers,
          dilutionColumns,
          d,
          `dilution.models[${d?.model ?? m}]`,
          new Set([kind.model]),
        );
        break;
      }
    }
  }
  const page: PageTarget =
    kind.kind === 'regression'
      ? { tab: 'scaling', group: kind.group }
      : kind.kind === 'member'
        ? { tab: 'lineages', lineage: null }
        : kind.kind === 'cell'
          ? { tab: 'scaling', group: 'attack_class' }
          : { tab: 'dilution' };
  return {
    claims,
    title: expectDefined(TITLES[kind.kind === 'regression' ? kind.group : kind.kind], 'a table title'),
    page,
  };
}

function resolved<T>(v: T | undefined): Resolved<T> {
  return v === undefined ? { found: 'none' } : { found: 'one', value: v };
}

/** Every figure cell of one row: a number (with an interval after it), an interval, or a label. */
function rowClaims<T>(
  out: DraftClaim[],
  row: SourceCell[],
  headers: Header[],
  columns: Record<string, Column<T>>,
  target: T | null,
  figureBase: string,
  keyColumns: Set<number>,
  baseOf: (col: Column<T>) => string = () => figureBase,
): void {
  row.forEach((cell, i) => {
    const header = headers[i];
    if (header === undefined || keyColumns.has(i)) return;
    const col = columns[header.name];
    if (col === undefined || cell.raw === '') return;
    const current = target === null ? undefined : col.get(target);
    const base = baseOf(col);
    const at = (offset: number): { line: number; column: number } => ({
      line: cell.line,
      column: cell.column + offset,
    });
    if (col.type === 'label') {
      const claimed = col.label?.(cell.raw) ?? null;
      if (claimed === null) return;
      out.push(
        judgeLabel(
          at(0),
          cell.raw,
          claimed,
          col.kind,
          `${base}.${col.field}`,
          resolved(current as Current<string> | undefined),
        ),
      );
      return;
    }
    if (col.type === 'interval') {
      const w = findInterval(cell.raw);
      if (w === null) return;
      out.push(
        judgeInterval(
          at(w.start),
          w,
          col.kind,
          `${base}.${col.field}`,
          resolved(current as Current<[number, number]> | undefined),
        ),
      );
      return;
    }
    const w = findNumbers(cell.raw)[0];
    if (w === undefined) return;
    // A rate is a claim only with its `%`, or under a header whose unit is (%).
    if (col.type === 'percent' && !w.percent && header.unit !== '%') return;
    const cur = current as Current<number> | undefined;
    out.push(
      judgeNumber(at(w.start), w, col.kind, `${base}.${col.field}`, resolved(cur), col.type === 'count'),
    );
    if (col.ci === undefined) return;
    const ci = findInterval(cell.raw, w.end);
    if (ci === null) return;
    const ciCurrent = cur === undefined ? undefined : { actual: cur.ci ?? null, n: cur.n ?? null };
    out.push(judgeInterval(at(ci.start), ci, col.ci.kind, `${base}.${col.ci.field}`, resolved(ciCurrent)));
  });
}
