/** The traces behind a number, served: the engine selects them, this filters, pages and reads their text. */
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
import { TracesBehind } from '../engine/analyse/tracesBehind';
import { filterList, keepsAll, listWindow, verdictKey, type Listing } from '../shared/traceList';

const EXCERPT = 240;

/** One analysis run's trace lists, built lazily and dropped with the run. */
export class TraceQueries {
  private readonly behind: TracesBehind;
  private readonly filtered = new Map<string, Trace[]>();
  private readonly listing: Listing<Trace> = {
    id: (t) => t.id,
    verdictKey: (t) => verdictKey(t.category, t.verdict?.label),
    texts: (t) => this.texts(t),
    row: (t) => this.row(t),
  };

  constructor(
    private readonly run: AnalysisRun,
    private readonly root: string,
    readonly generation: number,
  ) {
    this.behind = new TracesBehind(run);
  }

  /** Workspace-relative path and 1-based line of a trace's or a verdict's line (corpus rows: line null). */
  private location(at: { file: number; line: number }): { path: string; line: number | null } {
    const f = this.run.traceSet.files[at.file];
    return { path: f?.path ?? '', line: f?.kind === 'database' ? null : at.line };
  }

  /** The text of a trace's or a verdict's line (a corpus row by its id); throws when the file changed or is gone. */
  private read(at: Place): LineText {
    const f = this.run.traceSet.files[at.file];
    return f?.kind === 'database'
      ? readRowText(this.root, f.path, at.line)
      : readLineText(this.root, f?.path ?? '', at.offset, at.length);
  }

  private textOf(at: Place): LineText | null {
    try {
      return this.read(at);
    } catch {
      return null;
    }
  }

  select(selector: TraceSelector): readonly Trace[] {
    return this.behind.select(selector);
  }

  /** What the text filter searches: the trace's id, scenario and model, then (read from its file) prompt and response. */
  *texts(t: Trace): Generator<string | null> {
    yield t.id;
    yield t.scenarioId;
    yield t.model;
    const text = this.textOf(t);
    if (text) yield* [text.prompt, text.response];
  }

  filter(selector: TraceSelector, filter: TraceFilter | undefined): readonly Trace[] {
    const all = this.select(selector);
    if (keepsAll(filter)) return all;
    const key = JSON.stringify([
      selector,
      [...(filter?.verdicts ?? [])].sort(),
      filter?.text?.trim().toLowerCase(),
    ]);
    const hit = this.filtered.get(key);
    if (hit) return hit;
    const out = filterList(all, filter, this.listing);
    if (this.filtered.size > 50) this.filtered.clear();
    this.filtered.set(key, out);
    return out;
  }

  row(t: Trace, text?: LineText | null): TraceRow {
    const content = text === undefined ? this.textOf(t) : text;
    const response = content?.response ?? '';
    return {
      id: t.id,
      model: t.key,
      scenarioId: t.scenarioId,
      attackClass: t.attackClass,
      dataset: t.dataset,
      variant: t.variant,
      verdict: t.verdict?.label ?? null,
      category: t.category,
      grader: t.verdict?.grader ?? null,
      excerpt: response.length > EXCERPT ? response.slice(0, EXCERPT) : response,
      ...this.location(t),
    };
  }

  page(params: TracesParams): TracesResult {
    const all = this.select(params.selector);
    const rows = this.filter(params.selector, params.filter);
    const s = params.selector;
    // A disagreement list shows the second grader's verdict beside the first's; no other list does.
    const listing: Listing<Trace> =
      s.kind === 'disagreement'
        ? {
            ...this.listing,
            row: (t) => ({
              ...this.row(t),
              secondVerdict: t.opinions.find((o) => o.grader === s.secondary)?.label ?? null,
            }),
          }
        : this.listing;
    return listWindow(all, rows, params, listing, this.generation);
  }

  confusion(primary: string, secondary: string): ConfusionMatrix {
    return this.behind.confusion(primary, secondary);
  }

  detail(id: string): TraceDetail | null {
    const t = this.behind.trace(id);
    if (!t) return null;
    let own: LineText | null = null;
    let error: string | undefined;
    try {
      own = this.read(t);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const v = t.verdict;
    // The grader's reasoning is on the line that gave the verdict, when that is not the trace's own.
    const graded = v && (v.file !== t.file || v.line !== t.line) ? this.textOf(v) : own;
    const other = this.behind.partner(t);
    const otherText = other ? this.textOf(other) : null;
    const mine = { row: this.row(t, own), text: textOnly(own) };
    const theirs = { row: other ? this.row(other, otherText) : null, text: textOnly(otherText) };
    const [a, b] = t.variant === 'A' ? [mine, theirs] : [theirs, mine];
    return {
      row: mine.row,
      text: mine.text ?? { prompt: null, response: null, systemPrompt: null },
      graderReasoning: graded?.graderReasoning ?? null,
      inferredInstruction: graded?.inferredInstruction ?? null,
      verdictLocation: v ? this.location(v) : null,
      opinions: t.opinions.map((o) => ({ grader: o.grader, verdict: o.label, ...this.location(o) })),
      pair: t.variant === null ? null : { a: a.row, b: b.row, aText: a.text, bText: b.text },
      raw: own?.raw ?? null,
      ...(error ? { error } : {}),
    };
  }
}

interface Place {
  file: number;
  line: number;
  offset: number;
  length: number;
}

function textOnly(x: LineText | null): TraceText | null {
  return x ? { prompt: x.prompt, response: x.response, systemPrompt: x.systemPrompt } : null;
}
