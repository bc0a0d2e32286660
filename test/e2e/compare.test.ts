/**
 * End-to-end tests of the BUILT commands `ff-lens compare` (COMPARE.md) and `ff-lens check-report`
 * (CLAIMS.md), run as child processes as a researcher or CI runs them:
 *
 *   node --import tsx --test test/e2e/compare.test.ts
 *
 * 1. compare: the demo against modified copies of it, and against its analysis saved before the
 *    dilution runs; --fail-on-change; Markdown; byte-identical reruns;
 * 2. check-report: report #353's own text against the demo (its 16 matched-lineage figures hold,
 *    its pooled jailbreak_archaeology row has changed), the demo's own report (one stale figure);
 * 3. bad input: another schema, broken JSON, a missing folder or report, usage errors; a report
 *    with no claim; nothing in the analysed workspace is written.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ClaimsDocument } from '../../src/engine/report/claims';
import type { ComparisonDocument } from '../../src/engine/report/compare';
import type { ResultsDocument } from '../../src/engine/report/results';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ff-lens.js');
const DEMO = path.join(ROOT, 'examples', 'demo-workspace');
const SNAPSHOT = path.join(DEMO, 'runs', 'inverse_scaling', 'initial_analysis.json');
const DEMO_REPORT = path.join(DEMO, 'reports', '353-inverse-scaling.md');
const REPORT_353 = path.join(ROOT, 'test', 'fixtures', 'report-353-inverse-scaling.txt');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-compare-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ffLens(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(TMP, 'cache') };
  delete env.FF_LENS_WORKERS;
  delete env.FF_LENS_BENCH;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** A copy of the demo workspace, changed by `edit`. */
function demoCopy(name: string, edit: (root: string) => void): string {
  const root = path.join(TMP, name);
  fs.cpSync(DEMO, root, { recursive: true });
  edit(root);
  return root;
}

/** Every file under `root` with its size and mtime. */
function listing(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).sort().map((rel) => {
    const st = fs.statSync(path.join(root, rel));
    return `${rel} ${st.size} ${st.mtimeMs}`;
  });
}

/** One line on standard error, exit 2. */
function failsInOneLine(run: Run, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, message);
}

describe('ff-lens compare', () => {
  it('the saved analysis from before the dilution runs against the demo: the headline appears, two classifications move, the Qwen 3.5 cells grow', async () => {
    const run = await ffLens(['compare', SNAPSHOT, DEMO, '--no-index', '--json', '-']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as ComparisonDocument;
    const saved = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as ResultsDocument;
    assert.equal(doc.schema, 'failure-first-lens/comparison@1');
    assert.deepEqual(
      [doc.before.source, doc.before.generated_at, doc.before.traces, doc.after.source, doc.after.traces],
      [SNAPSHOT, '2026-04-11T00:00:00.000Z', saved.inputs.traces.total, DEMO, 2054],
    );
    assert.deepEqual(doc.settings_changed, []);
    assert.deepEqual(doc.changes, [
      // The demo analysed now carries ANALYSIS.md §10's decision, which COMPARE.md shows when a side has it.
      { kind: 'headline', what: 'headline Qwen 3.5', before: null, after: 'UNDECIDED' },
      { kind: 'classification', what: 'dilution all', before: 'INSUFFICIENT', after: 'INVERSE_SCALING' },
      {
        kind: 'classification',
        what: 'lineage_attack_class Qwen 3.5 format_lock',
        before: 'INVERSE_SCALING',
        after: 'FLAT_OR_NOISY',
      },
    ]);
    // The dilution runs' A traces join the four Qwen 3.5 models' cells of the four standard classes.
    const changed = doc.cells.filter((c) => c.status === 'changed');
    assert.equal(changed.length, 16);
    assert.deepEqual(
      new Set(changed.map((c) => c.model)),
      new Set(['qwen3.5:0.8b', 'qwen3.5:2b', 'qwen3.5:4b', 'qwen/qwen3.5-9b']),
    );
    const q2 = doc.cells.find((c) => c.attack_class === 'dan_persona' && c.model === 'qwen3.5:2b');
    assert.deepEqual(
      [q2?.before?.n, q2?.before?.k, q2?.after?.n, q2?.after?.k, q2?.delta_pp],
      [10, 10, 22, 22, 0],
    );
    assert.ok(doc.cells.every((c) => c.status === 'changed' || c.status === 'same'));
    // Exit 1 with --fail-on-change: new data overturned a published conclusion.
    const fail = await ffLens([
      'compare',
      SNAPSHOT,
      DEMO,
      '--no-index',
      '--json',
      path.join(TMP, 'c.json'),
      '--fail-on-change',
    ]);
    assert.equal(fail.code, 1, fail.stderr);
    assert.equal(fail.stdout, '');
    assert.equal(
      fs.readFileSync(path.join(TMP, 'c.json'), 'utf8').replace(/"generated_at": "[^"]*"/g, ''),
      run.stdout.replace(/"generated_at": "[^"]*"/g, ''),
    );
  });

  it('the demo against a copy whose gpt-4.1 verdicts are gone: its cells change to n = 0 (not removed), no conclusion moves, --fail-on-change exits 0', async () => {
    const copy = demoCopy('no-gpt41-grades', (root) =>
      fs.rmSync(path.join(root, 'runs', 'benchmark_traces', 'openai_gpt-4.1_flip_graded.jsonl')),
    );
    const run = await ffLens(['compare', DEMO, copy, '--no-index', '--json', '-', '--fail-on-change']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as ComparisonDocument;
    assert.deepEqual(doc.changes, []);
    const gpt = doc.cells.filter((c) => c.model === 'openai/gpt-4.1');
    // Its benchmark_traces cells lose every verdict; its crescendo run has a graded file of its own.
    const zeroed = gpt.filter(
      (c) => c.attack_class !== 'prompt_injection' && c.attack_class !== 'crescendo_frontier_s24',
    );
    assert.deepEqual(
      zeroed.map((c) => [c.attack_class, c.status, c.after?.n, c.after?.strict, c.delta_pp, c.delta_ci_pp]),
      ['authority_gradient', 'cipher_encoding', 'dan_persona', 'format_lock', 'refusal_suppression'].map(
        (a) => [a, 'changed', 0, null, null, null],
      ),
    );
    // Its prompt_injection cell keeps the corpus database's 20 graded rows.
    const pi = gpt.find((c) => c.attack_class === 'prompt_injection');
    assert.deepEqual([pi?.status, pi?.before?.n, pi?.after?.n], ['changed', 30, 20]);
    assert.equal(gpt.find((c) => c.attack_class === 'crescendo_frontier_s24')?.status, 'same');
    assert.ok(pi?.delta_pp !== null && pi?.delta_ci_pp !== null);
    assert.ok(doc.cells.filter((c) => c.model !== 'openai/gpt-4.1').every((c) => c.status === 'same'));
  });

  it('the demo against a copy without the Gemma 3 4B runs: its cells are removed, the Gemma 3 lineage changes shape, the Markdown lists the changes first', async () => {
    const copy = demoCopy('no-gemma4b', (root) => {
      for (const f of ['ollama_gemma3-4b_traces.jsonl', 'ollama_gemma3-4b_flip_graded.jsonl'])
        fs.rmSync(path.join(root, 'runs', 'benchmark_traces', f));
      for (const f of fs.readdirSync(path.join(root, 'runs', 'jailbreak_archaeology')))
        if (f.includes('gemma3-4b')) fs.rmSync(path.join(root, 'runs', 'jailbreak_archaeology', f));
      for (const f of fs.readdirSync(path.join(root, 'runs', 'grading', 'jailbreak_archaeology')))
        if (f.includes('gemma3-4b'))
          fs.rmSync(path.join(root, 'runs', 'grading', 'jailbreak_archaeology', f));
    });
    const json = await ffLens(['compare', DEMO, copy, '--no-index', '--json', '-']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as ComparisonDocument;
    assert.deepEqual(
      doc.lineages.find((l) => l.name === 'Gemma 3'),
      {
        name: 'Gemma 3',
        before: { shape: 'INCREASING' },
        after: { shape: 'SINGLE' },
        shape_changed: true,
      },
    );
    const removed = doc.changes.filter((c) => c.kind === 'cell_removed');
    assert.ok(
      removed.length >= 5 && removed.every((c) => c.what.endsWith(' gemma3:4b') && c.after === null),
      JSON.stringify(removed),
    );
    assert.deepEqual(
      doc.changes.map((c) => c.kind).filter((k, i, a) => a.indexOf(k) === i),
      ['classification', 'shape', 'cell_removed'],
    );
    const md = await ffLens(['compare', DEMO, copy, '--no-index']);
    assert.equal(md.code, 0, md.stderr);
    const at = (s: string): number => md.stdout.indexOf(s);
    assert.ok(at('## Changes') >= 0 && at('## Changes') < at('## Cells whose strict ASR moved'));
    assert.ok(at('| shape | lineage Gemma 3 | INCREASING | SINGLE |') > at('## Changes'));
    assert.ok(at('## Cells whose strict ASR moved') < at('## Every changed cell'));
    assert.match(md.stdout, /\| dan\\_persona \| gemma3:4b \| removed \|/);
    assert.match(
      md.stderr,
      /^ff-lens: \d+ changes \(0 headline, \d+ classification, 1 shape, 0 cells added, \d+ removed\)/m,
    );
  });

  it('is byte-identical across runs apart from generated_at; never writes into either workspace', async () => {
    const before = listing(DEMO);
    const one = await ffLens(['compare', SNAPSHOT, DEMO, '--json', '-']);
    const two = await ffLens(['compare', SNAPSHOT, DEMO, '--json', '-']);
    assert.equal(one.code, 0, one.stderr);
    const sans = (s: string): string => s.replace(/"generated_at": "[^"]*"/g, '');
    assert.equal(sans(one.stdout), sans(two.stdout));
    assert.deepEqual(listing(DEMO), before);
  });
});

describe('ff-lens check-report', () => {
  it("report #353's own text against the demo: all 16 matched-lineage figures hold; its pooled jailbreak_archaeology row has changed", async () => {
    const run = await ffLens(['check-report', REPORT_353, DEMO, '--no-index', '--json', '-']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as ClaimsDocument;
    assert.equal(doc.schema, 'failure-first-lens/claims@1');
    assert.deepEqual([doc.report, doc.workspace], [REPORT_353, DEMO]);
    const text = fs.readFileSync(REPORT_353, 'utf8').split('\n');
    const section = (from: string, to: string): [number, number] => [
      text.findIndex((l) => l.startsWith(from)) + 1,
      text.findIndex((l) => l.startsWith(to)) + 1,
    ];
    const [start, end] = section('3.2 Matched-Lineage Analysis', '3.3 Interpretation');
    const lineage = doc.claims.filter((c) => c.line > start && c.line < end);
    assert.equal(lineage.length, 16);
    assert.deepEqual(
      lineage.filter((c) => c.status !== 'HOLDS'),
      [],
    );
    const ja = doc.claims.filter((c) => text[c.line - 1]?.startsWith('| jailbreak_archaeology |'));
    assert.deepEqual(
      ja.map((c) => [c.text, c.kind, c.status]),
      [
        ['694', 'regression_n', 'CHANGED'],
        ['−12.73', 'regression_slope', 'CHANGED'],
        ['0.843', 'regression_r2', 'CHANGED'],
        ['Positive scaling (strong)', 'regression_classification', 'HOLDS'],
      ],
    );
    assert.equal(ja[0]?.actual, 278);
    assert.deepEqual(doc.summary, {
      HOLDS: doc.claims.filter((c) => c.status === 'HOLDS').length,
      CHANGED: doc.claims.filter((c) => c.status === 'CHANGED').length,
      NOT_FOUND: 4,
      NOT_CHECKED: 0,
    });
  });

  it('text by default, one line per claim; --fail-on-changed exits 1 when a figure changed or is not found', async () => {
    const run = await ffLens(['check-report', REPORT_353, DEMO, '--no-index']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 32);
    assert.ok(
      lines.includes(`${REPORT_353}:34:26: HOLDS member_strict holds: 0.0% (now 0.0% [0.0, 10.7], n 32)`),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes(`${REPORT_353}:28:27: CHANGED regression_n changed: 694 is now 278, n 278`),
      lines.join('\n'),
    );
    assert.match(run.stderr, /32 claims: 17 figures hold · 11 changed · 4 not found\n$/);
    const fail = await ffLens(['check-report', REPORT_353, DEMO, '--no-index', '--fail-on-changed']);
    assert.equal(fail.code, 1);
  });

  it("the demo's own report: every figure holds but the deliberately stale one, whose current value is given", async () => {
    const before = listing(DEMO);
    const run = await ffLens(['check-report', DEMO_REPORT, DEMO, '--json', '-', '--fail-on-changed']);
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as ClaimsDocument;
    const off = doc.claims.filter((c) => c.status !== 'HOLDS');
    assert.deepEqual(
      off.map((c) => [c.text, c.kind, c.status, c.figure]),
      [['95.7%', 'member_strict', 'CHANGED', 'lineages[Qwen 3.5].members[qwen3.5:2b].strict.rate']],
    );
    assert.equal((off[0]?.actual as number).toFixed(1), '94.8');
    assert.ok(doc.claims.length > 30);
    assert.deepEqual(listing(DEMO), before, 'nothing in the workspace is written');
  });

  it('a report with no recognisable claim: an empty list, exit 0', async () => {
    const report = path.join(TMP, 'notes.md');
    fs.writeFileSync(report, '# Notes\n\nNothing measured yet; 4B looked safer, maybe 5%.\n');
    const run = await ffLens([
      'check-report',
      report,
      DEMO,
      '--no-index',
      '--json',
      '-',
      '--fail-on-changed',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as ClaimsDocument;
    assert.deepEqual([doc.claims, doc.summary], [[], { HOLDS: 0, CHANGED: 0, NOT_FOUND: 0, NOT_CHECKED: 0 }]);
  });
});

describe('bad input', () => {
  it('compare: a file of another schema, a file that is not JSON, a missing folder: exit 2 with one line', async () => {
    const other = path.join(TMP, 'claims.json');
    fs.writeFileSync(other, JSON.stringify({ schema: 'failure-first-lens/claims@1', claims: [] }));
    const broken = path.join(TMP, 'broken.json');
    fs.writeFileSync(broken, '{"schema": "failure-first-lens/results@1", "cells": [');
    failsInOneLine(
      await ffLens(['compare', other, DEMO, '--no-index']),
      /^ff-lens: .*claims\.json: schema is "failure-first-lens\/claims@1", not "failure-first-lens\/results@1"\n$/,
    );
    failsInOneLine(
      await ffLens(['compare', SNAPSHOT, broken]),
      /^ff-lens: .*broken\.json: not JSON \(.*\)\n$/,
    );
    failsInOneLine(
      await ffLens(['compare', SNAPSHOT, path.join(TMP, 'nowhere')]),
      /^ff-lens: no such file or folder: .*nowhere\n$/,
    );
    failsInOneLine(
      await ffLens(['compare', SNAPSHOT]),
      /^ff-lens: compare needs BEFORE and AFTER .*\(ff-lens --help shows the usage\)\n$/,
    );
    failsInOneLine(
      await ffLens(['compare', SNAPSHOT, SNAPSHOT, '--fail-on-changed']),
      /unknown option: --fail-on-changed/,
    );
  });

  it('check-report: a missing folder or report, and usage errors: exit 2 with one line', async () => {
    failsInOneLine(
      await ffLens(['check-report', REPORT_353, path.join(TMP, 'nowhere')]),
      /^ff-lens: no such folder: .*nowhere\n$/,
    );
    failsInOneLine(
      await ffLens(['check-report', path.join(TMP, 'none.md'), DEMO]),
      /^ff-lens: no such report: .*none\.md\n$/,
    );
    failsInOneLine(
      await ffLens(['check-report', REPORT_353]),
      /check-report needs REPORT\.md and the workspace FOLDER/,
    );
    failsInOneLine(await ffLens(['check-report', REPORT_353, DEMO, '--markdown', '-']), /not --markdown/);
  });
});
