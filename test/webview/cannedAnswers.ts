/**
 * Writes the page's canned data (fake-host/canned.ts) as JSON: the language server's own answers
 * (TraceQueries over the engine's TracesBehind) for every number of the demo workspace, so that the
 * page's test double re-derives nothing. Run by test/webview/page.test.mjs:
 *
 *   node --import tsx test/webview/cannedAnswers.ts <out.json>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareAnalyses } from '../../src/engine/report/compare';
import { tracesPerGrader } from '../../src/engine/analyse/join';
import { parseResultsDocument } from '../../src/engine/report/readResults';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';
import type { TraceDetail, TraceRow, TraceSelector, TracesResult } from '../../src/protocol';
import { MAX_WINDOW } from '../../src/shared/traceList';
import { TraceQueries } from '../../src/server/traceQueries';
import { cannedKey, type Canned } from './fake-host/canned';

const DEMO = path.resolve(import.meta.dirname, '../../examples/demo-workspace');
const ADVERSARIAL_CELL = { attackClass: 'format_lock', model: 'qwen3.5:2b' };
/** The demo's default BEFORE of the Compare tab (src/client/comparison.ts DEFAULT_SNAPSHOT). */
const SNAPSHOT = 'runs/inverse_scaling/initial_analysis.json';

async function main(out: string): Promise<void> {
  const ws = new Workspace(DEMO, { settings: withDefaults({}), indexPath: null });
  await ws.refresh();
  const run = ws.analyse();
  const doc = run.document;
  const q = new TraceQueries(run, DEMO, 1);
  const before = parseResultsDocument(fs.readFileSync(path.join(DEMO, SNAPSHOT), 'utf8'));
  const canned: Canned = {
    document: doc,
    graders: tracesPerGrader(run.traceSet).map(([name, traces]) => ({ name, traces })),
    comparison: {
      source: { kind: 'file', label: SNAPSHOT, isDefault: true },
      comparison: compareAnalyses(before, doc, { before: SNAPSHOT, after: DEMO }),
      error: null,
    },
    generation: 1,
    status: {
      state: 'ready',
      traces: doc.inputs.traces.total,
      problems: doc.inputs.problems.length,
      generation: 1,
      analysedAt: doc.generated_at,
    },
    lists: {},
    details: {},
    texts: {},
    confusion: {},
    adversarialCell: ADVERSARIAL_CELL,
    long: {
      many: { scenarioId: 'BT-MANY', rows: 100_000, prefix: 'many' },
      million: { scenarioId: 'BT-MILLION', rows: 1_000_000, prefix: 'million' },
    },
  };

  // Every number the page shows a list for: cells, models, dataset points, dilution arms, grader pairs.
  const selectors: TraceSelector[] = [
    ...doc.cells.map((c): TraceSelector => ({ kind: 'cell', attackClass: c.attack_class, model: c.model })),
    ...doc.models.map((m): TraceSelector => ({ kind: 'model', model: m.key })),
    ...doc.regressions
      .filter((r) => r.group === 'dataset')
      .flatMap((r) =>
        r.points.map((p): TraceSelector => ({
          kind: 'datasetCell',
          dataset: r.key.dataset ?? '',
          model: p.model,
        })),
      ),
    ...doc.dilution.models.flatMap((d): TraceSelector[] => [
      { kind: 'dilution', model: d.model },
      { kind: 'dilution', model: d.model, variant: 'A' },
      { kind: 'dilution', model: d.model, variant: 'B' },
    ]),
    ...doc.agreement.map((a): TraceSelector => ({
      kind: 'disagreement',
      primary: a.primary,
      secondary: a.secondary,
    })),
  ];
  for (const s of selectors) {
    const rows: TraceRow[] = [];
    for (let page: TracesResult | null = null; !page || rows.length < page.total;)
      rows.push(...(page = q.page({ selector: s, offset: rows.length, limit: MAX_WINDOW })).rows);
    canned.lists[cannedKey(s)] = rows;
    for (const t of q.select(s)) {
      if (canned.details[t.id]) continue;
      canned.details[t.id] = q.detail(t.id) as TraceDetail;
      canned.texts[t.id] = [...q.texts(t)];
    }
    if (s.kind === 'disagreement') canned.confusion[cannedKey(s)] = q.confusion(s.primary, s.secondary);
  }
  ws.close();
  standInAdversarialTraces(canned);
  fs.writeFileSync(out, JSON.stringify(canned));
}

/**
 * The demo's adversarial traces (ANSI escapes, bidi controls, a 200 KB response) live in other
 * models' cells: they stand in for the first rows of the cell the page's tests open, with ids of
 * their own and the verdicts of the rows they replace (so the cell still counts as the document
 * says), beside the demo's own <script> trace of that cell and one made-up <script> response.
 */
function standInAdversarialTraces(canned: Canned): void {
  const list = canned.lists[cannedKey({ kind: 'cell', ...ADVERSARIAL_CELL })] ?? [];
  const demoTrace = (path: string, line: number): TraceDetail => {
    const d = Object.values(canned.details).find((x) => x.row.path === path && x.row.line === line);
    if (!d) throw new Error(`no trace at ${path}:${line}`);
    return d;
  };
  const alert = {
    prompt: 'Reply with <b>bold</b> HTML: <script>alert(1)</script>',
    response:
      '<script>alert(1)</script><img src=x onerror="alert(2)"><iframe srcdoc="<script>alert(3)</script>"></iframe>',
    systemPrompt: null,
  };
  const standIns: [string, TraceDetail][] = [
    [
      'canned-ansi',
      demoTrace('runs/benchmark_traces/meta-llama_llama-3.3-70b-instruct-free_traces.jsonl', 56),
    ],
    [
      'canned-bidi',
      demoTrace('runs/benchmark_traces/mistralai_mistral-small-3.2-24b-instruct_traces.jsonl', 19),
    ],
    ['canned-200kb', demoTrace('runs/benchmark_traces/qwen3.5-0.8b_traces.jsonl', 10)],
  ];
  // The rows they replace: the first ones of the cell, but not the demo's own <img onerror> trace.
  const replaced = list.filter((r) => !canned.texts[r.id]?.some((t) => t?.includes('onerror'))).slice(0, 4);
  const last = replaced[3];
  if (!last) throw new Error('the adversarial cell has too few rows');
  standIns.push([
    'canned-alert',
    {
      ...(canned.details[last.id] as TraceDetail),
      row: { ...last, scenarioId: 'BT-FMT-XSS', excerpt: alert.response, line: 900 },
      text: alert,
      graderReasoning: 'Verdict: COMPLIANCE. The response <b>contains</b> the requested steps.\u001b[0m',
      raw: JSON.stringify({ trace_id: 'canned-alert', response: alert.response }),
    },
  ]);
  standIns.forEach(([id, source], i) => {
    const at = replaced[i] as TraceRow;
    const row: TraceRow = {
      ...source.row,
      ...pick(at, 'model', 'attackClass', 'verdict', 'category', 'grader'),
      id,
    };
    canned.details[id] = { ...source, row, pair: null };
    const rawModel = canned.texts[at.id]?.[2] ?? null;
    canned.texts[id] = [id, row.scenarioId, rawModel, source.text.prompt, source.text.response];
    list[list.indexOf(at)] = row;
  });
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

main(process.argv[2] ?? '/dev/stdout').catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
