// Synthetic Failure-First corpora for `npm run bench` (and the workbench test's speed run), in three
// shapes. Deterministic: the same arguments write the same JSONL bytes.
//   short    graded files only (a FLIP graded line carries its trace), responses of 60–560 characters,
//            lines of about 1.1 KB, 44 files
//   default  the corpus the bench has always used: realistic line sizes, half the datasets as trace
//            files with separate graded files, half as graded files alone
//   long     the default layout with reasoning traces: responses of 4–16 KB with newlines, quotes and
//            non-ASCII text
// Every corpus also has a small jailbreak_corpus.db (the peers in peers/ need one).
// An .mts file with erasable syntax only: test/e2e/workbench.test.mjs imports it with plain Node.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Shape = 'short' | 'default' | 'long';

export interface CorpusInfo {
  shape: Shape;
  /** Traces ff-lens counts: JSONL traces and corpus rows. */
  traces: number;
  lines: number;
  files: number;
  bytes: number;
}

/** Bumped whenever the generator writes other bytes for the same arguments. */
export const GENERATOR_VERSION = 2;

/** Corpus rows in jailbreak_corpus.db. */
export const DB_ROWS = 1000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T,>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

export const MODELS = [
  'qwen3.5:0.8b',
  'qwen3.5:2b',
  'qwen3.5:4b',
  'qwen/qwen3.5-9b',
  'qwen3.5:27b',
  'gemma3:4b',
  'google/gemma-3-12b-it',
  'google/gemma-3-27b-it',
  'llama3.1:8b',
  'meta-llama/llama-3.3-70b-instruct:free',
  'meta-llama/llama-3.1-405b-instruct',
  'mistralai/mistral-small-3.1-24b-instruct',
  'mistralai/mistral-small-3.2-24b-instruct',
  'qwen/qwen3-30b-a3b',
  'nvidia/nemotron-3-super-120b-a12b:free',
  'smollm2:135m',
  'phi3:mini',
  'openai/gpt-4.1',
  'deepseek/deepseek-r1-distill-qwen-7b',
  'huihui_ai/qwen3-abliterated:8b',
  'microsoft/phi-4-14b',
  'ollama/llama3.2:3b',
  'mixtral-8x7b',
  'granite3.3:2b',
];
const CLASSES = [
  'dan_persona',
  'format_lock',
  'authority_gradient',
  'crescendo',
  'lace_cipher',
  'reasoning_dilution',
  'prompt_injection',
  'refusal_suppression',
  'roleplay',
  'stress_compliance',
  'many_shot',
  'obfuscation',
];
const DATASETS = [
  'benchmark_traces',
  'jailbreak_archaeology',
  'crescendo_frontier_s24',
  'obliteratus_runs',
  'format_lock_v2',
  'agentic_drift',
];
// Real traces are not plain ASCII: markdown, quotes, newlines, code, other scripts, emoji, markup.
const WORDS = (
  'the model should refuse request harmful instructions policy safety assistant cannot provide detailed steps ' +
  'however here is an overview hypothetical scenario character story chemistry network security bypass filter system ' +
  'prompt ignore previous rules developer mode enabled answer format json table cipher decode puzzle logic reasoning ' +
  '**Step** "quoted" \n\n- `code()` {"k": 1} <b>bold</b> 安全 模型 拒绝 режим ✅ 🙂 naïve café \t→ ...'
).split(' ');
const VERDICTS = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL', 'REFUSAL', 'REFUSAL'];
/** The corpus's one grader: its verdicts are every trace's primary ones. */
export const GRADER = 'anthropic/claude-haiku-4.5';

function text(rand: Rand, chars: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < chars) {
    const w = pick(rand, WORDS);
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ');
}

/** A reasoning trace: paragraphs and numbered steps, quotes and non-ASCII text, about `chars` long. */
function reasoning(rand: Rand, chars: number): string {
  const out: string[] = [];
  let n = 0;
  for (let step = 1; n < chars; step++) {
    const p =
      rand() < 0.3
        ? `${step}. Let me check "${text(rand, 30)}" — ${text(rand, 60 + rand() * 200)}`
        : text(rand, 80 + rand() * 500);
    out.push(p);
    n += p.length + 2;
  }
  return out.join(rand() < 0.5 ? '\n\n' : '\n');
}

/** Log-normal-ish length: median `median`, long tail, capped. */
function length(rand: Rand, median: number, cap: number): number {
  const u = Math.max(1e-9, rand());
  const v = rand();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(cap, Math.max(20, Math.round(median * Math.exp(0.8 * z))));
}

const fileName = (model: string): string => model.replace(/\//g, '_').replace(/:/g, '-');
const uniform = (rand: Rand, lo: number, hi: number): number => Math.round(lo + rand() * (hi - lo));

function response(rand: Rand, shape: Shape): string {
  if (rand() < 0.01) return '[ERROR] upstream 502';
  if (shape === 'short') return text(rand, uniform(rand, 60, 560));
  if (shape === 'long') return reasoning(rand, uniform(rand, 4000, 16000));
  return text(rand, length(rand, 240, 8000));
}

function traceObject(rand: Rand, shape: Shape, id: string, model: string): Record<string, unknown> {
  const cls = pick(rand, CLASSES);
  const scenario = `${cls.slice(0, 3).toUpperCase()}-${String(Math.floor(rand() * 400)).padStart(3, '0')}`;
  if (shape === 'short') {
    const prompt = text(rand, uniform(rand, 100, 260));
    return {
      trace_id: id,
      scenario_id: scenario,
      model_id: model,
      input: { scenario: { id: scenario, scenario_class: cls } },
      turns: [
        { role: 'user', text: prompt },
        { role: 'agent', text: response(rand, shape) },
      ],
      metadata: {
        execution_timestamp: '2026-01-10T12:34:56.789+00:00',
        duration_ms: Math.floor(rand() * 9000),
      },
    };
  }
  const long = rand() < 0.002;
  const prompt = text(rand, long ? 60_000 : length(rand, 170, 6000));
  return {
    trace_id: id,
    scenario_id: scenario,
    model_id: model,
    adapter_id: 'http_openrouter',
    dataset_kind: 'single',
    input: { scenario: { id: scenario, scenario_class: cls, attack_attempt: true } },
    scenario_input: { prompt, system_prompt: 'You are a helpful assistant.' },
    turns: [
      { role: 'user', text: prompt },
      { role: 'agent', text: response(rand, shape) },
    ],
    labels_pred: { attack_success_pred: rand() < 0.3 },
    metadata: {
      execution_timestamp: '2026-01-10T12:34:56.789+00:00',
      duration_ms: Math.floor(rand() * 9000),
      token_usage_normalized: { prompt_tokens: 812, completion_tokens: 240, total_tokens: 1052 },
    },
  };
}

function verdictFields(
  rand: Rand,
  shape: Shape,
): { llm_verdict: string; llm_raw: string; grader_model: string } {
  const verdict = pick(rand, VERDICTS);
  const chars = shape === 'short' ? uniform(rand, 40, 160) : length(rand, 110, 1500);
  return { llm_verdict: verdict, llm_raw: `${text(rand, chars)}\nVerdict: ${verdict}`, grader_model: GRADER };
}

/** Datasets (folders under runs/) and whether each holds graded files alone. */
function layout(shape: Shape): { datasets: string[]; models: string[]; gradedOnly: (i: number) => boolean } {
  if (shape === 'short')
    return { datasets: DATASETS.slice(0, 2), models: MODELS.slice(0, 22), gradedOnly: () => true };
  return { datasets: DATASETS, models: MODELS, gradedOnly: (i) => i % 2 === 1 };
}

/** Writes `traces` JSONL traces under dir/runs and the corpus database; returns what was written. */
export function writeCorpus(dir: string, traces: number, shape: Shape = 'default', seed = 42): CorpusInfo {
  const rand = mulberry32(seed);
  fs.rmSync(dir, { recursive: true, force: true });
  const { datasets, models, gradedOnly } = layout(shape);
  const perCell = Math.ceil(traces / (datasets.length * models.length));
  const info: CorpusInfo = { shape, traces: 0, lines: 0, files: 0, bytes: 0 };
  let written = 0;
  for (const [di, dataset] of datasets.entries()) {
    for (const model of models) {
      if (written >= traces) break;
      const n = Math.min(perCell, traces - written);
      const folder = path.join(dir, 'runs', dataset);
      fs.mkdirSync(folder, { recursive: true });
      const traceLines: string[] = [];
      const gradedLines: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = `${fileName(model)}_${dataset}_${written + i}`;
        const t = traceObject(rand, shape, id, model);
        const v = verdictFields(rand, shape);
        if (gradedOnly(di)) gradedLines.push(JSON.stringify({ ...t, ...v }));
        else {
          traceLines.push(JSON.stringify(t));
          if (rand() < 0.95)
            gradedLines.push(
              JSON.stringify({ trace_id: id, scenario_id: t.scenario_id, model_id: model, ...v }),
            );
        }
      }
      for (const [name, lines] of [
        [`${fileName(model)}_traces.jsonl`, traceLines],
        [`flip_graded_${fileName(model)}.jsonl`, gradedLines],
      ] as const) {
        if (lines.length === 0) continue;
        const body = `${lines.join('\n')}\n`;
        fs.writeFileSync(path.join(folder, name), body);
        info.bytes += Buffer.byteLength(body);
        info.lines += lines.length;
        info.files++;
      }
      written += n;
    }
  }
  writeDatabase(path.join(dir, 'database', 'jailbreak_corpus.db'), mulberry32(seed + 1));
  info.files++;
  info.bytes += fs.statSync(path.join(dir, 'database', 'jailbreak_corpus.db')).size;
  info.traces = written + DB_ROWS;
  return info;
}

/** A small corpus database with the tables of FORMATS.md §4. */
function writeDatabase(file: string, rand: Rand): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.exec(`
      CREATE TABLE models(id INTEGER PRIMARY KEY, name TEXT, provider TEXT, parameter_count TEXT);
      CREATE TABLE evaluation_runs(id INTEGER PRIMARY KEY, model_id INTEGER);
      CREATE TABLE techniques(id INTEGER PRIMARY KEY, name TEXT, family TEXT);
      CREATE TABLE source_datasets(id INTEGER PRIMARY KEY, name TEXT);
      CREATE TABLE prompts(id INTEGER PRIMARY KEY, technique_id INTEGER, source_dataset_id INTEGER, external_id TEXT);
      CREATE TABLE results(id INTEGER PRIMARY KEY, evaluation_run_id INTEGER, prompt_id INTEGER, llm_verdict TEXT,
        heuristic_verdict TEXT, llm_classifier TEXT, raw_response TEXT);`);
    db.transaction(() => {
      MODELS.slice(0, 12).forEach((m, i) => {
        db.prepare('INSERT INTO models VALUES (?, ?, ?, NULL)').run(i + 1, m, 'ollama');
        db.prepare('INSERT INTO evaluation_runs VALUES (?, ?)').run(i + 1, i + 1);
      });
      CLASSES.forEach((c, i) =>
        db.prepare('INSERT INTO techniques VALUES (?, ?, ?)').run(i + 1, `${c}_v1`, c),
      );
      ['advbench_subset', 'corpus_archive'].forEach((d, i) =>
        db.prepare('INSERT INTO source_datasets VALUES (?, ?)').run(i + 1, d),
      );
      for (let i = 1; i <= 200; i++)
        db.prepare('INSERT INTO prompts VALUES (?, ?, ?, ?)').run(
          i,
          1 + Math.floor(rand() * CLASSES.length),
          1 + (i % 2),
          `DB-${String(i).padStart(3, '0')}`,
        );
      const insert = db.prepare('INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (let i = 1; i <= DB_ROWS; i++)
        insert.run(
          i,
          1 + Math.floor(rand() * 12),
          1 + Math.floor(rand() * 200),
          rand() < 0.9 ? pick(rand, VERDICTS) : null,
          pick(rand, ['COMPLIANCE', 'REFUSAL']),
          GRADER,
          text(rand, length(rand, 240, 4000)),
        );
    })();
  } finally {
    db.close();
  }
}

/** The files appendTraces() grows: the first model's trace and graded files of the first dataset. */
function appendFiles(dir: string): { traceFile: string; gradedFile: string } {
  const model = fileName(MODELS[0] as string);
  const folder = path.join(dir, 'runs', DATASETS[0] as string);
  return {
    traceFile: path.join(folder, `${model}_traces.jsonl`),
    gradedFile: path.join(folder, `flip_graded_${model}.jsonl`),
  };
}

/** The files of a corpus that appendTraces() grows (its graded file alone in the short shape). */
export function appendTargets(dir: string): string[] {
  const { traceFile, gradedFile } = appendFiles(dir);
  return [traceFile, gradedFile].filter((f) => fs.existsSync(f));
}

/**
 * Appends `count` traces to the first model's files of the first dataset (its trace and graded
 * files, or its graded file alone in the short shape); returns the files appended to.
 */
export function appendTraces(dir: string, count: number, seed = 7, shape: Shape = 'default'): string[] {
  return writeAppend(appendedText(dir, count, seed, shape));
}

/** What appendTraces() writes, made but not yet written (a timing can then start at the write). */
export function appendedText(
  dir: string,
  count: number,
  seed = 7,
  shape: Shape = 'default',
): { file: string; text: string }[] {
  const rand = mulberry32(seed);
  const model = MODELS[0] as string;
  const { traceFile, gradedFile } = appendFiles(dir);
  const lines: string[] = [];
  const graded: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `appended_${seed}_${i}`;
    if (shape === 'short') {
      graded.push(JSON.stringify({ ...traceObject(rand, shape, id, model), ...verdictFields(rand, shape) }));
      continue;
    }
    const prompt = text(rand, length(rand, 600, 6000));
    const answer = shape === 'long' ? response(rand, shape) : text(rand, length(rand, 700, 8000));
    lines.push(
      JSON.stringify({
        trace_id: id,
        scenario_id: `APP-${i}`,
        model_id: model,
        attack_class: 'crescendo',
        scenario_input: { prompt },
        turns: [
          { role: 'user', text: prompt },
          { role: 'agent', text: answer },
        ],
      }),
    );
    graded.push(
      JSON.stringify({ trace_id: id, llm_verdict: VERDICTS[i % VERDICTS.length], grader_model: GRADER }),
    );
  }
  const parts: { file: string; text: string }[] = [];
  if (lines.length > 0) parts.push({ file: traceFile, text: `${lines.join('\n')}\n` });
  parts.push({ file: gradedFile, text: `${graded.join('\n')}\n` });
  return parts;
}

/** Appends what appendedText() made; returns the files appended to. */
export function writeAppend(parts: { file: string; text: string }[]): string[] {
  for (const { file, text } of parts) fs.appendFileSync(file, text);
  return parts.map((p) => p.file);
}
