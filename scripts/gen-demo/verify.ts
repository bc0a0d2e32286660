/**
 * Verification: the written workspace read back by the engine itself (src/engine: Workspace,
 * analyse, the scenario catalog), and its results held against the plan: the matched-lineage table
 * of report #353, the dilution deltas, the designed outlier, the grader agreement and every
 * deliberate problem. The independent reader is test/reference/ff_reference.py, which the cli
 * suite compares with the engine on this same workspace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ScenarioCatalog } from '../../src/engine/analyse/scenarios.ts';
import { compareCodePoints } from '../../src/engine/read/discover.ts';
import type { ResultsDocument } from '../../src/engine/report/results.ts';
import { withDefaults } from '../../src/engine/settings.ts';
import { Workspace } from '../../src/engine/workspace.ts';
import { expectDefined } from '../../src/shared/expect.ts';
import { percent, signed } from '../../src/shared/format.ts';
import { DB_REL } from './database.ts';
import {
  AUTH,
  CIPH,
  CROSS_GRADER,
  DAN,
  DILUTION_MODELS,
  DILUTION_TARGET,
  PRIMARY_GRADER,
  TARGET,
  assert,
} from './plan.ts';

/** The problems the plan puts in the input on purpose, and nothing else. */
const EXPECTED_PROBLEMS: [string, RegExp][] = [
  ['runs/benchmark_traces/llama3.1-8b_traces.jsonl', /^duplicate trace id /],
  ['runs/benchmark_traces/meta-llama_llama-3.3-70b-instruct-free_flip_graded.jsonl', /already graded by /],
  ['runs/benchmark_traces/openai_gpt-4.1_traces.jsonl', /^missing model/],
  ['runs/benchmark_traces/phi4-14b_traces.jsonl', /^truncated last line/],
  ['runs/benchmark_traces/qwen3.5-4b_flip_graded.jsonl', /^unknown verdict label "COMPLAINCE"/],
  ['runs/benchmark_traces/qwen_qwen3-30b-a3b_traces.jsonl', /^not a JSON object/],
  ['runs/grading/jailbreak_archaeology/graded_google_gemma-3-27b-it.jsonl', /^graded line matches no trace/],
  ['runs/jailbreak_archaeology/google_gemma-3-27b-it_traces.jsonl', /^invalid JSON/],
];

/** Every file under `dir`, workspace-relative with `/`. */
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), r));
    else out.push(r);
  }
  return out;
}

/** Analyses the workspace at `root` with the engine (default settings, no index file) and checks it. */
export async function verify(root: string): Promise<ResultsDocument> {
  const ws = new Workspace(root, { settings: withDefaults({}), indexPath: null });
  try {
    await ws.refresh();
    const run = ws.analyse();
    const doc = run.document;
    checkLineages(doc);
    checkDilution(doc);
    checkAttackClasses(doc);
    checkAgreement(doc);
    checkInputs(doc, walk(root));

    // Scenario files define every scenario id a trace names (B variants by their own id), with
    // one line without an id and one id defined twice for the editor's diagnostics.
    const catalog = new ScenarioCatalog(run, ws.traceIndex);
    const defined = new Set(catalog.lines.map((l) => l.id));
    const missing = [
      ...new Set(
        run.traceSet.traces.map((t) => t.scenarioId).filter((id) => id !== null && !defined.has(id)),
      ),
    ];
    assert(missing.length === 0, `scenario ids not in data/scenarios: ${missing.slice(0, 5).join(', ')}`);
    assert(catalog.lines.filter((l) => l.id === null).length === 1, 'one scenario line without an id');
    assert(catalog.duplicates().length === 1, 'one scenario id defined twice');

    // The SQLite header's read and write versions: 1 is the rollback journal, 2 would be WAL.
    const header = fs.readFileSync(path.join(root, DB_REL)).subarray(0, 20);
    assert(header[18] === 1 && header[19] === 1, 'database must be in rollback-journal (not WAL) mode');
    return doc;
  } finally {
    ws.close();
  }
}

/** Item 1: the matched-lineage table of report #353, member for member. */
function checkLineages(doc: ResultsDocument): void {
  const members = doc.lineages.flatMap((l) => l.members.map((m) => ({ ...m, lineage: l.name })));
  const got = members.map((m) => m.model).sort(compareCodePoints);
  const want = TARGET.map((t) => t.key).sort(compareCodePoints);
  assert(got.join() === want.join(), `lineage members ${got.join(', ')} ≠ ${want.join(', ')}`);
  for (const tgt of TARGET) {
    const m = expectDefined(
      members.find((x) => x.model === tgt.key),
      `${tgt.key} in a lineage`,
    );
    assert(m.lineage === tgt.lineage, `${tgt.key}: lineage ${m.lineage}`);
    assert(m.n === tgt.n, `${tgt.key}: n ${m.n} ≠ ${tgt.n}`);
    assert(percent(m.strict?.rate) === `${tgt.strict}%`, `${tgt.key}: strict ${percent(m.strict?.rate)}`);
  }
}

/** Item 4: Δ strict ASR per Qwen 3.5 size as designed, and a headline above the threshold. */
function checkDilution(doc: ResultsDocument): void {
  const models = doc.dilution.models;
  assert(
    models.length === DILUTION_MODELS.length,
    `dilution models: ${models.map((d) => d.model).join(', ')}`,
  );
  for (const m of DILUTION_MODELS) {
    const key = expectDefined(
      TARGET.find((t) => t.m === m),
      `the target of ${m}`,
    ).key;
    const d = models.find((x) => x.model === key);
    assert(
      d !== undefined && d.delta_pp !== null && Math.abs(d.delta_pp - DILUTION_TARGET[m]) < 1e-9,
      `${key}: Δ ${d?.delta_pp}`,
    );
    assert(d.pairs >= 49, `${key}: pairs ${d.pairs}`);
  }
  const headline = doc.dilution.headlines.find((h) => h.lineage === 'Qwen 3.5');
  assert(
    headline !== undefined &&
      headline.meets_threshold &&
      headline.delta_span_pp > doc.settings.headline_threshold_pp,
    `Qwen 3.5 headline span ${headline?.delta_span_pp}`,
  );
}

/** phi-4's authority_gradient cell is the one outlier of its class; two classes scale as designed. */
function checkAttackClasses(doc: ResultsDocument): void {
  const outliers = doc.cells.filter((c) => c.attack_class === AUTH && c.outlier).map((c) => c.model);
  assert(outliers.join() === 'phi4:14b', `authority_gradient outliers: ${outliers.join(', ')}`);
  const classification = (cls: string) =>
    doc.regressions.find((r) => r.group === 'attack_class' && r.key.attack_class === cls)?.classification;
  assert(classification(CIPH) === 'INVERSE_SCALING', 'cipher_encoding should scale inversely');
  assert(classification(DAN) === 'POSITIVE_SCALING', 'dan_persona should scale positively');
}

/** The cross-grader agrees with the primary grader substantially, not perfectly. */
function checkAgreement(doc: ResultsDocument): void {
  const pair = doc.agreement.find((a) => a.primary === PRIMARY_GRADER && a.secondary === CROSS_GRADER);
  const kappa = pair?.kappa_labels ?? null;
  assert(kappa !== null && kappa >= 0.6 && kappa <= 0.8, `kappa on labels ${kappa}`);
}

/** Exactly the deliberate problems; every run file read, the snapshot copy not, the database too. */
function checkInputs(doc: ResultsDocument, onDisk: string[]): void {
  const problems = doc.inputs.problems;
  assert(
    problems.length === EXPECTED_PROBLEMS.length,
    `${problems.length} problems: ${problems.map((p) => `${p.path}:${p.line} ${p.reason}`).join('; ')}`,
  );
  for (const [file, reason] of EXPECTED_PROBLEMS)
    assert(
      problems.some((p) => p.path === file && reason.test(p.reason)),
      `expected a problem ${reason.source} in ${file}`,
    );
  const read = new Set(doc.inputs.files.map((f) => f.path));
  for (const p of onDisk.filter((x) => x.startsWith('runs/') && x.endsWith('.jsonl')))
    assert(read.has(p), `${p} matches no glob`);
  assert(
    !onDisk.some((p) => p.includes('.snapshot_') && read.has(p)),
    'the snapshot copy must match no glob',
  );
  const db = doc.inputs.files.find((f) => f.path === DB_REL);
  assert(db !== undefined && db.records > 0, 'database rows read');
}

/** What the engine found, as a table to read after a run of gen-demo. */
export function summary(doc: ResultsDocument, root: string): string {
  const out: string[] = [];
  out.push('Matched lineages (the engine, pooled over attack classes, datasets, JSONL + database):');
  out.push(`  ${'lineage'.padEnd(14)}${'model'.padEnd(44)}${'size'.padStart(6)}${'n'.padStart(6)}  strict`);
  for (const l of doc.lineages)
    for (const m of l.members)
      out.push(
        `  ${l.name.padEnd(14)}${m.model.padEnd(44)}${String(m.params_b).padStart(6)}${String(m.n).padStart(6)}  ${percent(m.strict?.rate).padStart(6)}`,
      );
  out.push('');
  out.push('Reasoning dilution (strict ASR, A baseline → B diluted):');
  for (const d of doc.dilution.models)
    out.push(
      `  ${d.model.padEnd(18)} A ${String(d.a.k).padStart(2)}/${d.a.n} ${percent(d.a.strict?.rate).padStart(6)}   B ${String(d.b.k).padStart(2)}/${d.b.n} ${percent(d.b.strict?.rate).padStart(6)}   Δ ${signed(d.delta_pp, 2)} pp   pairs ${d.pairs} (only A ${d.b_only_a}, only B ${d.b_only_b})`,
    );
  for (const h of doc.dilution.headlines)
    out.push(
      `  headline ${h.lineage} (${h.largest} − ${h.smallest}): ${signed(h.delta_span_pp, 2)} pp${h.meets_threshold ? ` > ${doc.settings.headline_threshold_pp} pp` : ''}`,
    );
  out.push('');
  out.push('Attack-class regressions (strict % on log10 size, OLS):');
  for (const r of doc.regressions.filter((x) => x.group === 'attack_class')) {
    const cls = r.key.attack_class ?? '';
    const outliers = doc.cells.filter((c) => c.attack_class === cls && c.outlier).map((c) => c.model);
    out.push(
      `  ${cls.padEnd(24)} k ${String(r.points.length).padStart(2)}  slope ${(r.ols ? signed(r.ols.slope_pp) : '—').padStart(6)} pp/decade  ${r.classification}${outliers.length ? `  outlier: ${outliers.join(', ')}` : ''}`,
    );
  }
  out.push('');
  for (const a of doc.agreement)
    out.push(
      `Grader agreement ${a.primary} vs ${a.secondary}: n ${a.n}, κ labels ${a.kappa_labels?.toFixed(3)}, κ strict ${a.kappa_strict?.toFixed(3)}`,
    );
  out.push(`Traces: ${JSON.stringify(doc.inputs.traces)}`);
  out.push(`Problems (${doc.inputs.problems.length}):`);
  for (const p of doc.inputs.problems) out.push(`  ${p.path}:${p.line}  ${p.reason.slice(0, 90)}`);
  const sizes = walk(root)
    .sort(compareCodePoints)
    .map((rel): [string, number] => [rel, fs.statSync(path.join(root, rel)).size]);
  out.push('');
  out.push(`Files (${sizes.length}, ${(sizes.reduce((s, [, b]) => s + b, 0) / 1024).toFixed(0)} KiB):`);
  for (const [rel, b] of sizes) out.push(`  ${String(b).padStart(8)}  ${rel}`);
  return out.join('\n');
}
