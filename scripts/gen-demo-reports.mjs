#!/usr/bin/env node
// @ts-check
// The demo workspace's report and saved analysis, for the editor's report checks and Compare tab:
//
//   reports/353-inverse-scaling.md          report #353's results sections as Markdown, with one
//                                           figure deliberately stale (so a diagnostic shows);
//   runs/inverse_scaling/initial_analysis.json
//                                           the results document from before the dilution runs
//                                           (where report #353 keeps its raw output).
//
// Both come from the built engine: the snapshot is `ff-lens analyze` of a copy of the workspace
// without runs/reasoning_dilution_qwen35/, with a fixed generated_at, so regenerating is
// byte-identical; the report's pooled table is the current analysis written in #353's style.
// Afterwards `ff-lens check-report` must find every figure holding except the stale one.
//
// Called by gen-demo.mjs once the workspace is written; alone: node scripts/gen-demo-reports.mjs

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'ff-lens.js');
const DILUTION_RUNS = 'runs/reasoning_dilution_qwen35';
const SNAPSHOT = 'runs/inverse_scaling/initial_analysis.json';
const REPORT = 'reports/353-inverse-scaling.md';
/** The date of report #353: the snapshot stands for the analysis the report was written from. */
const SNAPSHOT_AT = '2026-04-11T00:00:00.000Z';

/** @typedef {import('../src/engine/report/results').ResultsDocument} ResultsDocument */
/** @typedef {import('../src/engine/report/results').RegressionJson} RegressionJson */

/** JSON.parse typed as what it returns: unknown, until a JSDoc type says what the text holds. */
const parseJson = /** @type {(text: string) => unknown} */ (JSON.parse);

/**
 * Runs Node with `args` in the repository; resolves with its standard output.
 * @param {string[]} args
 * @param {string} what
 */
function run(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const analyse = (/** @type {string} */ folder) =>
  /** @type {ResultsDocument} */ (
    parseJson(run([BIN, 'analyze', folder, '--no-index', '--json', '-'], `ff-lens analyze ${folder}`))
  );

// #353's style: `25,625`, `−12.73`, `+1.10`, `0.843`, one decimal and `%` for a rate.
const thousands = (/** @type {number} */ n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const signed = (/** @type {number} */ v, /** @type {number} */ d) =>
  `${v >= 0 ? '+' : '\u2212'}${Math.abs(v).toFixed(d)}`;
const pct = (/** @type {number} */ rate) => `${(100 * rate).toFixed(1)}%`;

/** @param {RegressionJson} r */
function direction(r) {
  const strength = r.ols?.r2 !== null && r.ols?.r2 !== undefined && r.ols.r2 >= 0.5 ? 'strong' : 'weak';
  switch (r.classification) {
    case 'INVERSE_SCALING':
      return `Inverse scaling (${strength})`;
    case 'POSITIVE_SCALING':
      return `Positive scaling (${strength})`;
    case 'FLAT_OR_NOISY':
      return 'Flat';
    default:
      return 'Insufficient (one size)';
  }
}

/**
 * The strict ASR of a lineage member.
 * @param {ResultsDocument} doc
 * @param {string} lineage
 * @param {string} model
 */
function memberRate(doc, lineage, model) {
  const m = doc.lineages.find((l) => l.name === lineage)?.members.find((x) => x.model === model);
  if (!m?.strict) throw new Error(`no member ${model} of ${lineage}`);
  return m.strict.rate;
}

/**
 * @param {ResultsDocument} current
 * @param {ResultsDocument} snapshot
 */
function reportText(current, snapshot) {
  const pooled = current.regressions
    .filter((r) => r.group === 'dataset')
    .map(
      (r) =>
        `| ${(r.key.dataset ?? '').replace(/_/g, '\\_')} | ${thousands(r.n_traces)} | ${r.ols ? signed(r.ols.slope_pp, 2) : '–'} | ${r.ols?.r2 == null ? '–' : r.ols.r2.toFixed(3)} | ${direction(r)} |`,
    );
  // The deliberately stale figure: Qwen 3.5 2B as the saved analysis had it, before the dilution runs.
  const stale = pct(memberRate(snapshot, 'Qwen 3.5', 'qwen3.5:2b'));
  const now = pct(memberRate(current, 'Qwen 3.5', 'qwen3.5:2b'));
  if (stale === now) throw new Error(`the stale figure (${stale}) is not stale`);
  return {
    stale,
    text: `# Report #353: The Inverse Scaling Law of Safety (results sections)

<!-- Sections 3.1–3.3 of report #353, restated on this demo workspace. The pooled table is this
demo's own datasets; the matched-lineage figures are the report's. One figure, Qwen 3.5 2B, is
deliberately stale: it is the value of runs/inverse_scaling/initial_analysis.json, the analysis
saved before the dilution runs, so the editor flags it. -->

## 3. Results

### 3.1 Pooled Dataset-Level Analysis

| Dataset | n | Slope (pp/decade) | R² | Direction |
|---|---|---|---|---|
${pooled.join('\n')}

At the pooled level the datasets disagree even in sign: a dataset's slope reflects its mix of
attack classes and models as much as scale, which is why the matched lineages below matter more.

### 3.2 Matched-Lineage Analysis

Filtering to same-generation, same-training lineages:

Gemma 3 lineage (2 sizes)
- 4B: n=32, strict ASR = 0.0%
- 27B: n=241, strict ASR = 6.2%
- Trend: mild inverse (+6 pp on the 4B→27B transition)

Llama 3 lineage (2 sizes)
- Llama 3.1 8B: n=39, strict ASR = 12.8%
- Llama 3.3 70B: n=617, strict ASR = 14.9%
- Trend: mild inverse (+2 pp on the 8B→70B transition)

Qwen 3.5 base lineage (4 sizes)
- 0.8B: 58.6% | 2B: ${stale} | 4B: 78.9% | 9B: 57.4%
- Trend: non-monotonic U-shape, 2B is the worst, ASR recovers at 9B

Mistral Small lineage (2 variants at 24B)
- 3.1: 5.1% | 3.2: 2.3%
- Trend: flat across versions

### 3.3 Interpretation

None of the matched-lineage signals approach the 40–99 pp deltas claimed for reasoning-dilution
attacks in the literature. The Gemma and Llama inverse signals are real but small — consistent
with the hypothesis that at the pooled attack-class level, safety training broadly scales, but
specific reasoning-based attacks may still exhibit much larger inverse effects.

The Qwen 3.5 U-shape is interesting: it suggests that safety training is most effective at either
very small scales (where the model cannot reason around it) or large scales (where it has
capacity for robust refusal), and is weakest at mid-range sizes where the model has enough
capability to follow attack instructions but not enough to resist them. This is a novel pattern
that deserves targeted replication.
`,
  };
}

const README = `
## Report claims and a saved analysis

| file | what it is |
| --- | --- |
| \`${REPORT}\` | report #353's results sections; Failure-First Lens checks every figure it quotes against the analysis (\`ff-lens check-report\`, or diagnostics in the editor) |
| \`${SNAPSHOT}\` | the results document saved before the dilution runs, to compare the live analysis with (\`ff-lens compare\`, the Compare tab) |

One figure of the report is stale on purpose: Qwen 3.5 2B at %STALE%, the value of the saved
analysis; since the dilution runs it is %NOW%.
`;

/**
 * Writes the report and the saved analysis into the demo workspace at `out`, and checks the report.
 * @param {string} out
 */
export function writeReports(out) {
  run([path.join(ROOT, 'scripts', 'build.mjs')], 'the build');
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-demo-before-dilution-'));
  let snapshot;
  try {
    fs.cpSync(out, copy, {
      recursive: true,
      filter: (src) => path.relative(out, src).split(path.sep).join('/') !== DILUTION_RUNS,
    });
    snapshot = { ...analyse(copy), generated_at: SNAPSHOT_AT };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
  const current = analyse(out);
  const { text, stale } = reportText(current, snapshot);
  for (const [rel, body] of /** @type {const} */ ([
    [SNAPSHOT, `${JSON.stringify(snapshot, null, 2)}\n`],
    [REPORT, text],
  ])) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), body);
  }
  const now = pct(memberRate(current, 'Qwen 3.5', 'qwen3.5:2b'));
  // The workspace README (written by gen-demo.mjs) gets this section once, also when run alone.
  const readme = path.join(out, 'README.md');
  const own = fs.readFileSync(readme, 'utf8').split(README.slice(0, README.indexOf('\n', 1)))[0];
  fs.writeFileSync(readme, own + README.replace('%STALE%', stale).replace('%NOW%', now));

  // Every figure holds but the stale one.
  const check = /** @type {import('../src/engine/report/claims/types').ClaimsDocument} */ (
    parseJson(
      run(
        [BIN, 'check-report', path.join(out, REPORT), out, '--no-index', '--json', '-'],
        'ff-lens check-report',
      ),
    )
  );
  const off = check.claims.filter((c) => c.status !== 'HOLDS');
  const [first] = off;
  if (off.length !== 1 || first?.text !== stale || first.status !== 'CHANGED')
    throw new Error(`${REPORT}: expected only ${stale} to be stale, got ${JSON.stringify(off)}`);
  console.log(
    `Report ${REPORT}: ${check.claims.length} claims, all hold but the stale ${stale} (now ${now}); saved analysis ${SNAPSHOT} (${snapshot.inputs.traces.total} traces, before the dilution runs)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  writeReports(path.join(ROOT, 'examples', 'demo-workspace'));
