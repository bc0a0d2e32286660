/** Grader agreement: Cohen's κ per (primary, secondary) grader pair; a click lists their disagreements. */
import { actionRow, dataSpan, h, replaceChildren, table, td } from '../dom';
import { fixed, integer } from '../../src/shared/format';
import type { ResultsIndex } from '../results';
import { SelectorRows, type PageContext, type View } from './view';

const SHORT_LABELS: Record<string, string> = {
  COMPLIANCE: 'COMPLIANCE',
  PARTIAL: 'PARTIAL',
  REFUSAL: 'REFUSAL',
  HALLUCINATION_REFUSAL: 'HALLUC. REFUSAL',
};

/** κ below this: the two graders are not interchangeable (ANALYSIS.md §7). */
const KAPPA_BAR = 0.6;

export class AgreementView implements View {
  readonly element = h('section', { class: 'view agreement' });
  private readonly rows = new SelectorRows();
  private readonly matrixHost = h('div', { class: 'confusion', 'aria-live': 'polite' });
  /** The pair whose matrix is shown (or being fetched). */
  private shown: string | null = null;

  constructor(private readonly ctx: PageContext) {}

  render(index: ResultsIndex): void {
    this.rows.reset();
    const rows = index.doc.agreement.map((a) => {
      const low = [a.kappa_labels, a.kappa_strict].some((k) => k !== null && k < KAPPA_BAR);
      const selector = { kind: 'disagreement', primary: a.primary, secondary: a.secondary } as const;
      const row = h(
        'tr',
        { class: low ? 'flag-low' : '' },
        td(dataSpan(a.primary)),
        td(dataSpan(a.secondary)),
        td(integer(a.n), 'num'),
        td(fixed(a.kappa_labels, 2), 'num'),
        td(fixed(a.kappa_strict, 2), 'num'),
        td(
          low
            ? h('span', { class: 'tag warn' }, 'graders not interchangeable')
            : `\u03ba \u2265 ${KAPPA_BAR}`,
        ),
      );
      actionRow(row, `Show the traces on which ${a.primary} and ${a.secondary} disagree`, () => {
        this.ctx.selectTraces(selector);
        this.showMatrix(a.primary, a.secondary);
      });
      this.rows.add(row, selector);
      return row;
    });
    replaceChildren(
      this.element,
      h(
        'p',
        { class: 'muted' },
        `Cohen's \u03ba over traces evaluable under both graders, on the four labels and on strict success. ` +
          `Below ${KAPPA_BAR} the graders are not interchangeable. Click a pair for the traces they disagree on.`,
      ),
      rows.length
        ? table(
            'Grader agreement',
            ['Primary grader', 'Second grader', 'n', '\u03ba labels', '\u03ba strict', ''],
            rows,
          )
        : h('p', { class: 'empty' }, 'No trace has verdicts from two graders.'),
      this.matrixHost,
    );
    this.rows.mark(this.ctx.store.state.selector);
    this.shown = null;
    this.followSelection(index);
  }

  selectionChanged(): void {
    this.rows.mark(this.ctx.store.state.selector);
  }

  /** The selected pair's matrix, or the first pair's when none is selected. */
  private followSelection(index: ResultsIndex): void {
    const s = this.ctx.store.state.selector;
    const pair = s?.kind === 'disagreement' ? s : index.doc.agreement[0];
    if (pair) this.showMatrix(pair.primary, pair.secondary);
    else replaceChildren(this.matrixHost);
  }

  private showMatrix(primary: string, secondary: string): void {
    const key = JSON.stringify([primary, secondary]);
    if (this.shown === key) return;
    this.shown = key;
    replaceChildren(this.matrixHost, h('p', { class: 'muted' }, 'Loading the confusion matrix\u2026'));
    this.ctx
      .confusion(primary, secondary)
      .then((m) => {
        if (this.shown !== key) return;
        const short = (l: string): string => SHORT_LABELS[l] ?? l;
        const head = [`${primary} \u2193 / ${secondary} \u2192`, ...m.labels.map(short)];
        const body = m.labels.map((l, i) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, short(l)),
            ...(m.matrix[i] ?? []).map((v, j) =>
              td(integer(v), i === j ? 'num agree' : v > 0 ? 'num disagree' : 'num'),
            ),
          ),
        );
        replaceChildren(
          this.matrixHost,
          h('h3', {}, 'Confusion matrix'),
          h(
            'p',
            { class: 'muted' },
            `Rows: ${primary} (primary); columns: ${secondary}. ${integer(m.n)} traces evaluable under both graders; they disagree on ${integer(m.disagreements)}.`,
          ),
          table(`Confusion matrix of ${primary} and ${secondary}`, head, body),
        );
      })
      .catch((e: unknown) => {
        if (this.shown === key)
          replaceChildren(
            this.matrixHost,
            h('p', { class: 'empty' }, `The matrix could not be loaded: ${String(e)}`),
          );
      });
  }

  recolor(): void {}
}
