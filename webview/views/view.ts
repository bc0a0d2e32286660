/** What every tab of the page is given, and what it offers back. */
import type { ConfusionMatrix, TraceSelector } from '../../src/protocol';
import {
  pointDataset,
  type ChartBox,
  type ChartPoint,
  type PointStyle,
  type ScatterDataset,
} from '../charts';
import type { ResultsIndex } from '../results';
import { sameSelector, type PageStore } from '../state';
import type { Palette } from '../theme';

export interface PageContext {
  readonly store: PageStore;
  palette(): Palette;
  /** Shows the traces behind a number in the trace pane. */
  selectTraces(selector: TraceSelector): void;
  openInEditor(path: string, line: number | null): void;
  savePng(name: string, dataUrl: string): void;
  /** The confusion matrix of two graders, from the extension. */
  confusion(primary: string, secondary: string): Promise<ConfusionMatrix>;
  /** "Compare with Saved Analysis…" for this page's folder. */
  chooseComparison(): void;
  /** "Save Analysis Snapshot…" of this page's folder. */
  saveSnapshot(): void;
}

export interface View {
  readonly element: HTMLElement;
  /** Draws the tab from a (new) results document. */
  render(index: ResultsIndex): void;
  /** The trace selection changed: mark the matching point or row. */
  selectionChanged(): void;
  /** The theme changed: re-colour the charts. */
  recolor(): void;
}

/** Remembers which rows show which selector, and marks the current one with aria-current. */
export class SelectorRows {
  private rows: [HTMLElement, TraceSelector][] = [];

  add(row: HTMLElement, selector: TraceSelector): void {
    this.rows.push([row, selector]);
  }

  reset(): void {
    this.rows = [];
  }

  mark(current: TraceSelector | null): void {
    for (const [row, selector] of this.rows) {
      if (sameSelector(selector, current)) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
  }
}

/** A tab whose chart has a point per model (scaling, dilution): selection marks, theme, point positions. */
export abstract class ChartView<P extends { model: string }> implements View {
  abstract readonly element: HTMLElement;
  protected abstract readonly chart: ChartBox;
  protected readonly rows = new SelectorRows();
  /** The drawn points, indexed by a chart point's `ref`. */
  protected plotted: P[] = [];

  constructor(protected readonly ctx: PageContext) {}

  abstract render(index: ResultsIndex): void;

  /** Draws the chart from `plotted` and the current selection. */
  protected abstract drawChart(): void;

  /** Where a point is drawn (`ref`: its index in `plotted`) and the traces it stands for. */
  protected abstract chartPoint(p: P, ref: number): ChartPoint;
  protected abstract selectorOf(p: P): TraceSelector;

  /** The plotted points `keep` accepts as one dataset, the selected one marked. */
  protected dataset(
    label: string,
    color: string,
    style: PointStyle,
    keep: (p: P) => boolean,
  ): ScatterDataset {
    const current = this.ctx.store.state.selector;
    const points = this.plotted.flatMap((p, ref) =>
      keep(p)
        ? [{ point: this.chartPoint(p, ref), selected: sameSelector(this.selectorOf(p), current) }]
        : [],
    );
    return pointDataset(label, color, style, points, this.ctx.palette());
  }

  selectionChanged(): void {
    this.rows.mark(this.ctx.store.state.selector);
    this.drawChart();
  }

  recolor(): void {
    this.drawChart();
  }

  /** Where a model's point is drawn (page coordinates); for tests and automation. */
  pointPosition(model: string): { x: number; y: number } | null {
    const i = this.plotted.findIndex((p) => p.model === model);
    return i < 0 ? null : this.chart.pointPosition(i);
  }
}
