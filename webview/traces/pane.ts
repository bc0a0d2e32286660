/**
 * The traces beside every number: a heading with the selection's counts, verdict and text
 * filters, a virtualised list loaded 200 rows at a time, and the detail of one trace.
 */
import type { TraceDetail, TraceFilter, TraceRow, TraceSelector, TracesResult } from '../../src/protocol';
import { button, dataSpan, dataText, h, replaceChildren } from '../dom';
import { DASH, integer, plural } from '../../src/shared/format';
import type { HostClient } from '../host';
import type { PageStore } from '../state';
import { renderDetail } from './detail';
import { VirtualList } from './list';
import { FILTER_KEYS, keyBadge, verdictBadge } from './verdicts';

export const ROW_HEIGHT = 26;
const PAGE = 200;
/** Pages kept in memory; the farthest from view go first. */
const MAX_PAGES = 40;
const TEXT_DEBOUNCE_MS = 250;

export interface PaneHooks {
  openInEditor(path: string, line: number | null): void;
  error(message: string): void;
}

/** One query's rows, fetched by page; answers for an older query are dropped. */
class TracePages {
  private readonly pages = new Map<number, TraceRow[]>();
  private readonly inflight = new Set<number>();
  private query = 0;
  selector: TraceSelector | null = null;
  filter: TraceFilter = {};
  result: Omit<TracesResult, 'rows' | 'offset'> | null = null;

  constructor(
    private readonly client: HostClient,
    private readonly arrived: (page: number) => void,
    private readonly failed: (message: string) => void,
    /** The answer to a `locate`: where that trace now is among the rows, or null. */
    private readonly located: (id: string, index: number | null) => void,
  ) {}

  reset(selector: TraceSelector | null, filter: TraceFilter): void {
    this.query += 1;
    this.pages.clear();
    this.inflight.clear();
    this.selector = selector;
    this.filter = filter;
    this.result = null;
  }

  row(i: number): TraceRow | undefined {
    return this.pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  }

  loadedPage(page: number): TraceRow[] | undefined {
    return this.pages.get(page);
  }

  /** Fetches the pages covering rows first..last that are neither loaded nor on their way. */
  ensure(first: number, last: number): void {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) this.fetch(p);
  }

  /** Fetches a page; with `locate`, also asks where that trace is among all the rows. */
  fetch(page: number, locate?: string): void {
    const selector = this.selector;
    if (!selector || page < 0 || this.pages.has(page) || this.inflight.has(page)) return;
    if (this.result && page * PAGE >= this.result.total && page > 0) return;
    const query = this.query;
    this.inflight.add(page);
    const filter = this.filter;
    this.client
      .request('traces', {
        selector,
        filter,
        offset: page * PAGE,
        limit: PAGE,
        ...(locate ? { locate } : {}),
      })
      .then((res) => {
        if (query !== this.query) return;
        this.inflight.delete(page);
        this.pages.set(page, res.rows);
        this.result = {
          total: res.total,
          unfiltered: res.unfiltered,
          counts: res.counts,
          generation: res.generation,
        };
        this.evict(page);
        this.arrived(page);
        if (locate !== undefined && res.locatedIndex !== undefined) this.located(locate, res.locatedIndex);
      })
      .catch((e: unknown) => {
        if (query !== this.query) return;
        this.inflight.delete(page);
        this.failed(e instanceof Error ? e.message : String(e));
      });
  }

  private evict(near: number): void {
    if (this.pages.size <= MAX_PAGES) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const p of far.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(p);
  }
}

export class TracePane {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'pane-title', id: 'traces-title' }, 'Traces');
  private readonly totals = h('p', { class: 'pane-totals', 'aria-live': 'polite' });
  private readonly counts = h('div', {
    class: 'pane-counts',
    'aria-label': 'Verdict counts of the selection',
  });
  private readonly chips = new Map<string, HTMLButtonElement>();
  private readonly textInput: HTMLInputElement;
  private readonly list: VirtualList;
  private readonly detail = h('div', {
    class: 'detail-host',
    'aria-label': 'Trace detail',
    role: 'region',
    tabindex: -1,
  });
  private readonly pages: TracePages;
  private textTimer: ReturnType<typeof setTimeout> | undefined;
  private detailQuery = 0;
  /** The selection moved to a row not loaded yet: record its id when it arrives. */
  private pendingSelect = false;
  /** The selected trace to find again after the list was reloaded (the host locates it). */
  private relocate: string | null = null;

  constructor(
    private readonly store: PageStore,
    private readonly client: HostClient,
    private readonly hooks: PaneHooks,
  ) {
    this.pages = new TracePages(
      client,
      () => this.arrived(),
      (m) => hooks.error(`Traces: ${m}`),
      (id, index) => this.located(id, index),
    );
    this.list = new VirtualList({
      rowHeight: ROW_HEIGHT,
      idPrefix: 'trace',
      label: 'Traces',
      renderRow: (el, i) => this.renderRow(el, i),
      onRange: (first, last) => this.pages.ensure(first, last),
      onSelect: (i) => {
        const row = this.pages.row(i);
        this.pendingSelect = row === undefined;
        this.relocate = null;
        this.store.update({ selectedTraceId: row?.id ?? null });
      },
      onActivate: (i) => {
        const row = this.pages.row(i);
        if (row) this.openDetail(row.id, true);
      },
    });
    const chipGroup = h('div', { class: 'chips', role: 'group', 'aria-label': 'Show only these verdicts' });
    for (const key of FILTER_KEYS) {
      const chip = h(
        'button',
        { type: 'button', class: 'chip', 'aria-pressed': 'false', 'aria-label': `Only ${key}` },
        keyBadge(key),
      );
      chip.addEventListener('click', () => this.toggleVerdict(key));
      this.chips.set(key, chip);
      chipGroup.appendChild(chip);
    }
    chipGroup.appendChild(
      button('All', () => this.setFilter({ ...this.store.state.filter, verdicts: [] }), {
        class: 'secondary',
        'aria-label': 'All verdicts',
      }),
    );
    this.textInput = h('input', {
      type: 'search',
      class: 'text-filter',
      placeholder: 'Filter: id, scenario, model, prompt, response',
      'aria-label': 'Filter the traces by text',
      spellcheck: 'false',
      autocomplete: 'off',
    });
    this.textInput.addEventListener('input', () => {
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(() => {
        const text = this.textInput.value;
        this.setFilter({ ...this.store.state.filter, text: text === '' ? undefined : text });
      }, TEXT_DEBOUNCE_MS);
    });
    const head = h(
      'div',
      { class: 'list-head', 'aria-hidden': 'true' },
      h('span', {}, 'Verdict'),
      h('span', {}, 'Scenario'),
      h('span', {}, 'Model'),
      h('span', {}, 'Var.'),
      h('span', {}, 'Response'),
    );
    this.element = h(
      'aside',
      { class: 'trace-pane', 'aria-labelledby': 'traces-title' },
      h('header', { class: 'pane-head' }, this.title, this.totals, this.counts),
      h('div', { class: 'filters' }, chipGroup, this.textInput),
      h('div', { class: 'list-box' }, head, this.list.element),
      this.detail,
    );
    this.showEmpty();
  }

  /**
   * Shows the store's selector and filter. `new`: a different selection (top of the list, no
   * trace). `filter`: the same selection filtered (keep the selected trace if it is still listed).
   * `refresh`: new results or a restored state (the same, and the detail is loaded again).
   */
  load(mode: 'new' | 'filter' | 'refresh'): void {
    const { selector, filter, selectedTraceId } = this.store.state;
    const hint = this.list.selectedIndex;
    this.syncFilterControls(filter);
    this.pages.reset(selector, filter);
    this.pendingSelect = false;
    this.relocate = null;
    if (!selector) {
      this.showEmpty();
      return;
    }
    this.title.textContent = '';
    this.title.appendChild(dataSpan(selectorTitle(selector)));
    this.list.setLabel(`Traces of ${selectorTitle(selector)}`);
    this.totals.textContent = 'Loading\u2026';
    if (mode === 'new') {
      this.list.setCount(0);
      this.list.element.scrollTop = 0;
      this.showNoTrace();
      this.pages.fetch(0);
      return;
    }
    // Ask where the selected trace now is with the first request, before the list asks for rows.
    const page = hint >= 0 ? Math.floor(hint / PAGE) : 0;
    this.relocate = selectedTraceId;
    this.pages.fetch(page, selectedTraceId ?? undefined);
    this.list.clearSelection();
    if (mode === 'refresh' && selectedTraceId) this.openDetail(selectedTraceId, false);
    else if (mode === 'refresh') this.showNoTrace();
  }

  private showNoTrace(): void {
    replaceChildren(this.detail, h('p', { class: 'muted' }, 'Select a trace (Enter or click) to read it.'));
  }

  private showEmpty(): void {
    this.title.textContent = 'Traces';
    this.totals.textContent = 'Click a point, a row or a cell to see the traces behind it.';
    replaceChildren(this.counts);
    this.list.setCount(0);
    replaceChildren(this.detail);
  }

  private setFilter(filter: TraceFilter): void {
    const clean: TraceFilter = {};
    if (filter.verdicts && filter.verdicts.length) clean.verdicts = filter.verdicts;
    if (filter.text) clean.text = filter.text;
    this.store.update({ filter: clean });
    this.load('filter');
  }

  private toggleVerdict(key: string): void {
    const now = new Set(this.store.state.filter.verdicts ?? []);
    if (now.has(key)) now.delete(key);
    else now.add(key);
    this.setFilter({ ...this.store.state.filter, verdicts: FILTER_KEYS.filter((k) => now.has(k)) });
  }

  private syncFilterControls(filter: TraceFilter): void {
    const on = new Set(filter.verdicts ?? []);
    for (const [key, chip] of this.chips) chip.setAttribute('aria-pressed', String(on.has(key)));
    if (document.activeElement !== this.textInput) this.textInput.value = filter.text ?? '';
  }

  private arrived(): void {
    const result = this.pages.result;
    if (!result) return;
    if (this.list.size !== result.total) this.list.setCount(result.total);
    else this.list.refresh();
    this.drawTotals();
    if (this.pendingSelect) {
      const row = this.pages.row(this.list.selectedIndex);
      if (row) {
        this.pendingSelect = false;
        this.store.update({ selectedTraceId: row.id });
      }
    }
  }

  /** After a reload of the list, the selection goes back on the selected trace wherever it now is. */
  private located(id: string, index: number | null): void {
    if (this.relocate !== id) return;
    this.relocate = null;
    // Gone from this selection (a new filter, a changed file): the detail stays open on it.
    if (index === null) return;
    this.list.select(index, true);
    this.pages.fetch(Math.floor(index / PAGE));
  }

  private drawTotals(): void {
    const r = this.pages.result;
    if (!r) return;
    const filtered = r.total !== r.unfiltered;
    this.totals.textContent = filtered
      ? `${integer(r.total)} of ${plural(r.unfiltered, 'trace')} match the filter`
      : plural(r.total, 'trace');
    const keys = [
      ...FILTER_KEYS.filter((k) => k in r.counts),
      ...Object.keys(r.counts).filter((k) => !(FILTER_KEYS as readonly string[]).includes(k)),
    ];
    replaceChildren(
      this.counts,
      ...keys.map((k) => h('span', { class: 'count' }, keyBadge(k), ` ${integer(r.counts[k] ?? 0)}`)),
    );
    for (const [key, chip] of this.chips) {
      const n = r.counts[key] ?? 0;
      chip.setAttribute('aria-label', `Only ${key} (${integer(n)} in the selection)`);
      chip.setAttribute('title', `${key}: ${integer(n)}`);
    }
  }

  private renderRow(el: HTMLElement, i: number): void {
    const row = this.pages.row(i);
    if (!row) {
      replaceChildren(el, h('span', { class: 'loading muted' }, 'Loading\u2026'));
      el.setAttribute('aria-label', `Row ${i + 1}, loading`);
      return;
    }
    el.removeAttribute('aria-label');
    el.setAttribute('data-trace-id', row.id);
    const scenario = dataSpan(row.scenarioId ?? DASH, 'col-scenario');
    scenario.setAttribute('title', row.scenarioId ?? 'no scenario id');
    const model = dataSpan(row.model, 'col-model');
    model.setAttribute('title', row.model);
    // A disagreement list shows the second grader's verdict before the excerpt (dir="ltr", so that
    // the excerpt's own first letter decides its direction).
    const second =
      row.secondVerdict === undefined
        ? null
        : h(
            'span',
            { class: 'second-verdict', title: 'Second grader', dir: 'ltr' },
            'vs ',
            verdictBadge({
              verdict: row.secondVerdict,
              category: row.secondVerdict === null ? 'ungraded' : 'evaluable',
            }),
            ' ',
          );
    // dir="auto" on the cell itself: a right-to-left excerpt is cut at its end, not at its start.
    const excerpt = h('span', { class: 'col-excerpt data', dir: 'auto' }, second);
    excerpt.appendChild(dataText(row.excerpt, { singleLine: true }));
    replaceChildren(
      el,
      verdictBadge(row),
      scenario,
      model,
      h('span', { class: 'col-variant' }, row.variant ?? ''),
      excerpt,
    );
    el.setAttribute('title', `${row.id} \u00b7 ${row.path}${row.line === null ? '' : `:${row.line}`}`);
  }

  /** Loads and shows one trace; `user` when a person asked (keep the list's selection in step). */
  openDetail(id: string, user: boolean): void {
    const query = ++this.detailQuery;
    if (user) this.store.update({ selectedTraceId: id });
    replaceChildren(this.detail, h('p', { class: 'muted' }, 'Loading the trace\u2026'));
    this.client
      .request('traceDetail', { id })
      .then((d: TraceDetail | null) => {
        if (query !== this.detailQuery) return;
        if (!d) {
          replaceChildren(this.detail, h('p', { class: 'muted' }, 'This trace is no longer in the index.'));
          return;
        }
        replaceChildren(
          this.detail,
          renderDetail(d, { openInEditor: (p, l) => this.hooks.openInEditor(p, l) }),
        );
      })
      .catch((e: unknown) => {
        if (query !== this.detailQuery) return;
        const message = e instanceof Error ? e.message : String(e);
        replaceChildren(
          this.detail,
          h('p', { class: 'notice error' }, `Could not load the trace: ${message}`),
        );
        this.hooks.error(message);
      });
  }
}

/** The words for the traces a selector names (the trace pane's heading). */
function selectorTitle(s: TraceSelector): string {
  switch (s.kind) {
    case 'cell':
      return `${s.attackClass} \u00d7 ${s.model}`;
    case 'model':
      return `${s.model}, all attack classes`;
    case 'datasetCell':
      return `${s.dataset} \u00d7 ${s.model}`;
    case 'dilution':
      return `Reasoning dilution: ${s.model}${s.variant ? ` (variant ${s.variant})` : ''}`;
    case 'disagreement':
      return `Disagreements: ${s.primary} vs ${s.secondary}`;
    case 'scenario':
      return `Scenario ${s.scenarioId}`;
  }
}
