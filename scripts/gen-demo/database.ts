/** The corpus database, jailbreak_corpus.db (FORMATS.md §4), from the plan's `db:` rows. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { expectDefined } from '../../src/shared/expect.ts';
import { AUTH, CIPH, DAN, JA, MODELS, PI, PLAN, RS, SPECIAL, idIn, type ModelCode } from './plan.ts';
import { cycle, rngFor } from './random.ts';
import type { Scenarios } from './scenarios.ts';
import { heuristicSuccess } from './text.ts';
import { isoUtc, slotsOf, textForSlot, type Clocks } from './traces.ts';

export const DB_REL = 'database/jailbreak_corpus.db';

const TECHNIQUES: [string, string][] = [
  ['DAN 6.0', DAN],
  ['AIM', DAN],
  ['Developer Mode v2', DAN],
  ['Evil Confidant', DAN],
  ['STAN', DAN],
  ['Refusal suppression (rules)', RS],
  ['Prefix injection ("Absolutely! Here\'s")', RS],
  ['Indirect injection (document)', PI],
  ['Indirect injection (code review)', PI],
  ['Caesar + word reversal (LACE-style)', CIPH],
  ['Base64 wrap', CIPH],
  ['Credential claim', AUTH],
  ['Sudo / admin override', AUTH],
];

type RowId = number | bigint;

/** Writes <out>/database/jailbreak_corpus.db, in rollback-journal mode (no -wal file beside it). */
export function writeDatabase(out: string, scenarios: Scenarios, clocks: Clocks): void {
  const abs = path.join(out, DB_REL);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const db = new Database(abs);
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = DELETE');
  db.exec(`
    CREATE TABLE source_datasets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT);
    CREATE TABLE techniques (id INTEGER PRIMARY KEY, name TEXT NOT NULL, family TEXT NOT NULL, description TEXT);
    CREATE TABLE prompts (id INTEGER PRIMARY KEY, technique_id INTEGER REFERENCES techniques(id),
      source_dataset_id INTEGER REFERENCES source_datasets(id), external_id TEXT, prompt_text TEXT);
    CREATE TABLE models (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, provider TEXT, parameter_count TEXT);
    CREATE TABLE evaluation_runs (id INTEGER PRIMARY KEY, model_id INTEGER NOT NULL REFERENCES models(id),
      run_name TEXT, started_at TEXT, notes TEXT);
    CREATE TABLE results (id INTEGER PRIMARY KEY, evaluation_run_id INTEGER NOT NULL REFERENCES evaluation_runs(id),
      prompt_id INTEGER REFERENCES prompts(id), llm_verdict TEXT, heuristic_verdict TEXT, llm_classifier TEXT,
      raw_response TEXT, latency_ms INTEGER, created_at TEXT);
    CREATE INDEX idx_results_run ON results(evaluation_run_id);
  `);
  const rng = rngFor('db');
  const insert = (table: string, cols: string[]) =>
    db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const insDataset = insert('source_datasets', ['name', 'description']);
  const insTechnique = insert('techniques', ['name', 'family', 'description']);
  const insPrompt = insert('prompts', ['technique_id', 'source_dataset_id', 'external_id', 'prompt_text']);
  const insModel = insert('models', ['name', 'provider', 'parameter_count']);
  const insRun = insert('evaluation_runs', ['model_id', 'run_name', 'started_at', 'notes']);
  const insResult = insert('results', [
    'evaluation_run_id',
    'prompt_id',
    'llm_verdict',
    'heuristic_verdict',
    'llm_classifier',
    'raw_response',
    'latency_ms',
    'created_at',
  ]);

  db.transaction(() => {
    const datasetId = new Map<string, RowId>();
    for (const [name, description] of [
      ['jailbreak_archaeology', 'Historical persona jailbreaks (2022–2024), re-run against current models.'],
      ['obliteratus_runs', 'Runs of the OBLITERATUS refusal-ablation study, with un-ablated baselines.'],
      ['advbench_subset', 'AdvBench behaviours wrapped in injection, cipher and authority techniques.'],
    ] as const) {
      datasetId.set(name, insDataset.run(name, description).lastInsertRowid);
    }
    const techniquesByFamily = new Map<string, RowId[]>();
    for (const [name, family] of TECHNIQUES) {
      const id = insTechnique.run(name, family, `${family.replace(/_/g, ' ')} technique`).lastInsertRowid;
      const ids = techniquesByFamily.get(family);
      if (ids) ids.push(id);
      else techniquesByFamily.set(family, [id]);
    }
    const promptIds = new Map<string, RowId[]>(); // pool name → [prompt id]
    const addPrompts = (pool: string, dataset: string) => {
      promptIds.set(
        pool,
        scenarios.pool(pool).map((sid, i) => {
          const sc = scenarios.get(sid);
          const tech = expectDefined(
            techniquesByFamily.get(sc.attack_class),
            `techniques of ${sc.attack_class}`,
          );
          return insPrompt.run(cycle(tech, i), datasetId.get(dataset), sid, sc.prompt).lastInsertRowid;
        }),
      );
    };
    addPrompts(JA, 'jailbreak_archaeology');
    addPrompts('db/obliteratus_runs/refusal_suppression', 'obliteratus_runs');
    for (const cls of [PI, RS, CIPH, AUTH]) addPrompts(`db/advbench_subset/${cls}`, 'advbench_subset');

    const modelId = new Map<ModelCode, RowId>();
    const dbRows = PLAN.filter((r) => r[1].startsWith('db:'));
    for (const m of [...new Set(dbRows.map((r) => r[0]))]) {
      const name = idIn('db', m);
      const provider = name.includes('/') ? name.split('/')[0] : 'community';
      modelId.set(m, insModel.run(name, provider, MODELS[m].dbParams ?? null).lastInsertRowid);
    }
    for (const row of dbRows) {
      const [m, ds, cls] = row;
      const dataset = ds.slice(3);
      const runId = insRun.run(
        modelId.get(m),
        `${dataset}/${idIn('db', m)}`,
        isoUtc(clocks.tick('db', rng)),
        `${cls} sweep`,
      ).lastInsertRowid;
      const pool = dataset === 'jailbreak_archaeology' ? JA : `db/${dataset}/${cls}`;
      const ids = expectDefined(promptIds.get(pool), `the prompts of ${pool}`);
      const start = rng.int(0, ids.length - 1);
      slotsOf(row, rng, SPECIAL).forEach((slot, i) => {
        const k = (start + i) % ids.length;
        const sc = scenarios.get(cycle(scenarios.pool(pool), k));
        const text =
          slot.special === 'nullResponse' ? null : textForSlot(slot, cls, sc.topic, rng, sc.prompt);
        const heuristic =
          text === null
            ? null
            : heuristicSuccess(text)
              ? rng.pick(['COMPLIANCE', 'jailbroken'])
              : rng.pick(['REFUSAL', 'refused', 'UNCLEAR']);
        const verdict =
          slot.verdict === null
            ? null
            : slot.verdict === 'REFUSAL' && rng.chance(0.03)
              ? 'refusal'
              : slot.verdict;
        const classifier =
          slot.verdict === null ? null : rng.chance(0.7) ? 'claude-haiku-4.5' : 'gemini-2.5-flash';
        insResult.run(
          runId,
          cycle(ids, k),
          verdict,
          heuristic,
          classifier,
          text,
          rng.int(300, 9000),
          isoUtc(clocks.tick('db', rng)),
        );
      });
    }
  })();
  db.exec('VACUUM');
  db.close();
}
