/**
 * chart.js, registered with only what the page draws, plus two small plugins: Wilson/Newcombe
 * error bars and a theme background (so that a saved PNG looks like the page).
 */
import {
  Chart,
  Legend,
  LinearScale,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type ChartType,
  type ChartOptions,
  type Plugin,
  type Scale,
  type TooltipItem,
} from 'chart.js';
import { button, h } from './dom';
import { pp, size } from '../src/shared/format';
import { withAlpha, type Palette } from './theme';
import { sizeTicks } from './ticks';

Chart.register(
  ScatterController,
  LinearScale,
  LogarithmicScale,
  PointElement,
  LineElement,
  Tooltip,
  Legend,
  Title,
);

/** A point of a chart; `lo`/`hi` (in y units) draw an error bar, `ref` indexes the view's own rows. */
export interface ChartPoint {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
  ref?: number;
}

export type ScatterConfig = ChartConfiguration<'scatter', ChartPoint[]>;
export type ScatterDataset = ChartDataset<'scatter', ChartPoint[]>;

interface BackgroundOptions {
  color?: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the merged declaration must repeat chart.js's parameter
  interface PluginOptionsByType<TType extends ChartType> {
    ffBackground?: BackgroundOptions;
  }
}

function isChartPoint(v: unknown): v is ChartPoint {
  return typeof v === 'object' && v !== null && 'x' in v && 'y' in v;
}

/** Vertical bars from each point's lo to hi, under the points, in the dataset's colour. */
const errorBars: Plugin<'scatter'> = {
  id: 'ffErrorBars',
  beforeDatasetsDraw(chart) {
    const { ctx, chartArea } = chart;
    const y = chart.scales.y;
    if (!y) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(
      chartArea.left,
      chartArea.top,
      chartArea.right - chartArea.left,
      chartArea.bottom - chartArea.top,
    );
    ctx.clip();
    chart.data.datasets.forEach((ds, i) => {
      if (!chart.isDatasetVisible(i)) return;
      const meta = chart.getDatasetMeta(i);
      const color = typeof ds.borderColor === 'string' ? ds.borderColor : 'gray';
      ctx.strokeStyle = withAlpha(color, 0.75);
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, j) => {
        const raw: unknown = ds.data[j];
        if (!isChartPoint(raw) || raw.lo === undefined || raw.hi === undefined) return;
        const top = y.getPixelForValue(raw.hi);
        const bottom = y.getPixelForValue(raw.lo);
        const cap = 4;
        ctx.beginPath();
        ctx.moveTo(el.x, top);
        ctx.lineTo(el.x, bottom);
        ctx.moveTo(el.x - cap, top);
        ctx.lineTo(el.x + cap, top);
        ctx.moveTo(el.x - cap, bottom);
        ctx.lineTo(el.x + cap, bottom);
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};

const background: Plugin<'scatter', BackgroundOptions> = {
  id: 'ffBackground',
  beforeDraw(chart, _args, options) {
    if (!options.color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = options.color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** The axis range (billions) around the sizes: a margin on each side, at least a decade wide. */
export function sizeDomain(sizes: number[]): [number, number] {
  const known = sizes.filter((s) => s > 0 && Number.isFinite(s));
  if (known.length === 0) return [0.5, 100];
  let lo = Math.min(...known) / 1.6;
  let hi = Math.max(...known) * 1.6;
  if (hi / lo < 10) {
    const centre = Math.sqrt(lo * hi);
    lo = centre / Math.sqrt(10);
    hi = centre * Math.sqrt(10);
  }
  return [lo, hi];
}

export interface AxesOptions {
  /** The size axis' range (billions). */
  xDomain: [number, number];
  /** Instead of the size axis, one column per label: point i is drawn at x = i. */
  xLabels?: string[];
  yTitle: string;
  yMin?: number;
  yMax?: number;
  yTick: (v: number) => string;
  /** Called with the `ref` of the clicked point. */
  onPoint: (ref: number) => void;
  tooltip: (item: TooltipItem<'scatter'>) => string[];
}

/** The x axis of model size: billions of parameters on a log scale, ticks at 1, 2 and 5 × 10^k. */
function sizeAxis(
  xDomain: [number, number],
  p: Palette,
): NonNullable<ChartOptions<'scatter'>['scales']>['x'] {
  const tickFont = { family: p.font, size: 11 };
  return {
    type: 'logarithmic',
    min: xDomain[0],
    max: xDomain[1],
    title: {
      display: true,
      text: 'Parameters (billions, log scale)',
      color: p.foreground,
      font: tickFont,
    },
    grid: { color: withAlpha(p.grid, 0.6) },
    border: { color: p.muted },
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = sizeTicks(xDomain[0], xDomain[1]).map((value) => ({ value }));
    },
    ticks: {
      color: p.foreground,
      font: tickFont,
      autoSkip: false,
      maxRotation: 0,
      callback: (v) => size(Number(v)),
    },
  };
}

/** An x axis of named columns (the dilution headlines): column i at x = i, half a column of margin. */
function labelAxis(labels: string[], p: Palette): NonNullable<ChartOptions<'scatter'>['scales']>['x'] {
  const tickFont = { family: p.font, size: 11 };
  return {
    type: 'linear',
    min: -0.5,
    max: labels.length - 0.5,
    grid: { display: false },
    border: { color: p.muted },
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = labels.map((_, value) => ({ value }));
    },
    ticks: {
      color: p.foreground,
      font: tickFont,
      autoSkip: false,
      maxRotation: 0,
      callback: (v) => labels[Number(v)] ?? '',
    },
  };
}

/** Options shared by the page's charts: log size axis (or named columns), theme colours, point clicks. */
export function scatterOptions(p: Palette, o: AxesOptions): ChartOptions<'scatter'> {
  const tickFont = { family: p.font, size: 11 };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: p.foreground,
    // Points at 0% and 100% sit on the axis edges: draw them whole, with room above the top one.
    layout: { padding: { top: 10, right: 8 } },
    datasets: { scatter: { clip: false } },
    interaction: { mode: 'nearest', intersect: true },
    scales: {
      x: o.xLabels ? labelAxis(o.xLabels, p) : sizeAxis(o.xDomain, p),
      y: {
        type: 'linear',
        min: o.yMin,
        max: o.yMax,
        title: { display: true, text: o.yTitle, color: p.foreground, font: tickFont },
        grid: { color: withAlpha(p.grid, 0.6) },
        border: { color: p.muted },
        ticks: { color: p.foreground, font: tickFont, callback: (v) => o.yTick(Number(v)) },
      },
    },
    plugins: {
      ffBackground: { color: p.background },
      legend: {
        position: 'bottom',
        labels: {
          color: p.foreground,
          usePointStyle: true,
          font: tickFont,
          boxHeight: 8,
          // A legend marker looks like a plain point, not like the highlighted (selected) one.
          generateLabels: (chart) =>
            Chart.defaults.plugins.legend.labels
              .generateLabels(chart)
              .map((item) =>
                item.pointStyle === 'line' ? item : { ...item, lineWidth: 1, strokeStyle: item.fillStyle },
              ),
        },
      },
      tooltip: {
        backgroundColor: p.hoverBackground,
        titleColor: p.hoverForeground,
        bodyColor: p.hoverForeground,
        borderColor: p.hoverBorder,
        borderWidth: 1,
        titleFont: { family: p.font },
        bodyFont: { family: p.font },
        filter: (item) => isChartPoint(item.raw) && item.raw.ref !== undefined,
        callbacks: { title: () => '', label: (item) => o.tooltip(item) },
      },
    },
    onHover: (_event, elements, chart) => {
      chart.canvas.style.cursor = pointRef(elements, chart) === undefined ? 'default' : 'pointer';
    },
    onClick: (_event, elements, chart) => {
      const ref = pointRef(elements, chart);
      if (ref !== undefined) o.onPoint(ref);
    },
  };
}

function pointRef(elements: { datasetIndex: number; index: number }[], chart: Chart): number | undefined {
  for (const e of elements) {
    const raw: unknown = chart.data.datasets[e.datasetIndex]?.data[e.index];
    if (isChartPoint(raw) && raw.ref !== undefined) return raw.ref;
  }
  return undefined;
}

export type PointStyle = 'circle' | 'rectRot' | 'triangle' | 'crossRot';

/** A view's points in one colour and marker; the selected ones larger, ringed in the foreground colour. */
export function pointDataset(
  label: string,
  color: string,
  pointStyle: PointStyle,
  points: { point: ChartPoint; selected: boolean }[],
  p: Palette,
): ScatterDataset {
  const selected = points.map((x) => x.selected);
  return {
    label,
    data: points.map((x) => x.point),
    borderColor: color,
    backgroundColor: color,
    pointStyle,
    pointRadius: selected.map((s) => (s ? 8 : 5)),
    pointHoverRadius: 8,
    pointHitRadius: 6,
    pointBorderColor: selected.map((s) => (s ? p.foreground : color)),
    pointBorderWidth: selected.map((s) => (s ? 3 : 1)),
  };
}

/** A straight line in (log10 size, y) drawn as a two-point dataset across the x range. */
export function lineAcross(
  label: string,
  xDomain: [number, number],
  y: (log10Size: number) => number,
  color: string,
  dash: number[] = [],
): ScatterDataset {
  const steps = 24; // on a log axis a line in log10(x) is straight; points keep the clip exact
  const data: ChartPoint[] = [];
  for (let i = 0; i <= steps; i++) {
    const x = xDomain[0] * (xDomain[1] / xDomain[0]) ** (i / steps);
    data.push({ x, y: y(Math.log10(x)) });
  }
  return lineDataset(label, data, color, dash);
}

/** A drawn line without points (a fit, a threshold): its points are not hit or hovered. */
function lineDataset(label: string, data: ChartPoint[], color: string, dash: number[]): ScatterDataset {
  return {
    label,
    data,
    showLine: true,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    borderDash: dash,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    pointStyle: 'line',
  };
}

/** A horizontal line at `y` from x0 to x1 (a threshold across a chart of named columns). */
export function levelLine(
  label: string,
  [x0, x1]: [number, number],
  y: number,
  color: string,
  dash: number[] = [],
): ScatterDataset {
  return lineDataset(
    label,
    [
      { x: x0, y },
      { x: x1, y },
    ],
    color,
    dash,
  );
}

/** A regression's OLS line across the x range, labelled with its slope; nothing without a fit. */
export function fitLine(
  ols: { slope_pp: number; intercept_pp: number } | null | undefined,
  xDomain: [number, number],
  color: string,
): ScatterDataset[] {
  if (!ols) return [];
  const y = (x: number): number => ols.intercept_pp + ols.slope_pp * x;
  return [lineAcross(`OLS fit (${pp(ols.slope_pp)}/decade)`, xDomain, y, color)];
}

/** A chart in a figure with a caption, an accessible summary and "Save chart as PNG". */
export class ChartBox {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'scatter', ChartPoint[]> | null = null;

  constructor(
    private readonly name: string,
    caption: string,
    savePng: (name: string, dataUrl: string) => void,
  ) {
    this.canvas = h('canvas', { role: 'img', 'aria-label': caption });
    const save = button('Save chart as PNG', () => savePng(this.name, this.canvas.toDataURL('image/png')), {
      class: 'secondary',
      'aria-label': `Save chart as PNG: ${caption}`,
    });
    this.element = h(
      'figure',
      { class: 'chart-box', 'data-chart': name },
      h('div', { class: 'chart-head' }, h('figcaption', {}, caption), save),
      h('div', { class: 'chart-canvas' }, this.canvas),
    );
  }

  /** Draws `config` (updating the chart in place when there is one); `summary` is the canvas's text. */
  show(config: ScatterConfig, summary: string): void {
    this.canvas.setAttribute('aria-label', summary);
    if (this.chart) {
      this.chart.data = config.data;
      this.chart.options = config.options ?? {};
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(this.canvas, { ...config, plugins: [background, errorBars] });
  }

  /** Where the point with this `ref` is drawn, in page coordinates (for tests and automation). */
  pointPosition(ref: number): { x: number; y: number } | null {
    const chart = this.chart;
    if (!chart) return null;
    const box = this.canvas.getBoundingClientRect();
    for (let i = 0; i < chart.data.datasets.length; i++) {
      const data = chart.data.datasets[i]?.data ?? [];
      const j = data.findIndex((d) => d.ref === ref);
      const el = j >= 0 ? chart.getDatasetMeta(i).data[j] : undefined;
      if (el) return { x: box.left + el.x, y: box.top + el.y };
    }
    return null;
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
  }
}
