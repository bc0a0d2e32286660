/** Reasoning dilution: Δ strict ASR (B − A) per model against size, its slope, and the headline. */
import {
  ChartBox,
  fitLine,
  lineAcross,
  scatterOptions,
  sizeDomain,
  type ChartPoint,
  type ScatterDataset,
} from '../charts';
import { actionRow, dataSpan, h, replaceChildren, table, td } from '../dom';
import {
  DASH,
  integer,
  percent,
  plural,
  pp,
  pValue,
  signed,
  signedInterval,
  size,
} from '../../src/shared/format';
import type { TraceSelector } from '../../src/protocol';
import { keyJson, type DilutionModelJson, type ResultsIndex } from '../results';
import { ChartView, type PageContext } from './view';

const ALL = 'all';

export class DilutionView extends ChartView<DilutionModelJson> {
  readonly element: HTMLElement;
  protected readonly chart: ChartBox;
  private readonly lineageSelect = h('select', { 'aria-label': 'Lineage of the dilution regression' });
  private readonly headlines = h('div', { class: 'headlines', 'aria-label': 'Headlines' });
  private readonly slope = h('p', { class: 'slope' });
  private readonly tableHost = h('div', { class: 'table-host' });
  private index: ResultsIndex | null = null;
  private lineage = ALL;

  constructor(ctx: PageContext) {
    super(ctx);
    this.lineageSelect.addEventListener('change', () => {
      this.lineage = this.lineageSelect.value;
      this.draw();
    });
    this.chart = new ChartBox('dilution', '\u0394 strict ASR (B \u2212 A) against model size', (n, d) =>
      ctx.savePng(`${n}-${this.lineage}`, d),
    );
    this.element = h(
      'section',
      { class: 'view dilution' },
      this.headlines,
      h('div', { class: 'toolbar' }, h('label', {}, 'Lineage ', this.lineageSelect)),
      this.chart.element,
      this.slope,
      this.tableHost,
    );
  }

  render(index: ResultsIndex): void {
    this.index = index;
    const lineages = index.regressions('dilution').map((r) => r.key.lineage ?? ALL);
    if (!lineages.includes(this.lineage)) this.lineage = ALL;
    replaceChildren(
      this.lineageSelect,
      ...lineages.map((l) => h('option', { value: l }, l === ALL ? 'All models' : l)),
    );
    this.lineageSelect.value = this.lineage;
    this.drawHeadlines();
    this.draw();
  }

  private models(): DilutionModelJson[] {
    const all = this.index?.doc.dilution.models ?? [];
    return this.lineage === ALL ? all : all.filter((m) => m.lineage === this.lineage);
  }

  private draw(): void {
    this.drawChart();
    this.drawTable();
  }

  private drawHeadlines(): void {
    const doc = this.index?.doc;
    if (!doc) return;
    const threshold = doc.settings.headline_threshold_pp;
    const items = doc.dilution.headlines.map((hl) =>
      h(
        'li',
        { class: hl.meets_threshold ? 'meets' : 'misses' },
        h('strong', {}, dataSpan(hl.lineage)),
        ': \u0394 at ',
        dataSpan(hl.largest),
        ' minus \u0394 at ',
        dataSpan(hl.smallest),
        ` = ${pp(hl.delta_span_pp)} \u2014 ${hl.meets_threshold ? 'exceeds' : 'does not exceed'} the ${threshold} pp threshold for a write-up`,
      ),
    );
    replaceChildren(
      this.headlines,
      h('h3', {}, 'Headline'),
      items.length
        ? h('ul', {}, ...items)
        : h('p', { class: 'empty' }, 'No lineage has two dilution models of known size with a \u0394.'),
    );
  }

  protected drawChart(): void {
    const doc = this.index?.doc;
    if (!doc) return;
    const p = this.ctx.palette();
    this.plotted = this.models().filter(
      (m) => m.params_b !== null && m.delta_pp !== null && m.delta_ci_pp !== null,
    );
    const xDomain = sizeDomain(this.plotted.map((m) => m.params_b ?? 0));
    const datasets: ScatterDataset[] = [
      this.dataset('Models: \u0394 [Newcombe 95% CI]', p.blue, 'circle', (m) => !m.excluded),
    ];
    if (this.plotted.some((m) => m.excluded))
      datasets.push(this.dataset('Excluded models (not in the fit)', p.muted, 'crossRot', (m) => m.excluded));
    const reg = this.index?.regression('dilution', keyJson({ lineage: this.lineage }));
    datasets.push(...fitLine(reg?.ols, xDomain, p.purple));
    const threshold = doc.settings.headline_threshold_pp;
    datasets.push(lineAcross('\u0394 = 0', xDomain, () => 0, p.muted));
    datasets.push(
      lineAcross(`Headline threshold (${threshold} pp)`, xDomain, () => threshold, p.orange, [6, 4]),
    );
    const ys = this.plotted.flatMap((m) => m.delta_ci_pp ?? []);
    const yMin = Math.min(-10, ...ys.map((v) => Math.floor(v / 10) * 10));
    const yMax = Math.max(threshold + 10, ...ys.map((v) => Math.ceil(v / 10) * 10));
    const summary =
      `\u0394 strict ASR (B minus A) against size, ${this.lineage === ALL ? 'all models' : this.lineage}: ` +
      this.plotted.map((m) => `${m.model} ${size(m.params_b)} ${pp(m.delta_pp)}`).join('; ') +
      (reg?.ols ? `. OLS slope ${pp(reg.ols.slope_pp)} per decade.` : '.');
    this.chart.show(
      {
        type: 'scatter',
        data: { datasets },
        options: scatterOptions(p, {
          xDomain,
          yTitle: '\u0394 strict ASR, B \u2212 A (pp)',
          yMin,
          yMax,
          yTick: (v) => signed(v, 0),
          onPoint: (ref) => {
            const m = this.plotted[ref];
            if (m) this.ctx.selectTraces({ kind: 'dilution', model: m.model });
          },
          tooltip: (item) => {
            const m = this.plotted[(item.raw as ChartPoint).ref ?? -1];
            return m
              ? [
                  m.model,
                  `size ${size(m.params_b)}`,
                  `A ${percent(m.a.strict?.rate)} (n ${m.a.n}), B ${percent(m.b.strict?.rate)} (n ${m.b.n})`,
                  `\u0394 ${pp(m.delta_pp)} ${signedInterval(m.delta_ci_pp)}`,
                  `McNemar p = ${pValue(m.mcnemar_p)}`,
                ]
              : [];
          },
        }),
      },
      summary,
    );
    this.slope.textContent = reg?.ols
      ? `OLS of \u0394 on log10(size): slope ${pp(reg.ols.slope_pp)} per decade` +
        (reg.ols.ci_pp ? ` ${signedInterval(reg.ols.ci_pp)}` : '') +
        `, ${reg.classification}; WLS slope ${pp(reg.wls?.slope_pp)} per decade (weights nA + nB).`
      : `No dilution regression fit for this selection (${reg?.classification ?? 'no models'}).`;
  }

  protected chartPoint(m: DilutionModelJson, ref: number): ChartPoint {
    const ci = m.delta_ci_pp ?? [0, 0];
    return { x: m.params_b ?? 0, y: m.delta_pp ?? 0, lo: ci[0], hi: ci[1], ref };
  }

  protected selectorOf(m: DilutionModelJson): TraceSelector {
    return { kind: 'dilution', model: m.model };
  }

  private drawTable(): void {
    this.rows.reset();
    const rows = this.models().map((m) => {
      const selector = { kind: 'dilution', model: m.model } as const;
      const row = h(
        'tr',
        { class: m.excluded ? 'excluded' : '' },
        td(dataSpan(m.model)),
        td(m.params_b === null ? 'unknown' : size(m.params_b), 'num'),
        td(`${integer(m.a.n)} / ${percent(m.a.strict?.rate)}`, 'num'),
        td(`${integer(m.b.n)} / ${percent(m.b.strict?.rate)}`, 'num'),
        td(`${pp(m.delta_pp)} ${signedInterval(m.delta_ci_pp)}`, 'num'),
        td(integer(m.pairs), 'num'),
        td(integer(m.b_only_a), 'num'),
        td(integer(m.b_only_b), 'num'),
        td(m.pairs > 0 ? pValue(m.mcnemar_p) : DASH, 'num'),
        td(m.excluded ? 'excluded' : ''),
      );
      actionRow(row, `Show the dilution traces of ${m.model}`, () => this.ctx.selectTraces(selector));
      this.rows.add(row, selector);
      return row;
    });
    replaceChildren(
      this.tableHost,
      rows.length
        ? table(
            `Reasoning dilution per model (${plural(rows.length, 'model')})`,
            [
              'Model',
              'Size',
              'A n / ASR',
              'B n / ASR',
              '\u0394 [95% CI]',
              'Pairs',
              'Only A',
              'Only B',
              'McNemar p',
              '',
            ],
            rows,
          )
        : h(
            'p',
            { class: 'empty' },
            'No traces with a variant: no reasoning-dilution experiment in this workspace.',
          ),
    );
    this.rows.mark(this.ctx.store.state.selector);
  }
}
