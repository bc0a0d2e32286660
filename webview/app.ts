/** The analysis page: header, tabs, the trace pane, and the messages that drive them. */
import type {
  Analysed,
  GraderCount,
  HostToPage,
  PagePlace,
  PageState,
  PageTab,
  ResultsDocument,
  ServerStatus,
  TraceSelector,
} from '../src/protocol';
import { button, dataSpan, h, replaceChildren } from './dom';
import { decodeAnalysed } from '../src/shared/analysedBytes';
import { integer, plural } from '../src/shared/format';
import type { HostClient } from './host';
import { ResultsIndex, scalingPlaceOf } from './results';
import { parsePlace, parseSelector, parseState, TABS, type PageStore } from './state';
import { TabList } from './tabs';
import { readPalette, watchTheme, type Palette } from './theme';
import { TracePane } from './traces/pane';
import { AgreementView } from './views/agreement';
import { CompareView } from './views/compare';
import { DilutionView } from './views/dilution';
import { LineagesView } from './views/lineages';
import { ProblemsView } from './views/problems';
import { ScalingView } from './views/scaling';
import type { PageContext, View } from './views/view';

const SCHEMA = 'failure-first-lens/results@1';

const TAB_LABELS: Record<PageTab, string> = {
  scaling: 'Scaling',
  lineages: 'Matched lineages',
  dilution: 'Reasoning dilution',
  compare: 'Compare',
  agreement: 'Grader agreement',
  problems: 'Problems',
};

export class App {
  private index: ResultsIndex | null = null;
  private palette: Palette = readPalette();
  private readonly scaling: ScalingView;
  private readonly dilution: DilutionView;
  private readonly lineages: LineagesView;
  private readonly compare: CompareView;
  private readonly views: Record<PageTab, View>;
  private readonly dirty = new Set<PageTab>();
  private readonly tabs: TabList;
  private readonly pane: TracePane;
  private readonly status = h('p', { class: 'status', role: 'status' }, 'Waiting for the analysis\u2026');
  private readonly notices = h('div', { class: 'notices', 'aria-live': 'assertive' });
  private readonly waiting = h('p', { class: 'waiting muted' }, 'Waiting for the analysis\u2026');
  /** The grader whose verdicts count: each trace's primary verdict, or one grader seen in the folder. */
  private readonly graderSelect = h('select', {
    'aria-label': 'Grader whose verdicts count',
    title: 'Re-analyses this folder under the grader chosen (failureFirst.grader is left as it is)',
  });
  /** The graders the select lists, by option value ("" for each trace's primary verdict). */
  private graderOptions: (string | null)[] = [];

  constructor(
    root: HTMLElement,
    private readonly client: HostClient,
    private readonly store: PageStore,
  ) {
    const ctx: PageContext = {
      store,
      palette: () => this.palette,
      selectTraces: (s) => this.selectTraces(s),
      openInEditor: (path, line) => this.openInEditor(path, line),
      savePng: (name, dataUrl) => this.savePng(name, dataUrl),
      confusion: (primary, secondary) => this.client.request('agreement', { primary, secondary }),
      chooseComparison: () => {
        this.client.request('chooseComparison', {}).catch((e: unknown) => this.error(e));
      },
      saveSnapshot: () => {
        this.client.request('saveSnapshot', {}).catch((e: unknown) => this.error(e));
      },
    };
    this.scaling = new ScalingView(ctx);
    this.dilution = new DilutionView(ctx);
    this.lineages = new LineagesView(ctx);
    this.compare = new CompareView(ctx);
    this.views = {
      scaling: this.scaling,
      lineages: this.lineages,
      dilution: this.dilution,
      compare: this.compare,
      agreement: new AgreementView(ctx),
      problems: new ProblemsView(ctx),
    };
    const panels = TABS.map((id) => ({
      id,
      label: TAB_LABELS[id],
      panel: h('div', { class: 'panel' }, this.views[id].element),
    }));
    this.tabs = new TabList(panels, store.state.tab, (tab) => this.showTab(tab));
    this.pane = new TracePane(store, client, {
      openInEditor: (path, line) => this.openInEditor(path, line),
      error: (m) => this.error(m),
    });
    this.graderSelect.addEventListener('change', () => this.chooseGrader());
    const actions = h(
      'div',
      { class: 'actions' },
      h('label', { class: 'grader' }, 'Grader ', this.graderSelect),
      button('Re-analyse', () => this.reanalyse(), {
        class: 'secondary',
        title: 'Analyse the workspace again',
      }),
      button('Export JSON', () => this.exportAs('json'), { title: 'Export the results document as JSON' }),
      button('Export Markdown', () => this.exportAs('markdown'), {
        title: 'Export the results as Markdown tables',
      }),
    );
    replaceChildren(
      root,
      h('header', { class: 'page-head' }, h('h1', {}, 'Failure-First Lens'), this.status, actions),
      this.notices,
      h(
        'div',
        { class: 'layout' },
        h('main', { class: 'content' }, this.tabs.element, this.waiting, ...panels.map((p) => p.panel)),
        this.pane.element,
      ),
    );
    watchTheme((p) => {
      this.palette = p;
      for (const v of Object.values(this.views)) v.recolor();
    });
  }

  /** A message from the extension (unknown shapes are logged and ignored). */
  onMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string')
      return;
    const msg = data as HostToPage;
    switch (msg.type) {
      case 'results': {
        let analysed: Analysed;
        try {
          analysed = decodeAnalysed(msg.analysed);
        } catch (e) {
          this.error(e);
          break;
        }
        this.onResults(analysed.document, msg.status, analysed.graders);
        break;
      }
      case 'comparison':
        this.compare.show(msg.view);
        break;
      case 'show': {
        const place = parsePlace(msg.target);
        if (place) this.show(place);
        else this.client.log('error', `show: not a place on the page: ${JSON.stringify(msg.target)}`);
        break;
      }
      case 'status':
        this.showStatus(msg.status);
        break;
      case 'response':
        this.client.settle(msg.id, msg.result, msg.error);
        break;
      case 'select': {
        const selector = parseSelector(msg.selector);
        if (selector) this.select(selector, TABS.includes(msg.tab as PageTab) ? msg.tab : undefined);
        else this.client.log('error', `select: not a trace selector: ${JSON.stringify(msg.selector)}`);
        break;
      }
      case 'restore': {
        const state = parseState(msg.state);
        if (state) this.restore(state);
        break;
      }
      default:
        this.client.log('error', `unknown message type: ${JSON.stringify((data as { type: unknown }).type)}`);
    }
  }

  /** Shows the saved tab; the rest waits for the first results (which reload the saved selection). */
  start(): void {
    this.tabs.show(this.store.state.tab);
  }

  /**
   * Where a chart point is drawn, for tests and automation: `ffLens.pointPosition('scaling', model)`;
   * on the headline chart, a lineage's span.
   */
  pointPosition(chart: 'scaling' | 'dilution' | 'headline', name: string): { x: number; y: number } | null {
    if (chart === 'headline') return this.dilution.headlinePosition(name);
    return chart === 'scaling' ? this.scaling.pointPosition(name) : this.dilution.pointPosition(name);
  }

  private onResults(doc: ResultsDocument, status: ServerStatus, graders: GraderCount[]): void {
    if ((doc as Partial<ResultsDocument> | null)?.schema !== SCHEMA) {
      this.error(
        `The results document has schema ${JSON.stringify((doc as Partial<ResultsDocument> | null)?.schema)}; this page reads ${SCHEMA}.`,
      );
      return;
    }
    this.index = new ResultsIndex(doc);
    this.showGraders(graders, doc.settings.grader);
    this.waiting.remove();
    this.showStatus(status);
    for (const tab of TABS) this.dirty.add(tab);
    this.renderTab(this.tabs.selected);
    // Follow the index: the same selection, the list asked for again.
    if (this.store.state.selector) this.pane.load('refresh');
  }

  /** The grader list: each trace's primary verdict, then every grader seen with its trace count. */
  private showGraders(graders: GraderCount[], chosen: string | null): void {
    const listed = graders.some((g) => g.name === chosen) || chosen === null;
    // A chosen grader that graded nothing is listed too, with its zero, so that the select says what counts.
    const all = listed ? graders : [...graders, { name: chosen, traces: 0 }];
    this.graderOptions = [null, ...all.map((g) => g.name)];
    replaceChildren(
      this.graderSelect,
      h('option', { value: '0' }, "Each trace's primary verdict"),
      ...all.map((g, i) => h('option', { value: String(i + 1) }, `${g.name} (${plural(g.traces, 'trace')})`)),
    );
    this.graderSelect.value = String(this.graderOptions.indexOf(chosen));
  }

  /** Re-analyse under the grader chosen in the list. */
  private chooseGrader(): void {
    const grader = this.graderOptions[Number(this.graderSelect.value)];
    if (grader === undefined) return;
    this.client.request('setGrader', { grader }).catch((e: unknown) => this.error(e));
  }

  /** A place on the page: a tab, and within it the group of a report's claims. */
  private show(target: PagePlace): void {
    if (target.tab === 'scaling' && this.index) {
      const group = target.group;
      this.store.update({ scalingGroup: group, scalingKey: this.index.defaultKey(group) });
      this.dirty.add('scaling');
    }
    this.store.update({ tab: target.tab });
    this.tabs.show(target.tab);
    this.renderTab(target.tab);
    if (target.tab === 'lineages' && target.lineage !== null) this.lineages.reveal(target.lineage);
  }

  private showStatus(s: ServerStatus): void {
    const doc = this.index?.doc;
    const parts: (string | Node)[] = [];
    switch (s.state) {
      case 'indexing':
        parts.push(`Indexing${s.progress === undefined ? '' : ` ${Math.round(s.progress * 100)}%`}\u2026`);
        break;
      case 'analysing':
        parts.push('Analysing\u2026');
        break;
      case 'starting':
        parts.push('Starting\u2026');
        break;
      case 'error':
        parts.push('Error: ', dataSpan(s.message ?? 'the language server failed'));
        break;
      case 'ready':
        break;
    }
    if (doc) {
      const t = doc.inputs.traces;
      parts.push(
        `${parts.length ? ' \u00b7 ' : ''}${integer(t.total)} traces \u00b7 ${integer(doc.inputs.problems.length)} problems \u00b7 ` +
          `analysed ${new Date(doc.generated_at).toLocaleString()}`,
      );
    }
    replaceChildren(this.status, ...parts);
    this.status.classList.toggle('error', s.state === 'error');
  }

  private showTab(tab: PageTab): void {
    this.store.update({ tab });
    this.renderTab(tab);
  }

  private renderTab(tab: PageTab): void {
    if (!this.index || !this.dirty.has(tab)) return;
    this.dirty.delete(tab);
    this.views[tab].render(this.index);
  }

  private selectTraces(selector: TraceSelector): void {
    this.store.update({ selector, selectedTraceId: null });
    for (const v of Object.values(this.views)) v.selectionChanged();
    this.pane.load('new');
  }

  /** A selection from the extension: the tab it belongs to, the point it is, its traces. */
  private select(selector: TraceSelector, tab: PageTab | undefined): void {
    const target = tab ?? this.tabFor(selector);
    if (target === 'scaling' && this.index) {
      const place = scalingPlaceOf(this.index, selector, {
        group: this.store.state.scalingGroup,
        key: this.store.state.scalingKey,
      });
      if (place) {
        this.store.update({ scalingGroup: place.group, scalingKey: place.key });
        this.dirty.add('scaling');
      }
    }
    this.store.update({ tab: target });
    this.tabs.show(target);
    this.renderTab(target);
    this.selectTraces(selector);
  }

  private tabFor(selector: TraceSelector): PageTab {
    switch (selector.kind) {
      case 'cell':
      case 'datasetCell':
        return 'scaling';
      case 'model':
        return this.index?.model(selector.model)?.lineage ? 'lineages' : 'scaling';
      case 'dilution':
        return 'dilution';
      case 'disagreement':
        return 'agreement';
      case 'scenario':
        return this.tabs.selected;
    }
  }

  private restore(state: PageState): void {
    this.store.replace(state);
    this.tabs.show(state.tab);
    for (const tab of TABS) this.dirty.add(tab);
    this.renderTab(state.tab);
    this.pane.load('refresh');
  }

  private openInEditor(path: string, line: number | null): void {
    this.client.request('openInEditor', { path, line }).catch((e: unknown) => this.error(e));
  }

  private savePng(name: string, dataUrl: string): void {
    this.client.request('savePng', { name, dataUrl }).catch((e: unknown) => this.error(e));
  }

  private exportAs(format: 'json' | 'markdown'): void {
    this.client.request('export', { format }).catch((e: unknown) => this.error(e));
  }

  private reanalyse(): void {
    this.client
      .request('reanalyse', {})
      .then((s) => this.showStatus(s))
      .catch((e: unknown) => this.error(e));
  }

  /** Shows an error above the page (the last three) and reports it to the extension's log. */
  error(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.client.log('error', message);
    const notice = h('div', { class: 'notice error', role: 'alert' }, dataSpan(message, '', {}));
    notice.appendChild(
      button('Dismiss', () => notice.remove(), { class: 'secondary', 'aria-label': 'Dismiss this error' }),
    );
    this.notices.appendChild(notice);
    while (this.notices.childElementCount > 3) this.notices.firstElementChild?.remove();
  }
}
