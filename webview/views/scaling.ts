/** Scaling: strict ASR against model size for one regression, its fit, and the points as a table. */
import type { ScalingGroup, TraceSelector } from '../../src/protocol';
import {
  ChartBox,
  fitLine,
  scatterOptions,
  sizeDomain,
  type ChartPoint,
  type PointStyle,
  type ScatterDataset,
} from '../charts';
import { actionRow, dataSpan, h, replaceChildren, table, td } from '../dom';
import {
  classificationText,
  DASH,
  intervalClassificationText,
  fixed,
  integer,
  percent,
  plural,
  pp,
  rateWithCi,
  signed,
  signedInterval,
  size,
} from '../../src/shared/format';
import {
  keyJson,
  keyLabel,
  scalingPoints,
  type RegressionJson,
  type ResultsIndex,
  type ScalingPoint,
} from '../results';
import { SCALING_GROUPS } from '../state';
import { whyNoFit } from '../../src/shared/conclusions';
import { ChartView, type PageContext } from './view';

const GROUP_LABELS: Record<ScalingGroup, string> = {
  attack_class: 'Attack class',
  dataset: 'Dataset',
  lineage: 'Lineage (attack classes pooled)',
  lineage_attack_class: 'Lineage \u00d7 attack class',
};

const POINT_LABELS: Record<ScalingGroup, string> = {
  attack_class: 'Cells',
  dataset: 'Dataset cells',
  lineage: 'Models',
  lineage_attack_class: 'Cells',
};

export class ScalingView extends ChartView<ScalingPoint> {
  readonly element: HTMLElement;
  protected readonly chart: ChartBox;
  private readonly groupSelect: HTMLSelectElement;
  private readonly keySelect: HTMLSelectElement;
  private readonly summary = h('dl', { class: 'fit-summary' });
  private readonly tableHost = h('div', { class: 'table-host' });
  private index: ResultsIndex | null = null;
  private regression: RegressionJson | null = null;

  constructor(ctx: PageContext) {
    super(ctx);
    this.groupSelect = h('select', { 'aria-label': 'Regression group' });
    for (const g of SCALING_GROUPS) this.groupSelect.appendChild(h('option', { value: g }, GROUP_LABELS[g]));
    this.groupSelect.addEventListener('change', () =>
      this.chooseGroup(this.groupSelect.value as ScalingGroup),
    );
    this.keySelect = h('select', { 'aria-label': 'Regression' });
    this.keySelect.addEventListener('change', () => {
      this.ctx.store.update({ scalingKey: this.keySelect.value });
      this.draw();
    });
    this.chart = new ChartBox('scaling', 'Strict ASR against model size', (n, d) =>
      ctx.savePng(this.pngName(n), d),
    );
    this.element = h(
      'section',
      { class: 'view scaling' },
      h(
        'div',
        { class: 'toolbar' },
        h('label', {}, 'Group ', this.groupSelect),
        h('label', {}, 'Regression ', this.keySelect),
      ),
      h('div', { class: 'chart-and-summary' }, this.chart.element, this.summary),
      this.tableHost,
    );
  }

  render(index: ResultsIndex): void {
    this.index = index;
    this.draw();
  }

  private chooseGroup(group: ScalingGroup): void {
    this.ctx.store.update({ scalingGroup: group, scalingKey: this.index?.defaultKey(group) ?? null });
    this.draw();
  }

  private pngName(chart: string): string {
    const r = this.regression;
    return r ? `${chart}-${r.group}-${keyLabel(r.key)}` : chart;
  }

  private draw(): void {
    const index = this.index;
    if (!index) return;
    const { scalingGroup: group } = this.ctx.store.state;
    let key = this.ctx.store.state.scalingKey;
    let regression = index.regression(group, key);
    if (!regression) {
      key = index.defaultKey(group);
      regression = index.regression(group, key);
      if (key !== this.ctx.store.state.scalingKey) this.ctx.store.update({ scalingKey: key });
    }
    this.groupSelect.value = group;
    replaceChildren(
      this.keySelect,
      ...index
        .regressions(group)
        .map((r) =>
          h('option', { value: keyJson(r.key) }, `${keyLabel(r.key)} (${plural(r.points.length, 'point')})`),
        ),
    );
    if (key !== null) this.keySelect.value = key;
    this.regression = regression ?? null;
    this.plotted = regression ? scalingPoints(index, group, regression) : [];
    this.drawChart();
    this.drawSummary();
    this.drawTable();
  }

  protected drawChart(): void {
    const r = this.regression;
    const group = this.ctx.store.state.scalingGroup;
    const p = this.ctx.palette();
    const xDomain = sizeDomain(this.plotted.map((pt) => pt.sizeB));
    const subsets: {
      label: string;
      color: string;
      style: PointStyle;
      keep: (pt: ScalingPoint) => boolean;
    }[] = [
      {
        label: POINT_LABELS[group],
        color: p.blue,
        style: 'circle',
        keep: (pt) => !pt.outlier && !pt.offLine,
      },
      {
        label: 'Off the line (interval misses the fit)',
        color: p.orange,
        style: 'rectRot',
        keep: (pt) => pt.offLine && !pt.outlier,
      },
      { label: 'Outlier (|residual| > 2 s)', color: p.red, style: 'triangle', keep: (pt) => pt.outlier },
    ];
    const datasets: ScatterDataset[] = subsets
      .map(({ label, color, style, keep }) => this.dataset(label, color, style, keep))
      .filter((d) => d.data.length > 0 || d.label === POINT_LABELS[group]);
    datasets.push(...fitLine(r?.ols, xDomain, p.purple));
    this.chart.show(
      {
        type: 'scatter',
        data: { datasets },
        options: scatterOptions(p, {
          xDomain,
          yTitle: 'Strict ASR (%)',
          yMin: 0,
          yMax: 100,
          yTick: (v) => `${v}%`,
          onPoint: (ref) => this.choosePoint(ref),
          tooltip: (item) => {
            const pt = this.plotted[(item.raw as ChartPoint).ref ?? -1];
            return pt ? pointTooltip(pt) : [];
          },
        }),
      },
      this.chartSummary(),
    );
  }

  protected chartPoint(pt: ScalingPoint, ref: number): ChartPoint {
    return { x: pt.sizeB, y: pt.y, lo: 100 * pt.strict.lo, hi: 100 * pt.strict.hi, ref };
  }

  protected selectorOf(pt: ScalingPoint): TraceSelector {
    return pt.selector;
  }

  private chartSummary(): string {
    const r = this.regression;
    if (!r) return 'Scaling chart: no regression in this group.';
    const what = `${GROUP_LABELS[this.ctx.store.state.scalingGroup]} ${keyLabel(r.key)}`;
    const fit = r.ols
      ? `OLS slope ${pp(r.ols.slope_pp)} per decade, ${r.classification}, whole 95% CI ${intervalClassificationText(r.classification_ci, r.ols.ci_pp !== null)}`
      : `no fit (${whyNoFit(r) ?? r.classification})`;
    const pts = this.plotted
      .map((pt) => `${pt.model} ${size(pt.sizeB, pt.approximate)} ${percent(pt.strict.rate)}`)
      .join('; ');
    return `Scatter of strict ASR against model size for ${what}: ${plural(this.plotted.length, 'point')}, ${fit}. ${pts}`;
  }

  private choosePoint(i: number): void {
    const pt = this.plotted[i];
    if (pt) this.ctx.selectTraces(pt.selector);
  }

  private drawSummary(): void {
    const r = this.regression;
    if (!r) {
      replaceChildren(this.summary, h('dt', {}, 'Regression'), h('dd', {}, 'none in this group'));
      return;
    }
    const why = whyNoFit(r);
    const entries: [string, string][] = [
      ['Classification', r.classification],
      ['', why === null ? classificationText(r.classification) : `insufficient: ${why}`],
    ];
    if (r.ols)
      entries.push([
        'Whole 95% CI',
        `${intervalClassificationText(r.classification_ci, r.ols.ci_pp !== null)}${r.classification_ci === 'UNCERTAIN' ? ': the label rests on the point estimate alone' : ''}`,
      ]);
    if (r.ols) {
      const ci = r.ols.ci_pp;
      entries.push(
        [
          'OLS slope',
          `${signed(r.ols.slope_pp)}${ci ? ` \u00b1 ${fixed((ci[1] - ci[0]) / 2)}` : ''} pp/decade`,
        ],
        ['95% CI', ci ? signedInterval(ci) : `${DASH} (two points)`],
        ['OLS R\u00b2', fixed(r.ols.r2, 3)],
      );
    } else entries.push(['OLS', 'no fit']);
    if (r.wls)
      entries.push(['WLS slope', `${signed(r.wls.slope_pp)} pp/decade`], ['WLS R\u00b2', fixed(r.wls.r2, 3)]);
    entries.push(
      ['Logistic \u03b2', logisticText(r.logistic)],
      ['Traces', integer(r.n_traces)],
      ['Points', integer(r.points.length)],
      ['Left out', leftOutText(r.left_out)],
    );
    replaceChildren(
      this.summary,
      ...entries.flatMap(([k, v]) => [h('dt', k ? {} : { class: 'continued' }, k), h('dd', {}, v)]),
    );
  }

  private drawTable(): void {
    this.rows.reset();
    const group = this.ctx.store.state.scalingGroup;
    const rows = this.plotted.map((pt, i) => {
      const flags = [
        pt.outlier && 'outlier',
        pt.offLine && 'off the line',
        pt.thin && 'thin',
        pt.approximate && 'approximate size',
      ]
        .filter((f): f is string => typeof f === 'string')
        .join(', ');
      const row = h(
        'tr',
        { class: pt.outlier ? 'flag-outlier' : pt.offLine ? 'flag-offline' : '' },
        td(dataSpan(pt.model)),
        td(size(pt.sizeB, pt.approximate), 'num'),
        td(integer(pt.n), 'num'),
        td(rateWithCi(pt.strict), 'num'),
        td(pt.fitPp === null ? DASH : `${fixed(pt.fitPp)}%`, 'num'),
        td(pp(pt.residualPp), 'num'),
        td(flags),
      );
      actionRow(row, `Show the traces of ${pt.model} (${POINT_LABELS[group].toLowerCase()})`, () =>
        this.choosePoint(i),
      );
      this.rows.add(row, pt.selector);
      return row;
    });
    replaceChildren(
      this.tableHost,
      rows.length === 0
        ? h('p', { class: 'empty' }, 'No points: every cell of this group was left out.')
        : table(
            'Points of the regression',
            ['Model', 'Size', 'n', 'Strict ASR [95% CI]', 'Fit', 'Residual', 'Flags'],
            rows,
            'points-table',
          ),
    );
    this.rows.mark(this.ctx.store.state.selector);
  }
}

function pointTooltip(pt: ScalingPoint): string[] {
  const flags = [pt.outlier && 'outlier', pt.offLine && 'off the line', pt.thin && 'thin']
    .filter(Boolean)
    .join(', ');
  return [
    pt.model,
    `size ${size(pt.sizeB, pt.approximate)}, n = ${integer(pt.n)}`,
    `strict ASR ${rateWithCi(pt.strict)}`,
    ...(pt.residualPp === null ? [] : [`residual ${pp(pt.residualPp)}`]),
    ...(flags ? [flags] : []),
  ];
}

function logisticText(l: RegressionJson['logistic']): string {
  if (!l) return DASH;
  if (l.beta === null) return 'separated (no finite estimate)';
  const ci = l.ci ? ` ${signedInterval(l.ci, 2)}` : '';
  return `${signed(l.beta, 2)}${ci} log-odds/decade${l.converged ? '' : ' (not converged)'}`;
}

function leftOutText(l: RegressionJson['left_out']): string {
  const parts = [
    l.excluded > 0 && `${l.excluded} excluded`,
    l.unknown_size > 0 && `${l.unknown_size} unknown size`,
    l.empty > 0 && `${l.empty} empty`,
  ].filter((s): s is string => typeof s === 'string');
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}
