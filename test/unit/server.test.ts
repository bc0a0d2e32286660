/** The language server's features on a real index (a temporary workspace and SQLite file): no editor needed. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineageMap } from '../../src/engine/analyse/lineageMap';
import { ScenarioCatalog, evidenceTitle } from '../../src/engine/analyse/scenarios';
import { DEFAULT_SETTINGS, withDefaults } from '../../src/engine/settings';
import { DEFAULT_REPORT_GLOBS, type LensConfiguration } from '../../src/protocol/settings';
import { Workspace } from '../../src/engine/workspace';
import { AnalysisHost } from '../../src/server/analysisHost';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { stringTokens, tokenAt, valueOf } from '../../src/server/jsonLine';
import { lineageMapActions, lineageMapDiagnostics } from '../../src/server/lineageMapFeatures';
import { reportGlobs, settingsFromConfig } from '../../src/server/settings';
import { TraceQueries } from '../../src/server/traceQueries';
import { jsonl, tempWorkspace } from './workspaces';

const t = (id: string, scenario: string, model: string, verdict: string | null, extra: object = {}) => ({
  trace_id: id,
  scenario_id: scenario,
  model_id: model,
  attack_class: 'dan',
  turns: [
    { role: 'user', text: `prompt of ${id}` },
    { role: 'agent', text: `answer of ${id}` },
  ],
  ...(verdict ? { llm_verdict: verdict, grader_model: 'g1' } : {}),
  ...extra,
});

async function setup() {
  const root = tempWorkspace({
    'data/scenarios/s.jsonl': jsonl([
      { id: 'S1', prompt: 'p1' },
      { id: 'S2', prompt: 'p2' },
      { prompt: 'no id' },
      { id: 'S1', prompt: 'again' },
    ]),
    'runs/ds/qwen3.5-2b_traces.jsonl': jsonl([
      t('a1', 'S1', 'qwen3.5:2b', 'COMPLIANCE'),
      t('a2', 'S1', 'qwen3.5:2b', 'REFUSAL', { variant: 'baseline' }),
      t('a3', 'S1__dilution', 'qwen3.5:2b', 'COMPLIANCE', { variant: 'dilution' }),
      t('a4', 'S2', 'qwen3.5:2b', 'Complaince'),
      '{"trace_id": "broken", "scenario_id": "S2" oops}',
    ]),
    'runs/ds/qwen3.5-9b_traces.jsonl': jsonl([
      t('b1', 'S1', 'qwen3.5:9b', 'REFUSAL'),
      t('b2', 'S2', 'qwen3.5:9b', 'PARTIAL'),
    ]),
    'runs/ds/x_xgrader_g2.jsonl': jsonl([
      { trace_id: 'a1', llm_verdict: 'REFUSAL', grader_model: 'g2' },
      { trace_id: 'b1', llm_verdict: 'REFUSAL', grader_model: 'g2' },
      { trace_id: 'b2', llm_verdict: 'COMPLIANCE', grader_model: 'g2' },
    ]),
  });
  const ws = new Workspace(root, {
    settings: withDefaults({}),
    indexPath: path.join(tempWorkspace({}), 'i.sqlite'),
  });
  await ws.refresh();
  const run = ws.analyse();
  return { root, ws, run, catalog: new ScenarioCatalog(run, ws.traceIndex) };
}

describe('JSON line tokens (hover, definition and diagnostic ranges)', () => {
  it('finds string literals, their keys and the token under a cursor, escapes included', () => {
    const line = '{"trace_id":"t\\"1","scenario_id": "S-1","input":{"scenario":{"id":"S-1"}}}';
    const tokens = stringTokens(line);
    assert.deepEqual(
      tokens.filter((x) => !x.isKey).map((x) => [x.key, x.value]),
      [
        ['trace_id', 't"1'],
        ['scenario_id', 'S-1'],
        ['id', 'S-1'],
      ],
    );
    const at = line.indexOf('"S-1"') + 2;
    assert.equal(tokenAt(line, at)?.value, 'S-1');
    assert.equal(tokenAt(line, at)?.key, 'scenario_id');
    assert.equal(
      line.slice(valueOf(line, ['scenario_id'])?.start, valueOf(line, ['scenario_id'])?.end),
      '"S-1"',
    );
  });
});

describe('scenario evidence (CodeLens and hover)', () => {
  it('counts traces, models, strict ASR over baseline traces and the dilution delta', async () => {
    const { catalog, ws } = await setup();
    const e = catalog.evidence('S1');
    // S1: a1 C and a2 R (both A: a2 by its field, a1 by rule 3 since S1__dilution exists for its model),
    // b1 R; the diluted a3 C (B) counts in traces but not in strict
    assert.equal(e.traces, 4);
    assert.equal(e.models, 2);
    assert.equal(e.evaluable, 3);
    assert.equal(e.compliance, 1);
    assert.equal(e.dilutionDeltaPp, 50); // A: 1/2, B: 1/1
    assert.equal(evidenceTitle(e), '4 traces · 2 models · strict 33% · dilution Δ +50 pp');
    assert.deepEqual(
      e.perModel.map((m) => [m.model, m.n, m.compliance, m.dilution]),
      [
        ['qwen3.5:2b', 2, 1, { a: 2, b: 1, aCompliance: 1, bCompliance: 1 }],
        ['qwen3.5:9b', 1, 0, null],
      ],
    );
    assert.equal(evidenceTitle(catalog.evidence('nothing')), 'no traces yet');
    assert.deepEqual(
      catalog.definitionsOf('S1__dilution').map((d) => d.line),
      [1, 4],
      'a dilution id finds its base scenario',
    );
    ws.close();
  });
});

describe('diagnostics from the index', () => {
  it('gives every unusable line an exact range, and flags duplicate and missing scenario ids', async () => {
    const { root, ws, run, catalog } = await setup();
    const d = computeDiagnostics(root, ws.traceIndex, run, catalog);
    const runs = d.get('runs/ds/qwen3.5-2b_traces.jsonl') ?? [];
    const byCode = new Map(runs.map((x) => [String(x.code), x]));
    const unknown = byCode.get('unknown-label');
    assert.ok(unknown);
    assert.equal(unknown.range.start.line, 3);
    const line4 = JSON.stringify(t('a4', 'S2', 'qwen3.5:2b', 'Complaince'));
    assert.equal(line4.slice(unknown.range.start.character, unknown.range.end.character), '"Complaince"');
    const bad = byCode.get('invalid-json');
    assert.ok(bad);
    assert.equal(bad.range.start.line, 4);
    assert.equal(bad.range.start.character, '{"trace_id": "broken", "scenario_id": "S2" '.length);
    const scen = d.get('data/scenarios/s.jsonl') ?? [];
    assert.deepEqual(scen.map((x) => [x.code, x.range.start.line]).sort(), [
      ['duplicate-scenario', 3],
      ['scenario-without-id', 2],
    ]);
    ws.close();
  });
});

describe('the traces behind a number', () => {
  it('selects, filters, pages, reads details and builds the confusion matrix', async () => {
    const { root, ws, run } = await setup();
    const q = new TraceQueries(run, root, 1);
    const cell = q.page({
      selector: { kind: 'cell', attackClass: 'dan', model: 'qwen3.5:2b' },
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(
      cell.rows.map((r) => r.id),
      ['a1', 'a2', 'a4'],
      'variant B traces are not in a cell',
    );
    assert.deepEqual(cell.counts, { COMPLIANCE: 1, REFUSAL: 1, unknown: 1 });
    assert.ok(
      cell.rows.every((r) => r.secondVerdict === undefined),
      'only a disagreement list shows a second verdict (a1 has one)',
    );
    assert.equal(cell.rows[0]?.excerpt, 'answer of a1');
    const filtered = q.page({
      selector: { kind: 'cell', attackClass: 'dan', model: 'qwen3.5:2b' },
      filter: { text: 'PROMPT OF A2' },
      offset: 0,
      limit: 10,
      locate: 'a2',
    });
    assert.deepEqual([filtered.total, filtered.unfiltered, filtered.locatedIndex], [1, 3, 0]);
    const detail = q.detail('a3');
    assert.equal(detail?.text.response, 'answer of a3');
    assert.equal(
      detail?.pair?.a?.id,
      'a1',
      'the B trace pairs with the k-th A trace of its base scenario (k = 1)',
    );
    assert.deepEqual(detail?.row, {
      ...detail?.row,
      path: 'runs/ds/qwen3.5-2b_traces.jsonl',
      line: 3,
      variant: 'B',
    });
    const m = q.confusion('g1', 'g2');
    assert.deepEqual(m.matrix, [
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    assert.equal(m.disagreements, 2);
    const dis = q.page({
      selector: { kind: 'disagreement', primary: 'g1', secondary: 'g2' },
      offset: 0,
      limit: 10,
    });
    assert.deepEqual(
      dis.rows.map((r) => [r.id, r.verdict, r.secondVerdict]),
      [
        ['a1', 'COMPLIANCE', 'REFUSAL'],
        ['b2', 'PARTIAL', 'COMPLIANCE'],
      ],
    );
    ws.close();
  });
});

describe('the lineage map in the editor', () => {
  it('flags a bad regex, a member matching nothing, a model matched twice and a size contradicting the name', async () => {
    const { ws, run } = await setup();
    const text = JSON.stringify(
      {
        lineages: [
          {
            name: 'Qwen',
            members: [{ match: 'qwen3\\.5[:-]2b', params: 3 }, { match: 'qwen(3' }, { match: 'gemma' }],
          },
          { name: 'Again', members: [{ match: 'qwen3\\.5' }] },
        ],
      },
      null,
      2,
    );
    const doc = TextDocument.create('file:///x/.failure-first/lineages.json', 'json', 1, text);
    const diags = lineageMapDiagnostics(doc, run.document.models);
    const codes = diags.map((x) => x.code).sort();
    assert.deepEqual(codes, ['bad-regex', 'matched-twice', 'matches-nothing', 'size-contradicts-name']);
    const bad = diags.find((x) => x.code === 'bad-regex');
    assert.equal(doc.getText(bad?.range), '"qwen(3"');
    const size = diags.find((x) => x.code === 'size-contradicts-name');
    assert.equal(doc.getText(size?.range), '3');
    // Models that no lineage matches can be added by a quick fix (here: none outside the defaults).
    assert.deepEqual(
      lineageMapActions(doc.uri, [
        { ...run.document.models[0]!, key: 'm-7b', lineage: null, excluded: false, params_b: 7 },
      ]).map((a) => a.title),
      ['Add m-7b to a lineage…'],
    );
    ws.close();
  });
});

describe('the lineage map in the server', () => {
  it('matches each model against the patterns once over its analyses, and all again when the map changes', async () => {
    const map = (nine: number) =>
      JSON.stringify({
        lineages: [
          {
            name: `Qwen ${nine}`,
            members: [{ match: 'qwen3\\.5[:-]2b' }, { match: 'qwen3\\.5[:-]9b', params: nine }],
          },
        ],
      });
    const root = tempWorkspace({
      'runs/ds/qwen3.5-2b_traces.jsonl': jsonl([t('a1', 'S1', 'qwen3.5:2b', 'COMPLIANCE')]),
      'runs/ds/qwen3.5-9b_traces.jsonl': jsonl([t('b1', 'S1', 'qwen3.5:9b', 'REFUSAL')]),
      '.failure-first/lineages.json': map(9),
    });
    const ws = new Workspace(root, {
      settings: withDefaults({}),
      indexPath: path.join(tempWorkspace({}), 'i.sqlite'),
      keepParsedSegments: true,
    });
    // Every decision of the patterns, as the map makes it (LineageMap.matchNow).
    const proto = LineageMap.prototype as unknown as { matchNow: (this: LineageMap, key: string) => unknown };
    const original = proto.matchNow;
    const asked: string[] = [];
    proto.matchNow = function (this: LineageMap, key: string) {
      asked.push(key);
      return original.call(this, key);
    };
    const analyse = async () => {
      asked.length = 0;
      await ws.refresh();
      return ws.analyse().document.models.map((m) => `${m.key} ${m.lineage} ${m.params_b}`);
    };
    try {
      assert.deepEqual(await analyse(), ['qwen3.5:2b Qwen 9 2', 'qwen3.5:9b Qwen 9 9']);
      assert.deepEqual(asked.sort(), ['qwen3.5:2b', 'qwen3.5:9b']);
      // A new model: only it is matched.
      fs.appendFileSync(
        path.join(root, 'runs/ds/qwen3.5-2b_traces.jsonl'),
        jsonl([t('c1', 'S1', 'qwen3.5:4b', 'REFUSAL')]),
      );
      assert.deepEqual(await analyse(), ['qwen3.5:2b Qwen 9 2', 'qwen3.5:4b null 4', 'qwen3.5:9b Qwen 9 9']);
      assert.deepEqual(asked, ['qwen3.5:4b']);
      assert.deepEqual(await analyse(), ['qwen3.5:2b Qwen 9 2', 'qwen3.5:4b null 4', 'qwen3.5:9b Qwen 9 9']);
      assert.deepEqual(asked, []);
      // Another map: every model is matched again, by its patterns.
      fs.writeFileSync(path.join(root, '.failure-first/lineages.json'), map(10));
      assert.deepEqual(await analyse(), [
        'qwen3.5:2b Qwen 10 2',
        'qwen3.5:4b null 4',
        'qwen3.5:9b Qwen 10 10',
      ]);
      assert.deepEqual(asked.sort(), ['qwen3.5:2b', 'qwen3.5:4b', 'qwen3.5:9b']);
    } finally {
      proto.matchNow = original;
      ws.close();
    }
  });
});

describe('the editor settings', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> } };
  };
  const defaults = new Map(
    Object.entries(pkg.contributes.configuration.properties).map(([k, p]) => [k, p.default]),
  );

  /** The `failureFirst` section as the editor delivers it: `failureFirst.a.b` is `{ a: { b } }`. */
  function section(values: Map<string, unknown>): LensConfiguration {
    const out: Record<string, unknown> = {};
    for (const [key, value] of values) {
      const [, ...parts] = key.split('.');
      const last = parts.pop() ?? '';
      let at = out;
      for (const p of parts) at = (at[p] ??= {}) as Record<string, unknown>;
      at[last] = value;
    }
    return out;
  }

  it('package.json’s defaults are the engine’s and the server’s, and the server reads every key but the seed', () => {
    assert.deepEqual(settingsFromConfig(section(defaults)), DEFAULT_SETTINGS);
    assert.deepEqual(reportGlobs(section(defaults)), DEFAULT_REPORT_GLOBS);
    const other = (v: unknown): unknown =>
      typeof v === 'number' ? v + 1 : Array.isArray(v) ? ['x/**'] : v === 'family' ? 'name' : 'x';
    for (const [key, value] of defaults) {
      if (key === 'failureFirst.dilution.seed') continue; // the extension's (Create Reasoning-Dilution Variants)
      const config = section(new Map([...defaults, [key, other(value)]]));
      // The reports to check are the editor's, not the engine's: the server reads them apart.
      if (key === 'failureFirst.reports') assert.deepEqual(reportGlobs(config), ['x/**'], `${key} is read`);
      else assert.notDeepEqual(settingsFromConfig(config), DEFAULT_SETTINGS, `${key} is read`);
    }
  });
});

describe('the editor settings: the grader', () => {
  it('failureFirst.grader: a name chooses the grader; null, blank or another type keeps the primary verdicts', () => {
    assert.equal(
      settingsFromConfig({ grader: 'anthropic/claude-haiku-4.5' }).grader,
      'anthropic/claude-haiku-4.5',
    );
    for (const grader of [null, '', '  ', undefined, 5 as unknown as string])
      assert.equal(settingsFromConfig({ grader }).grader, null, JSON.stringify(grader));
  });
});

describe('the analysis host', () => {
  it('announces a new analysis with its status before the status alone, and only when there is a new one', async () => {
    const root = tempWorkspace({
      'runs/ds/m_traces.jsonl': jsonl([t('a1', 'S1', 'qwen3.5:2b', 'COMPLIANCE')]),
    });
    const events: string[] = [];
    const host = new AnalysisHost(root, null, withDefaults({}), {
      status: (s) => events.push(`status ${s.state} ${s.generation}`),
      analysed: (run, s) =>
        events.push(`analysed ${s.state} ${s.generation} ${run.document.inputs.traces.total}`),
      log: () => undefined,
      info: () => undefined,
      warn: () => undefined,
    });
    try {
      await host.refreshNow();
      // The client takes the results (and their status) from the first; the page needs no request.
      assert.deepEqual(events.slice(-2), ['analysed ready 1 1', 'status ready 1']);
      events.length = 0;
      await host.refreshNow();
      assert.ok(!events.some((e) => e.startsWith('analysed')), 'nothing changed: no new analysis is sent');
      fs.appendFileSync(
        path.join(root, 'runs/ds/m_traces.jsonl'),
        jsonl([t('a2', 'S2', 'qwen3.5:2b', 'REFUSAL')]),
      );
      await host.refreshNow();
      assert.deepEqual(events.slice(-2), ['analysed ready 2 2', 'status ready 2']);
    } finally {
      host.close();
    }
  });

  it('reports the progress of an index in 5% steps at most every 200 ms: a small refresh sends one status, a slow one many', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++)
      files[`runs/ds/m${i}_traces.jsonl`] = jsonl([t(`a${i}`, 'S1', `qwen3.5:${i}b`, 'COMPLIANCE')]);
    const root = tempWorkspace(files);
    const indexing: number[] = [];
    // The host's clock: each reading moves it on by `step` ms.
    let clock = 0;
    let step = 1000;
    const host = new AnalysisHost(
      root,
      null,
      withDefaults({}),
      {
        status: (s) => s.state === 'indexing' && indexing.push(s.progress ?? -1),
        analysed: () => undefined,
        log: () => undefined,
        info: () => undefined,
        warn: () => undefined,
      },
      () => (clock += step),
    );
    try {
      // Slow (a second between files): every 5% step is reported, in order.
      await host.refreshNow();
      assert.ok(indexing.length >= 20, `${indexing.length} progress reports of a slow index`);
      assert.deepEqual(
        indexing,
        [...indexing].sort((a, b) => a - b),
        'progress only goes forward',
      );
      assert.equal(indexing[0], 0);
      // Fast (the clock stands still): one file appended to, of 60; only the first status goes out.
      indexing.length = 0;
      step = 0;
      fs.appendFileSync(
        path.join(root, 'runs/ds/m7_traces.jsonl'),
        jsonl([t('b7', 'S2', 'qwen3.5:7b', 'REFUSAL')]),
      );
      await host.refreshNow();
      assert.deepEqual(indexing, [0]);
      assert.equal(host.run?.document.inputs.traces.total, 61, 'the append is analysed');
    } finally {
      host.close();
    }
  });

  it('warns once that a chosen grader graded no trace, naming the graders that did, and again after it is set anew', async () => {
    const root = tempWorkspace({
      'runs/ds/m_traces.jsonl': jsonl([t('a1', 'S1', 'qwen3.5:2b', 'COMPLIANCE')]),
    });
    const warnings: string[] = [];
    const infos: string[] = [];
    const host = new AnalysisHost(root, null, withDefaults({ grader: 'g2' }), {
      status: () => undefined,
      analysed: () => undefined,
      log: () => undefined,
      info: (m) => infos.push(m),
      warn: (m) => warnings.push(m),
    });
    try {
      await host.refreshNow();
      assert.deepEqual(warnings, [
        'Failure-First Lens: no trace has a verdict by grader "g2", so every trace is ungraded (graders with verdicts: "g1") (failureFirst.grader).',
      ]);
      assert.equal(host.run?.document.inputs.traces.ungraded, 1);
      fs.appendFileSync(
        path.join(root, 'runs/ds/m_traces.jsonl'),
        jsonl([t('a2', 'S2', 'qwen3.5:2b', 'REFUSAL')]),
      );
      await host.refreshNow();
      assert.equal(warnings.length, 1, 'not again at every change of a run file');
      host.setSettings(withDefaults({ grader: 'g1' }));
      await host.refreshNow();
      assert.equal(host.run?.document.inputs.traces.graded, 2);
      // Another grader is a new analysis of the index: no run file is read again.
      assert.match(infos.at(-1) ?? '', /^analysed 2 traces: index \d+ ms \(0 files read, 0\.0 MB/);
      host.setSettings(withDefaults({ grader: 'g2' }));
      await host.refreshNow();
      assert.equal(warnings.length, 2, 'set anew, it is said anew');
    } finally {
      host.close();
    }
  });
});
