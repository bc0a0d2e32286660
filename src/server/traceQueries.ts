/** The traces behind a number: selection, filtering, rows and details, read on demand from their files. */
import type {
  ConfusionMatrix,
  TraceDetail,
  TraceFilter,
  TraceRow,
  TracesParams,
  TracesResult,
  TraceSelector,
  TraceText,
} from '../protocol';
import { readLineText, readRowText, type LineText } from '../engine/read/traceText';
import type { AnalysisRun } from '../engine/workspace';
import type { Trace } from '../engine/analyse/join';

const EXCERPT = 240;

/** One analysis run's lookups, built lazily and dropped with the run. */
export class TraceQueries {
  private byId: Map<string, Trace> | null = null;
  private selections = new Map<string, Trace[]>();
  private filtered = new Map<string, Trace[]>();
  private pairs: Map<Trace, Trace | null> | null = null;

  constructor(
    private readonly run: AnalysisRun,
    private readonly root: string,
    readonly generation: number,
  ) {}

  private get traces(): Trace[] {
    return this.run.traceSet.traces;
  }

  private pathOf(t: { file: number }): string {
    return this.run.traceSet.files[t.file]?.path ?? '';
  }

  private isCorpus(t: { file: number }): boolean {
    return this.run.traceSet.files[t.file]?.kind === 'database';
  }

  trace(id: string): Trace | undefined {
    this.byId ??= new Map(this.traces.map((t) => [t.id, t]));
    return this.byId.get(id);
  }

  select(selector: TraceSelector): Trace[] {
    const key = JSON.stringify(selector);
    const hit = this.selections.get(key);
    if (hit) return hit;
    const ac = this.run.attackClassOf;
    let test: (t: Trace) => boolean;
    switch (selector.kind) {
      case 'cell':
        test = (t) => t.variant !== 'B' && t.key === selector.model && ac(t) === selector.attackClass;
        break;
      case 'model':
        test = (t) => t.variant !== 'B' && t.key === selector.model;
        break;
      case 'datasetCell':
        test = (t) => t.variant !== 'B' && t.key === selector.model && t.dataset === selector.dataset;
        break;
      case 'dilution':
        test = (t) =>
          t.variant !== null &&
          t.key === selector.model &&
          (selector.variant === undefined || t.variant === selector.variant);
        break;
      case 'disagreement':
        test = (t) =>
          t.verdict?.grader === selector.primary &&
          t.verdict.cls === 'evaluable' &&
          t.response !== 2 &&
          t.opinions.some(
            (o) => o.grader === selector.secondary && o.cls === 'evaluable' && o.label !== t.verdict?.label,
          );
        break;
      case 'scenario':
        test = (t) => t.scenarioId === selector.scenarioId || t.baseId === selector.scenarioId;
        break;
    }
    const out = this.traces.filter(test);
    if (this.selections.size > 50) this.selections.clear();
    this.selections.set(key, out);
    return out;
  }

  private matchesVerdict(t: Trace, wanted: Set<string>): boolean {
    if (wanted.size === 0) return true;
    if (t.category === 'evaluable') return wanted.has((t.verdict as { label: string }).label);
    return wanted.has(t.category);
  }

  private textOf(t: Trace): LineText | null {
    try {
      return this.isCorpus(t)
        ? readRowText(this.root, this.pathOf(t), t.line)
        : readLineText(this.root, this.pathOf(t), t.offset, t.length);
    } catch {
      return null;
    }
  }

  private matchesText(t: Trace, needle: string): boolean {
    const hay = [t.id, t.scenarioId ?? '', t.model];
    if (hay.some((h) => h.toLowerCase().includes(needle))) return true;
    const text = this.textOf(t);
    return (
      text !== null &&
      [text.prompt, text.response].some((s) => s !== null && s.toLowerCase().includes(needle))
    );
  }

  filter(selector: TraceSelector, filter: TraceFilter | undefined): Trace[] {
    const all = this.select(selector);
    const verdicts = new Set(filter?.verdicts ?? []);
    const needle = (filter?.text ?? '').trim().toLowerCase();
    if (verdicts.size === 0 && needle === '') return all;
    const key = JSON.stringify([selector, [...verdicts].sort(), needle]);
    const hit = this.filtered.get(key);
    if (hit) return hit;
    const out = all.filter(
      (t) => this.matchesVerdict(t, verdicts) && (needle === '' || this.matchesText(t, needle)),
    );
    if (this.filtered.size > 50) this.filtered.clear();
    this.filtered.set(key, out);
    return out;
  }

  row(t: Trace, text?: LineText | null): TraceRow {
    const content = text === undefined ? this.textOf(t) : text;
    const response = content?.response ?? '';
    const second = t.opinions[0];
    return {
      id: t.id,
      model: t.key,
      scenarioId: t.scenarioId,
      attackClass: this.run.attackClassOf(t),
      dataset: t.dataset,
      variant: t.variant,
      verdict: t.verdict?.label ?? null,
      category: t.category,
      grader: t.verdict?.grader ?? null,
      secondVerdict: second ? second.label : null,
      excerpt: response.length > EXCERPT ? response.slice(0, EXCERPT) : response,
      path: this.pathOf(t),
      line: this.isCorpus(t) ? null : t.line,
    };
  }

  page(params: TracesParams): TracesResult {
    const all = this.select(params.selector);
    const rows = this.filter(params.selector, params.filter);
    const counts: Record<string, number> = {};
    for (const t of all) {
      const k = t.category === 'evaluable' ? (t.verdict as { label: string }).label : t.category;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const offset = Math.max(0, Math.min(params.offset, rows.length));
    const limit = Math.max(0, Math.min(params.limit, 500));
    const located = params.locate === undefined ? undefined : rows.findIndex((t) => t.id === params.locate);
    return {
      ...(located === undefined ? {} : { locatedIndex: located < 0 ? null : located }),
      total: rows.length,
      unfiltered: all.length,
      offset,
      rows: rows.slice(offset, offset + limit).map((t) => this.row(t)),
      counts,
      generation: this.generation,
    };
  }

  /** The confusion matrix of two graders over the traces evaluable under both (ANALYSIS.md §7). */
  confusion(primary: string, secondary: string): ConfusionMatrix {
    const labels = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'];
    const matrix = labels.map(() => labels.map(() => 0));
    let n = 0;
    let disagreements = 0;
    for (const t of this.traces) {
      const v = t.verdict;
      if (!v || v.grader !== primary || v.cls !== 'evaluable' || t.response === 2) continue;
      const o = t.opinions.find((x) => x.grader === secondary);
      if (!o || o.cls !== 'evaluable') continue;
      const row = matrix[labels.indexOf(v.label)];
      const j = labels.indexOf(o.label);
      if (!row || j < 0) continue;
      row[j] = (row[j] ?? 0) + 1;
      n++;
      if (v.label !== o.label) disagreements++;
    }
    return { primary, secondary, labels, matrix, n, disagreements };
  }

  /** The other variant of a dilution trace: the k-th A pairs with the k-th B of the same model and base id. */
  private partner(t: Trace): Trace | null {
    if (t.variant === null || t.baseId === null) return null;
    if (!this.pairs) {
      this.pairs = new Map();
      const lists = new Map<string, { A: Trace[]; B: Trace[] }>();
      for (const x of this.traces) {
        if (x.variant === null || x.baseId === null) continue;
        const k = `${x.key}\u0000${x.baseId}`;
        let l = lists.get(k);
        if (!l) lists.set(k, (l = { A: [], B: [] }));
        l[x.variant].push(x);
      }
      for (const { A, B } of lists.values()) {
        A.forEach((a, i) => this.pairs?.set(a, B[i] ?? null));
        B.forEach((b, i) => this.pairs?.set(b, A[i] ?? null));
      }
    }
    return this.pairs.get(t) ?? null;
  }

  detail(id: string): TraceDetail | null {
    const t = this.trace(id);
    if (!t) return null;
    let own: LineText | null = null;
    let error: string | undefined;
    try {
      own = this.isCorpus(t)
        ? readRowText(this.root, this.pathOf(t), t.line)
        : readLineText(this.root, this.pathOf(t), t.offset, t.length);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    let graded: LineText | null = own;
    const v = t.verdict;
    if (v && (v.file !== t.file || v.line !== t.line)) {
      try {
        const f = this.run.traceSet.files[v.file];
        graded =
          f?.kind === 'database'
            ? readRowText(this.root, f.path, v.line)
            : readLineText(this.root, f?.path ?? '', v.offset, v.length);
      } catch {
        graded = null;
      }
    }
    const text = (x: LineText | null): TraceText | null =>
      x ? { prompt: x.prompt, response: x.response, systemPrompt: x.systemPrompt } : null;
    const other = this.partner(t);
    const otherText = other ? this.textOf(other) : null;
    const loc = (f: number, line: number): { path: string; line: number | null } => ({
      path: this.run.traceSet.files[f]?.path ?? '',
      line: this.run.traceSet.files[f]?.kind === 'database' ? null : line,
    });
    return {
      row: this.row(t, own),
      text: text(own) ?? { prompt: null, response: null, systemPrompt: null },
      graderReasoning: graded?.graderReasoning ?? null,
      inferredInstruction: graded?.inferredInstruction ?? null,
      verdictLocation: v ? loc(v.file, v.line) : null,
      opinions: t.opinions.map((o) => ({ grader: o.grader, verdict: o.label, ...loc(o.file, o.line) })),
      pair:
        t.variant === null
          ? null
          : t.variant === 'A'
            ? {
                a: this.row(t, own),
                b: other ? this.row(other, otherText) : null,
                aText: text(own),
                bText: text(otherText),
              }
            : {
                a: other ? this.row(other, otherText) : null,
                b: this.row(t, own),
                aText: text(otherText),
                bText: text(own),
              },
      raw: own?.raw ?? null,
      ...(error ? { error } : {}),
    };
  }
}
