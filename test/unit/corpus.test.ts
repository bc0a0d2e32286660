/** The corpus database (FORMATS.md §4): read-only, LLM-graded rows only, and every failure reported. */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';
import { jsonl, tempWorkspace } from './workspaces';

function makeCorpus(file: string, opts: { dropTable?: string; dropFamily?: boolean } = {}): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE models(id INTEGER PRIMARY KEY, name TEXT, provider TEXT, parameter_count TEXT);
    CREATE TABLE evaluation_runs(id INTEGER PRIMARY KEY, model_id INTEGER);
    CREATE TABLE source_datasets(id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE techniques(id INTEGER PRIMARY KEY, name TEXT ${opts.dropFamily ? '' : ', family TEXT'});
    CREATE TABLE prompts(id INTEGER PRIMARY KEY, technique_id INTEGER, source_dataset_id INTEGER, external_id TEXT, prompt_text TEXT);
    CREATE TABLE results(id INTEGER PRIMARY KEY, evaluation_run_id INTEGER, prompt_id INTEGER, llm_verdict TEXT,
      heuristic_verdict TEXT, llm_classifier TEXT, raw_response TEXT);
    INSERT INTO models VALUES (1, 'meta-llama/llama-3.3-70b-instruct', 'openrouter', '70B'), (2, 'mystery-model', 'x', '~200B'), (3, 'tiny', 'x', 'unknown');
    INSERT INTO evaluation_runs VALUES (10, 1), (20, 2), (30, 3);
    INSERT INTO source_datasets VALUES (1, 'jailbreak_archaeology'), (2, 'advbench_subset');
    INSERT INTO techniques VALUES (1, 'DAN 6.0' ${opts.dropFamily ? '' : ", 'dan_persona'"}), (2, 'Cipher' ${opts.dropFamily ? '' : ", 'encoding'"});
    INSERT INTO prompts VALUES (1, 1, 1, 'JA-DAN-015', 'pretend'), (2, 2, 2, 'ADV-2', 'decode');
    INSERT INTO results VALUES
      (1, 10, 1, 'COMPLIANCE', 'REFUSAL', 'haiku', 'Sure, here is'),
      (2, 10, 1, 'REFUSAL', 'COMPLIANCE', 'haiku', 'I cannot'),
      (3, 10, 2, NULL, 'COMPLIANCE', NULL, 'Sure'),
      (4, 20, 2, 'COMPLIANCE', NULL, 'haiku', '  [ERROR] 500'),
      (5, 30, 2, 'PARTIAL', NULL, 'haiku', 'partly');
  `);
  if (opts.dropTable) db.exec(`DROP TABLE ${opts.dropTable}`);
  db.close();
}

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

async function run(root: string, settings = withDefaults({})) {
  const ws = new Workspace(root, { settings, indexPath: null });
  await ws.refresh();
  const r = ws.analyse();
  ws.close();
  return r;
}

describe('corpus database', () => {
  it('rows are traces with the LLM verdict; heuristic verdicts never count; NULL is ungraded', async () => {
    const root = tempWorkspace({});
    const db = path.join(root, 'jailbreak_corpus.db');
    makeCorpus(db);
    const before = sha(db);
    const r = await run(root);
    assert.equal(sha(db), before, 'the database is not written');
    assert.deepEqual(fs.readdirSync(root), ['jailbreak_corpus.db'], 'no journal, WAL or shm file is left');
    assert.deepEqual(r.document.inputs.traces, {
      total: 5,
      graded: 4,
      ungraded: 1,
      evaluable: 3,
      errors: 1,
      benign: 0,
      unknown_label: 0,
    });
    const cells = r.document.cells.map((c) => [c.attack_class, c.model, c.n, c.counts.COMPLIANCE]);
    assert.deepEqual(cells, [
      ['dan_persona', 'meta-llama/llama-3.3-70b-instruct', 2, 1],
      ['encoding', 'meta-llama/llama-3.3-70b-instruct', 0, 0],
      ['encoding', 'mystery-model', 0, 0],
      ['encoding', 'tiny', 1, 0],
    ]);
    const models = Object.fromEntries(
      r.document.models.map((m) => [m.key, [m.params_b, m.params_source, m.approximate]]),
    );
    assert.deepEqual(models, {
      'meta-llama/llama-3.3-70b-instruct': [70, 'lineage', false],
      'mystery-model': [200, 'field', true],
      tiny: [null, null, false],
    });
    assert.deepEqual(
      r.traceSet.traces.map((t) => [t.id, t.dataset, t.scenarioId]),
      [
        ['db:1', 'jailbreak_archaeology', 'JA-DAN-015'],
        ['db:2', 'jailbreak_archaeology', 'JA-DAN-015'],
        ['db:3', 'advbench_subset', 'ADV-2'],
        ['db:4', 'advbench_subset', 'ADV-2'],
        ['db:5', 'advbench_subset', 'ADV-2'],
      ],
    );
    assert.equal(r.document.inputs.files[0]?.records, 5);
  });

  it('the attack class may come from techniques.name', async () => {
    const root = tempWorkspace({});
    makeCorpus(path.join(root, 'jailbreak_corpus.db'));
    const r = await run(root, withDefaults({ attackClassSource: 'name' }));
    assert.deepEqual([...new Set(r.document.cells.map((c) => c.attack_class))], ['Cipher', 'DAN 6.0']);
  });

  it('a missing required table: one problem naming it, and the JSONL side still loads', async () => {
    const root = tempWorkspace({
      'runs/a/m_traces.jsonl': jsonl([
        { trace_id: 't', scenario_id: 'S', model_id: 'm-7b', response: 'x', llm_verdict: 'REFUSAL' },
      ]),
    });
    makeCorpus(path.join(root, 'jailbreak_corpus.db'), { dropTable: 'evaluation_runs' });
    const r = await run(root);
    assert.equal(r.document.inputs.traces.total, 1);
    assert.equal(r.document.inputs.problems.length, 1);
    assert.match(r.document.inputs.problems[0]?.reason ?? '', /lacks table evaluation_runs/);
    assert.equal(r.document.inputs.problems[0]?.line, null);
  });

  it('a missing optional column is named, and the rows load without what it gives', async () => {
    const root = tempWorkspace({});
    makeCorpus(path.join(root, 'jailbreak_corpus.db'), { dropFamily: true });
    const r = await run(root);
    assert.deepEqual(
      r.document.inputs.problems.map((p) => p.reason),
      ['corpus database lacks column techniques.family; the figures it gives are absent'],
    );
    assert.equal(r.document.inputs.traces.total, 5);
    assert.deepEqual(
      [...new Set(r.document.cells.map((c) => c.attack_class))],
      ['advbench_subset', 'jailbreak_archaeology'],
    );
  });

  it('a file that is not a database is a problem, not a crash', async () => {
    const root = tempWorkspace({
      'jailbreak_corpus.db': 'this is not sqlite'.repeat(100),
      'runs/a/m_traces.jsonl': jsonl([{ trace_id: 't', model_id: 'm', response: 'x' }]),
    });
    const r = await run(root);
    assert.equal(r.document.inputs.traces.total, 1);
    assert.deepEqual(
      r.document.inputs.problems.map((p) => p.reason),
      ['not a SQLite database'],
    );
  });

  it('a database locked by a writer is reported and read again next time', async () => {
    const root = tempWorkspace({
      'runs/a/m_traces.jsonl': jsonl([{ trace_id: 't', model_id: 'm', response: 'x' }]),
    });
    const file = path.join(root, 'jailbreak_corpus.db');
    makeCorpus(file);
    const writer = new Database(file);
    writer.exec("BEGIN EXCLUSIVE; INSERT INTO models VALUES (9, 'w', 'w', '1B');");
    const ws = new Workspace(root, { settings: withDefaults({}), indexPath: null });
    await ws.refresh();
    let doc = ws.analyse().document;
    assert.equal(doc.inputs.traces.total, 1);
    assert.match(doc.inputs.problems[0]?.reason ?? '', /locked by a writer/);
    writer.exec('ROLLBACK');
    writer.close();
    await ws.refresh();
    doc = ws.analyse().document;
    assert.equal(doc.inputs.traces.total, 6);
    assert.deepEqual(doc.inputs.problems, []);
    ws.close();
  });

  it("a row's verdict counts like a trace line's: a graded line naming db:<id> wins; under a chosen grader each is found (ANALYSIS.md §11)", async () => {
    const root = tempWorkspace({
      // Row 1 is COMPLIANCE by haiku; a FLIP file grades it again.
      'runs/regrade/m_flip_graded.jsonl': jsonl([
        { trace_id: 'db:1', llm_verdict: 'REFUSAL', grader_model: 'G' },
      ]),
    });
    makeCorpus(path.join(root, 'jailbreak_corpus.db'));
    const verdict = (r: Awaited<ReturnType<typeof run>>) => {
      const t = r.traceSet.traces.find((x) => x.id === 'db:1');
      return [t?.verdict?.grader, t?.verdict?.label, t?.opinions.map((o) => o.grader)];
    };
    // FORMATS.md §3: the line's own verdict counts only when no graded line joins it.
    assert.deepEqual(verdict(await run(root)), ['G', 'REFUSAL', []]);
    assert.deepEqual(verdict(await run(root, withDefaults({ grader: 'haiku' }))), [
      'haiku',
      'COMPLIANCE',
      ['G'],
    ]);
    assert.deepEqual(verdict(await run(root, withDefaults({ grader: 'G' }))), ['G', 'REFUSAL', ['haiku']]);
  });
});
