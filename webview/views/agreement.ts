/** Grader agreement: Cohen's κ per (primary, secondary) grader pair; a click lists their disagreements. */
import { actionRow, dataSpan, h, replaceChildren, table, td } from '../dom';
import { fixed, integer } from '../format';
import type { ResultsIndex } from '../results';
import { SelectorRows, type PageContext, type View } from './view';

/** κ below this: the two graders are not interchangeable (ANALYSIS.md §7). */
const KAPPA_BAR = 0.6;

export class AgreementView implements View {
  readonly element = h('section', { class: 'view agreement' });
  private readonly rows = new SelectorRows();

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
        td(fixed(a.kappa_labels), 'num'),
        td(fixed(a.kappa_strict), 'num'),
        td(
          low
            ? h('span', { class: 'tag warn' }, 'graders not interchangeable')
            : `\u03ba \u2265 ${KAPPA_BAR}`,
        ),
      );
      actionRow(row, `Show the traces on which ${a.primary} and ${a.secondary} disagree`, () =>
        this.ctx.selectTraces(selector),
      );
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
    );
    this.rows.mark(this.ctx.store.state.selector);
  }

  selectionChanged(): void {
    this.rows.mark(this.ctx.store.state.selector);
  }

  recolor(): void {}
}
