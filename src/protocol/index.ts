/**
 * Every message of Failure-First Lens, declared once: the types of the requests between the
 * extension (client) and the language server (their LSP message objects are in requests.ts, the
 * settings in settings.ts), and the messages between the extension and the analysis page (webview).
 * Imported by src/server, src/client and webview/; it imports nothing but types.
 */
import type { PageTarget } from '../engine/report/claims/types';
import type { ComparisonDocument } from '../engine/report/comparisonDocument';
import type { ResultsDocument } from '../engine/report/results';
import type { ConfusionMatrix, TraceSelector } from '../engine/report/selectors';

export type * from '../engine/report/results';
export type * from '../engine/report/selectors';
export type { PageTarget } from '../engine/report/claims/types';
export type * from '../engine/report/comparisonDocument';

// ------------------------------------------------------------------ what a trace list shows

export type TraceCategory = 'ungraded' | 'error' | 'benign' | 'unknown' | 'evaluable';

export interface TraceFilter {
  /** Verdict labels (COMPLIANCE, …) or categories (ungraded, error, benign, unknown) to keep; empty = all. */
  verdicts?: string[];
  /** Case-insensitive substring of the trace id, scenario, model, prompt or response. */
  text?: string;
}

export interface TraceRow {
  /** Unique trace id (the key of every trace request). */
  id: string;
  model: string;
  scenarioId: string | null;
  attackClass: string;
  dataset: string | null;
  variant: 'A' | 'B' | null;
  /** The primary verdict's normalised label, or null when ungraded. */
  verdict: string | null;
  category: TraceCategory;
  grader: string | null;
  /** A second opinion's label, for disagreement lists. */
  secondVerdict?: string | null;
  /** The first characters of the response (plain text; render with textContent). */
  excerpt: string;
  /** Where the trace lives: workspace-relative path and 1-based line (corpus rows: line null). */
  path: string;
  line: number | null;
}

export interface TracesParams {
  selector: TraceSelector;
  filter?: TraceFilter;
  offset: number;
  limit: number;
  /** A trace id to find: its position among the filtered rows comes back as `locatedIndex`. */
  locate?: string;
}

export interface TracesResult {
  /** Rows matching the filter, in (path, line) order. */
  total: number;
  /** Rows of the selector before filtering. */
  unfiltered: number;
  offset: number;
  rows: TraceRow[];
  /** Verdict label / category counts of the unfiltered selection. */
  counts: Record<string, number>;
  generation: number;
  /** Position of `TracesParams.locate` among the filtered rows; null when it is not there. */
  locatedIndex?: number | null;
}

export interface TraceText {
  prompt: string | null;
  response: string | null;
  systemPrompt: string | null;
}

export interface TraceDetail {
  row: TraceRow;
  text: TraceText;
  /** The grader's reasoning (`llm_raw` or `rationale`) and inferred instruction, from the graded line. */
  graderReasoning: string | null;
  inferredInstruction: string | null;
  verdictLocation: { path: string; line: number | null } | null;
  /** Every other verdict on this trace (cross-graders, other primary graders). */
  opinions: { grader: string; verdict: string; path: string; line: number | null }[];
  /** For a dilution trace: the other variant of the same model and base scenario (k-th with k-th). */
  pair: { a: TraceRow | null; b: TraceRow | null; aText: TraceText | null; bText: TraceText | null } | null;
  /** The whole source line (or corpus row) as JSON text, for the raw view. */
  raw: string | null;
  /** Set when the source could not be read (file changed or gone). */
  error?: string;
}

// ------------------------------------------------------------------ client <-> language server

export type ServerState = 'starting' | 'indexing' | 'analysing' | 'ready' | 'error';

export interface ServerStatus {
  state: ServerState;
  /** Traces in the last analysis. */
  traces: number;
  problems: number;
  generation: number;
  /** ISO time of the last analysis. */
  analysedAt: string | null;
  /** Indexing progress 0..1 while indexing. */
  progress?: number;
  message?: string;
  /** Milliseconds the last refresh + analysis took. */
  lastRunMs?: number;
}

/** A grader seen in the folder, with the traces it gave a verdict: the traces an analysis under it grades. */
export interface GraderCount {
  name: string;
  traces: number;
}

/** The latest analysis of a folder, as the server answers it. */
export interface Analysed {
  document: ResultsDocument;
  generation: number;
  /** Every grader with a verdict on some trace, in code-point order (the page's grader list). */
  graders: GraderCount[];
}

/** A new analysis as the server announces it: the status it is ready with comes along. */
export interface AnalysedWithStatus extends Analysed {
  status: ServerStatus;
}

/** What a comparison's BEFORE is (COMPARE.md "In the editor"): a saved results document or a folder, by absolute path. */
export interface CompareSource {
  kind: 'file' | 'folder';
  path: string;
}

/** The server's answer to a comparison: the document, or why there is none (a snapshot deleted, or not a results document). */
export interface CompareAnswer {
  comparison: ComparisonDocument | null;
  error: string | null;
}

// ------------------------------------------------------------------ extension <-> analysis page

/** Tabs of the analysis page. */
export type PageTab = 'scaling' | 'lineages' | 'dilution' | 'compare' | 'agreement' | 'problems';

/** A place on the page: where a report's claims group is shown, or the Compare tab. */
export type PagePlace = PageTarget | { tab: 'compare' };

/** What the Compare tab shows: the BEFORE chosen (or the demo's default), and the comparison with the live analysis. */
export interface ComparisonView {
  /** Null when nothing was chosen and the folder has no default snapshot. */
  source: {
    kind: CompareSource['kind'];
    /** As the page names it: workspace-relative when inside the folder, else absolute. */
    label: string;
    /** Not chosen: the folder's default snapshot (runs/inverse_scaling/initial_analysis.json). */
    isDefault: boolean;
  } | null;
  comparison: ComparisonDocument | null;
  error: string | null;
}

/** Scaling chart groups (regression `group` values of the results). */
export type ScalingGroup = 'attack_class' | 'dataset' | 'lineage' | 'lineage_attack_class';

/** What the page restores after a reload (vscode.setState / the panel serializer). */
export interface PageState {
  tab: PageTab;
  scalingGroup: ScalingGroup;
  /** JSON of the selected regression key within the group. */
  scalingKey: string | null;
  selector: TraceSelector | null;
  filter: TraceFilter;
  selectedTraceId: string | null;
}

/** What the page asks of the extension: each method's params and result (`response.result`). */
export interface PageMethods {
  traces: { params: TracesParams; result: TracesResult };
  traceDetail: { params: { id: string }; result: TraceDetail | null };
  openInEditor: { params: { path: string; line: number | null }; result: boolean };
  /** The file written, or null when the save dialog was cancelled. */
  export: { params: { format: 'json' | 'markdown' }; result: string | null };
  savePng: { params: { name: string; dataUrl: string }; result: string | null };
  reanalyse: { params: Record<string, never>; result: ServerStatus };
  agreement: { params: { primary: string; secondary: string }; result: ConfusionMatrix };
  /** Re-analyse this folder under a grader (null: each trace's primary verdict); answered once it is asked for. */
  setGrader: { params: { grader: string | null }; result: null };
  /** "Compare with Saved Analysis…" for this folder; false when the researcher chose nothing. */
  chooseComparison: { params: Record<string, never>; result: boolean };
  /** "Save Analysis Snapshot…": the file written, or null when the dialog was cancelled. */
  saveSnapshot: { params: Record<string, never>; result: string | null };
}

export type PageMethod = keyof PageMethods;

/** A request the page makes of the extension; answered by a `response` with the same id. */
export type PageRequest<M extends PageMethod = PageMethod> = {
  [K in M]: { method: K; params: PageMethods[K]['params'] };
}[M];

/**
 * The page's host: one method per page request. The extension's panel implements it, and so does
 * the page's test double (test/webview/fake-host), whose unimplemented methods throw.
 */
export type PageHost = {
  [M in PageMethod]: (params: PageMethods[M]['params']) => Promise<PageMethods[M]['result']>;
};

/** Page → extension. */
export type PageToHost =
  | { type: 'ready' }
  | ({ type: 'request'; id: number } & PageRequest)
  | { type: 'state'; state: PageState }
  | { type: 'log'; level: 'info' | 'error'; message: string };

/** Extension → page. */
export type HostToPage =
  /** A new analysis: an Analysed as UTF-8 JSON (src/shared/analysedBytes.ts). */
  | { type: 'results'; status: ServerStatus; analysed: Uint8Array }
  /** The Compare tab's content, after every new analysis and every new choice of BEFORE. */
  | { type: 'comparison'; view: ComparisonView }
  /** Show a place on the page (a CodeLens over a report's claims, a new comparison). */
  | { type: 'show'; target: PagePlace }
  | { type: 'status'; status: ServerStatus }
  | { type: 'response'; id: number; result?: unknown; error?: string }
  /** Show these traces (a tree click, "Next outlier cell", a CodeLens). */
  | { type: 'select'; selector: TraceSelector; tab?: PageTab }
  | { type: 'restore'; state: PageState };
