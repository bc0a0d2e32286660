/**
 * Two analyses compared (COMPARE.md, schema failure-first-lens/comparison@1): which conclusions
 * moved between a saved results document and a newer one. Pure: documents in, a document out.
 */
import { newcombe } from '../analyse/stats';
import { compareCodePoints } from '../read/discover';
import { mdText } from './markdown';
import { percent, signed } from '../../shared/format';
import type { CellJson, GroupKey, HeadlineJson, ResultsDocument } from './results';
import {
  COMPARISON_SCHEMA,
  deltaExcludesZero,
  type CellComparison,
  type CellSide,
  type CellStatus,
  type Change,
  type ChangeKind,
  type ComparisonDocument,
  type ComparisonSide,
  type HeadlineComparison,
  type HeadlineSide,
  type LineageComparison,
  type RegressionComparison,
  type RegressionSide,
} from './comparisonDocument';

export * from './comparisonDocument';

const KEY_ORDER = ['lineage', 'attack_class', 'dataset'] as const;

/** A regression key's values in the order lineage, attack_class, dataset (ANALYSIS.md §9.10). */
function keyValues(key: GroupKey): string[] {
  const out: string[] = [];
  for (const f of KEY_ORDER) if (key[f] !== undefined) out.push(key[f]);
  return out;
}

/** Identity of a (group, key): which fields are present matters, not only their values. */
function regressionId(group: string, key: GroupKey): string {
  return JSON.stringify([group, ...KEY_ORDER.map((f) => key[f] ?? null)]);
}

function compareRegressionKeys(a: RegressionComparison, b: RegressionComparison): number {
  const g = compareCodePoints(a.group, b.group);
  if (g !== 0) return g;
  for (const f of KEY_ORDER) {
    const va = a.key[f];
    const vb = b.key[f];
    if (va === vb) continue;
    if (va === undefined) return -1;
    if (vb === undefined) return 1;
    return compareCodePoints(va, vb);
  }
  return 0;
}

/** What `decision` a headline carries, if any (absent from documents older than ANALYSIS.md §10). */
function decisionOf(h: HeadlineJson): string | null {
  const d = (h as { decision?: unknown }).decision;
  return typeof d === 'string' ? d : null;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function cellSide(c: CellJson | undefined): CellSide | null {
  if (c === undefined) return null;
  return { n: c.n, k: c.counts.COMPLIANCE, strict: c.strict };
}

function compareCells(before: ResultsDocument, after: ResultsDocument): CellComparison[] {
  const id = (c: CellJson): string => JSON.stringify([c.attack_class, c.model]);
  const b = new Map(before.cells.map((c) => [id(c), c]));
  const a = new Map(after.cells.map((c) => [id(c), c]));
  const keys = new Map<string, { attack_class: string; model: string }>();
  for (const c of [...before.cells, ...after.cells])
    keys.set(id(c), { attack_class: c.attack_class, model: c.model });
  const out: CellComparison[] = [];
  for (const [k, { attack_class, model }] of keys) {
    const bs = cellSide(b.get(k));
    const as = cellSide(a.get(k));
    const status: CellStatus =
      bs === null ? 'added' : as === null ? 'removed' : bs.n !== as.n || bs.k !== as.k ? 'changed' : 'same';
    let delta_pp: number | null = null;
    let delta_ci_pp: [number, number] | null = null;
    if (bs?.strict && as?.strict) {
      // As the dilution Δ: a difference of pp values (DECISIONS.md 18), with Newcombe's interval.
      delta_pp = 100 * as.strict.rate - 100 * bs.strict.rate;
      delta_ci_pp = newcombe(bs.strict, as.strict);
    }
    out.push({ attack_class, model, status, before: bs, after: as, delta_pp, delta_ci_pp });
  }
  return out.sort(
    (x, y) => compareCodePoints(x.attack_class, y.attack_class) || compareCodePoints(x.model, y.model),
  );
}

function compareRegressions(before: ResultsDocument, after: ResultsDocument): RegressionComparison[] {
  const side = (r: ResultsDocument['regressions'][number] | undefined): RegressionSide | null =>
    r === undefined
      ? null
      : { slope_pp: r.ols?.slope_pp ?? null, classification: r.classification, n_traces: r.n_traces };
  const b = new Map(before.regressions.map((r) => [regressionId(r.group, r.key), r]));
  const a = new Map(after.regressions.map((r) => [regressionId(r.group, r.key), r]));
  const keys = new Map<string, { group: string; key: GroupKey }>();
  for (const r of [...before.regressions, ...after.regressions])
    if (!keys.has(regressionId(r.group, r.key))) keys.set(regressionId(r.group, r.key), r);
  const out: RegressionComparison[] = [];
  for (const [id, { group, key }] of keys) {
    const bs = side(b.get(id));
    const as = side(a.get(id));
    out.push({
      group,
      key: { ...key },
      before: bs,
      after: as,
      classification_changed: bs !== null && as !== null && bs.classification !== as.classification,
    });
  }
  return out.sort(compareRegressionKeys);
}

/** BEFORE's order, then the names only AFTER has, in AFTER's order (COMPARE.md). */
function unionInOrder<T>(before: T[], after: T[], name: (t: T) => string): string[] {
  const names = before.map(name);
  const seen = new Set(names);
  for (const t of after) {
    if (seen.has(name(t))) continue;
    seen.add(name(t));
    names.push(name(t));
  }
  return names;
}

function compareLineages(before: ResultsDocument, after: ResultsDocument): LineageComparison[] {
  const b = new Map(before.lineages.map((l) => [l.name, l]));
  const a = new Map(after.lineages.map((l) => [l.name, l]));
  return unionInOrder(before.lineages, after.lineages, (l) => l.name).map((name) => {
    const bl = b.get(name);
    const al = a.get(name);
    return {
      name,
      before: bl ? { shape: bl.shape } : null,
      after: al ? { shape: al.shape } : null,
      shape_changed: bl !== undefined && al !== undefined && bl.shape !== al.shape,
    };
  });
}

function compareHeadlines(before: ResultsDocument, after: ResultsDocument): HeadlineComparison[] {
  const side = (h: HeadlineJson | undefined): HeadlineSide | null =>
    h === undefined
      ? null
      : { delta_span_pp: h.delta_span_pp, meets_threshold: h.meets_threshold, decision: decisionOf(h) };
  const b = new Map(before.dilution.headlines.map((h) => [h.lineage, h]));
  const a = new Map(after.dilution.headlines.map((h) => [h.lineage, h]));
  return unionInOrder(before.dilution.headlines, after.dilution.headlines, (h) => h.lineage).map(
    (lineage) => {
      const bs = side(b.get(lineage));
      const as = side(a.get(lineage));
      let changed: boolean;
      if (bs === null || as === null) changed = true;
      else if (bs.decision !== null && as.decision !== null)
        changed = bs.decision !== as.decision || bs.meets_threshold !== as.meets_threshold;
      // A side from an older document has no decision: only meets_threshold compares.
      else changed = bs.meets_threshold !== as.meets_threshold;
      return { lineage, before: bs, after: as, changed };
    },
  );
}

function listChanges(doc: Omit<ComparisonDocument, 'changes'>): Change[] {
  const changes: Change[] = [];
  const headlineValue = (s: HeadlineSide | null): string | boolean | null =>
    s === null ? null : (s.decision ?? s.meets_threshold);
  for (const h of doc.headlines)
    if (h.changed)
      changes.push({
        kind: 'headline',
        what: `headline ${h.lineage}`,
        before: headlineValue(h.before),
        after: headlineValue(h.after),
      });
  for (const r of doc.regressions)
    if (r.classification_changed && r.before && r.after)
      changes.push({
        kind: 'classification',
        what: [r.group, ...keyValues(r.key)].join(' '),
        before: r.before.classification,
        after: r.after.classification,
      });
  for (const l of doc.lineages)
    if (l.shape_changed && l.before && l.after)
      changes.push({
        kind: 'shape',
        what: `lineage ${l.name}`,
        before: l.before.shape,
        after: l.after.shape,
      });
  const nk = (s: CellSide): { n: number; k: number } => ({ n: s.n, k: s.k });
  for (const c of doc.cells)
    if (c.status === 'added' && c.after)
      changes.push({
        kind: 'cell_added',
        what: `${c.attack_class} ${c.model}`,
        before: null,
        after: nk(c.after),
      });
  for (const c of doc.cells)
    if (c.status === 'removed' && c.before)
      changes.push({
        kind: 'cell_removed',
        what: `${c.attack_class} ${c.model}`,
        before: nk(c.before),
        after: null,
      });
  return changes;
}

function settingsChanged(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameJson(before[k], after[k])).sort(compareCodePoints);
}

export interface ComparisonSources {
  before: string;
  after: string;
}

/** The comparison document of COMPARE.md: BEFORE (a saved analysis) against AFTER (a newer one). */
export function compareAnalyses(
  before: ResultsDocument,
  after: ResultsDocument,
  sources: ComparisonSources,
  generatedAt: string = new Date().toISOString(),
): ComparisonDocument {
  const side = (doc: ResultsDocument, source: string): ComparisonSide => ({
    source,
    generated_at: doc.generated_at,
    traces: doc.inputs.traces.total,
    settings: { ...(doc.settings as unknown as Record<string, unknown>) },
  });
  const b = side(before, sources.before);
  const a = side(after, sources.after);
  const body = {
    schema: COMPARISON_SCHEMA,
    generated_at: generatedAt,
    before: b,
    after: a,
    settings_changed: settingsChanged(b.settings, a.settings),
    cells: compareCells(before, after),
    regressions: compareRegressions(before, after),
    lineages: compareLineages(before, after),
    headlines: compareHeadlines(before, after),
  } as const;
  return { ...body, changes: listChanges(body) };
}

// ------------------------------------------------------------------------------------ Markdown

function changeValue(v: Change['before']): string {
  if (v === null) return '–';
  if (typeof v === 'boolean') return v ? 'meets the threshold' : 'below the threshold';
  if (typeof v === 'string') return mdText(v);
  return `n ${v.n}, k ${v.k}`;
}

const CHANGE_LABEL: Record<ChangeKind, string> = {
  headline: 'headline',
  classification: 'classification',
  shape: 'shape',
  cell_added: 'cell added',
  cell_removed: 'cell removed',
};

function rateText(s: CellSide | null): string {
  if (s === null) return '–';
  const r = s.strict;
  return r === null ? `${s.k}/${s.n}` : `${percent(r.rate)} (${s.k}/${s.n})`;
}

function cellTable(cells: CellComparison[]): string[] {
  const out = [
    '| attack class | model | status | before | after | Δ (pp) [95% CI] |',
    '|---|---|---|---|---|---|',
  ];
  for (const c of cells) {
    const delta =
      c.delta_pp === null
        ? '–'
        : `${signed(c.delta_pp)}${c.delta_ci_pp ? ` [${signed(c.delta_ci_pp[0])}, ${signed(c.delta_ci_pp[1])}]` : ''}`;
    out.push(
      `| ${mdText(c.attack_class)} | ${mdText(c.model)} | ${c.status} | ${rateText(c.before)} | ${rateText(c.after)} | ${delta} |`,
    );
  }
  return out;
}

/** The comparison as Markdown: the changes first, then the cells whose Δ interval excludes 0, then every changed cell. */
export function renderComparisonMarkdown(doc: ComparisonDocument): string {
  const lines: string[] = ['# Failure-First Lens: what changed between two analyses', ''];
  const sideLine = (label: string, s: ComparisonSide): string =>
    `- ${label}: ${mdText(s.source)} (${s.traces} traces, analysed ${mdText(s.generated_at)})`;
  lines.push(sideLine('Before', doc.before), sideLine('After', doc.after));
  lines.push(
    doc.settings_changed.length === 0
      ? '- Settings: the same on both sides.'
      : `- Settings that differ: ${doc.settings_changed.map(mdText).join(', ')}.`,
    '',
  );
  lines.push('## Changes', '');
  if (doc.changes.length === 0)
    lines.push('None: no headline, classification or shape moved, and no cell was added or removed.', '');
  else {
    lines.push('| change | what | before | after |', '|---|---|---|---|');
    for (const c of doc.changes)
      lines.push(
        `| ${CHANGE_LABEL[c.kind]} | ${mdText(c.what)} | ${changeValue(c.before)} | ${changeValue(c.after)} |`,
      );
    lines.push('');
  }
  const moved = doc.cells.filter(deltaExcludesZero);
  lines.push('## Cells whose strict ASR moved (Δ interval excludes 0)', '');
  lines.push(
    'Intervals treat the two analyses as independent samples; when the newer one contains the older traces they are not, and the interval is conservative.',
    '',
  );
  if (moved.length === 0) lines.push('None.', '');
  else lines.push(...cellTable(moved), '');
  const changed = doc.cells.filter((c) => c.status !== 'same');
  lines.push('## Every changed cell (n or COMPLIANCE count differs, or only one side has it)', '');
  if (changed.length === 0) lines.push('None: every cell has the same n and COMPLIANCE count.', '');
  else lines.push(...cellTable(changed), '');
  return lines.join('\n');
}
