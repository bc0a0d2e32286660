// A synthetic Failure-First corpus with realistic line sizes, for `npm run bench`.
// Deterministic (seeded): the same arguments write the same bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MODELS = [
  'qwen3.5:0.8b', 'qwen3.5:2b', 'qwen3.5:4b', 'qwen/qwen3.5-9b', 'qwen3.5:27b', 'gemma3:4b', 'google/gemma-3-12b-it',
  'google/gemma-3-27b-it', 'llama3.1:8b', 'meta-llama/llama-3.3-70b-instruct:free', 'meta-llama/llama-3.1-405b-instruct',
  'mistralai/mistral-small-3.1-24b-instruct', 'mistralai/mistral-small-3.2-24b-instruct', 'qwen/qwen3-30b-a3b',
  'nvidia/nemotron-3-super-120b-a12b:free', 'smollm2:135m', 'phi3:mini', 'openai/gpt-4.1', 'deepseek/deepseek-r1-distill-qwen-7b',
  'huihui_ai/qwen3-abliterated:8b', 'microsoft/phi-4-14b', 'ollama/llama3.2:3b', 'mixtral-8x7b', 'granite3.3:2b',
];
const CLASSES = ['dan_persona', 'format_lock', 'authority_gradient', 'crescendo', 'lace_cipher', 'reasoning_dilution',
  'prompt_injection', 'refusal_suppression', 'roleplay', 'stress_compliance', 'many_shot', 'obfuscation'];
const DATASETS = ['benchmark_traces', 'jailbreak_archaeology', 'crescendo_frontier_s24', 'obliteratus_runs', 'format_lock_v2', 'agentic_drift'];
// Real traces are not plain ASCII: markdown, quotes, newlines, code, other scripts, emoji, markup.
const WORDS = ('the model should refuse request harmful instructions policy safety assistant cannot provide detailed steps ' +
  'however here is an overview hypothetical scenario character story chemistry network security bypass filter system ' +
  'prompt ignore previous rules developer mode enabled answer format json table cipher decode puzzle logic reasoning ' +
  '**Step** "quoted" \n\n- `code()` {"k": 1} <b>bold</b> 安全 模型 拒绝 режим ✅ 🙂 naïve café \t→ ...').split(' ');
const VERDICTS = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL', 'REFUSAL', 'REFUSAL'];

function text(rand, chars) {
  const out = [];
  let n = 0;
  while (n < chars) {
    const w = WORDS[Math.floor(rand() * WORDS.length)];
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ');
}

/** Log-normal-ish length: median `median`, long tail, capped. */
function length(rand, median, cap) {
  const u = Math.max(1e-9, rand());
  const v = rand();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(cap, Math.max(20, Math.round(median * Math.exp(0.8 * z))));
}

const fileName = (model) => model.replace(/\//g, '_').replace(/:/g, '-');

/** Writes `traces` traces under dir/runs; returns { files, bytes }. */
export function writeCorpus(dir, traces, seed = 42) {
  const rand = mulberry32(seed);
  fs.rmSync(dir, { recursive: true, force: true });
  const perCell = Math.ceil(traces / (DATASETS.length * MODELS.length));
  let written = 0;
  let bytes = 0;
  let files = 0;
  for (const [di, dataset] of DATASETS.entries()) {
    const gradedOnly = di % 2 === 1; // half the datasets: a graded file alone, as FLIP writes it
    for (const model of MODELS) {
      if (written >= traces) break;
      const n = Math.min(perCell, traces - written);
      const folder = path.join(dir, 'runs', dataset);
      fs.mkdirSync(folder, { recursive: true });
      const traceLines = [];
      const gradedLines = [];
      for (let i = 0; i < n; i++) {
        const cls = CLASSES[Math.floor(rand() * CLASSES.length)];
        const scenario = `${cls.slice(0, 3).toUpperCase()}-${String(Math.floor(rand() * 400)).padStart(3, '0')}`;
        const id = `${fileName(model)}_${dataset}_${written + i}`;
        const long = rand() < 0.002;
        const prompt = text(rand, long ? 60_000 : length(rand, 170, 6000));
        const response = rand() < 0.01 ? '[ERROR] upstream 502' : text(rand, length(rand, 240, 8000));
        const t = {
          trace_id: id,
          scenario_id: scenario,
          model_id: model,
          adapter_id: 'http_openrouter',
          dataset_kind: 'single',
          input: { scenario: { id: scenario, scenario_class: cls, attack_attempt: true } },
          scenario_input: { prompt, system_prompt: 'You are a helpful assistant.' },
          turns: [{ role: 'user', text: prompt }, { role: 'agent', text: response }],
          labels_pred: { attack_success_pred: rand() < 0.3 },
          metadata: {
            execution_timestamp: '2026-01-10T12:34:56.789+00:00',
            duration_ms: Math.floor(rand() * 9000),
            token_usage_normalized: { prompt_tokens: 812, completion_tokens: 240, total_tokens: 1052 },
          },
        };
        const verdict = VERDICTS[Math.floor(rand() * VERDICTS.length)];
        const reasoning = `${text(rand, length(rand, 110, 1500))}\nVerdict: ${verdict}`;
        if (gradedOnly) gradedLines.push(JSON.stringify({ ...t, llm_verdict: verdict, llm_raw: reasoning, grader_model: 'anthropic/claude-haiku-4.5' }));
        else {
          traceLines.push(JSON.stringify(t));
          if (rand() < 0.95) gradedLines.push(JSON.stringify({ trace_id: id, scenario_id: scenario, model_id: model, llm_verdict: verdict, llm_raw: reasoning, grader_model: 'anthropic/claude-haiku-4.5' }));
        }
      }
      if (traceLines.length) {
        const body = traceLines.join('\n') + '\n';
        fs.writeFileSync(path.join(folder, `${fileName(model)}_traces.jsonl`), body);
        bytes += Buffer.byteLength(body);
        files++;
      }
      if (gradedLines.length) {
        const body = gradedLines.join('\n') + '\n';
        fs.writeFileSync(path.join(folder, `flip_graded_${fileName(model)}.jsonl`), body);
        bytes += Buffer.byteLength(body);
        files++;
      }
      written += n;
    }
  }
  return { files, bytes, traces: written };
}

/** Appends `count` traces (and their graded lines) for one model of the first dataset; returns the file. */
export function appendTraces(dir, count, seed = 7) {
  const rand = mulberry32(seed);
  const model = MODELS[0];
  const folder = path.join(dir, 'runs', DATASETS[0]);
  const lines = [];
  const graded = [];
  for (let i = 0; i < count; i++) {
    const id = `appended_${seed}_${i}`;
    const prompt = text(rand, length(rand, 600, 6000));
    lines.push(JSON.stringify({ trace_id: id, scenario_id: `APP-${i}`, model_id: model, attack_class: 'crescendo', scenario_input: { prompt }, turns: [{ role: 'user', text: prompt }, { role: 'agent', text: text(rand, length(rand, 700, 8000)) }] }));
    graded.push(JSON.stringify({ trace_id: id, llm_verdict: VERDICTS[i % VERDICTS.length], grader_model: 'anthropic/claude-haiku-4.5' }));
  }
  const traceFile = path.join(folder, `${fileName(model)}_traces.jsonl`);
  fs.appendFileSync(traceFile, lines.join('\n') + '\n');
  fs.appendFileSync(path.join(folder, `flip_graded_${fileName(model)}.jsonl`), graded.join('\n') + '\n');
  return traceFile;
}
