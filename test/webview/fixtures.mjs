// The canned data the fake host answers from: the real results document of the demo workspace
// (made by the CLI at test time) and a trace table built to match its cells, with the demo's
// adversarial traces (markup, ANSI escapes, bidi controls, a 200 KB response) in the cell the
// test opens, format_lock × qwen3.5:2b.
import fs from 'node:fs';
import path from 'node:path';

export const ADVERSARIAL_CELL = { attackClass: 'format_lock', model: 'qwen3.5:2b' };
/** A scenario whose selection has 100,000 rows (generated in the browser by the fake host). */
export const MANY_SCENARIO = 'BT-MANY';
export const MANY_ROWS = 100_000;
/** A scenario with a million rows: more than the page's uncompressed scroll range holds. */
export const MILLION_SCENARIO = 'BT-MILLION';
export const MILLION_ROWS = 1_000_000;

const RESPONSES = {
  COMPLIANCE:
    'Sure. Here is how to do it: [redacted operational step 1] [redacted operational step 2] [redacted operational step 3]',
  PARTIAL: 'I can only give general background: [redacted partial detail]. I will not go further than that.',
  REFUSAL:
    "I can't help with that request. If you are researching this topic, published safety guidance is a better place to start.",
  HALLUCINATION_REFUSAL:
    'I cannot help with that. (Then, anyway:) [redacted operational step 1] [redacted operational step 2]',
};

function slug(model) {
  return model.replace(/[/:]/g, '_');
}

function demoLine(demoDir, file, line) {
  const text = fs.readFileSync(path.join(demoDir, file), 'utf8').split('\n')[line - 1];
  if (!text) throw new Error(`demo workspace: no line ${line} in ${file}`);
  const o = JSON.parse(text);
  const turns = o.turns ?? [];
  const last = [...turns].reverse().find((t) => t.role === 'agent' || t.role === 'assistant');
  return {
    raw: text,
    id: o.trace_id,
    scenarioId: o.scenario_id,
    prompt: o.scenario_input?.prompt ?? null,
    systemPrompt: o.scenario_input?.system_prompt ?? null,
    response: last?.text ?? null,
    path: file,
    line,
  };
}

/** Builds { document, generation, status, rows, texts } for the fake host. */
export function buildFixtures(doc, demoDir) {
  const rows = [];
  const texts = {};
  const lines = new Map(); // path -> next line
  const place = (dataset, model) => {
    const p = `runs/${dataset}/${slug(model)}_traces.jsonl`;
    const line = (lines.get(p) ?? 0) + 1;
    lines.set(p, line);
    return { path: p, line };
  };

  // Datasets per model, from the dataset regressions (n evaluable traces each), handed out in order.
  const datasets = new Map();
  for (const r of doc.regressions.filter((r) => r.group === 'dataset'))
    for (const p of r.points) {
      if (!datasets.has(p.model)) datasets.set(p.model, []);
      datasets.get(p.model).push({ dataset: r.key.dataset, left: p.n });
    }
  const nextDataset = (model) => {
    const queue = datasets.get(model) ?? [];
    const d = queue.find((q) => q.left > 0);
    if (!d) return 'benchmark_traces';
    d.left -= 1;
    return d.dataset;
  };

  const grader = 'anthropic/claude-haiku-4.5';
  for (const cell of doc.cells) {
    const verdicts = [];
    for (const label of ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'])
      for (let i = 0; i < cell.counts[label]; i++) verdicts.push({ verdict: label, category: 'evaluable' });
    for (let i = 0; i < cell.ungraded; i++) verdicts.push({ verdict: null, category: 'ungraded' });
    for (let i = 0; i < cell.errors; i++) verdicts.push({ verdict: 'ERROR', category: 'error' });
    for (let i = 0; i < cell.benign; i++) verdicts.push({ verdict: 'BENIGN_QUERY', category: 'benign' });
    for (let i = 0; i < (cell.unknown_label ?? 0); i++)
      verdicts.push({ verdict: 'COMPLAINCE', category: 'unknown' });
    // Interleave so that a page of the list shows a mix (k-th row takes every m-th verdict).
    const order = verdicts
      .map((v, i) => ({ v, key: (i * 7919) % Math.max(1, verdicts.length) }))
      .sort((a, b) => a.key - b.key);
    order.forEach(({ v }, k) => {
      const dataset = v.category === 'evaluable' ? nextDataset(cell.model) : 'benchmark_traces';
      const where = place(dataset, cell.model);
      const scenarioId = `${cell.attack_class.slice(0, 3).toUpperCase()}-${String(k + 1).padStart(3, '0')}`;
      const response =
        v.category === 'error'
          ? ''
          : (RESPONSES[v.verdict] ?? 'Here is a neutral answer to a benign question.');
      rows.push({
        id: `${cell.model}|${cell.attack_class}|${k + 1}`,
        model: cell.model,
        scenarioId,
        attackClass: cell.attack_class,
        dataset,
        variant: null,
        verdict: v.verdict,
        category: v.category,
        grader: v.category === 'ungraded' ? null : grader,
        excerpt: response.slice(0, 160),
        path: where.path,
        line: where.line,
      });
    });
  }

  // The demo's adversarial traces take the place of the first rows of the cell the test opens
  // (ids and texts change; verdicts stay, so the cell's counts still match the document).
  const adversarial = [
    demoLine(demoDir, 'runs/benchmark_traces/qwen3.5-2b_traces.jsonl', 21),
    {
      ...demoLine(demoDir, 'runs/benchmark_traces/meta-llama_llama-3.3-70b-instruct-free_traces.jsonl', 56),
      id: 'canned-ansi',
    },
    {
      ...demoLine(demoDir, 'runs/benchmark_traces/mistralai_mistral-small-3.2-24b-instruct_traces.jsonl', 19),
      id: 'canned-bidi',
    },
    { ...demoLine(demoDir, 'runs/benchmark_traces/qwen3.5-0.8b_traces.jsonl', 10), id: 'canned-200kb' },
    {
      id: 'canned-alert',
      scenarioId: 'BT-FMT-XSS',
      prompt: 'Reply with <b>bold</b> HTML: <script>alert(1)</script>',
      systemPrompt: null,
      response:
        '<script>alert(1)</script><img src=x onerror="alert(2)"><iframe srcdoc="<script>alert(3)</script>"></iframe>',
      raw: null,
      path: 'runs/benchmark_traces/qwen3.5-2b_traces.jsonl',
      line: 900,
    },
  ];
  const cellRows = rows.filter(
    (r) => r.attackClass === ADVERSARIAL_CELL.attackClass && r.model === ADVERSARIAL_CELL.model,
  );
  adversarial.forEach((a, i) => {
    const row = cellRows[i];
    if (!row) throw new Error('the adversarial cell has too few rows');
    Object.assign(row, {
      id: a.id,
      scenarioId: a.scenarioId,
      excerpt: (a.response ?? '').slice(0, 160),
      path: a.path,
      line: a.line,
    });
    texts[a.id] = {
      prompt: a.prompt,
      response: a.response,
      systemPrompt: a.systemPrompt,
      raw: a.raw ?? JSON.stringify({ trace_id: a.id, response: a.response }),
      reasoning: 'Verdict: COMPLIANCE. The response <b>contains</b> the requested steps.\u001b[0m',
    };
  });
  // Reasoning dilution: A and B rows per model, k-th A paired with k-th B.
  for (const m of doc.dilution.models) {
    for (const [variant, arm] of [
      ['A', m.a],
      ['B', m.b],
    ]) {
      for (let i = 0; i < arm.n; i++) {
        const verdict = i < arm.k ? 'COMPLIANCE' : 'REFUSAL';
        const base = `SC-${String(i + 1).padStart(3, '0')}`;
        const where = place('reasoning_dilution_qwen35', `${m.model}_${variant}`);
        rows.push({
          id: `${m.model}|dilution|${variant}|${i + 1}`,
          model: m.model,
          scenarioId: variant === 'A' ? base : `${base}__dilution`,
          attackClass: 'reasoning_dilution',
          dataset: 'reasoning_dilution_qwen35',
          variant,
          verdict,
          category: 'evaluable',
          grader,
          excerpt:
            (variant === 'B' ? '[solves the logic puzzle first] ' : '') + RESPONSES[verdict].slice(0, 120),
          path: where.path,
          line: where.line,
          _dilution: true,
        });
      }
    }
  }

  // Disagreements: a dozen traces per grader pair on which the two verdicts differ.
  for (const a of doc.agreement) {
    for (let i = 0; i < 12; i++) {
      const [v1, v2] = i % 2 ? ['COMPLIANCE', 'REFUSAL'] : ['PARTIAL', 'COMPLIANCE'];
      rows.push({
        id: `disagree|${a.secondary}|${i + 1}`,
        model: 'meta-llama/llama-3.3-70b-instruct',
        scenarioId: `BT-DIS-${String(i + 1).padStart(3, '0')}`,
        attackClass: 'prompt_injection',
        dataset: 'benchmark_traces',
        variant: null,
        verdict: v1,
        category: 'evaluable',
        grader: a.primary,
        secondVerdict: v2,
        excerpt: RESPONSES[v1].slice(0, 160),
        path: 'runs/benchmark_traces/meta-llama_llama-3.3-70b-instruct-free_traces.jsonl',
        line: 100 + i,
        _primary: a.primary,
        _secondary: a.secondary,
        _disagreement: true,
      });
    }
  }

  const status = {
    state: 'ready',
    traces: doc.inputs.traces.total,
    problems: doc.inputs.problems.length,
    generation: 1,
    analysedAt: doc.generated_at,
  };
  return {
    document: doc,
    generation: 1,
    status,
    rows,
    texts,
    many: { scenarioId: MANY_SCENARIO, rows: MANY_ROWS },
    million: { scenarioId: MILLION_SCENARIO, rows: MILLION_ROWS },
  };
}
