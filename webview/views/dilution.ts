/** Reasoning dilution: Δ strict ASR (B − A) per model against size, its slope, and the headline. */
import {
  ChartBox,
  fitLine,
  levelLine,
  lineAcross,
  pointDataset,
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
import type { HeadlineJson, TraceSelector } from '../../src/protocol';
import { headlineDecisionText, undecidedMeaning } from '../../src/shared/conclusions';
import { keyJson, type DilutionModelJson, type ResultsIndex } from '../results';
import { ChartView, type PageContext } from './view';

const ALL = 'all';

export class DilutionView extends ChartView<DilutionModelJson> {
  readonly element: HTMLElement;
  protected readonly chart: ChartBox;
  private readonly lineageSelect = h('select', { 'aria-label': 'Lineage of the dilution regression' });
  private readonly headlines = h('div', { class: 'headlines', 'aria-label': 'Headlines' });
  /** Each headline's span with its 95% interval against the write-up threshold. */
  private readonly headlineChart: ChartBox;
  private readonly slope = h('p', { class: 'slope' });
  private readonly tableHost = h('div', { class: 'table-host' });
  private index: ResultsIndex | null = null;
  private lineage = ALL;

  constructor(ctx: PageContext) {
    super(ctx);
    this.lineageSelect.addEventListener('change', () => {
      this.lineage = this.lineageSelect.value;
      this.draw();
      this.drawHeadlineChart();
    });
    this.chart = new ChartBox('dilution', '\u0394 strict ASR (B \u2212 A) against model size', (n, d) =>
      ctx.savePng(`${n}-${this.lineage}`, d),
    );
    this.headlineChart = new ChartBox(
      'headline',
      'Headline: the \u0394 span (largest minus smallest model) with its 95% interval, against the threshold',
      (n, d) => ctx.savePng(n, d),
    );
    this.element = h(
      'section',
      { class: 'view dilution' },
      this.headlines,
      this.headlineChart.element,
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
    this.drawHeadlineChart();
    this.draw();
  }

  override recolor(): void {
    super.recolor();
    this.drawHeadlineChart();
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
        { class: `decision-${hl.decision.toLowerCase()}` },
        h('strong', {}, dataSpan(hl.lineage)),
        ': \u0394 at ',
        dataSpan(hl.largest),
        ' minus \u0394 at ',
        dataSpan(hl.smallest),
        ' = ',
        h('span', { class: 'decision' }, headlineDecisionText(hl, threshold)),
        '.',
      ),
    );
    const undecided = doc.dilution.headlines.some((hl) => hl.decision === 'UNDECIDED');
    replaceChildren(
      this.headlines,
      h('h3', {}, `Headline: does the \u0394 span exceed ${threshold} pp, the threshold for a write-up?`),
      items.length
        ? h('ul', {}, ...items)
        : h('p', { class: 'empty' }, 'No lineage has two dilution models of known size with a \u0394.'),
      undecided ? h('p', { class: 'meaning' }, undecidedMeaning(threshold)) : null,
    );
  }

  /** The headlines' spans as points with their MOVER intervals, the threshold and zero as lines. */
  private drawHeadlineChart(): void {
    const doc = this.index?.doc;
    if (!doc) return;
    const headlines = doc.dilution.headlines;
    this.headlineChart.element.hidden = headlines.length === 0;
    if (headlines.length === 0) return;
    const p = this.ctx.palette();
    const threshold = doc.settings.headline_threshold_pp;
    const across: [number, number] = [-0.5, headlines.length - 0.5];
    const colour = (hl: HeadlineJson): string =>
      hl.decision === 'EXCEEDS' ? p.red : hl.decision === 'BELOW' ? p.blue : p.yellow;
    const datasets: ScatterDataset[] = (['EXCEEDS', 'UNDECIDED', 'BELOW'] as const).flatMap((decision) => {
      const points = headlines.flatMap((hl, i) =>
        hl.decision === decision
          ? [
              {
                point: {
                  x: i,
                  y: hl.delta_span_pp,
                  lo: hl.delta_span_ci_pp[0],
                  hi: hl.delta_span_ci_pp[1],
                  ref: i,
                },
                selected: this.lineage === hl.lineage,
              },
            ]
          : [],
      );
      const first = headlines.find((hl) => hl.decision === decision);
      return points.length === 0 || !first
        ? []
        : [pointDataset(`Span [95% CI]: ${decision.toLowerCase()}`, colour(first), 'circle', points, p)];
    });
    datasets.push(levelLine(`Threshold (${threshold} pp)`, across, threshold, p.orange, [6, 4]));
    datasets.push(levelLine('0 pp', across, 0, p.muted));
    const ys = headlines.flatMap((hl) => hl.delta_span_ci_pp);
    const summary =
      'Headline spans with their 95% intervals: ' +
      headlines.map((hl) => `${hl.lineage} ${headlineDecisionText(hl, threshold)}`).join('; ') +
      '.';
    this.headlineChart.show(
      {
        type: 'scatter',
        data: { datasets },
        options: scatterOptions(p, {
          xDomain: [1, 10],
          xLabels: headlines.map((hl) => hl.lineage),
          yTitle: '\u0394 span (pp)',
          yMin: Math.min(-10, ...ys.map((v) => Math.floor(v / 10) * 10)),
          yMax: Math.max(threshold + 10, ...ys.map((v) => Math.ceil(v / 10) * 10)),
          yTick: (v) => signed(v, 0),
          onPoint: (ref) => this.chooseLineage(headlines[ref]?.lineage),
          tooltip: (item) => {
            const hl = headlines[(item.raw as ChartPoint).ref ?? -1];
            return hl
              ? [
                  hl.lineage,
                  `\u0394 at ${hl.largest} minus \u0394 at ${hl.smallest}`,
                  headlineDecisionText(hl, threshold),
                ]
              : [];
          },
        }),
      },
      summary,
    );
  }

  /** Where a lineage's headline span is drawn (page coordinates); for tests and automation. */
  headlinePosition(lineage: string): { x: number; y: number } | null {
    const i = this.index?.doc.dilution.headlines.findIndex((hl) => hl.lineage === lineage) ?? -1;
    return i < 0 ? null : this.headlineChart.pointPosition(i);
  }

  /** Shows one lineage's models on the \u0394 chart (a click on its headline). */
  private chooseLineage(lineage: string | undefined): void {
    if (lineage === undefined || ![...this.lineageSelect.options].some((o) => o.value === lineage)) return;
    this.lineage = lineage;
    this.lineageSelect.value = lineage;
    this.draw();
    this.drawHeadlineChart();
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
