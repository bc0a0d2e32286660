/** What every tab of the page is given, and what it offers back. */
import type { ConfusionMatrix, TraceSelector } from '../../src/protocol';
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
