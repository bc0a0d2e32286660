/**
 * Compare: the live analysis (AFTER) against a saved one (BEFORE), COMPARE.md's document as the
 * extension's server computes it after every analysis: the conclusions that moved first, then the
 * cells with Δ strict ASR and its interval, each row opening the cell's current traces.
 */
import type { CellComparison, CellSide, Change, ComparisonView } from '../../src/protocol';
import { deltaExcludesZero } from '../../src/shared/conclusions';
import { DASH, integer, percent, plural, pp, signedInterval } from '../../src/shared/format';
import { actionRow, button, dataSpan, h, replaceChildren, table, td } from '../dom';
import type { ResultsIndex } from '../results';
import { SelectorRows, type PageContext, type View } from './view';

type Order = 'delta' | 'cell';

const CHANGE_LABELS: Record<Change['kind'], string> = {
  headline: 'Headline',
  classification: 'Classification',
  shape: 'Lineage shape',
  cell_added: 'Cell added',
  cell_removed: 'Cell removed',
};

function changeValue(v: Change['before']): string {
  if (v === null) return DASH;
  if (typeof v === 'boolean') return v ? 'meets the threshold' : 'below the threshold';
  if (typeof v === 'string') return v;
  return `n ${integer(v.n)}, k ${integer(v.k)}`;
}

/** "62.5% (5/8)"; k/n alone when n = 0; a dash on the side a cell is missing from. */
function sideText(s: CellSide | null): string {
  if (s === null) return DASH;
  return s.strict === null ? `${s.k}/${s.n}` : `${percent(s.strict.rate)} (${s.k}/${s.n})`;
}

/**
 * The same on two lines, the counts under the rate, so that the table fits a page beside an editor;
 * the side a cell is missing from says why (the status needs no column of its own).
 */
function sideCell(s: CellSide | null, missing: 'added' | 'removed'): Node | string {
  if (s === null) return h('span', {}, DASH, h('span', { class: 'ci' }, ` ${missing}`));
  const text = sideText(s);
  const at = text.indexOf(' (');
  return at < 0 ? text : h('span', {}, text.slice(0, at), h('span', { class: 'ci' }, text.slice(at)));
}

/** |Δ| for sorting: cells without a Δ (added, removed, n = 0) last. */
const magnitude = (c: CellComparison): number => (c.delta_pp === null ? -1 : Math.abs(c.delta_pp));

export class CompareView implements View {
  readonly element = h('section', { class: 'view compare' });
  private view: ComparisonView | null = null;
  private order: Order = 'delta';
  private everyCell = false;
  private readonly rows = new SelectorRows();
  // Made once, so that the focus stays on them when the table is drawn again.
  private readonly orderSelect = h(
    'select',
    { 'aria-label': 'Order of the cells' },
    h('option', { value: 'delta' }, 'largest |\u0394| first'),
    h('option', { value: 'cell' }, 'by attack class and model'),
  );
  private readonly everyButton = button('Every cell', () => {
    this.everyCell = !this.everyCell;
    this.draw();
  });

  constructor(private readonly ctx: PageContext) {
    this.orderSelect.addEventListener('change', () => {
      this.order = this.orderSelect.value === 'cell' ? 'cell' : 'delta';
      this.draw();
    });
    this.everyButton.classList.add('secondary');
  }

  /** A new comparison from the extension (after an analysis, or a new BEFORE). */
  show(view: ComparisonView): void {
    this.view = view;
    this.draw();
  }

  render(_index: ResultsIndex): void {
    this.draw();
  }

  selectionChanged(): void {
    this.rows.mark(this.ctx.store.state.selector);
  }

  recolor(): void {}

  private draw(): void {
    this.rows.reset();
    const v = this.view;
    const actions = h(
      'div',
      { class: 'toolbar' },
      button(
        v?.source ? 'Compare with another saved analysis\u2026' : 'Compare with Saved Analysis\u2026',
        () => this.ctx.chooseComparison(),
        { class: 'secondary' },
      ),
      button('Save Analysis Snapshot\u2026', () => this.ctx.saveSnapshot(), {
        class: 'secondary',
        title: 'Save the current results document, to compare later analyses with',
      }),
    );
    if (!v) {
      replaceChildren(this.element, h('p', { class: 'waiting muted' }, 'Waiting for the comparison\u2026'));
      return;
    }
    if (!v.source) {
      replaceChildren(
        this.element,
        h(
          'p',
          { class: 'empty' },
          'No saved analysis to compare with. Choose a results document (ff-lens analyze --json, Export Results as JSON, Save Analysis Snapshot\u2026) or a folder: the live analysis is compared with it after every change, and the choice is kept for this folder.',
        ),
        actions,
      );
      return;
    }
    const source = v.source;
    const head = h(
      'div',
      { class: 'compare-sides' },
      h(
        'p',
        {},
        h('strong', {}, 'Before: '),
        dataSpan(source.label),
        source.kind === 'folder' ? ' (a folder, analysed when chosen)' : ' (a saved analysis)',
        v.comparison
          ? `, ${plural(v.comparison.before.traces, 'trace')}, analysed ${new Date(v.comparison.before.generated_at).toLocaleString()}`
          : '',
      ),
      source.isDefault
        ? h(
            'p',
            { class: 'muted default-source' },
            "This is the folder's default snapshot, compared with because no other analysis was chosen.",
          )
        : null,
      v.comparison
        ? h(
            'p',
            {},
            h('strong', {}, 'After: '),
            `the live analysis, ${plural(v.comparison.after.traces, 'trace')}, analysed ${new Date(v.comparison.after.generated_at).toLocaleString()}`,
          )
        : null,
      v.comparison && v.comparison.settings_changed.length > 0
        ? h(
            'p',
            { class: 'settings-changed' },
            'Settings that differ: ',
            dataSpan(v.comparison.settings_changed.join(', ')),
            '.',
          )
        : null,
    );
    if (v.error !== null || !v.comparison) {
      replaceChildren(
        this.element,
        head,
        h(
          'div',
          { class: 'notice error', role: 'alert' },
          dataSpan(
            `The saved analysis cannot be compared: ${v.error ?? 'no comparison'}. Choose another, or save a new snapshot.`,
          ),
        ),
        actions,
      );
      return;
    }
    const doc = v.comparison;
    replaceChildren(this.element, head, actions, this.changes(doc.changes), this.cells(doc.cells));
    this.rows.mark(this.ctx.store.state.selector);
  }

  private changes(changes: Change[]): HTMLElement {
    const rows = changes.map((c) => {
      const row = h(
        'tr',
        { class: `change-${c.kind}` },
        td(CHANGE_LABELS[c.kind]),
        td(dataSpan(c.what)),
        td(dataSpan(changeValue(c.before))),
        td(dataSpan(changeValue(c.after))),
      );
      return row;
    });
    return h(
      'section',
      { class: 'compare-changes', 'aria-label': 'Conclusions that moved' },
      h('h3', {}, `Conclusions that moved (${integer(changes.length)})`),
      rows.length === 0
        ? h(
            'p',
            { class: 'empty' },
            'None: no headline, classification or shape moved, and no cell was added or removed.',
          )
        : table('Conclusions that moved', ['Change', 'What', 'Before', 'After'], rows, 'changes-table'),
    );
  }

  private cells(all: CellComparison[]): HTMLElement {
    const shown = (this.everyCell ? all : all.filter((c) => c.status !== 'same')).slice();
    if (this.order === 'delta') shown.sort((a, b) => magnitude(b) - magnitude(a));
    const rows = shown.map((c) => {
      const moved = deltaExcludesZero(c);
      const row = h(
        'tr',
        { class: `cell-${c.status}${moved ? ' moved' : ''}` },
        td(dataSpan(c.attack_class)),
        td(dataSpan(c.model)),
        td(sideCell(c.before, 'added'), 'num'),
        td(sideCell(c.after, 'removed'), 'num'),
        // The interval on a line of its own: on one line the column pushed the table past the
        // content column beside the trace pane, and the Δ was cut off.
        td(
          c.delta_pp === null
            ? DASH
            : h(
                'span',
                {},
                pp(c.delta_pp),
                h('span', { class: 'ci' }, ` ${signedInterval(c.delta_ci_pp)}`),
                moved ? h('span', { class: 'moved-note' }, ' interval excludes 0') : null,
              ),
          'num',
        ),
      );
      if (c.after !== null) {
        const selector = { kind: 'cell', attackClass: c.attack_class, model: c.model } as const;
        actionRow(row, `Show the current traces of ${c.attack_class} × ${c.model}`, () =>
          this.ctx.selectTraces(selector),
        );
        this.rows.add(row, selector);
      }
      return row;
    });
    this.orderSelect.value = this.order;
    this.everyButton.setAttribute('aria-pressed', String(this.everyCell));
    const changed = all.filter((c) => c.status !== 'same').length;
    return h(
      'section',
      { class: 'compare-cells', 'aria-label': 'Cells' },
      h(
        'h3',
        {},
        `Cells: ${plural(changed, 'cell')} changed n or COMPLIANCE count, ${integer(all.filter(deltaExcludesZero).length)} moved beyond their interval`,
      ),
      h(
        'p',
        { class: 'muted' },
        'Δ strict ASR (after − before) with its 95% interval (Newcombe), treating the two analyses as independent samples: when the newer one contains the older traces they are not, and the interval is conservative.',
      ),
      h('div', { class: 'toolbar' }, h('label', {}, 'Order ', this.orderSelect), this.everyButton),
      rows.length === 0
        ? h('p', { class: 'empty' }, 'No cell changed: every cell has the same n and COMPLIANCE count.')
        : table(
            `Cells (${this.everyCell ? 'all' : 'changed'})`,
            ['Attack class', 'Model', 'Before', 'After', '\u0394 (pp) [95% CI]'],
            rows,
            'cells-table',
          ),
    );
  }
}
