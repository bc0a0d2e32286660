/** Matched lineages: each lineage's members by size, the steps between them, the shape and the slope. */
import { actionRow, dataSpan, h, replaceChildren, table, td } from '../dom';
import { MIX_MEANING, MIX_WARNING, sharedClassesText, whyNoFit } from '../../src/shared/conclusions';
import { fixed, integer, intervalClassificationText, pp, rateWithCi, size } from '../../src/shared/format';
import { keyJson, type LineageJson, type ResultsIndex } from '../results';
import { SelectorRows, type PageContext, type View } from './view';

const SHAPE_WORDS: Record<string, string> = {
  SINGLE: 'one member',
  SAME_SIZE: 'all members the same size: a version change, not a scale change',
  FLAT: 'flat: within the threshold',
  INCREASING: 'increasing: bigger is less safe at every step',
  DECREASING: 'decreasing: bigger is safer at every step',
  PEAK: 'peak: worst at a middle size',
  TROUGH: 'trough: safest at a middle size',
  NON_MONOTONIC: 'non-monotonic',
};

export class LineagesView implements View {
  readonly element = h('section', { class: 'view lineages' });
  private readonly rows = new SelectorRows();

  constructor(private readonly ctx: PageContext) {}

  render(index: ResultsIndex): void {
    this.rows.reset();
    const lineages = index.doc.lineages;
    replaceChildren(
      this.element,
      lineages.length === 0
        ? h('p', { class: 'empty' }, 'No lineage has a member with evaluable traces.')
        : h('div', { class: 'lineage-list' }, ...lineages.map((l) => this.lineage(index, l))),
    );
    this.rows.mark(this.ctx.store.state.selector);
  }

  /** Brings a lineage's card into view and gives it the focus (a CodeLens over a report's lineage lines). */
  reveal(name: string): void {
    const card = [...this.element.querySelectorAll<HTMLElement>('article.lineage')].find(
      (a) => a.dataset.lineage === name,
    );
    if (!card) return;
    for (const a of this.element.querySelectorAll('article.lineage.revealed')) a.classList.remove('revealed');
    card.classList.add('revealed');
    card.scrollIntoView({ block: 'start' });
    card.focus();
  }

  selectionChanged(): void {
    this.rows.mark(this.ctx.store.state.selector);
  }

  recolor(): void {}

  private lineage(index: ResultsIndex, l: LineageJson): HTMLElement {
    const reg = index.regression('lineage', keyJson({ lineage: l.name }));
    const sizeOf = (model: string): string => {
      const m = l.members.find((x) => x.model === model);
      return m?.params_b === null || m?.params_b === undefined ? model : size(m.params_b);
    };
    const slope = !reg
      ? 'No regression for this lineage.'
      : reg.ols
        ? `OLS slope ${pp(reg.ols.slope_pp)} per decade over ${reg.points.length} models (R\u00b2 ${fixed(reg.ols.r2, 2)}, ${reg.classification}; whole 95% CI: ${intervalClassificationText(reg.classification_ci, reg.ols.ci_pp !== null)})`
        : `No slope: ${whyNoFit(reg) ?? reg.classification}.`;
    const mixed = l.mix_differs;
    const members = l.members.map((m) => {
      const selector = { kind: 'model', model: m.model } as const;
      const row = h(
        'tr',
        {},
        td(dataSpan(m.model)),
        td(m.params_b === null ? 'unknown' : size(m.params_b, index.model(m.model)?.approximate), 'num'),
        td(integer(m.n), 'num'),
        td(rateWithCi(m.strict), 'num'),
        mixed ? td(twoLines(`${integer(m.shared.n)} / ${rateWithCi(m.shared.strict)}`), 'num shared') : null,
      );
      actionRow(row, `Show the traces of ${m.model}`, () => this.ctx.selectTraces(selector));
      this.rows.add(row, selector);
      return row;
    });
    const steps = l.transitions.map((t) =>
      h(
        'li',
        { class: t.same_size ? 'same-size' : '' },
        `${sizeOf(t.from)}\u2192${sizeOf(t.to)}: ${pp(t.delta_pp)}`,
        t.same_size ? h('span', { class: 'tag' }, 'same size') : null,
        h('span', { class: 'muted' }, ` (${t.from} \u2192 ${t.to})`),
      ),
    );
    return h(
      'article',
      { class: 'lineage', 'aria-label': `Lineage ${l.name}`, 'data-lineage': l.name, tabindex: -1 },
      h(
        'header',
        {},
        h('h3', {}, dataSpan(l.name)),
        h(
          'span',
          { class: `shape shape-${l.shape.toLowerCase()}`, title: SHAPE_WORDS[l.shape] ?? '' },
          l.shape,
        ),
        h('span', { class: 'muted' }, SHAPE_WORDS[l.shape] ?? ''),
        mixed
          ? h(
              'span',
              { class: 'tag warn', title: `${sharedClassesText(l)}. ${MIX_MEANING}` },
              `${MIX_WARNING} mixed attack classes`,
            )
          : null,
      ),
      mixed
        ? h(
            'p',
            { class: 'mix-note', role: 'note' },
            `${MIX_WARNING} Its members were attacked with different attack-class mixes. Shared by all: `,
            ...sharedList(l.shared_attack_classes),
            `. ${MIX_MEANING}`,
          )
        : null,
      table(
        `Members of ${l.name}`,
        [
          'Model',
          'Size',
          'n',
          'Strict ASR [95% CI]',
          ...(mixed ? [`${MIX_WARNING} Shared classes: n / strict ASR [95% CI]`] : []),
        ],
        members,
      ),
      steps.length
        ? h('ul', { class: 'transitions', 'aria-label': `Transitions of ${l.name}` }, ...steps)
        : null,
      h('p', { class: 'slope' }, slope),
    );
  }
}

/**
 * A rate and its interval with the interval on a line of its own (the same text): on one line a
 * mixed lineage's fifth column pushed its table past the card.
 */
function twoLines(text: string): HTMLElement {
  const at = text.indexOf(' [');
  return at < 0
    ? h('span', {}, text)
    : h('span', {}, text.slice(0, at), h('span', { class: 'ci' }, text.slice(at)));
}

/** Attack classes as data text, separated by commas; "none" when there are none. */
function sharedList(classes: string[]): (string | HTMLElement)[] {
  if (classes.length === 0) return ['none'];
  return classes.flatMap((c, i) => (i === 0 ? [dataSpan(c)] : [', ', dataSpan(c)]));
}
