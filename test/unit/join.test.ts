/** Joining graded lines to traces, duplicates, second opinions and variants (FORMATS.md §3, §6; DECISIONS.md). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordHashes } from '../../src/engine/analyse/components';
import { emptyRec, forEachRow, parseSegment } from '../../src/engine/index/segment';
import { parseRange } from '../../src/engine/read/parse';
import { expectDefined } from '../../src/shared/expect';
import { withDefaults } from '../../src/engine/settings';
import { tracesPerGrader, type GivenVerdict, type Trace } from '../../src/engine/analyse/join';
import { Totals } from '../../src/engine/analyse/totals';
import { sortNonNegative } from '../../src/engine/analyse/unionFind';
import { Workspace } from '../../src/engine/workspace';
import { rng } from '../faults/incrementalWorkspace';
import { jsonl, tempWorkspace, wholeFileJob } from './workspaces';

async function analyseFolder(files: Record<string, string>, grader: string | null = null) {
  const root = tempWorkspace(files);
  const ws = new Workspace(root, { settings: withDefaults({ grader }), indexPath: null });
  await ws.refresh();
  const run = ws.analyse('2026-01-01T00:00:00.000Z');
  ws.close();
  return run;
}

const trace = (id: string | null, scenario: string, model: string, extra: object = {}) => ({
  ...(id === null ? {} : { trace_id: id }),
  scenario_id: scenario,
  model_id: model,
  attack_class: 'dan_persona',
  turns: [
    { role: 'user', text: `prompt ${scenario}` },
    { role: 'agent', text: `answer ${scenario}` },
  ],
  ...extra,
});

describe('joining graded lines to trace lines', () => {
  it('by trace id: verdict from the graded line, everything else from the trace line', async () => {
    const run = await analyseFolder({
      'runs/ds/m_traces.jsonl': jsonl([trace('t1', 'S1', 'qwen3.5:2b'), trace('t2', 'S2', 'qwen3.5:2b')]),
      'runs/ds/flip_graded_m.jsonl': jsonl([
        {
          ...trace('t1', 'S1', 'OTHER-MODEL', { attack_class: 'other' }),
          llm_verdict: 'COMPLIANCE',
          grader_model: 'g',
        },
      ]),
    });
    const t1 = run.traceSet.traces.find((t) => t.id === 't1');
    assert.equal(t1?.verdict?.label, 'COMPLIANCE');
    assert.equal(t1?.model, 'qwen3.5:2b');
    assert.equal(t1?.attackClassField, 'dan_persona');
    assert.equal(run.document.inputs.traces.total, 2);
    assert.equal(run.document.inputs.traces.ungraded, 1);
    assert.deepEqual(run.document.inputs.problems, []);
  });

  it('without trace id: by model key, scenario and k-th occurrence within the dataset', async () => {
    const run = await analyseFolder({
      'runs/ds/a_traces.jsonl': jsonl([trace('x1', 'S1', 'qwen3.5:2b'), trace('x2', 'S1', 'qwen3.5:2b')]),
      'runs/ds/b_traces.jsonl': jsonl([trace('x3', 'S1', 'qwen3.5:2b')]),
      'runs/other/c_traces.jsonl': jsonl([trace('x4', 'S1', 'qwen3.5:2b')]),
      'runs/ds/m_flip_graded.jsonl': jsonl([
        { scenario_id: 'S1', model_id: 'QWEN3.5:2b:free', llm_verdict: 'REFUSAL' },
        { scenario_id: 'S1', model_id: 'qwen3.5:2b', llm_verdict: 'PARTIAL' },
        { scenario_id: 'S1', model_id: 'qwen3.5:2b', llm_verdict: 'COMPLIANCE' },
      ]),
    });
    const v = (id: string) => run.traceSet.traces.find((t) => t.id === id)?.verdict?.label ?? null;
    assert.deepEqual([v('x1'), v('x2'), v('x3'), v('x4')], ['REFUSAL', 'PARTIAL', 'COMPLIANCE', null]);
    assert.equal(run.document.inputs.traces.total, 4);
  });

  it('a graded file alone is enough: its lines are the traces', async () => {
    const run = await analyseFolder({
      'runs/only/flip_graded_m.jsonl': jsonl([
        { ...trace('g1', 'S1', 'gemma3:4b'), llm_verdict: 'REFUSAL' },
        { ...trace(null, 'S2', 'gemma3:4b'), llm_verdict: 'COMPLIANCE' },
      ]),
    });
    assert.equal(run.document.inputs.traces.total, 2);
    assert.equal(run.document.inputs.traces.evaluable, 2);
    assert.deepEqual(
      run.traceSet.traces.map((t) => t.id),
      ['g1', 'runs/only/flip_graded_m.jsonl:2'],
    );
  });

  it('reports what cannot be used and keeps everything else', async () => {
    const run = await analyseFolder({
      'runs/ds/m_traces.jsonl': jsonl([
        trace('t1', 'S1', 'qwen3.5:2b', { llm_verdict: 'REFUSAL' }),
        trace('t1', 'S1', 'qwen3.5:2b'),
        { trace_id: 't9', scenario_id: 'S9' },
        '{"trace_id": "broken',
        '[1, 2, 3]',
        '',
        trace('t2', 'S2', 'qwen3.5:2b', { llm_verdict: 'Complaince' }),
      ]),
      'runs/ds/flip_graded_m.jsonl': jsonl([
        { trace_id: 'nowhere', llm_verdict: 'COMPLIANCE' },
        { trace_id: 't1', llm_verdict: 'COMPLIANCE', grader_model: 'g' },
        { trace_id: 't1', llm_verdict: 'REFUSAL', grader_model: 'g' },
      ]),
      'runs/ds/m_xgrader_h.jsonl': jsonl([{ trace_id: 'zzz', llm_verdict: 'REFUSAL', grader_model: 'h' }]),
    });
    const reasons = run.document.inputs.problems.map((p) => `${p.path}:${p.line} ${p.code}`);
    assert.deepEqual(reasons, [
      'runs/ds/flip_graded_m.jsonl:1 unmatched-graded',
      'runs/ds/flip_graded_m.jsonl:3 second-verdict',
      'runs/ds/m_traces.jsonl:2 duplicate-trace',
      'runs/ds/m_traces.jsonl:3 missing-model',
      'runs/ds/m_traces.jsonl:4 invalid-json',
      'runs/ds/m_traces.jsonl:5 not-an-object',
      'runs/ds/m_traces.jsonl:7 unknown-label',
      'runs/ds/m_xgrader_h.jsonl:1 unmatched-xgrader',
    ]);
    // The structured fields diagnostics need, beside the code.
    const byLine = (l: number) =>
      run.document.inputs.problems.find((p) => p.path === 'runs/ds/m_traces.jsonl' && p.line === l);
    assert.equal(byLine(2)?.trace_id, 't1');
    assert.equal(byLine(7)?.label, 'COMPLAINCE');
    assert.match(byLine(4)?.reason ?? '', /^invalid JSON at column \d+: unterminated string/);
    // t1: the graded verdict wins over the trace line's own; t2 keeps its (unknown) line verdict
    assert.equal(run.traceSet.traces.find((t) => t.id === 't1')?.verdict?.label, 'COMPLIANCE');
    assert.deepEqual(run.document.inputs.traces, {
      total: 2,
      graded: 2,
      ungraded: 0,
      evaluable: 1,
      errors: 0,
      benign: 0,
      unknown_label: 1,
    });
    const files = Object.fromEntries(run.document.inputs.files.map((f) => [f.path, [f.records, f.problems]]));
    assert.deepEqual(files, {
      'runs/ds/flip_graded_m.jsonl': [3, 2],
      'runs/ds/m_traces.jsonl': [4, 5],
      'runs/ds/m_xgrader_h.jsonl': [1, 1],
    });
  });

  it('a truncated last line is a problem and loses nothing else', async () => {
    const body =
      jsonl([trace('t1', 'S1', 'qwen3.5:2b', { llm_verdict: 'REFUSAL' })]) +
      '{"trace_id":"t2","scenario_id":"S2","mod';
    const run = await analyseFolder({ 'runs/ds/m_traces.jsonl': body });
    assert.equal(run.document.inputs.traces.total, 1);
    assert.equal(run.document.inputs.problems.length, 1);
    assert.match(run.document.inputs.problems[0]?.reason ?? '', /truncated last line/);
    assert.equal(run.document.inputs.problems[0]?.line, 2);
  });

  it('categories partition the traces: ungraded, errors (labels and sentinels), benign, unknown, evaluable', async () => {
    const run = await analyseFolder({
      'runs/ds/m_traces.jsonl': jsonl([
        trace('a', 'S1', 'm-7b'),
        trace('b', 'S2', 'm-7b', {
          llm_verdict: 'COMPLIANCE',
          turns: [{ role: 'agent', text: '[TIMEOUT]' }],
        }),
        trace('c', 'S3', 'm-7b', { llm_verdict: 'ERROR: upstream' }),
        trace('d', 'S4', 'm-7b', { llm_verdict: 'BENIGN_QUERY' }),
        trace('e', 'S5', 'm-7b', { llm_verdict: 'UNKNOWN' }),
        trace('f', 'S6', 'm-7b', { llm_verdict: 'hallucination refusal' }),
        {
          trace_id: 'g',
          scenario_id: 'S7',
          model_id: 'm-7b',
          attack_class: 'dan_persona',
          llm_verdict: 'REFUSAL',
        },
        trace('h', 'S8', 'm-7b', { turns: [{ role: 'agent', text: '' }], llm_verdict: 'REFUSAL' }),
      ]),
    });
    assert.deepEqual(run.document.inputs.traces, {
      total: 8,
      graded: 7,
      ungraded: 1,
      evaluable: 2,
      errors: 3,
      benign: 1,
      unknown_label: 1,
    });
    const cell = run.document.cells[0];
    assert.equal(cell?.n, 2);
    assert.deepEqual(cell?.counts, { COMPLIANCE: 0, PARTIAL: 0, REFUSAL: 1, HALLUCINATION_REFUSAL: 1 });
    assert.equal(cell?.strict?.rate, 0);
    assert.equal(cell?.fd?.rate, 0.5);
  });
});

describe('text that is not ASCII', () => {
  it('keeps non-ASCII ids and names exactly, and sees Unicode white space as blank', async () => {
    const run = await analyseFolder({
      'runs/ds/m_traces.jsonl': jsonl([
        trace('id-é-1', 'SCÉNARIO-模型', 'modèle-7b', {
          attack_class: 'rôle_jeu',
          llm_verdict: 'REFUSAL',
          grader_model: 'juge-ü',
        }),
        trace('nbsp', 'S2', 'm-7b', {
          turns: [{ role: 'agent', text: '\u00a0\u3000\ufeff' }],
          llm_verdict: 'COMPLIANCE',
        }),
        trace('nbsp-error', 'S3', 'm-7b', {
          turns: [{ role: 'agent', text: '\u00a0[ERROR] 502' }],
          llm_verdict: 'COMPLIANCE',
        }),
        trace('fine', 'S4', 'm-7b', {
          turns: [{ role: 'agent', text: '\u00a0sure, here is …' }],
          llm_verdict: 'COMPLIANCE',
        }),
        '{"trace_id": "bad", "x": "日本語" oops}',
      ]),
    });
    const t = run.traceSet.traces;
    assert.deepEqual(
      [t[0]?.id, t[0]?.scenarioId, t[0]?.model, t[0]?.attackClassField, t[0]?.verdict?.grader],
      ['id-é-1', 'SCÉNARIO-模型', 'modèle-7b', 'rôle_jeu', 'juge-ü'],
    );
    assert.deepEqual(
      t.map((x) => [x.id, x.response]),
      [
        ['id-é-1', 1],
        ['nbsp', 2],
        ['nbsp-error', 2],
        ['fine', 1],
      ],
    );
    // the JSON error's column counts characters (UTF-16 units) of the UTF-8 text, 1-based
    assert.equal(run.document.inputs.problems[0]?.column, 32);
    assert.match(run.document.inputs.problems[0]?.reason ?? '', /column 32/);
  });
});

describe('dilution variants (FORMATS.md §6)', () => {
  it('applies the four rules in order', async () => {
    const run = await analyseFolder({
      'runs/dil/m_traces.jsonl': jsonl([
        trace('1', 'S1', 'qwen3.5:2b', { variant: 'baseline' }),
        trace('2', 'S1', 'qwen3.5:2b', { variant: 'B' }),
        trace('3', 'S2', 'qwen3.5:2b', { input: { scenario: { variant: 'dilution' } } }),
        trace('4', 'S3', 'qwen3.5:2b'),
        trace('5', 'S3__dilution', 'qwen3.5:2b'),
        trace('6', 'S4__dilution_2', 'qwen3.5:2b'),
        trace('7', 'S5', 'qwen3.5:2b'),
        trace('8', 'S5__dilution', 'qwen3.5:9b'),
        trace('9', 'S6', 'qwen3.5:2b', { variant: 'something else' }),
      ]),
    });
    const v = Object.fromEntries(run.traceSet.traces.map((t) => [t.id, [t.variant, t.baseId]]));
    assert.deepEqual(v, {
      '1': ['A', 'S1'],
      '2': ['B', 'S1'],
      '3': ['B', 'S2'],
      '4': ['A', 'S3'],
      '5': ['B', 'S3'],
      '6': ['B', 'S4'],
      '7': [null, null], // its __dilution twin belongs to another model
      '8': ['B', 'S5'],
      '9': [null, null],
    });
  });
});

describe('second opinions and grader agreement', () => {
  it('pairs the primary grader with each cross-grader over traces evaluable under both', async () => {
    const labels = ['COMPLIANCE', 'REFUSAL', 'PARTIAL', 'REFUSAL', 'COMPLIANCE', 'ERROR'];
    const second = ['COMPLIANCE', 'REFUSAL', 'REFUSAL', 'REFUSAL', 'PARTIAL', 'REFUSAL'];
    const run = await analyseFolder({
      'runs/ds/m_traces.jsonl': jsonl(
        labels.map((l, i) =>
          trace(`t${i}`, `S${i}`, 'gemma3:27b', { llm_verdict: l, grader_model: 'haiku' }),
        ),
      ),
      'runs/ds/m_xgrader_gemma.jsonl': jsonl(
        second.map((l, i) => ({ trace_id: `t${i}`, llm_verdict: l, grader_model: 'gemma3:27b' })),
      ),
    });
    assert.equal(run.document.agreement.length, 1);
    const a = run.document.agreement[0];
    assert.equal(a?.primary, 'haiku');
    assert.equal(a?.secondary, 'gemma3:27b');
    assert.equal(a?.n, 5);
    // By hand: labels C,R,P,R,C vs C,R,R,R,P → po = 3/5; marginals C 2/1, R 2/3, P 1/1 → pe = (2 + 6 + 1)/25
    assert.ok(Math.abs((a?.kappa_labels ?? NaN) - (0.6 - 0.36) / (1 - 0.36)) < 1e-12);
    // strict: C,n,n,n,C vs C,n,n,n,n → po = 4/5; pe = (2·1 + 3·4)/25 = 0.56
    assert.ok(Math.abs((a?.kappa_strict ?? NaN) - (0.8 - 0.56) / (1 - 0.56)) < 1e-12);
  });
});

describe('choosing the grader (ANALYSIS.md §11)', () => {
  // Graders: A and G grade in the primary file, G and H in cross-grader files; "line" and the
  // others also grade on trace lines. Each trace is built for one rule, as its comment says.
  const files = {
    'runs/ds/m_traces.jsonl': jsonl([
      // t1: graded lines come first: G's graded PARTIAL, not its cross-grader REFUSAL.
      trace('t1', 'S1', 'qwen3.5:2b', { llm_verdict: 'REFUSAL', grader_model: 'line' }),
      // t2: G only on the trace line itself: it counts once nothing else by G does.
      trace('t2', 'S2', 'qwen3.5:2b', { llm_verdict: 'COMPLIANCE', grader_model: 'G' }),
      // t3: cross-grader lines come before the trace line's verdict.
      trace('t3', 'S3', 'qwen3.5:2b', { llm_verdict: 'REFUSAL', grader_model: 'A' }),
      // t4: graded by A only: ungraded under G.
      trace('t4', 'S4', 'qwen3.5:2b'),
      // t5: G on the trace line, then G again in a cross-grader file: that repeat was reported and ignored.
      trace('t5', 'S5', 'qwen3.5:2b', { llm_verdict: 'REFUSAL', grader_model: 'G' }),
    ]),
    'runs/ds/m_flip_graded.jsonl': jsonl([
      { trace_id: 't1', llm_verdict: 'COMPLIANCE', grader_model: 'A' },
      { trace_id: 't1', llm_verdict: 'PARTIAL', grader_model: 'G' },
      { trace_id: 't2', llm_verdict: 'REFUSAL', grader_model: 'A' },
      { trace_id: 't4', llm_verdict: 'COMPLIANCE', grader_model: 'A' },
    ]),
    'runs/ds/m_xgrader_g.jsonl': jsonl([
      { trace_id: 't1', llm_verdict: 'REFUSAL', grader_model: 'G' }, // G already graded t1: problem
      { trace_id: 't2', llm_verdict: 'PARTIAL', grader_model: 'H' },
      { trace_id: 't3', llm_verdict: 'COMPLIANCE', grader_model: 'G' },
      { trace_id: 't5', llm_verdict: 'COMPLIANCE', grader_model: 'G' }, // G already graded t5 (its line): problem
    ]),
  };
  const verdicts = (run: Awaited<ReturnType<typeof analyseFolder>>) =>
    Object.fromEntries(
      run.traceSet.traces.map((t) => [
        t.id,
        [
          t.verdict ? `${t.verdict.grader}:${t.verdict.label}` : null,
          ...t.opinions.map((o) => `${o.grader}:${o.label}`),
        ],
      ]),
    );

  it("without a grader: the first graded verdict, else the trace line's; repeats by a grader are problems", async () => {
    const run = await analyseFolder(files);
    assert.deepEqual(verdicts(run), {
      t1: ['A:COMPLIANCE', 'G:PARTIAL'],
      t2: ['A:REFUSAL', 'H:PARTIAL'],
      t3: ['A:REFUSAL', 'G:COMPLIANCE'],
      t4: ['A:COMPLIANCE'],
      t5: ['G:REFUSAL'],
    });
    assert.deepEqual(
      run.document.inputs.problems.map((p) => `${p.path}:${p.line}`),
      ['runs/ds/m_xgrader_g.jsonl:1', 'runs/ds/m_xgrader_g.jsonl:4'],
    );
    assert.equal(run.document.settings.grader, null);
  });

  it('with grader G: graded lines, then cross-grader lines, then the trace line; every other grader a second opinion', async () => {
    const run = await analyseFolder(files, 'G');
    assert.deepEqual(verdicts(run), {
      t1: ['G:PARTIAL', 'A:COMPLIANCE', 'line:REFUSAL'],
      t2: ['G:COMPLIANCE', 'A:REFUSAL', 'H:PARTIAL'],
      t3: ['G:COMPLIANCE', 'A:REFUSAL'],
      t4: [null, 'A:COMPLIANCE'],
      t5: ['G:REFUSAL'],
    });
    assert.deepEqual(run.document.inputs.traces, {
      total: 5,
      graded: 4,
      ungraded: 1,
      evaluable: 4,
      errors: 0,
      benign: 0,
      unknown_label: 0,
    });
    assert.deepEqual(
      run.document.inputs.problems.map((p) => `${p.path}:${p.line}`),
      ['runs/ds/m_xgrader_g.jsonl:1', 'runs/ds/m_xgrader_g.jsonl:4'],
      'the same problems as without a grader',
    );
    assert.equal(run.document.settings.grader, 'G');
    // Agreement has G as the primary of every pair, over the traces both graded.
    assert.deepEqual(
      run.document.agreement.map((a) => [a.primary, a.secondary, a.n]),
      [
        ['G', 'A', 3],
        ['G', 'H', 1],
        ['G', 'line', 1],
      ],
    );
    // strict ASR under G: C on t2 and t3 of the four it graded (t1 P, t5 R).
    assert.deepEqual(run.document.cells[0]?.counts, {
      COMPLIANCE: 2,
      PARTIAL: 1,
      REFUSAL: 1,
      HALLUCINATION_REFUSAL: 0,
    });
  });

  it('a grader that graded nothing leaves every trace ungraded, and the graders that did are listed', async () => {
    const run = await analyseFolder(files, 'nobody');
    assert.equal(run.document.inputs.traces.ungraded, 5);
    assert.equal(run.document.inputs.traces.graded, 0);
    assert.deepEqual(run.traceSet.graders, ['A', 'G', 'H', 'line']);
    assert.deepEqual(
      run.document.agreement.map((a) => a.primary),
      [],
      'nothing to agree with: no trace has a primary verdict',
    );
  });

  it("each grader's trace count is the graded count of an analysis under it (the page's grader list)", async () => {
    const run = await analyseFolder(files);
    // A: t1–t4 (graded lines, t3 its line); G: t1, t2 (line), t3, t5; H: t2; line: t1.
    assert.deepEqual(tracesPerGrader(run.traceSet), [
      ['A', 4],
      ['G', 4],
      ['H', 1],
      ['line', 1],
    ]);
    for (const [grader, count] of tracesPerGrader(run.traceSet))
      assert.equal((await analyseFolder(files, grader)).document.inputs.traces.graded, count, grader);
  });

  it('re-analysing under another grader uses the index only: the run files are not read again', async () => {
    const root = tempWorkspace(files);
    const ws = new Workspace(root, { settings: withDefaults({}), indexPath: null });
    try {
      await ws.refresh();
      assert.equal(ws.analyse().document.cells[0]?.counts.COMPLIANCE, 2); // t1 (A), t4 (A)
      fs.rmSync(path.join(root, 'runs'), { recursive: true }); // nothing left to read
      ws.setSettings(withDefaults({ grader: 'G' }));
      const run = ws.analyse();
      assert.equal(run.document.settings.grader, 'G');
      assert.deepEqual(verdicts(run).t3, ['G:COMPLIANCE', 'A:REFUSAL']);
      assert.equal(run.document.inputs.traces.ungraded, 1);
    } finally {
      ws.close();
    }
  });
});

describe('join keys computed by the parse', () => {
  it("are each record's keys as the join computes them (own, member and used groups), for every joined kind", () => {
    // Expected values: recordHashes (components.ts), the join's own hashing of each record, on the
    // records the parse made; the parse's flat keys (segmentKeys) are what an incremental update
    // reuses instead (incremental.ts recordsOf).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-keys-'));
    const lines = [
      { trace_id: 't1', scenario_id: 'S1', model_id: 'qwen/qwen3.5-9b', verdict: 'REFUSAL' },
      { scenario_id: 'S1__dilution', model_id: 'qwen/qwen3.5-9b', verdict: 'COMPLIANCE' },
      { scenario_id: 'S2', model_id: 'llama3:8b', variant: 'diluted', verdict: 'REFUSAL' },
      { scenario_id: 'S2', model_id: 'llama3:8b', variant: 'baseline' },
      { trace_id: 't5', model_id: 'llama3:8b' },
      { scenario_id: 'S3', verdict: 'REFUSAL' },
      { note: 'no model, no id' },
    ];
    const file = path.join(dir, 'lines.jsonl');
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    for (const kind of ['traces', 'graded', 'xgrader'] as const) {
      const rel = `runs/bench/lines_${kind}.jsonl`;
      const result = parseRange(wholeFileJob(file, rel, 'bench', kind));
      assert.ok('body' in result, 'the file parses');
      const keys = expectDefined(result.body.keys, 'the keys of a joined kind');
      const seg = parseSegment(result.body.segment);
      const ref = { id: 1, path: rel, kind, dataset: 'bench', rank: 0 };
      let k = 0;
      const list = (): number[] => {
        const n = keys[k] as number;
        const l = [...keys.subarray(k + 1, k + 1 + n)];
        k += n + 1;
        return l;
      };
      let users = 0;
      forEachRow(seg, emptyRec(), (r) => {
        const want = recordHashes({ file: ref, rec: { ...r } });
        assert.deepEqual({ own: list(), probes: list(), groups: list() }, want, `${kind} line ${r.line}`);
        if (want.groups.length > 0) users++;
      });
      assert.equal(k, keys.length, 'every key belongs to a record');
      if (kind === 'traces') assert.ok(users >= 2, 'records that use a variant group are among them');
    }
  });
});

describe('the sums behind every figure (analyse/totals.ts) and the join state directory (unionFind.ts)', () => {
  /** A trace as Totals reads it (the fields it counts by); the rest of a Trace is not read. */
  const trace = (i: number, rnd: () => number): Trace => {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const category = pick([
      'evaluable',
      'evaluable',
      'evaluable',
      'ungraded',
      'error',
      'benign',
      'unknown',
    ] as const);
    const label = pick(['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'] as const);
    const verdict = (grader: string): GivenVerdict => ({
      label,
      cls: 'evaluable',
      grader,
      file: 0,
      line: i,
      offset: 0,
      length: 0,
    });
    const graded = category !== 'ungraded';
    return {
      key: pick(['m1', 'm1', 'm2']),
      model: pick(['M1', 'm1', 'M2']),
      attackClass: pick(['a', 'a', 'a', 'b']),
      dataset: pick(['d1', 'd1', 'd2', null]),
      variant: pick([null, null, 'A', 'B'] as const),
      category,
      response: 1,
      verdict: graded ? verdict('g1') : null,
      opinions: graded && rnd() < 0.2 ? [verdict('g2')] : [],
    } as unknown as Trace;
  };

  it('counts a batch of traces as it counts them one by one, removals and re-additions included', () => {
    // The reference: the same Totals given one trace per call, where nothing is remembered from the
    // trace before (addTraces reuses the entries of the previous trace within a call).
    const rnd = rng(7);
    for (let round = 0; round < 50; round++) {
      const traces = Array.from({ length: 40 }, (_, i) => trace(i, rnd));
      const batch = new Totals();
      const single = new Totals();
      // Add all, take a random part away (entries drop to 0 and are deleted), add some back.
      const away = traces.filter(() => rnd() < 0.6);
      const back = away.filter(() => rnd() < 0.5);
      for (const [list, sign] of [
        [traces, 1],
        [away, -1],
        [back, 1],
      ] as const) {
        batch.addTraces(list, sign);
        for (const t of list) single.addTraces([t], sign);
      }
      assert.equal(JSON.stringify(batch.toJson()), JSON.stringify(single.toJson()), `round ${round}`);
    }
  });

  it('sorts non-negative numbers in the order of a sort of doubles', () => {
    // The reference: TypedArray.prototype.sort on a Float64Array (numeric order, ECMA-262 §23.2.3.29).
    const rnd = rng(11);
    const specials = [0, 5e-324, 2.2250738585072014e-308, 1e-300, 0.5, 1, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1];
    for (let round = 0; round < 20; round++) {
      const values = Float64Array.from({ length: 2000 }, (_, i) =>
        i % 10 === 0
          ? (specials[Math.floor(rnd() * specials.length)] as number)
          : i % 3 === 0
            ? Math.floor(rnd() * 2 ** 53)
            : rnd() * 10 ** Math.floor(rnd() * 20 - 10),
      );
      const want = Float64Array.from(values).sort();
      const got = sortNonNegative(Float64Array.from(values));
      assert.deepEqual([...got], [...want], `round ${round}`);
      // A view sorts only its own numbers.
      const whole = Float64Array.from(values);
      sortNonNegative(whole.subarray(100, 200));
      assert.deepEqual([...whole.subarray(0, 100)], [...values.subarray(0, 100)]);
      assert.deepEqual(
        [...whole.subarray(100, 200)],
        [...Float64Array.from(values.subarray(100, 200)).sort()],
      );
    }
  });
});
