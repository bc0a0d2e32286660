/**
 * The page's test double of its host, in the browser: a PageHost (src/protocol) whose every method
 * not given throws "not implemented" (as Inspect AI's testClientApi.ts does), answering from canned
 * data (canned.ts: the language server's own answers over the demo workspace), behind an
 * acquireVsCodeApi() like a VS Code webview's. It selects nothing itself; lists are filtered and
 * cut into windows by the server's rules (src/shared/traceList.ts). The page's tests drive and
 * inspect it through window.__ffHost. Bundled by esbuild for test/webview/page.test.mjs.
 */
import type {
  ComparisonView,
  ResultsDocument,
  ServerStatus,
  HostToPage,
  PageHost,
  PageMethod,
  PageState,
  PageToHost,
  TraceDetail,
  TraceRow,
  TracesParams,
  TracesResult,
} from '../../../src/protocol';
import { encodeAnalysed } from '../../../src/shared/analysedBytes';
import { respond } from '../../../src/shared/pageHost';
import {
  filterList,
  keepsAll,
  listWindow,
  MAX_WINDOW,
  verdictKey,
  type Listing,
} from '../../../src/shared/traceList';
import { cannedKey, type Canned, type LongList } from './canned';

declare global {
  interface Window {
    __ffCanned?: Canned;
    __ffHost?: FakeHost;
    acquireVsCodeApi?: () => unknown;
  }
}

function notImplemented(method: string): never {
  throw new Error(`the fake host does not implement ${method}`);
}

/** A PageHost from the methods given; any other method throws. */
export function fakePageHost(methods: Partial<PageHost>): PageHost {
  return {
    traces: () => notImplemented('traces'),
    traceDetail: () => notImplemented('traceDetail'),
    openInEditor: () => notImplemented('openInEditor'),
    export: () => notImplemented('export'),
    savePng: () => notImplemented('savePng'),
    reanalyse: () => notImplemented('reanalyse'),
    agreement: () => notImplemented('agreement'),
    setGrader: () => notImplemented('setGrader'),
    chooseComparison: () => notImplemented('chooseComparison'),
    saveSnapshot: () => notImplemented('saveSnapshot'),
    ...methods,
  };
}

/** What the page asked the host to do, for the tests to check. */
interface Recorded {
  opened: { path: string; line: number | null }[];
  exports: string[];
  pngs: { name: string; bytes: number; prefix: string }[];
  agreementRequests: { primary: string; secondary: string }[];
  /** Graders the page asked to re-analyse under (null: each trace's primary verdict). */
  graderChoices: (string | null)[];
  /** How often the page asked to choose a BEFORE, and to save a snapshot. */
  comparisonChoices: number;
  snapshots: number;
}

/** The canned answers as a PageHost. */
function cannedHost(canned: Canned, record: Recorded, generation: () => number): PageHost {
  const listing: Listing<TraceRow> = {
    id: (r) => r.id,
    verdictKey: (r) => verdictKey(r.category, r.verdict),
    texts: (r) => canned.texts[r.id] ?? notImplemented(`the text of ${r.id}`),
    row: (r) => r,
  };
  const long = Object.values(canned.long);
  return fakePageHost({
    traces: (params) => {
      const s = params.selector;
      const made = s.kind === 'scenario' ? long.find((l) => l.scenarioId === s.scenarioId) : undefined;
      if (made) return Promise.resolve(longWindow(made, params, generation()));
      const all = canned.lists[cannedKey(s)] ?? notImplemented(`a list for ${JSON.stringify(s)}`);
      const rows = filterList(all, params.filter, listing);
      return Promise.resolve(listWindow(all, rows, params, listing, generation()));
    },
    traceDetail: ({ id }) => {
      const made = long.find((l) => id.startsWith(`${l.prefix}-`));
      return Promise.resolve(made ? longDetail(made, id) : (canned.details[id] ?? null));
    },
    agreement: (params) => {
      record.agreementRequests.push(params);
      const key = cannedKey({ kind: 'disagreement', ...params });
      return Promise.resolve(canned.confusion[key] ?? notImplemented(`the matrix of ${key}`));
    },
    openInEditor: (params) => {
      record.opened.push(params);
      return Promise.resolve(true);
    },
    export: ({ format }) => {
      record.exports.push(format);
      return Promise.resolve(null);
    },
    savePng: ({ name, dataUrl }) => {
      record.pngs.push({ name, bytes: dataUrl.length, prefix: dataUrl.slice(0, 22) });
      return Promise.resolve(null);
    },
    reanalyse: () => Promise.resolve({ ...canned.status, generation: generation() }),
    setGrader: ({ grader }) => {
      record.graderChoices.push(grader);
      return Promise.resolve(null);
    },
    chooseComparison: () => {
      record.comparisonChoices += 1;
      return Promise.resolve(false);
    },
    saveSnapshot: () => {
      record.snapshots += 1;
      return Promise.resolve(null);
    },
  });
}

// ---------------------------------------------------------------- lists too long to can

const LONG_VERDICTS = ['REFUSAL', 'COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL', 'REFUSAL'];

function longRow(l: LongList, i: number): TraceRow {
  const verdict = LONG_VERDICTS[i % LONG_VERDICTS.length] ?? 'REFUSAL';
  return {
    id: `${l.prefix}-${i + 1}`,
    model: `model-${(i % 7) + 1}`,
    scenarioId: l.scenarioId,
    attackClass: 'stress',
    dataset: 'stress',
    variant: null,
    verdict,
    category: 'evaluable',
    grader: 'fake-grader',
    excerpt: `row ${i + 1} of ${l.rows}: ${verdict.toLowerCase()}`,
    path: `runs/stress/${l.prefix}_traces.jsonl`,
    line: i + 1,
  };
}

/** A window of a made-up list, row by row (no filter: these lists test scrolling). */
function longWindow(l: LongList, params: TracesParams, generation: number): TracesResult {
  if (!keepsAll(params.filter)) notImplemented(`filtering ${l.scenarioId}`);
  const offset = Math.max(0, Math.min(params.offset, l.rows));
  const rows: TraceRow[] = [];
  const end = Math.min(l.rows, offset + Math.min(params.limit, MAX_WINDOW));
  for (let i = offset; i < end; i++) rows.push(longRow(l, i));
  const counts: Record<string, number> = {};
  LONG_VERDICTS.forEach((v, k) => {
    counts[v] = (counts[v] ?? 0) + Math.floor((l.rows - k - 1) / LONG_VERDICTS.length) + 1;
  });
  const at = params.locate === undefined ? undefined : indexOf(l, params.locate);
  return {
    ...(at === undefined ? {} : { locatedIndex: at }),
    total: l.rows,
    unfiltered: l.rows,
    offset,
    rows,
    counts,
    generation,
  };
}

function indexOf(l: LongList, id: string): number | null {
  const n = id.startsWith(`${l.prefix}-`) ? Number(id.slice(l.prefix.length + 1)) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= l.rows ? n - 1 : null;
}

function longDetail(l: LongList, id: string): TraceDetail | null {
  const i = indexOf(l, id);
  if (i === null) return null;
  const row = longRow(l, i);
  return {
    row,
    text: {
      prompt: `[a made-up request] (scenario ${l.scenarioId})`,
      response: row.excerpt,
      systemPrompt: null,
    },
    graderReasoning: `Verdict: ${row.verdict ?? ''}`,
    inferredInstruction: null,
    verdictLocation: { path: row.path, line: row.line },
    opinions: [],
    pair: null,
    raw: JSON.stringify({ trace_id: row.id, model_id: row.model, response: row.excerpt }),
  };
}

// ---------------------------------------------------------------- the VS Code webview API

interface FakeHost extends Recorded {
  /** Every message the page posted, in order (savePng data URLs shortened). */
  sent: PageToHost[];
  violations: { directive: string; blocked: string; sample: string }[];
  setStateCalls: number;
  /** Delay before each answer (ms). */
  delayMs: number;
  /** Methods not to answer at all (to exercise the page's timeout). */
  silent: Set<PageMethod>;
  /** Methods to answer with an error. */
  failing: Set<PageMethod>;
  generation: number;
  /** Posts a HostToPage message to the page as VS Code does (a window message event). */
  send(message: HostToPage): void;
  /** A new analysis: the canned document, or `document` in its place; then the Compare tab's content. */
  sendResults(generation?: number, document?: ResultsDocument): void;
  /** The canned comparison view (a copy, to change and send). */
  cannedComparison(): ComparisonView;
  /** The canned results document (a copy, to change and send). */
  cannedDocument(): ResultsDocument;
  /** The status sent with the last analysis. */
  cannedStatus(): ServerStatus;
  requests(method?: PageMethod): Extract<PageToHost, { type: 'request' }>[];
}

const STATE_KEY = 'ff-lens-page-state';

function install(canned: Canned): void {
  const fake: FakeHost = {
    sent: [],
    opened: [],
    exports: [],
    pngs: [],
    agreementRequests: [],
    graderChoices: [],
    comparisonChoices: 0,
    snapshots: 0,
    violations: [],
    setStateCalls: 0,
    delayMs: 5,
    silent: new Set(),
    failing: new Set(),
    generation: canned.generation,
    send(message) {
      window.postMessage(message, '*');
    },
    sendResults(generation, document) {
      fake.generation = generation ?? fake.generation + 1;
      fake.send({
        type: 'results',
        analysed: encodeAnalysed({
          document: document ?? canned.document,
          generation: fake.generation,
          graders: canned.graders,
        }),
        status: fake.cannedStatus(),
      });
      fake.send({ type: 'comparison', view: canned.comparison });
    },
    cannedDocument() {
      return structuredClone(canned.document);
    },
    cannedStatus() {
      return { ...canned.status, generation: fake.generation };
    },
    cannedComparison() {
      return structuredClone(canned.comparison);
    },
    requests(method) {
      return fake.sent.filter(
        (m): m is Extract<PageToHost, { type: 'request' }> =>
          m.type === 'request' && (method === undefined || m.method === method),
      );
    },
  };
  const host = cannedHost(canned, fake, () => fake.generation);
  window.__ffHost = fake;

  document.addEventListener('securitypolicyviolation', (e) => {
    fake.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });

  const later = (send: () => void): void => void setTimeout(send, fake.delayMs);
  async function receive(message: PageToHost): Promise<void> {
    if (message.type === 'ready') later(() => fake.sendResults(fake.generation));
    if (message.type !== 'request' || fake.silent.has(message.method)) return;
    const response: HostToPage = fake.failing.has(message.method)
      ? { type: 'response', id: message.id, error: `${message.method} failed on purpose` }
      : await respond(host, message);
    later(() => fake.send(response));
  }

  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message: PageToHost) {
        // Messages cross a process boundary in VS Code: they must survive structured cloning.
        const copy = structuredClone(message);
        if (copy.type === 'request' && copy.method === 'savePng')
          copy.params = { ...copy.params, dataUrl: copy.params.dataUrl.slice(0, 40) };
        fake.sent.push(copy);
        void receive(message);
      },
      getState(): unknown {
        const s = sessionStorage.getItem(STATE_KEY);
        return s === null ? undefined : JSON.parse(s);
      },
      setState(state: PageState) {
        fake.setStateCalls += 1;
        sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
      },
    });
  };
}

install(window.__ffCanned ?? notImplemented('canned data (window.__ffCanned)'));
