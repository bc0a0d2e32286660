/**
 * What the page's test double answers from: the language server's own answers over the demo
 * workspace (test/webview/cannedAnswers.ts makes them with the engine), plus rows made up for the
 * page's own tests (adversarial text, very long lists). No Node, no DOM: both sides import it.
 */
import type {
  ComparisonView,
  ConfusionMatrix,
  GraderCount,
  ResultsDocument,
  ServerStatus,
  TraceDetail,
  TraceRow,
  TraceSelector,
} from '../../../src/protocol';

export interface Canned {
  document: ResultsDocument;
  /** The graders the server lists with the document. */
  graders: GraderCount[];
  /** The Compare tab's content: the demo against its saved analysis, as the server compares them. */
  comparison: ComparisonView;
  generation: number;
  status: ServerStatus;
  /** The rows behind every selector the page can show, by cannedKey(selector), as the server lists them. */
  lists: Record<string, TraceRow[]>;
  /** Each listed trace's detail. */
  details: Record<string, TraceDetail>;
  /** What the server's text filter searches for each trace, cheapest first. */
  texts: Record<string, (string | null)[]>;
  /** By cannedKey of the grader pair's disagreement selector. */
  confusion: Record<string, ConfusionMatrix>;
  /** The cell whose first rows stand in for the demo's adversarial traces (and one made-up one). */
  adversarialCell: { attackClass: string; model: string };
  /** Scenario lists too long to can, made row by row on demand (ids `<prefix>-<1-based index>`). */
  long: { many: LongList; million: LongList };
}

export interface LongList {
  scenarioId: string;
  rows: number;
  prefix: string;
}

/** A selector as a key: its fields in one order. */
export function cannedKey(s: TraceSelector): string {
  return JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
