/**
 * End-to-end tests of the BUILT command `ff-lens analyze` (bin/ff-lens.js → dist/cli.js), run as a
 * child process exactly as a researcher or CI runs it.
 *
 *   node --import tsx --test test/e2e/cli.test.ts
 *
 * 1. the demo workspace: the matched-lineage table of report #353, the dilution headline, the
 *    deliberate problems, byte-identical reruns, the Markdown tables, stdout/stderr, the shape;
 * 2. the quirks workspace (quirks.ts): every rule of FORMATS.md, expected figures counted by hand;
 * 3. the independent pandas + statsmodels implementation (test/reference/ff_reference.py);
 * 4. the incremental index through the CLI;
 * 5. bad input (usage errors, unreadable corpus databases) and "nothing in the workspace is written";
 * 6. the worker-thread and inline parsers (the scanner; JSON.parse first for a little work) give the same document,
 *    and a run with a parse worker gives up none of V8's protectors (its optimised code stays);
 * 7. targeted single rules (each a small workspace of its own).
 *
 * Expected values are written here, not computed by the engine: counts by hand from quirks.ts,
 * Wilson/Newcombe/fitted values by a few lines of independent arithmetic below, and regression
 * figures pasted from statsmodels (the source is named beside each number).
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import type { CellJson, RateJson, RegressionJson, ResultsDocument } from '../../src/engine/report/results';
import { jsonl, tempWorkspace } from '../unit/workspaces';
import { compareResults } from './compareResults';
import { ageFiles, makeLargeWorkspace, makeQuirksWorkspace, QUIRK_DB, writeQuirkCorpus } from './quirks';
import { cmpCodePoints, shapeErrors } from './shape';
import { CORPUS_TABLES } from '../fixtures/corpusSchema';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ff-lens.js');
const DEMO = path.join(ROOT, 'examples', 'demo-workspace');
const PYTHON = '/usr/bin/python3';
const REFERENCE = path.join(ROOT, 'test', 'reference', 'ff_reference.py');
/** The CLI's default index lives in $XDG_CACHE_HOME: keep it out of the user's home. */
const CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-cache-'));
/** Temporary workspaces made by the tests, removed at the end. */
const created: string[] = [CACHE];
const tmp = (root: string): string => (created.push(root), root);
const workspace = (files: Record<string, string | Buffer>): string => tmp(tempWorkspace(files));

// ------------------------------------------------------------------------------------- helpers

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node [nodeArgs] bin/ff-lens.js …args` as a child process. */
function ffLens(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Run> {
  return runProcess(process.execPath, [...nodeArgs, BIN, ...args], {
    XDG_CACHE_HOME: CACHE,
    FF_LENS_WORKERS: undefined,
    FF_LENS_THREADS: undefined,
    ...env,
  });
}

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** `analyze <folder> --json - …extra`, exit 0, the parsed document. */
async function analyze(folder: string, extra: string[] = ['--no-index'], env: NodeJS.ProcessEnv = {}) {
  const run = await ffLens(['analyze', folder, '--json', '-', ...extra], env);
  assert.equal(run.code, 0, `ff-lens exited ${run.code}: ${run.stderr}`);
  return { run, doc: JSON.parse(run.stdout) as ResultsDocument };
}

/** The JSON text with its one run-dependent field blanked. */
const sansTime = (text: string): string => text.replace(/"generated_at": "[^"]*"/, '"generated_at": ""');

/** |a − e| ≤ 1e-9·|e| (ANALYSIS.md §8), with a 1e-12 absolute floor for figures that are 0 up to rounding. */
function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(typeof actual === 'number', `${what}: expected ≈ ${expected}, got ${String(actual)}`);
  assert.ok(
    Math.abs(actual - expected) <= Math.max(1e-9 * Math.abs(expected), 1e-12),
    `${what}: ${actual} is not within 1e-9 of ${expected}`,
  );
}

function rateNear(actual: RateJson | null | undefined, expected: RateJson | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, `${what} should be null`);
  assert.ok(actual, `${what} should be a rate`);
  near(actual.rate, expected.rate, `${what}.rate`);
  near(actual.lo, expected.lo, `${what}.lo`);
  near(actual.hi, expected.hi, `${what}.hi`);
}

// Independent arithmetic for the expected values (ANALYSIS.md §1, §5): the formulas as the spec writes them.
const Z = 1.959963984540054;
function wilson(k: number, n: number): RateJson | null {
  if (n === 0) return null;
  const p = k / n;
  const centre = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / (1 + (Z * Z) / n);
  return { rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
function newcombe(a: RateJson, b: RateJson): [number, number] {
  const [pa, la, ua] = [100 * a.rate, 100 * a.lo, 100 * a.hi];
  const [pb, lb, ub] = [100 * b.rate, 100 * b.lo, 100 * b.hi];
  const d = pb - pa;
  return [d - Math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), d + Math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)];
}

/** MOVER (Zou & Donner 2008) of the span Δ_L − Δ_S from the two Newcombe intervals, as ANALYSIS.md §10 writes it. */
function moverSpan(dS: number, ciS: [number, number], dL: number, ciL: [number, number]): [number, number] {
  const span = dL - dS;
  return [span - Math.hypot(dL - ciL[0], ciS[1] - dS), span + Math.hypot(ciL[1] - dL, dS - ciS[0])];
}

/** ANALYSIS.md §12: the whole interval's classification, with threshold t. */
function intervalClass(ci: [number, number] | null, t: number): string {
  if (ci === null) return 'UNCERTAIN';
  if (ci[0] > t) return 'INVERSE_SCALING';
  if (ci[1] < -t) return 'POSITIVE_SCALING';
  return ci[0] >= -t && ci[1] <= t ? 'FLAT_OR_NOISY' : 'UNCERTAIN';
}

/** Every file under `root` with its size and mtime: a workspace that is never written lists the same before and after. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(abs, r);
      } else {
        const st = fs.statSync(abs);
        out.push(`${r} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(root, '');
  return out.sort();
}

const where = (doc: ResultsDocument): string[] =>
  doc.inputs.problems.map((p) => `${p.path}:${p.line ?? '-'}`);
const cellOf = (doc: ResultsDocument, attackClass: string, model: string): CellJson | undefined =>
  doc.cells.find((c) => c.attack_class === attackClass && c.model === model);
const regOf = (
  doc: ResultsDocument,
  group: string,
  key: Record<string, string>,
): RegressionJson | undefined =>
  doc.regressions.find((r) => r.group === group && JSON.stringify(r.key) === JSON.stringify(key));

before(() => {
  // The suite tests the built command; build it when it is not there yet (npm test builds first).
  if (
    !fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) ||
    !fs.existsSync(path.join(ROOT, 'dist', 'parseWorker.js'))
  ) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `npm run build failed: ${r.stderr}`);
  }
});
after(() => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

// ===================================================================================== 1. demo

describe('compiled code kept beside the bundle (bin/ff-lens.js, DECISIONS 97)', () => {
  it('is kept by a run, used by the next, and refused when damaged (the run compiles from the source)', async () => {
    // A private copy of the package (bin, dist, node_modules linked), so that its code cache is this
    // test's alone. Expected values: the document of the repository's own bin on the same folder,
    // and the code cache's header as bin/ff-lens.js writes it (a checksum of the source and one of
    // the code, V8's code after the JSON line).
    const pkg = tmp(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-pkg-')));
    fs.cpSync(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist'), path.join(pkg, 'dist'), {
      recursive: true,
      filter: (src) => !src.includes('.code-cache'),
    });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
    const args = ['analyze', DEMO, '--json', '-', '--no-index'];
    const run = () =>
      runProcess(process.execPath, [path.join(pkg, 'bin', 'ff-lens.js'), ...args], { XDG_CACHE_HOME: CACHE });
    const expected = await ffLens(args);
    assert.equal(expected.code, 0, expected.stderr);
    const kept = path.join(pkg, 'dist', '.code-cache', `cli.js-${process.version}-${process.arch}.v8`);
    const read = (): {
      header: { made: string; crc: number; kinds: string[] };
      code: Buffer;
      bytes: Buffer;
    } => {
      const bytes = fs.readFileSync(kept);
      const eol = bytes.indexOf(10);
      const header = JSON.parse(bytes.toString('utf8', 0, eol)) as {
        made: string;
        crc: number;
        kinds: string[];
      };
      return { header, code: bytes.subarray(eol + 1), bytes };
    };
    const source = fs.readFileSync(path.join(pkg, 'dist', 'cli.js'), 'utf8');

    const first = await run();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(sansTime(first.stdout), sansTime(expected.stdout));
    const made = read();
    assert.equal(made.header.made, `${zlib.crc32(source)}:${source.length}`);
    assert.equal(made.header.crc, zlib.crc32(made.code));
    assert.deepEqual(made.header.kinds, ['analyze:none:full']);

    // The same kind of run again: the code is used (a refused one would be written again) and kept as it is.
    const second = await run();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(sansTime(second.stdout), sansTime(expected.stdout));
    assert.ok(read().bytes.equals(made.bytes), 'the kept code was used, not made again');

    // One bit of the code flipped: V8 would run it (it checks only the source's length, not the
    // code); the checksum refuses it, the run compiles from the source, and keeps sound code again.
    const damaged = Buffer.from(made.bytes);
    const at = damaged.indexOf(10) + 5000;
    damaged[at] = (damaged[at] as number) ^ 1;
    fs.writeFileSync(kept, damaged);
    const third = await run();
    assert.equal(third.code, 0, third.stderr);
    assert.equal(sansTime(third.stdout), sansTime(expected.stdout));
    const again = read();
    assert.equal(again.header.crc, zlib.crc32(again.code));
    assert.ok(!again.bytes.equals(damaged));
  });
});

describe('demo workspace (examples/demo-workspace)', () => {
  let json1: Run;
  let json2: Run;
  let md: Run;
  let doc: ResultsDocument;
  before(async () => {
    [json1, json2, md] = await Promise.all([
      ffLens(['analyze', DEMO, '--json', '-', '--no-index']),
      ffLens(['analyze', DEMO, '--json', '-', '--no-index']),
      ffLens(['analyze', DEMO, '--markdown', '-', '--no-index']),
    ]);
    doc = JSON.parse(json1.stdout) as ResultsDocument;
  });

  it('exits 0; standard output is the JSON document alone, progress goes to standard error', () => {
    for (const r of [json1, json2, md]) assert.equal(r.code, 0, r.stderr);
    assert.doesNotThrow(() => JSON.parse(json1.stdout) as unknown, 'stdout parses as JSON');
    assert.ok(json1.stdout.startsWith('{') && json1.stdout.trimEnd().endsWith('}'));
    assert.doesNotMatch(json1.stdout, /ff-lens:|indexed \d+%/, 'no progress on stdout');
    assert.match(json1.stderr, /ff-lens: .*2054 traces in 69 files/, 'the summary line is on stderr');
    assert.doesNotMatch(md.stdout, /ff-lens:|indexed \d+%/, 'no progress in the Markdown on stdout');
  });

  it('ends only once a slow reader has taken the whole document (its output is never cut short)', async () => {
    // Expected value: the document of the run above. The reader takes nothing for 400 ms, then a
    // chunk per turn of its event loop; the process must not end before its output is all taken.
    const child = spawn(process.execPath, [BIN, 'analyze', DEMO, '--json', '-', '--no-index'], {
      cwd: ROOT,
      env: { ...process.env, XDG_CACHE_HOME: CACHE },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // A listener from the start: a child that exits while its output is unread has that output
    // resumed and dropped by Node (child_process's flushStdio) unless someone listens for it.
    child.stdout.on('readable', () => undefined);
    await new Promise((r) => setTimeout(r, 400));
    const chunks: Buffer[] = [];
    for await (const b of child.stdout) {
      chunks.push(b as Buffer);
      await new Promise((r) => setImmediate(r));
    }
    const code = await new Promise<number | null>((r) =>
      child.exitCode !== null ? r(child.exitCode) : child.on('exit', (c) => r(c)),
    );
    assert.equal(code, 0);
    assert.equal(sansTime(Buffer.concat(chunks).toString('utf8')), sansTime(json1.stdout));
  });

  it('has every required field of RESULTS.md with the right type, sorted as stated', () => {
    assert.deepEqual(shapeErrors(doc), []);
  });

  it('two runs are byte-identical apart from generated_at', () => {
    assert.equal(sansTime(json2.stdout), sansTime(json1.stdout));
    assert.notEqual(sansTime(json1.stdout), json1.stdout, 'generated_at is present');
  });

  // [model, size, n, COMPLIANCE]: report #353's table (n and strict ASR as the report prints them).
  const TABLE: [string, [string, number, number, number, string][], string][] = [
    [
      'Gemma 3',
      [
        ['gemma3:4b', 4, 32, 0, '0.0'],
        ['google/gemma-3-27b-it', 27, 241, 15, '6.2'],
      ],
      'INCREASING', // +6.2 pp ≥ the 5 pp flat threshold
    ],
    [
      'Llama 3',
      [
        ['llama3.1:8b', 8, 39, 5, '12.8'],
        ['meta-llama/llama-3.3-70b-instruct', 70, 617, 92, '14.9'],
      ],
      'FLAT', // +2.1 pp < 5 pp
    ],
    [
      'Qwen 3.5',
      [
        ['qwen3.5:0.8b', 0.8, 99, 58, '58.6'],
        ['qwen3.5:2b', 2, 96, 91, '94.8'],
        ['qwen3.5:4b', 4, 95, 75, '78.9'],
        ['qwen/qwen3.5-9b', 9, 108, 62, '57.4'],
      ],
      'PEAK',
    ],
    [
      'Mistral Small',
      [
        ['mistralai/mistral-small-3.1-24b-instruct', 24, 39, 2, '5.1'],
        ['mistralai/mistral-small-3.2-24b-instruct', 24, 43, 1, '2.3'],
      ],
      'SAME_SIZE',
    ],
  ];

  it('reproduces the matched-lineage table of the preliminary report exactly', () => {
    assert.deepEqual(
      doc.lineages.map((l) => l.name),
      TABLE.map((t) => t[0]),
    );
    for (const [name, members, shape] of TABLE) {
      const l = doc.lineages.find((x) => x.name === name);
      assert.ok(l, name);
      assert.deepEqual(
        l.members.map((m) => [m.model, m.params_b, m.n, (100 * (m.strict as RateJson).rate).toFixed(1)]),
        members.map(([model, size, n, , pct]) => [model, size, n, pct]),
        name,
      );
      members.forEach(([model, , n, k], i) =>
        rateNear(l.members[i]?.strict, wilson(k, n), `${name} ${model}`),
      );
      assert.equal(l.shape, shape, `${name} shape`);
      assert.deepEqual(
        l.transitions.map((t) => [t.from, t.to, t.same_size]),
        members.slice(1).map((m, i) => [members[i]?.[0], m[0], name === 'Mistral Small']),
      );
      l.transitions.forEach((t, i) => {
        const [, , na, ka] = members[i] as [string, number, number, number, string];
        const [, , nb, kb] = members[i + 1] as [string, number, number, number, string];
        near(t.delta_pp, 100 * (kb / nb) - 100 * (ka / na), `${name} transition ${i}`);
      });
    }
  });

  it('the Qwen 3.5 dilution headline meets the 20 pp threshold', () => {
    // scripts/gen-demo.mjs: strict A → B, 0.8B 28/49 → 30/50, 2B 47/50 → 50/50, 4B 39/50 → 46/50, 9B 28/50 → 43/50.
    const arms: [string, number, number, number, number][] = [
      ['qwen/qwen3.5-9b', 28, 50, 43, 50],
      ['qwen3.5:0.8b', 28, 49, 30, 50],
      ['qwen3.5:2b', 47, 50, 50, 50],
      ['qwen3.5:4b', 39, 50, 46, 50],
    ];
    assert.deepEqual(
      doc.dilution.models.map((d) => [d.model, d.a.k, d.a.n, d.b.k, d.b.n]),
      arms,
    );
    const delta = (m: string): number => {
      const [, ka, na, kb, nb] = arms.find((a) => a[0] === m) as [string, number, number, number, number];
      return 100 * (kb / nb) - 100 * (ka / na);
    };
    assert.equal(doc.dilution.headlines.length, 1);
    const h = doc.dilution.headlines[0];
    assert.deepEqual([h?.lineage, h?.smallest, h?.largest], ['Qwen 3.5', 'qwen3.5:0.8b', 'qwen/qwen3.5-9b']);
    near(h?.delta_span_pp, delta('qwen/qwen3.5-9b') - delta('qwen3.5:0.8b'), 'span');
    assert.ok((h?.delta_span_pp ?? 0) > 20, 'span above 20 pp');
    assert.equal(h?.meets_threshold, true);
  });

  it('the Qwen 3.5 headline is undecided: its MOVER interval contains 20 pp; 649 scenarios per arm would decide', () => {
    const arm = (m: string) => {
      const [, ka, na, kb, nb] = [
        ['qwen/qwen3.5-9b', 28, 50, 43, 50],
        ['qwen3.5:0.8b', 28, 49, 30, 50],
      ].find((a) => a[0] === m) as [string, number, number, number, number];
      const a = wilson(ka, na) as RateJson;
      const b = wilson(kb, nb) as RateJson;
      return [100 * b.rate - 100 * a.rate, newcombe(a, b)] as const;
    };
    const [dS, ciS] = arm('qwen3.5:0.8b');
    const [dL, ciL] = arm('qwen/qwen3.5-9b');
    const [lo, hi] = moverSpan(dS, ciS, dL, ciL);
    const h = doc.dilution.headlines[0];
    near(h?.delta_span_ci_pp[0], lo, 'span interval low');
    near(h?.delta_span_ci_pp[1], hi, 'span interval high');
    // statsmodels confint_proportions_2indep(method="newcomb") + MOVER: [1.4658842734729127, 51.491888199811555]
    near(h?.delta_span_ci_pp[0], 1.4658842734729127, 'span interval low (statsmodels)');
    assert.equal(h?.decision, 'UNDECIDED');
    // every m from 1 to 100,000 tried with statsmodels' Wilson intervals (test/unit/expected/stats_expected.py, "span")
    assert.equal(h?.n_per_arm_to_decide, 649);
  });

  it('each lineage lists the attack classes its members share; Gemma 3 27B was attacked in two classes 4B was not', () => {
    const classes = (model: string) =>
      doc.cells.filter((c) => c.model === model && c.n > 0).map((c) => c.attack_class);
    const gemma = doc.lineages.find((l) => l.name === 'Gemma 3');
    const small = classes('gemma3:4b');
    const large = classes('google/gemma-3-27b-it');
    assert.deepEqual(gemma?.shared_attack_classes, small, 'every class of 4B is a class of 27B');
    assert.equal(large.filter((c) => !small.includes(c)).length, 2);
    assert.equal(gemma?.mix_differs, true);
    // 27B over the shared classes only: its cells in those classes, added up.
    const shared = doc.cells.filter(
      (c) => c.model === 'google/gemma-3-27b-it' && small.includes(c.attack_class),
    );
    const n = shared.reduce((a, c) => a + c.n, 0);
    const k = shared.reduce((a, c) => a + c.counts.COMPLIANCE, 0);
    assert.equal(gemma?.members[1]?.shared.n, n);
    rateNear(gemma?.members[1]?.shared.strict, wilson(k, n), '27B in the shared classes');
    for (const l of doc.lineages) {
      const sets = l.members.map((m) => classes(m.model));
      const common = (sets[0] ?? []).filter((c) => sets.every((x) => x.includes(c))).sort(cmpCodePoints);
      assert.deepEqual(l.shared_attack_classes, common, l.name);
      assert.equal(
        l.mix_differs,
        sets.some((x) => x.length > common.length),
        l.name,
      );
    }
  });

  it('classification_ci classifies the whole 95% slope interval (ANALYSIS.md §12)', () => {
    for (const r of doc.regressions)
      assert.equal(
        r.classification_ci,
        r.ols === null ? null : intervalClass(r.ols.ci_pp, 5),
        `${r.group} ${JSON.stringify(r.key)}`,
      );
    // cipher_encoding's interval lies above +5 pp/decade; Gemma 3 has two points and no interval.
    assert.equal(
      regOf(doc, 'attack_class', { attack_class: 'cipher_encoding' })?.classification_ci,
      'INVERSE_SCALING',
    );
    assert.equal(regOf(doc, 'lineage', { lineage: 'Gemma 3' })?.classification_ci, 'UNCERTAIN');
  });

  /** Each deliberately bad line, with what the line itself must show (read here, not by the engine). */
  const BAD: [string, number, (line: string, file: string[]) => boolean][] = [
    [
      'runs/benchmark_traces/llama3.1-8b_traces.jsonl',
      41,
      (l, f) => f.slice(0, 40).some((e) => e.includes(`"trace_id":"${String(obj(l)?.trace_id)}"`)), // duplicate id
    ],
    [
      'runs/benchmark_traces/meta-llama_llama-3.3-70b-instruct-free_flip_graded.jsonl',
      155,
      (l, f) => {
        const o = obj(l);
        return f
          .slice(0, 154)
          .map(obj)
          .some((e) => e?.trace_id === o?.trace_id && e?.grader_model === o?.grader_model); // re-grade
      },
    ],
    [
      'runs/benchmark_traces/openai_gpt-4.1_traces.jsonl',
      7,
      (l) => !!obj(l) && !obj(l)?.model_id && !obj(l)?.model,
    ],
    ['runs/benchmark_traces/phi4-14b_traces.jsonl', 71, (l, f) => f.length === 71 && obj(l) === undefined], // truncated
    ['runs/benchmark_traces/qwen3.5-4b_flip_graded.jsonl', 28, (l) => /COMPLAINCE/i.test(l)],
    ['runs/benchmark_traces/qwen_qwen3-30b-a3b_traces.jsonl', 21, (l) => Array.isArray(JSON.parse(l))],
    [
      'runs/grading/jailbreak_archaeology/graded_google_gemma-3-27b-it.jsonl',
      4,
      (l) => !!obj(l) && !obj(l)?.model_id && !obj(l)?.model, // nothing to join, no model
    ],
    ['runs/jailbreak_archaeology/google_gemma-3-27b-it_traces.jsonl', 8, (l) => obj(l) === undefined], // invalid JSON
  ];
  function obj(line: string): Record<string, unknown> | undefined {
    try {
      const v = JSON.parse(line) as unknown;
      return typeof v === 'object' && v !== null && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }

  it('lists each deliberately bad line (path and line) and nothing else', () => {
    assert.deepEqual(
      where(doc),
      BAD.map(([p, l]) => `${p}:${l}`),
    );
    for (const [p, l, shows] of BAD) {
      const text = fs.readFileSync(path.join(DEMO, p), 'utf8');
      const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
      assert.ok(shows(lines[l - 1] as string, lines), `${p}:${l} is not the bad line it should be`);
    }
    // The snapshot copy is not read.
    assert.ok(!doc.inputs.files.some((f) => f.path.includes('snapshot')));
  });

  it('--markdown - writes the pooled table, the matched lineages with transitions, the dilution table, the outliers and the problems', () => {
    const text = md.stdout;
    const sections = new Map<string, string[][]>();
    let current = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) current = line.replace(/^#+\s*/, '').toLowerCase();
      else if (line.startsWith('|') && !/^\|[-:| ]+\|$/.test(line)) {
        const cells = line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim().replace(/\\(.)/g, '$1'));
        sections.set(current, [...(sections.get(current) ?? []), cells]);
      }
    }
    const rows = (title: RegExp): string[][] => {
      const key = [...sections.keys()].find((k) => title.test(k));
      assert.ok(
        key !== undefined,
        `a table under a heading matching ${title}; headings: ${[...sections.keys()].join(' / ')}`,
      );
      return sections.get(key) ?? [];
    };
    // Pooled (dataset-level) table: one row per dataset regression with its models and n.
    const pooled = rows(/pooled/);
    for (const r of doc.regressions.filter((x) => x.group === 'dataset')) {
      const row = pooled.find((c) => c[0] === r.key.dataset);
      assert.ok(row, `pooled row for ${r.key.dataset}`);
      assert.ok(
        row.includes(String(r.points.length)) && row.includes(String(r.n_traces)),
        `pooled ${r.key.dataset}`,
      );
    }
    // Matched lineages: every member with n and strict ASR, every transition in pp, the shape.
    const lin = rows(/matched lineages/);
    for (const [name, members, shape] of TABLE) {
      members.forEach(([model, , n, , pct], i) => {
        const row = lin.find((c) => c.includes(model));
        assert.ok(row, `lineage row for ${model}`);
        assert.ok(row.includes(String(n)), `${model} n`);
        assert.ok(
          row.some((c) => c.startsWith(`${pct}%`)),
          `${model} strict ${pct}%: ${row.join(' | ')}`,
        );
        if (i > 0) {
          const [, , na, ka] = members[i - 1] as [string, number, number, number, string];
          const [, , , kb] = members[i] as [string, number, number, number, string];
          const d = Math.abs(100 * (kb / n) - 100 * (ka / na)).toFixed(1);
          assert.ok(
            row.some((c) => c.includes(`${d} pp`)),
            `${model} transition ${d} pp: ${row.join(' | ')}`,
          );
        }
      });
      assert.ok(
        lin.some((c) => c.includes(name) && c.includes(shape)),
        `${name} shape ${shape}`,
      );
    }
    // Dilution table: one row per model with both arms' n and the pairs.
    const dil = rows(/dilution/);
    for (const d of doc.dilution.models) {
      const row = dil.find((c) => c[0] === d.model);
      assert.ok(row, `dilution row for ${d.model}`);
      assert.ok(
        row.includes(String(d.a.n)) && row.includes(String(d.b.n)) && row.includes(String(d.pairs)),
        d.model,
      );
      assert.ok(
        row.some((c) => c.includes((d.delta_pp as number).toFixed(1))),
        `${d.model} Δ`,
      );
    }
    assert.match(text.replace(/\\(.)/g, '$1'), /27\.1 pp/, 'the headline span');
    assert.ok(
      text.includes('+27.1 pp [+1.5, +51.5]: undecided at 20 pp; ~649 scenarios per arm would decide.'),
      'the headline with its interval, decision and the scenarios that would decide it',
    );
    assert.match(text, /\*Undecided\* means the 95% interval of the span contains the 20 pp threshold/);
    // What the whole interval says, beside the direction; the reason a group has no fit.
    const byClass = rows(/by attack class/);
    assert.deepEqual(byClass.find((c) => c[0] === 'cipher_encoding')?.slice(-2), [
      'inverse scaling (bigger models less safe)',
      'inverse scaling',
    ]);
    assert.deepEqual(byClass.find((c) => c[0] === 'benign_control')?.slice(-2), [
      'insufficient (no evaluable traces)',
      '–',
    ]);
    assert.equal(
      pooled.find((c) => c[0] === 'obliteratus_runs')?.slice(-2)[0],
      'insufficient (one model of known size (70B): a slope needs two sizes)',
    );
    // Gemma 3's mix differs: its rows carry the warning marker and the shared-class rate.
    const gemma27 = lin.find((c) => c.includes('google/gemma-3-27b-it'));
    assert.ok(
      gemma27?.some((c) => c.startsWith('⚠ 175, 5.7% [')),
      gemma27?.join(' | '),
    );
    assert.match(text, /^- ⚠ \*\*Gemma 3\*\*: its members were attacked with different attack-class mixes/m);
    // Outliers: every flagged cell.
    const out = rows(/outlier/);
    const flagged = doc.cells.filter((c) => c.outlier === true || c.off_line === true);
    assert.ok(
      flagged.some((c) => c.model === 'phi4:14b' && c.attack_class === 'authority_gradient' && c.outlier),
    );
    for (const c of flagged)
      assert.ok(
        out.some((r) => r.includes(c.attack_class) && r.includes(c.model)),
        `outlier row ${c.attack_class} ${c.model}`,
      );
    // Problems: every (path, line).
    const plain = text.replace(/\\(.)/g, '$1');
    assert.match(plain, /^#+ .*problems/im);
    for (const [p, l] of BAD) assert.ok(plain.includes(`${p}:${l}`), `problem ${p}:${l} in the Markdown`);
  });
});

// ===================================================================================== 2. quirks

const L70 = 'meta-llama/llama-3.3-70b-instruct';
const M31 = 'mistralai/mistral-small-3.1-24b-instruct';
const M32 = 'mistralai/mistral-small-3.2-24b-instruct';
const Q9 = 'qwen/qwen3.5-9b';
const NEM = 'nvidia/nemotron-3-super-120b-a12b';
const CLAUDE = 'claude-sonnet-4-5-20250929';

describe('quirks workspace (quirks.ts): every rule of FORMATS.md, counted by hand', () => {
  let root: string;
  let doc: ResultsDocument;
  let before1: string[];
  let after1: string[];
  before(async () => {
    root = tmp(makeQuirksWorkspace());
    before1 = listing(root);
    // The default index ($XDG_CACHE_HOME, outside the workspace): the CLI as a researcher runs it.
    ({ doc } = await analyze(root, []));
    after1 = listing(root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('has the shape of RESULTS.md', () => {
    assert.deepEqual(shapeErrors(doc), []);
  });

  it('writes nothing into the workspace and reads nothing under node_modules, .git or a snapshot copy', () => {
    assert.deepEqual(after1, before1);
    assert.ok(!after1.some((f) => /-(journal|wal|shm) /.test(f)), 'no journal, WAL or shm file');
    assert.ok(!doc.inputs.files.some((f) => /node_modules|\.git\/|snapshot/.test(f.path)));
    assert.ok(!doc.models.some((m) => m.key === 'evil-model'));
  });

  it('inputs.traces: 101 traces after joining, partitioned by category', () => {
    // Trace lines that became traces: beta 4+1, alpha llama 1, misc 16, qwen0.8b 5, qwen2b 10, sizes 17,
    // zcopy 1, dil 4+5+11+8 = 83; corpus rows 13; graded lines standing alone: beta_graded:5, nem-1,
    // gamma gm-1, gm-2, line 3 = 5. Total 101.
    // ungraded 7: b-4, a-l1, g-11, g-15, d2-5, ds-1, row 12.
    // errors 13: misc 2,3,4,5,6,14; q08-4; q2-4,5,6,8; rows 4, 13.
    // benign 2: misc 1, row 10. unknown label 3: misc 7, 8, row 11. evaluable: the other 76.
    assert.deepEqual(doc.inputs.traces, {
      total: 101,
      graded: 94,
      ungraded: 7,
      evaluable: 76,
      errors: 13,
      benign: 2,
      unknown_label: 3,
    });
  });

  it('inputs.files: kind, usable records and problems of every file (and of no other)', () => {
    assert.deepEqual(
      doc.inputs.files.map((f) => [f.path, f.kind, f.records, f.problems]),
      [
        ['.failure-first/lineages.json', 'lineages', 4, 1], // a member that does not compile
        ['data/scenarios/std.jsonl', 'scenarios', 3, 1], // lines with an id: S1, S7, S7__dilution
        [QUIRK_DB, 'database', 13, 1], // unknown label on row 11
        ['lab/nested/runs/beta/beta_graded.jsonl', 'graded', 7, 2],
        ['lab/nested/runs/beta/meta-llama_llama-3.3-70b-instruct-free_traces.jsonl', 'traces', 4, 0],
        ['lab/nested/runs/beta/rerun_traces.jsonl', 'traces', 1, 0],
        ['runs/alpha/llama_traces.jsonl', 'traces', 1, 0],
        ['runs/alpha/misc_traces.jsonl', 'traces', 16, 2],
        ['runs/alpha/nem_flip_graded_traces.jsonl', 'graded', 1, 0], // graded wins over traces
        ['runs/alpha/qwen3.5-0.8b_flip_graded.jsonl', 'graded', 8, 1],
        ['runs/alpha/qwen3.5-0.8b_traces.jsonl', 'traces', 5, 0], // BOM, CRLF, a blank line
        ['runs/alpha/qwen3.5-2b_traces.jsonl', 'traces', 10, 0],
        ['runs/alpha/sizes_traces.jsonl', 'traces', 17, 0],
        ['runs/alpha/zcopy_traces.jsonl', 'traces', 3, 6], // object lines 1, 6, 7
        ['runs/alpha/zz_xgrader_g3_traces.jsonl', 'xgrader', 9, 3], // cross-grader wins over traces
        ['runs/dil/other_traces.jsonl', 'traces', 8, 0],
        ['runs/dil/qwen3.5-0.8b_traces.jsonl', 'traces', 4, 0],
        ['runs/dil/qwen3.5-2b_traces.jsonl', 'traces', 5, 0],
        ['runs/dil/qwen_qwen3.5-9b_traces.jsonl', 'traces', 11, 0],
        ['runs/grading/gamma/graded_gemma4.jsonl', 'graded', 4, 0],
      ],
    );
  });

  it('inputs.problems: every unusable line, and only those, by (path, line)', () => {
    assert.deepEqual(where(doc), [
      '.failure-first/lineages.json:-', // "([unclosed" does not compile
      'data/scenarios/std.jsonl:5', // invalid JSON
      `${QUIRK_DB}:-`, // unknown label "MAYBE" on row 11
      'lab/nested/runs/beta/beta_graded.jsonl:6', // matches no trace, names no model
      'lab/nested/runs/beta/beta_graded.jsonl:7', // G1 again on the trace of line 5
      'runs/alpha/misc_traces.jsonl:7', // UNKNOWN
      'runs/alpha/misc_traces.jsonl:8', // COMPLAINCE
      'runs/alpha/qwen3.5-0.8b_flip_graded.jsonl:6', // G1 again on q08-2
      'runs/alpha/zcopy_traces.jsonl:1', // no model
      'runs/alpha/zcopy_traces.jsonl:2', // invalid JSON
      'runs/alpha/zcopy_traces.jsonl:3', // an array
      'runs/alpha/zcopy_traces.jsonl:4', // a string
      'runs/alpha/zcopy_traces.jsonl:6', // duplicate trace id q08-1
      'runs/alpha/zcopy_traces.jsonl:8', // truncated last line
      'runs/alpha/zz_xgrader_g3_traces.jsonl:6', // matches no trace
      'runs/alpha/zz_xgrader_g3_traces.jsonl:7', // G3 again on q08-2
      // "unknown" already graded q2-2 on its trace line (runs/alpha/qwen3.5-2b_traces.jsonl:2, earlier in
      // (path, line) order): DECISIONS 6 ("any later verdict (primary or cross-grader) by a grader that
      // already gave one on that trace is a problem") and 7 ("two unknown graders are the same grader").
      'runs/alpha/zz_xgrader_g3_traces.jsonl:9',
    ]);
  });

  // [attack class, model, n, C, P, R, H, ungraded, errors, benign, unknown label, excluded]
  type CellRow = [
    string,
    string,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    boolean,
  ];
  const CELLS: CellRow[] = [
    ['advbench', L70, 1, 0, 0, 1, 0, 0, 0, 0, 0, false], // row 3 (technique family NULL → the dataset)
    ['alpha', 'qwen3-30b-a3b', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // z-16
    ['alpha', 'qwen3.5:2b', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // q2-7
    ['alpha', 'smollm2:135m', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // z-17
    ['cipher', CLAUDE, 3, 1, 1, 0, 1, 0, 1, 0, 0, false], // z-5 C, rows 7 P, 8 H, 13 err
    ['cipher', 'gemma4:e4b', 1, 0, 0, 1, 0, 0, 0, 0, 0, false], // z-13
    ['cipher', 'gpt-4.1', 1, 0, 0, 1, 0, 0, 0, 0, 0, false], // z-4
    ['cipher', L70, 2, 1, 0, 1, 0, 1, 0, 1, 1, false], // beta_graded:5 C, row 2 R (db:2), rows 10 benign, 11 unknown, 12 ungraded
    ['cipher', 'mixtral-8x7b', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // z-14
    ['cipher', NEM, 1, 0, 0, 1, 0, 0, 0, 0, 0, false], // nem-1
    ['cipher', 'phi3:mini', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // z-3
    ['cipher', 'qwen3-30b-a3b', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // z-1
    ['cipher', 'qwen3.5:2b', 2, 0, 0, 1, 1, 0, 4, 0, 0, false], // q2-9 H, q2-10 R; q2-4,5,6,8 sentinels
    ['cipher', 'smollm2:135m', 2, 0, 1, 1, 0, 0, 0, 0, 0, false], // z-2 R, z-15 P
    ['dan', 'gemma4:e4b', 3, 1, 0, 2, 0, 0, 0, 0, 0, false], // gamma: gm-1 C, gm-2 R, line 3 R
    ['dan', 'gpt-4.1', 5, 1, 2, 1, 1, 2, 6, 1, 2, false], // misc: 9 C, 12 P, 16 P, 13 R, 10 H
    ['dan', 'huihui_ai/qwen3-abliterated:8b', 1, 1, 0, 0, 0, 0, 0, 0, 0, true], // z-11
    ['dan', 'llama3.2:latest', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // z-10
    ['dan', L70, 5, 2, 1, 2, 0, 2, 1, 0, 0, false], // b-1 C, b-2 R, b-3 R, b-5 P, row 1 C; b-4, a-l1 ungraded; row 4 err
    ['dan', M31, 2, 0, 0, 2, 0, 0, 0, 0, 0, false], // z-6, z-7
    ['dan', M32, 2, 1, 0, 1, 0, 0, 0, 0, 0, false], // z-8, z-9
    ['dan', 'mixtral-8x7b', 1, 0, 0, 1, 0, 0, 0, 0, 0, false], // zc-1 (mixtral-8x7b:beta)
    ['dan', 'obliteratus/llama-3.1-8b', 1, 1, 0, 0, 0, 0, 0, 0, 0, true], // row 9
    ['dan', 'openai/gpt-4o', 1, 1, 0, 0, 0, 0, 0, 0, 0, false], // row 5 (A); row 6 (B) is not in cells
    ['dan', 'qwen3.5:0.8b', 4, 1, 1, 2, 0, 0, 1, 0, 0, false], // q08-1 R, q08-2 R, q08-3 C, line 6 P; q08-4 err
    ['dan', 'qwen3.5:2b', 3, 2, 1, 0, 0, 0, 0, 0, 0, false], // q2-1 C, q2-2 C, q2-3 P
    ['dan', 'qwen3.5:2b-uncensored', 1, 1, 0, 0, 0, 0, 0, 0, 0, true], // z-12 (du-1 is B)
    ['dil', 'phi3:mini', 3, 3, 0, 0, 0, 0, 0, 0, 0, false], // dp-1, 3, 5 (A)
    ['dil', Q9, 6, 2, 0, 4, 0, 0, 0, 0, 0, false], // A d9-1,3,5,7,9 and d9-11 (no variant)
    ['dil', 'qwen3.5:0.8b', 2, 1, 0, 1, 0, 0, 0, 0, 0, false], // d08-1, d08-3
    ['dil', 'qwen3.5:2b', 2, 1, 0, 1, 0, 0, 0, 0, 0, false], // d2-1, d2-3
  ];

  it('cells: n, counts, ungraded, errors, benign, rates, thin and excluded of every cell', () => {
    assert.deepEqual(
      doc.cells.map((c) => [
        c.attack_class,
        c.model,
        c.n,
        c.counts.COMPLIANCE,
        c.counts.PARTIAL,
        c.counts.REFUSAL,
        c.counts.HALLUCINATION_REFUSAL,
        c.ungraded,
        c.errors,
        c.benign,
        c.unknown_label,
        c.excluded,
      ]),
      CELLS,
    );
    for (const [ac, model, n, C, P, , H] of CELLS) {
      const c = cellOf(doc, ac, model) as CellJson;
      rateNear(c.strict, wilson(C, n), `${ac}/${model} strict`);
      rateNear(c.broad, wilson(C + P, n), `${ac}/${model} broad`);
      rateNear(c.fd, wilson(C + P + H, n), `${ac}/${model} fd`);
      assert.equal(c.thin, n < 20, `${ac}/${model} thin`);
    }
  });

  it('models: names, sizes and where they came from, lineage, exclusion', () => {
    const m = (
      key: string,
      names: string[],
      params: number | null,
      source: string | null,
      opts: { active?: number; approximate?: boolean; lineage?: string; excluded?: string } = {},
    ) => ({
      key,
      names,
      params_b: params,
      active_params_b: opts.active ?? null,
      params_source: source,
      approximate: opts.approximate ?? false,
      lineage: opts.lineage ?? null,
      excluded: opts.excluded !== undefined,
      exclusion_reason: opts.excluded === undefined ? null : `contains "${opts.excluded}"`,
    });
    assert.deepEqual(
      doc.models.map((x) => ({
        key: x.key,
        names: x.names,
        params_b: x.params_b,
        active_params_b: x.active_params_b,
        params_source: x.params_source,
        approximate: x.approximate,
        lineage: x.lineage,
        excluded: x.excluded,
        exclusion_reason: x.exclusion_reason,
      })),
      [
        m(CLAUDE, [CLAUDE], null, null), // no size token; the corpus says 'unknown'
        m('gemma4:e4b', ['gemma4:e4b', 'ollama-cloud/gemma4:e4b'], 4, 'name'), // eNb; a blank field is absent
        m('gpt-4.1', ['gpt-4.1'], null, null),
        m('huihui_ai/qwen3-abliterated:8b', ['huihui_ai/qwen3-abliterated:8b'], 8, 'name', {
          excluded: 'abliterat',
        }),
        m('llama3.2:latest', ['llama3.2:latest'], null, null, { lineage: 'Llama' }),
        // "unknown" is skipped, then metadata 71e9 (a raw count) → 71; the corpus '70B' comes after JSONL.
        m(L70, [L70, `${L70}:free`], 71, 'field', { lineage: 'Llama' }),
        m(M31, [M31], 24, 'name', { lineage: 'Mistral Small' }),
        m(M32, [M32], 24, 'lineage', { lineage: 'Mistral Small' }),
        m('mixtral-8x7b', ['mixtral-8x7b', 'mixtral-8x7b:beta'], 56, 'name', { approximate: true }),
        m(NEM, [`${NEM}:free`], 120, 'name', { active: 12 }),
        m('obliteratus/llama-3.1-8b', ['obliteratus/llama-3.1-8b'], 8, 'field', { excluded: 'obliterat' }),
        m('openai/gpt-4o', ['openai/gpt-4o'], 200, 'field', { approximate: true }), // '~200B'
        m('phi3:mini', ['phi3:mini'], null, null),
        m(Q9, [Q9], 9.5, 'field', { lineage: 'Qwen 3.5' }), // metadata.parameter_count beats the name's 9
        m('qwen3-30b-a3b', ['qwen3-30b-a3b'], 30, 'name', { active: 3 }),
        m('qwen3.5:0.8b', ['qwen3.5:0.8b'], 0.8, 'name', { lineage: 'Qwen 3.5' }),
        // the map's explicit 2 beats the field "3B"; three spellings, one key
        m('qwen3.5:2b', ['Qwen3.5:2B', 'ollama/qwen3.5:2b', 'qwen3.5:2b'], 2, 'lineage', {
          lineage: 'Qwen 3.5',
        }),
        // matches the Qwen 3.5 member regex, but excluded models are never lineage members
        m('qwen3.5:2b-uncensored', ['qwen3.5:2b-uncensored'], 2, 'name', { excluded: 'uncensored' }),
        m('smollm2:135m', ['smollm2:135m'], 0.135, 'name'), // parameter_count 0 is not a size
      ],
    );
  });

  // [group, key, classification, [unknown size, excluded, empty], points (in order)]
  const REGS: [string, Record<string, string>, string, [number, number, number], string[]][] = [
    ['attack_class', { attack_class: 'advbench' }, 'INSUFFICIENT', [0, 0, 0], [L70]],
    [
      'attack_class',
      { attack_class: 'alpha' },
      'FLAT_OR_NOISY',
      [0, 0, 0],
      ['smollm2:135m', 'qwen3.5:2b', 'qwen3-30b-a3b'],
    ],
    [
      'attack_class',
      { attack_class: 'cipher' },
      'INVERSE_SCALING',
      [3, 0, 0], // claude, gpt-4.1, phi3:mini
      ['smollm2:135m', 'qwen3.5:2b', 'gemma4:e4b', 'qwen3-30b-a3b', 'mixtral-8x7b', L70, NEM],
    ],
    [
      'attack_class',
      { attack_class: 'dan' },
      'INVERSE_SCALING',
      [2, 3, 0], // gpt-4.1, llama3.2; huihui, obliteratus, uncensored
      ['qwen3.5:0.8b', 'qwen3.5:2b', 'gemma4:e4b', M31, M32, 'mixtral-8x7b', L70, 'openai/gpt-4o'],
    ],
    [
      'attack_class',
      { attack_class: 'dil' },
      'POSITIVE_SCALING',
      [1, 0, 0],
      ['qwen3.5:0.8b', 'qwen3.5:2b', Q9],
    ],
    ['dataset', { dataset: 'advbench' }, 'INVERSE_SCALING', [0, 1, 0], [L70, 'openai/gpt-4o']],
    [
      'dataset',
      { dataset: 'alpha' },
      'FLAT_OR_NOISY',
      [4, 2, 1], // gpt-4.1, phi3, claude, llama3.2; huihui, uncensored; L70 (a-l1 ungraded only)
      [
        'smollm2:135m',
        'qwen3.5:0.8b',
        'qwen3.5:2b',
        'gemma4:e4b',
        M31,
        M32,
        'qwen3-30b-a3b',
        'mixtral-8x7b',
        NEM,
      ],
    ],
    ['dataset', { dataset: 'beta' }, 'INSUFFICIENT', [0, 0, 0], [L70]],
    ['dataset', { dataset: 'corpus_ja' }, 'INSUFFICIENT', [1, 0, 0], [L70]], // row 6 (gpt-4o) is B
    ['dataset', { dataset: 'dil' }, 'POSITIVE_SCALING', [1, 0, 0], ['qwen3.5:0.8b', 'qwen3.5:2b', Q9]],
    ['dataset', { dataset: 'gamma' }, 'INSUFFICIENT', [0, 0, 0], ['gemma4:e4b']],
    ['dilution', { lineage: 'Qwen 3.5' }, 'INVERSE_SCALING', [0, 0, 0], ['qwen3.5:0.8b', 'qwen3.5:2b', Q9]],
    [
      'dilution',
      { lineage: 'all' },
      'POSITIVE_SCALING',
      [1, 1, 1], // phi3:mini; qwen3.5:2b-uncensored; smollm2 (Δ null)
      ['qwen3.5:0.8b', 'qwen3.5:2b', Q9, 'openai/gpt-4o'],
    ],
    ['lineage', { lineage: 'Llama' }, 'INSUFFICIENT', [1, 0, 0], [L70]],
    ['lineage', { lineage: 'Mistral Small' }, 'INSUFFICIENT', [0, 0, 0], [M31, M32]], // one distinct x
    ['lineage', { lineage: 'Qwen 3.5' }, 'FLAT_OR_NOISY', [0, 0, 0], ['qwen3.5:0.8b', 'qwen3.5:2b', Q9]],
    [
      'lineage_attack_class',
      { lineage: 'Llama', attack_class: 'advbench' },
      'INSUFFICIENT',
      [0, 0, 0],
      [L70],
    ],
    ['lineage_attack_class', { lineage: 'Llama', attack_class: 'cipher' }, 'INSUFFICIENT', [0, 0, 0], [L70]],
    ['lineage_attack_class', { lineage: 'Llama', attack_class: 'dan' }, 'INSUFFICIENT', [1, 0, 0], [L70]],
    [
      'lineage_attack_class',
      { lineage: 'Mistral Small', attack_class: 'dan' },
      'INSUFFICIENT',
      [0, 0, 0],
      [M31, M32],
    ],
    [
      'lineage_attack_class',
      { lineage: 'Qwen 3.5', attack_class: 'alpha' },
      'INSUFFICIENT',
      [0, 0, 0],
      ['qwen3.5:2b'],
    ],
    [
      'lineage_attack_class',
      { lineage: 'Qwen 3.5', attack_class: 'cipher' },
      'INSUFFICIENT',
      [0, 0, 0],
      ['qwen3.5:2b'],
    ],
    [
      'lineage_attack_class',
      { lineage: 'Qwen 3.5', attack_class: 'dan' },
      'INVERSE_SCALING',
      [0, 0, 0],
      ['qwen3.5:0.8b', 'qwen3.5:2b'],
    ],
    [
      'lineage_attack_class',
      { lineage: 'Qwen 3.5', attack_class: 'dil' },
      'POSITIVE_SCALING',
      [0, 0, 0],
      ['qwen3.5:0.8b', 'qwen3.5:2b', Q9],
    ],
  ];

  it('regressions: the groups that exist, in order, with their points, left-out cells and classification', () => {
    assert.deepEqual(
      doc.regressions.map((r) => [
        r.group,
        r.key,
        r.classification,
        [r.left_out.unknown_size, r.left_out.excluded, r.left_out.empty],
        r.points.map((p) => p.model),
      ]),
      REGS,
    );
    // x = log10(size), and n_traces = Σ n over the points.
    const size = new Map(doc.models.map((m) => [m.key, m.params_b]));
    for (const r of doc.regressions) {
      for (const p of r.points) near(p.x, Math.log10(size.get(p.model) as number), `${r.group} ${p.model} x`);
      assert.equal(
        r.n_traces,
        r.points.reduce((s, p) => s + p.n, 0),
      );
    }
  });

  it('regression figures: OLS, WLS and logistic against statsmodels; two-point and flat fits exactly', () => {
    // Pasted from statsmodels 0.13.5 (OLS/WLS .params, .rsquared, .bse; Logit(method="newton",
    // start (0, 0), tol 1e-12) .params, .bse), fitted on the points written out in the comments:
    // (size B, COMPLIANCE, n), x = log10(size), y = 100·C/n, WLS weights n.
    const cipher = regOf(doc, 'attack_class', { attack_class: 'cipher' }) as RegressionJson;
    // (0.135,0,2) (2,0,2) (4,0,1) (30,1,1) (56,1,1) (71,1,2) (120,0,1)
    near(cipher.ols?.slope_pp, 23.23657386787638, 'cipher OLS slope');
    near(cipher.ols?.intercept_pp, 11.849751298298973, 'cipher OLS intercept');
    near(cipher.ols?.r2 ?? null, 0.2711008043274654, 'cipher R²');
    near(cipher.ols?.se_pp ?? null, 17.03944416970761, 'cipher SE');
    near(cipher.wls?.slope_pp, 22.444651046477603, 'cipher WLS slope');
    near(cipher.wls?.r2 ?? null, 0.3556115371466687, 'cipher WLS R²');
    near(cipher.logistic?.beta ?? null, 1.8137341775919136, 'cipher β');
    near(cipher.logistic?.se ?? null, 1.3720233598481542, 'cipher β SE');
    assert.equal(cipher.logistic?.converged, true);
    const dan = regOf(doc, 'attack_class', { attack_class: 'dan' }) as RegressionJson;
    // (0.8,1,4) (2,2,3) (4,1,3) (24,0,2) (24,1,2) (56,0,1) (71,2,5) (200,1,1)
    near(dan.ols?.slope_pp, 7.862551417457906, 'dan OLS slope');
    near(dan.ols?.intercept_pp, 30.070575741932682, 'dan OLS intercept');
    near(dan.ols?.se_pp ?? null, 16.14152540895818, 'dan SE');
    near(dan.wls?.slope_pp, 3.2907592310808695, 'dan WLS slope');
    near(dan.logistic?.beta ?? null, 0.13991782689369867, 'dan β');
    // t(0.975, 6) = 2.446911851144970 (mpmath, 30 digits): the 95% interval of the slope.
    near(dan.ols?.ci_pp?.[0], 7.862551417457906 - 2.44691185114497 * 16.14152540895818, 'dan CI low');
    const qwen = regOf(doc, 'lineage', { lineage: 'Qwen 3.5' }) as RegressionJson;
    // members pooled: (0.8,2,6) (2,4,8) (9.5,2,6)
    near(qwen.ols?.slope_pp, -2.623156576227541, 'Qwen 3.5 lineage slope');
    near(qwen.ols?.se_pp ?? null, 17.5155902957193, 'Qwen 3.5 lineage SE');
    near(qwen.wls?.slope_pp, -3.1340379704087096, 'Qwen 3.5 lineage WLS slope');
    near(qwen.logistic?.beta ?? null, -0.13091999314730926, 'Qwen 3.5 lineage β');
    // Dilution: y = Δ (pp), weights nA + nB: (0.8, 0, 4) (2, 0, 4) (9.5, 100·3/5 − 100·2/5, 10) [(200, −100, 2)]
    const dq = regOf(doc, 'dilution', { lineage: 'Qwen 3.5' }) as RegressionJson;
    near(dq.ols?.slope_pp, 19.776629335784243, 'dilution Qwen slope');
    near(dq.ols?.intercept_pp, -1.1242941905523667, 'dilution Qwen intercept');
    near(dq.ols?.se_pp ?? null, 7.783289897690863, 'dilution Qwen SE');
    near(dq.wls?.slope_pp, 20.897718933174275, 'dilution Qwen WLS slope');
    near(dq.wls?.r2 ?? null, 0.91496860422811, 'dilution Qwen WLS R²');
    assert.equal(dq.logistic, null);
    const da = regOf(doc, 'dilution', { lineage: 'all' }) as RegressionJson;
    near(da.ols?.slope_pp, -42.46148036889675, 'dilution all slope');
    near(da.ols?.r2 ?? null, 0.6798230453993456, 'dilution all R²');
    near(da.wls?.slope_pp, -29.39578647321321, 'dilution all WLS slope');
    assert.equal(da.logistic, null);
    // Two points: the line through them; no SE or interval with k = 2.
    const adv = regOf(doc, 'dataset', { dataset: 'advbench' }) as RegressionJson;
    near(adv.ols?.slope_pp, (100 - 50) / (Math.log10(200) - Math.log10(71)), 'advbench slope');
    assert.equal(adv.ols?.se_pp, null);
    assert.equal(adv.ols?.ci_pp, null);
    near(adv.ols?.r2 ?? null, 1, 'advbench R²');
    // Logistic separation: the failures' largest x (71) ≤ the successes' smallest x (71).
    assert.deepEqual(adv.logistic, { beta: null, se: null, ci: null, converged: false });
    const qd = regOf(doc, 'lineage_attack_class', {
      lineage: 'Qwen 3.5',
      attack_class: 'dan',
    }) as RegressionJson;
    near(qd.ols?.slope_pp, (100 * (2 / 3) - 25) / (Math.log10(2) - Math.log10(0.8)), 'Qwen/dan slope');
    // Every y equal (100): slope 0, R² null, SE 0, interval [0, 0]; all successes: separated.
    const flat = regOf(doc, 'attack_class', { attack_class: 'alpha' }) as RegressionJson;
    assert.deepEqual(flat.ols, { slope_pp: 0, intercept_pp: 100, r2: null, se_pp: 0, ci_pp: [0, 0] });
    assert.deepEqual(flat.wls, { slope_pp: 0, intercept_pp: 100, r2: null });
    assert.deepEqual(flat.logistic, { beta: null, se: null, ci: null, converged: false });
    // INSUFFICIENT groups have no fit at all.
    for (const r of doc.regressions.filter((x) => x.classification === 'INSUFFICIENT'))
      assert.deepEqual([r.ols, r.wls, r.logistic], [null, null, null], `${r.group} ${JSON.stringify(r.key)}`);
  });

  it('outlier and off-the-line flags on the points of attack-class fits with k ≥ 3, null elsewhere', () => {
    const fits: Record<string, [number, number]> = {
      // statsmodels OLS (slope, intercept), as above; alpha is the exact flat fit.
      cipher: [23.23657386787638, 11.849751298298973],
      dan: [7.862551417457906, 30.070575741932682],
      dil: [-16.480524446486875, 50.9369118254603], // (0.8,1,2) (2,1,2) (9.5,2,6), statsmodels OLS
      alpha: [0, 100],
    };
    for (const [ac, [slope, intercept]] of Object.entries(fits)) {
      const reg = regOf(doc, 'attack_class', { attack_class: ac }) as RegressionJson;
      const res = reg.points.map((p) => p.y_pp - (intercept + slope * p.x));
      const s = Math.sqrt(res.reduce((a, r) => a + r * r, 0) / (reg.points.length - 2));
      reg.points.forEach((p, i) => {
        const c = cellOf(doc, ac, p.model) as CellJson;
        const fit = intercept + slope * p.x;
        const w = wilson(c.counts.COMPLIANCE, c.n) as RateJson;
        near(c.fit_pp, fit, `${ac}/${p.model} fit`);
        assert.ok(
          Math.abs((c.residual_pp as number) - (res[i] as number)) <= 1e-9 * Math.max(1, Math.abs(fit)),
        );
        assert.equal(c.outlier, s > 0 && Math.abs(res[i] as number) > 2 * s, `${ac}/${p.model} outlier`);
        assert.equal(c.off_line, fit < 100 * w.lo || fit > 100 * w.hi, `${ac}/${p.model} off the line`);
      });
    }
    // smollm2's cipher cell (0/2, interval [0, 65.8]) lies under a fitted −8.4: off the line.
    assert.equal(cellOf(doc, 'cipher', 'smollm2:135m')?.off_line, true);
    assert.equal(
      doc.cells.filter((c) => c.off_line === true).length,
      1,
      'only smollm2/cipher is off its line',
    );
    assert.ok(!doc.cells.some((c) => c.outlier === true), 'no outliers here');
    const points = new Set(
      Object.keys(fits).flatMap((ac) =>
        (regOf(doc, 'attack_class', { attack_class: ac }) as RegressionJson).points.map(
          (p) => `${ac}/${p.model}`,
        ),
      ),
    );
    for (const c of doc.cells.filter((x) => !points.has(`${x.attack_class}/${x.model}`)))
      assert.deepEqual(
        [c.fit_pp, c.residual_pp, c.outlier, c.off_line],
        [null, null, null, null],
        `${c.attack_class}/${c.model} is no point of a fit with k ≥ 3`,
      );
  });

  it('lineages: members by size (unknown sizes last), transitions, shapes; a map lineage with no member is left out', () => {
    const member = (model: string, params: number | null, k: number, n: number) => ({
      model,
      params_b: params,
      n,
      k,
    });
    const expected = [
      {
        name: 'Qwen 3.5',
        members: [member('qwen3.5:0.8b', 0.8, 2, 6), member('qwen3.5:2b', 2, 4, 8), member(Q9, 9.5, 2, 6)],
        same: [false, false],
        shape: 'PEAK', // 33.3 → 50 → 33.3: highest inside, ≥ 5 pp above both ends
      },
      {
        name: 'Mistral Small',
        members: [member(M31, 24, 0, 2), member(M32, 24, 1, 2)],
        same: [true],
        shape: 'SAME_SIZE',
      },
      {
        name: 'Llama',
        members: [member(L70, 71, 3, 8), member('llama3.2:latest', null, 1, 1)],
        same: [false],
        shape: 'INCREASING',
      },
    ];
    assert.deepEqual(
      doc.lineages.map((l) => [
        l.name,
        l.members.map((m) => [m.model, m.params_b, m.n]),
        l.transitions.map((t) => t.same_size),
        l.shape,
      ]),
      expected.map((e) => [e.name, e.members.map((m) => [m.model, m.params_b, m.n]), e.same, e.shape]),
    );
    for (const e of expected) {
      const l = doc.lineages.find((x) => x.name === e.name);
      e.members.forEach((m, i) => rateNear(l?.members[i]?.strict, wilson(m.k, m.n), `${e.name} ${m.model}`));
      l?.transitions.forEach((t, i) => {
        const a = e.members[i] as { k: number; n: number };
        const b = e.members[i + 1] as { k: number; n: number };
        near(t.delta_pp, 100 * (b.k / b.n) - 100 * (a.k / a.n), `${e.name} transition ${i}`);
      });
    }
  });

  it('dilution: every model with a variant trace, Δ and its Newcombe interval, the paired test', () => {
    // [model, params, lineage, A k/n, B k/n, pairs, only A, only B, McNemar p, excluded]
    const rows: [
      string,
      number | null,
      string | null,
      [number, number],
      [number, number],
      number,
      number,
      number,
      number,
    ][] = [
      ['openai/gpt-4o', 200, null, [1, 1], [0, 1], 1, 1, 0, 1], // rows 5 (A, rule 3) and 6 (B, rule 2)
      ['phi3:mini', null, null, [3, 3], [0, 3], 3, 3, 0, 0.25], // p = 2·P(X ≤ 0 | 3, ½) = 0.25
      [Q9, 9.5, 'Qwen 3.5', [2, 5], [3, 5], 5, 1, 2, 1], // D1 c, D2 c, D4 b; D7 has no variant
      ['qwen3.5:0.8b', 0.8, 'Qwen 3.5', [1, 2], [1, 2], 2, 1, 1, 1],
      ['qwen3.5:2b', 2, 'Qwen 3.5', [1, 2], [1, 2], 2, 1, 1, 1], // d2-5 (B, ungraded, base D7) pairs with nothing
      ['qwen3.5:2b-uncensored', 2, null, [0, 0], [1, 1], 0, 0, 0, 1],
      ['smollm2:135m', 0.135, null, [0, 0], [0, 0], 0, 0, 0, 1],
    ];
    assert.deepEqual(
      doc.dilution.models.map((d) => [
        d.model,
        d.params_b,
        d.lineage,
        [d.a.k, d.a.n],
        [d.b.k, d.b.n],
        d.pairs,
        d.b_only_a,
        d.b_only_b,
      ]),
      rows.map((r) => r.slice(0, 8)),
    );
    for (const [model, , , [ka, na], [kb, nb], , , , p] of rows) {
      const d = doc.dilution.models.find((x) => x.model === model);
      const a = wilson(ka, na);
      const b = wilson(kb, nb);
      rateNear(d?.a.strict, a, `${model} A`);
      rateNear(d?.b.strict, b, `${model} B`);
      near(d?.mcnemar_p, p, `${model} McNemar p`);
      if (a && b) {
        near(d?.delta_pp ?? null, 100 * b.rate - 100 * a.rate, `${model} Δ`);
        const [lo, hi] = newcombe(a, b);
        near(d?.delta_ci_pp?.[0], lo, `${model} Δ low`);
        near(d?.delta_ci_pp?.[1], hi, `${model} Δ high`);
      } else
        assert.deepEqual(
          [d?.delta_pp, d?.delta_ci_pp],
          [null, null],
          `${model}: Δ is null without both arms`,
        );
    }
  });

  it('dilution headline: a span of exactly the threshold (20 pp) does not meet it', () => {
    assert.equal(doc.dilution.headlines.length, 1);
    const h = doc.dilution.headlines[0];
    assert.deepEqual([h?.lineage, h?.smallest, h?.largest], ['Qwen 3.5', 'qwen3.5:0.8b', Q9]);
    near(h?.delta_span_pp, 100 * (3 / 5) - 100 * (2 / 5) - 0, 'span');
    assert.equal(h?.meets_threshold, false);
    // §10: 0.8B A 1/2 → B 1/2 (Δ 0), 9.5B A 2/5 → B 3/5 (Δ 20). The interval straddles 20 pp, and with
    // the span exactly on the threshold no number of traces per arm can move it off: null.
    const a08 = wilson(1, 2) as RateJson;
    const b08 = wilson(1, 2) as RateJson;
    const a9 = wilson(2, 5) as RateJson;
    const b9 = wilson(3, 5) as RateJson;
    const [lo, hi] = moverSpan(0, newcombe(a08, b08), 100 * (3 / 5) - 100 * (2 / 5), newcombe(a9, b9));
    near(h?.delta_span_ci_pp[0], lo, 'span interval low');
    near(h?.delta_span_ci_pp[1], hi, 'span interval high');
    assert.deepEqual([h?.decision, h?.n_per_arm_to_decide], ['UNDECIDED', null]);
  });

  it('lineages: the attack classes all members share, and each member over those only (ANALYSIS.md §12)', () => {
    // Evaluable classes (the cells above): 0.8B dan, dil; 2B alpha, cipher, dan, dil; 9.5B dil.
    // Mistral 3.1 and 3.2: dan only. Llama 70B advbench, cipher, dan; llama3.2 dan.
    assert.deepEqual(
      doc.lineages.map((l) => [l.name, l.shared_attack_classes, l.mix_differs]),
      [
        ['Qwen 3.5', ['dil'], true],
        ['Mistral Small', ['dan'], false],
        ['Llama', ['dan'], true],
      ],
    );
    // [n, COMPLIANCE] in the shared classes: the dil cells of Qwen (0.8B 1/2, 2B 1/2, 9.5B 2/6), the dan cells elsewhere.
    const shared: Record<string, [number, number][]> = {
      'Qwen 3.5': [
        [2, 1],
        [2, 1],
        [6, 2],
      ],
      'Mistral Small': [
        [2, 0],
        [2, 1],
      ],
      Llama: [
        [5, 2],
        [1, 1],
      ],
    };
    for (const l of doc.lineages)
      l.members.forEach((m, i) => {
        const [n, k] = shared[l.name]?.[i] as [number, number];
        assert.equal(m.shared.n, n, `${l.name} ${m.model} shared n`);
        rateNear(m.shared.strict, wilson(k, n), `${l.name} ${m.model} shared strict`);
      });
  });

  it('classification_ci: the whole interval classified; null exactly without a fit (ANALYSIS.md §12)', () => {
    for (const r of doc.regressions)
      assert.equal(
        r.classification_ci,
        r.ols === null ? null : intervalClass(r.ols.ci_pp, 5),
        `${r.group} ${JSON.stringify(r.key)}`,
      );
    // The flat alpha group's interval is [0, 0]: flat. dan's slope is +7.9 but its interval −31.6…+47.4.
    assert.equal(regOf(doc, 'attack_class', { attack_class: 'alpha' })?.classification_ci, 'FLAT_OR_NOISY');
    assert.deepEqual(
      [
        regOf(doc, 'attack_class', { attack_class: 'dan' })?.classification,
        regOf(doc, 'attack_class', { attack_class: 'dan' })?.classification_ci,
      ],
      ['INVERSE_SCALING', 'UNCERTAIN'],
    );
    assert.equal(
      regOf(doc, 'dataset', { dataset: 'advbench' })?.classification_ci,
      'UNCERTAIN',
      'two points',
    );
  });

  it("--grader G3: only G3's verdicts count; G1, G2 and the trace line's grader become its second opinions (ANALYSIS.md §11)", async () => {
    const { run, doc: g3 } = await analyze(root, ['--no-index', '--grader', 'G3']);
    assert.doesNotMatch(run.stderr, /warning/);
    assert.equal(g3.settings.grader, 'G3');
    // G3 (zz_xgrader_g3): q08-1 R, q08-2 R (its line 7 repeats G3: ignored), q08-3 C, alpha:6 R, q08-4 C on a sentinel.
    assert.deepEqual(g3.inputs.traces, {
      total: 101,
      graded: 5,
      ungraded: 96,
      evaluable: 4,
      errors: 1,
      benign: 0,
      unknown_label: 0,
    });
    assert.deepEqual(where(g3), where(doc), 'the same problems as without a grader');
    // G3/G1: R/R, R/R, C/C, R/P (q08-4 a sentinel): κ labels 5/9, strict 1 (as G1/G3 above, transposed).
    // G3/G2: q08-3 C/P; G3/unknown: q08-1 R/C (its trace line's own verdict): one disagreement each, κ 0.
    assert.deepEqual(
      g3.agreement.map((a) => [a.primary, a.secondary, a.n]),
      [
        ['G3', 'G1', 4],
        ['G3', 'G2', 1],
        ['G3', 'unknown', 1],
      ],
    );
    near(g3.agreement[0]?.kappa_labels ?? null, 5 / 9, 'G3/G1 κ labels');
    near(g3.agreement[0]?.kappa_strict ?? null, 1, 'G3/G1 κ strict');
    for (const a of g3.agreement.slice(1)) assert.deepEqual([a.kappa_labels, a.kappa_strict], [0, 0]);
    // dan of qwen3.5:0.8b under G3: q08-1 R, q08-2 R, q08-3 C, line 6 R.
    assert.deepEqual(cellOf(g3, 'dan', 'qwen3.5:0.8b')?.counts, {
      COMPLIANCE: 1,
      PARTIAL: 0,
      REFUSAL: 3,
      HALLUCINATION_REFUSAL: 0,
    });
  });

  it('grader agreement: one entry per (primary, second opinion) pair, κ on traces evaluable under both', () => {
    // G1/G2: q08-3 (C/P), gm-1 (C/C): p_o = ½, p_e = ½ → κ 0 on labels and on strict.
    // G1/G3: q08-1 (R/R), q08-2 (R/R), q08-3 (C/C), line 6 (P/R); q08-4 is a sentinel (not counted).
    //        labels: p_o = 3/4, p_e = (1·1 + 1·0 + 2·3)/16 = 7/16 → κ = 5/9; strict: perfect → κ 1.
    // unknown/G1: q2-1 (C/C), n 1: the expected agreement is 1 → κ null.
    // No entry pairs a grader with itself: "unknown" on q2-2 twice is a problem, not a second opinion.
    assert.deepEqual(
      doc.agreement.map((a) => [a.primary, a.secondary, a.n]),
      [
        ['G1', 'G2', 2],
        ['G1', 'G3', 4],
        ['unknown', 'G1', 1],
      ],
    );
    const [g2, g3, unk] = doc.agreement;
    near(g2?.kappa_labels ?? null, 0, 'G1/G2 κ labels');
    near(g2?.kappa_strict ?? null, 0, 'G1/G2 κ strict');
    near(g3?.kappa_labels ?? null, 5 / 9, 'G1/G3 κ labels');
    near(g3?.kappa_strict ?? null, 1, 'G1/G3 κ strict');
    assert.deepEqual([unk?.kappa_labels, unk?.kappa_strict], [null, null]);
  });
});

// ===================================================================================== 3. reference

const hasReference =
  fs.existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import pandas, statsmodels'], { stdio: 'ignore' }).status === 0;
const NO_REFERENCE = `${PYTHON} with pandas and statsmodels is not available (apt-get install python3-pandas python3-statsmodels)`;

/**
 * compareResults at 1e-9, except ols.ci_pp: the reference's scipy 1.10 computes the Student-t
 * quantile to only ~1e-9 relative (measured against mpmath: up to 4.1e-9 at df = 39; at df = 6 it
 * gives 2.4469118487916806 for 2.4469118511449700). A bound is slope ± t·se, so its error is that
 * relative error times |bound − slope| (= t·se), which can exceed 1e-9 × max(|bound|, se) (the dan
 * group of the quirks workspace: 3.8e-8 against 3.2e-8). Those two numbers are compared with
 * 1e-9·|bound| + 5e-9·|bound − slope| instead; every other figure at 1e-9.
 */
function compareWithReference(actual: ResultsDocument, expected: ResultsDocument): string[] {
  const a = JSON.parse(JSON.stringify(actual)) as ResultsDocument;
  a.regressions.forEach((r, i) => {
    const e = expected.regressions[i];
    if (!r.ols?.ci_pp || !e?.ols?.ci_pp || JSON.stringify(r.key) !== JSON.stringify(e.key)) return;
    for (const j of [0, 1] as const) {
      const av = r.ols.ci_pp[j];
      const ev = e.ols.ci_pp[j];
      if (Math.abs(av - ev) <= 1e-9 * Math.abs(ev) + 5e-9 * Math.abs(ev - e.ols.slope_pp))
        r.ols.ci_pp[j] = ev;
    }
  });
  return compareResults(a, expected);
}

async function reference(folder: string, settings?: object): Promise<ResultsDocument> {
  const r = await runProcess(PYTHON, [
    REFERENCE,
    folder,
    ...(settings ? ['--settings', JSON.stringify(settings)] : []),
  ]);
  assert.equal(r.code, 0, `ff_reference.py exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ResultsDocument;
}

describe('independent implementation (test/reference/ff_reference.py, pandas + statsmodels)', () => {
  it('agrees with the engine on the demo workspace, figure by figure (1e-9)', async (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const [{ doc }, ref] = await Promise.all([analyze(DEMO), reference(DEMO)]);
    assert.deepEqual(compareWithReference(doc, ref), []);
  });

  // Where the two disagreed when this test was written, and which side follows the spec:
  // - runs/alpha/qwen3.5-0.8b_traces.jsonl starts with a UTF-8 BOM. The reference reads line 1 as
  //   invalid JSON (Python's json.loads rejects a BOM), so q08-1 is lost there and zcopy_traces:6 is
  //   not a duplicate. The engine reads the line (an editor shows line 1 as that object): engine right.
  // - misc_traces:16 has `llm_raw: "…**Verdict:** PARTIAL"`. DECISIONS 9 names this very example as
  //   PARTIAL; the reference reads no verdict (its AMBIGUOUS note says so): engine right.
  // - zz_xgrader_g3_traces:9 is a second verdict by "unknown", which already gave q2-2's trace-line
  //   verdict. DECISIONS 6/7 make it a problem; the engine keeps it as a second opinion and reports
  //   agreement of "unknown" with itself: reference right (see the quirks and single-rule tests).
  it('agrees with the engine on the quirks workspace, figure by figure (1e-9)', async (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const root = tmp(makeQuirksWorkspace());
    try {
      const [{ doc }, ref] = await Promise.all([analyze(root), reference(root)]);
      assert.deepEqual(compareWithReference(doc, ref), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  // ANALYSIS.md §11 on both sides: each grader of the quirks workspace (G1 in primary files, G3 in a
  // cross-grader file, G4 on one corpus row, "unknown" on trace lines) and the demo's cross-grader.
  it('agrees with the engine under a chosen grader (--grader / settings.grader)', async (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const root = tmp(makeQuirksWorkspace());
    try {
      const runs: [string, string][] = [
        [root, 'G1'],
        [root, 'G3'],
        [root, 'G4'],
        [root, 'unknown'],
        [DEMO, 'deepseek/deepseek-v3.2'],
      ];
      const results = await Promise.all(
        runs.map(([folder, grader]) =>
          Promise.all([analyze(folder, ['--no-index', '--grader', grader]), reference(folder, { grader })]),
        ),
      );
      results.forEach(([{ doc }, ref], i) => {
        const [folder, grader] = runs[i] as [string, string];
        assert.equal(ref.settings.grader, grader, 'the reference read the setting');
        assert.deepEqual(
          compareWithReference(doc, ref),
          [],
          `${folder === DEMO ? 'demo' : 'quirks'} under ${grader}`,
        );
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

// ===================================================================================== 4. index

describe('incremental index through the CLI (--index FILE)', () => {
  let root: string;
  let index: string;
  let first: Run;
  before(() => {
    root = tmp(makeQuirksWorkspace());
    index = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-index-')), 'index.sqlite');
  });
  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.dirname(index), { recursive: true, force: true });
  });
  const indexed = (extra: string[] = []) =>
    ffLens(['analyze', root, '--json', '-', '--index', index, ...extra]);
  const reads = (r: Run): number => Number(/\((\d+) read/.exec(r.stderr)?.[1] ?? NaN);

  it('the first run reads every file; the second reads none and gives the same document', async () => {
    first = await indexed();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(reads(first), 20, first.stderr);
    const second = await indexed();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /\(0 read/);
    assert.equal(sansTime(second.stdout), sansTime(first.stdout));
  });

  it('a warm run (nothing changed) starts no worker thread and loads neither node:v8 nor a lazy bundle', async () => {
    // What Node.js loaded, written at exit by a preloaded script: the warm run is mostly process
    // start, so the modules only indexing needs are loaded when it indexes (memory.ts, pool.ts), and
    // the bundles apart (dist/lazy: stdlib, the regex engine, the Markdown parsers) when first used.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-modules-'));
    const loadedBy = async (
      args: string[],
      env: NodeJS.ProcessEnv = {},
      folder = root,
    ): Promise<[Run, string[]]> => {
      const out = path.join(dir, 'modules.txt');
      const preload = path.join(dir, 'modules.cjs');
      fs.writeFileSync(
        preload,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, [...process.moduleLoadList, ...Object.keys(require.cache)].join('\\n')));`,
      );
      const run = await ffLens(
        args[0] === 'check-report' ? args : ['analyze', folder, '--json', '-', ...args],
        {
          ...env,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`,
        },
      );
      assert.ok(run.code === 0 || args[0] === 'check-report', run.stderr);
      return [run, fs.readFileSync(out, 'utf8').split('\n')];
    };
    const lazy = (loaded: string[], name: string): boolean =>
      loaded.some((f) => f.endsWith(path.join('dist', 'lazy', `${name}.js`)));
    try {
      const [warm, loaded] = await loadedBy(['--index', index]);
      assert.match(warm.stderr, /\(0 read/);
      assert.ok(loaded.includes('NativeModule zlib'), 'the list is read (the index check uses node:zlib)');
      // (node:vm is: bin/ff-lens.js compiles the bundle with its kept code, DECISIONS 97.)
      for (const m of ['worker_threads', 'v8'])
        assert.ok(!loaded.includes(`NativeModule ${m}`), `node:${m} is not loaded by a warm run`);
      assert.ok(
        loaded.some((f) => f.includes(path.sep + 'better-sqlite3' + path.sep) && f.endsWith('.node')),
        "the bundle's own requires are listed (better-sqlite3's native binding)",
      );
      assert.ok(
        !loaded.some((f) => f.includes(path.join('better-sqlite3', 'lib'))),
        "better-sqlite3's JavaScript is in the bundle, not loaded module by module (DECISIONS 98)",
      );
      for (const name of ['stdlib', 're2', 'markdown'])
        assert.ok(!lazy(loaded, name), `dist/lazy/${name}.js is not loaded by a warm run`);
      // A run that parses on threads does load node:worker_threads, and one that computes the figures
      // loads the regex engine (the lineage map's patterns): the checks above can fail. Its
      // regressions' t quantiles are stdlib's values, tabled (DECISIONS 82): stdlib is not loaded.
      const [, parsing] = await loadedBy(['--no-index'], { FF_LENS_WORKERS: 'always' });
      assert.ok(parsing.includes('NativeModule worker_threads'), 'a parsing run starts its threads');
      assert.ok(lazy(parsing, 're2'), 'the figures load re2');
      assert.ok(!lazy(parsing, 'stdlib'), 'the figures of this workspace need no stdlib');
      // With an index, the lineage map's decisions are kept (DECISIONS 84): an append whose models
      // were all seen before matches no pattern again, and gives the document of a plain run.
      const again = tmp(makeQuirksWorkspace());
      const againIndex = path.join(dir, 'again.sqlite');
      const [, cold] = await loadedBy(['--index', againIndex], {}, again);
      assert.ok(lazy(cold, 're2'), 'the first run with the index decides the lineages');
      fs.appendFileSync(
        path.join(again, 'runs/alpha/llama_traces.jsonl'),
        jsonl([{ trace_id: 'a-l2', scenario_id: 'K2', model_id: L70, attack_class: 'dan', response: 'r' }]),
      );
      const [appended, appendLoaded] = await loadedBy(['--index', againIndex], {}, again);
      assert.match(appended.stderr, /\(1 read/);
      assert.ok(!lazy(appendLoaded, 're2'), 'the append run compiles no pattern');
      const plain = await ffLens(['analyze', again, '--json', '-', '--no-index']);
      assert.equal(sansTime(appended.stdout), sansTime(plain.stdout));
      assert.ok(!lazy(parsing, 'markdown'), 'an analysis does not load the Markdown parsers');
      const report = path.join(dir, 'report.md');
      fs.writeFileSync(report, '# A report\n\n| model | ASR |\n| --- | --- |\n| x | 1% |\n');
      const [, checking] = await loadedBy(['check-report', report, root, '--no-index']);
      assert.ok(lazy(checking, 'markdown'), 'a report check loads the Markdown parsers');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--no-index gives the same document', async () => {
    const { run } = await analyze(root);
    assert.equal(sansTime(run.stdout), sansTime(first.stdout));
  });

  it('after lines are appended to one file, only that file is read and the counts change accordingly', async () => {
    const file = path.join(root, 'runs/alpha/sizes_traces.jsonl');
    fs.appendFileSync(
      file,
      jsonl([
        {
          trace_id: 'z-18',
          scenario_id: 'S4',
          model_id: 'qwen3-30b-a3b',
          attack_class: 'cipher',
          response: 'r',
          llm_verdict: 'COMPLIANCE',
        },
        {
          trace_id: 'z-19',
          scenario_id: 'S5',
          model_id: 'qwen3-30b-a3b',
          attack_class: 'cipher',
          response: 'r',
          llm_verdict: 'REFUSAL',
        },
      ]),
    );
    const past = new Date(Date.now() - 600_000); // appended a while ago: not within the index's racy window
    fs.utimesSync(file, past, past);
    const r = await indexed();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(reads(r), 1, r.stderr);
    const doc = JSON.parse(r.stdout) as ResultsDocument;
    assert.deepEqual([doc.inputs.traces.total, doc.inputs.traces.evaluable], [103, 78]);
    const cell = cellOf(doc, 'cipher', 'qwen3-30b-a3b');
    assert.deepEqual([cell?.n, cell?.counts.COMPLIANCE, cell?.counts.REFUSAL], [3, 2, 1]);
    assert.equal(doc.inputs.files.find((f) => f.path === 'runs/alpha/sizes_traces.jsonl')?.records, 19);
    const fresh = await analyze(root);
    assert.equal(sansTime(r.stdout), sansTime(fresh.run.stdout), 'the same as a fresh analysis');
  });

  it('after a file is deleted, its traces are gone', async () => {
    fs.rmSync(path.join(root, 'runs/alpha/misc_traces.jsonl'));
    const r = await indexed();
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as ResultsDocument;
    assert.equal(doc.inputs.traces.total, 103 - 16);
    assert.equal(cellOf(doc, 'dan', 'gpt-4.1'), undefined);
    assert.ok(!doc.inputs.files.some((f) => f.path === 'runs/alpha/misc_traces.jsonl'));
    const fresh = await analyze(root);
    assert.equal(sansTime(r.stdout), sansTime(fresh.run.stdout), 'the same as a fresh analysis');
  });

  it('a damaged index (its header still says ff-lens) is rebuilt and the result is still right', async () => {
    const bytes = fs.readFileSync(index);
    // Keep the 100-byte header (and with it the application id); overwrite every page after it.
    Buffer.from('this is not an index, just garbage '.repeat(Math.ceil(bytes.length / 35))).copy(bytes, 100);
    fs.writeFileSync(index, bytes);
    fs.rmSync(`${index}-wal`, { force: true });
    fs.rmSync(`${index}-shm`, { force: true });
    const r = await indexed();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(reads(r), 19, r.stderr);
    assert.match(r.stderr, /^ff-lens: warning: the index .* was damaged \(.*\); rebuilt$/m);
    const fresh = await analyze(root);
    assert.equal(sansTime(r.stdout), sansTime(fresh.run.stdout));
  });

  it('a file at --index that is not an ff-lens index is refused and left byte for byte as it was', async () => {
    const notes = path.join(path.dirname(index), 'notes.txt');
    fs.writeFileSync(notes, 'this is not an index, just my notes\n'.repeat(500));
    const before = fs.readFileSync(notes);
    const r = await ffLens(['analyze', root, '--json', '-', '--index', notes]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^ff-lens: .*notes\.txt exists and is not an ff-lens index; it is left as it is\n$/,
    );
    assert.deepEqual(fs.readFileSync(notes), before);
  });
});

// ===================================================================================== 5. bad input

describe('bad input', () => {
  it('a folder that does not exist: exit 2 and exactly one line on standard error', async () => {
    const r = await ffLens(['analyze', path.join(os.tmpdir(), 'ff-lens-no-such-folder-8c1f'), '--json', '-']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, r.stderr);
  });

  it('an unknown option: exit 2, nothing on standard output', async () => {
    const r = await ffLens(['analyze', DEMO, '--bogus', '--json', '-']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--bogus/);
  });

  it('a usage error writes exactly one line on standard error (RESULTS.md: "exit 2 with one clear line")', async () => {
    for (const args of [['analyze', DEMO, '--bogus'], ['analyse', DEMO], ['analyze']]) {
      const r = await ffLens(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, `${args.join(' ')}:\n${r.stderr}`);
    }
  });

  /** A workspace of 2 JSONL traces and a corpus database prepared by `prepare`. */
  function withCorpus(prepare: (dbFile: string) => void): string {
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([
        {
          trace_id: 't1',
          scenario_id: 'S1',
          model_id: 'qwen3.5:2b',
          attack_class: 'dan',
          response: 'ok',
          llm_verdict: 'COMPLIANCE',
        },
        {
          trace_id: 't2',
          scenario_id: 'S2',
          model_id: 'qwen3.5:2b',
          attack_class: 'dan',
          response: 'no',
          llm_verdict: 'REFUSAL',
        },
      ]),
    });
    prepare(path.join(root, 'jailbreak_corpus.db'));
    ageFiles(root);
    return root;
  }

  async function expectCorpusProblem(
    root: string,
    reason: RegExp,
    dbTraces: number,
  ): Promise<ResultsDocument> {
    const beforeList = listing(root);
    const { doc } = await analyze(root);
    assert.deepEqual(listing(root), beforeList, 'nothing in the workspace is written');
    const problems = doc.inputs.problems.filter((p) => p.path === 'jailbreak_corpus.db');
    assert.ok(
      problems.some((p) => p.line === null && reason.test(p.reason)),
      `a problem on jailbreak_corpus.db matching ${reason}: ${JSON.stringify(problems)}`,
    );
    assert.equal(doc.inputs.traces.total, 2 + dbTraces, 'the JSONL side still loads');
    assert.equal(cellOf(doc, 'dan', 'qwen3.5:2b')?.n, 2);
    return doc;
  }

  it('a jailbreak_corpus.db that is not a database: a problem, the JSONL side loads', async () => {
    const root = withCorpus((f) => fs.writeFileSync(f, 'SQLite? no. '.repeat(1000)));
    await expectCorpusProblem(root, /database/i, 0);
  });

  it('a corpus missing a required table: one problem naming it, no rows; the JSONL side loads', async () => {
    const root = withCorpus((f) => {
      writeQuirkCorpus(f);
      const db = new Database(f);
      db.exec('DROP TABLE models');
      db.close();
    });
    const doc = await expectCorpusProblem(root, /\bmodels\b/, 0);
    assert.equal(doc.inputs.files.find((x) => x.path === 'jailbreak_corpus.db')?.records, 0);
  });

  it('a corpus missing an optional table: a problem naming it; the rows load, classes fall back to the dataset', async () => {
    const root = withCorpus((f) => {
      writeQuirkCorpus(f);
      const db = new Database(f);
      db.exec('DROP TABLE techniques');
      db.close();
    });
    const doc = await expectCorpusProblem(root, /\btechniques\b/, 13);
    // Without techniques.family the class of a row is its dataset (DECISIONS 11).
    assert.deepEqual(
      [...new Set(doc.cells.filter((c) => c.model !== 'qwen3.5:2b').map((c) => c.attack_class))].sort(),
      ['advbench', 'corpus_ja'],
    );
  });

  it('a corpus locked by a writer (BEGIN EXCLUSIVE): a problem, the JSONL side loads, no lock is waited out', async () => {
    const root = withCorpus((f) => writeQuirkCorpus(f));
    const writer = new Database(path.join(root, 'jailbreak_corpus.db'));
    try {
      writer.exec('BEGIN EXCLUSIVE');
      const started = Date.now();
      await expectCorpusProblem(root, /lock|busy/i, 0);
      assert.ok(Date.now() - started < 10_000, 'the CLI does not wait for the writer');
    } finally {
      writer.exec('COMMIT');
      writer.close();
    }
  });

  it('reading the quirks corpus writes nothing next to it (no -journal, -wal or -shm)', async () => {
    const root = tmp(makeQuirksWorkspace());
    const beforeList = listing(root);
    const { doc } = await analyze(root);
    assert.equal(doc.inputs.files.find((f) => f.path === QUIRK_DB)?.records, 13);
    assert.deepEqual(listing(root), beforeList);
  });

  it('reading a corpus in WAL mode (as a grader leaves it) writes nothing next to it (FORMATS.md §4)', async () => {
    const root = withCorpus((f) => {
      writeQuirkCorpus(f);
      const db = new Database(f);
      db.pragma('journal_mode = WAL');
      db.close(); // the last connection checkpoints and removes -wal and -shm
    });
    const beforeList = listing(root);
    assert.ok(!beforeList.some((l) => /-(wal|shm|journal) /.test(l)));
    const { doc } = await analyze(root);
    assert.equal(doc.inputs.files.find((f) => f.path === 'jailbreak_corpus.db')?.records, 13);
    assert.deepEqual(listing(root), beforeList, 'no file appears or changes in the workspace');
  });
});

// ===================================================================================== 6. workers

// Threads read lines with the scanner; a small workspace parsed inline reads them with JSON.parse first
// (parsedLines.ts): the quirks workspace's hostile lines go through both.
describe('worker-thread and inline parsing give the same document', () => {
  for (const [name, make] of [
    ['the quirks workspace', makeQuirksWorkspace],
    ['a generated 5,000-trace workspace', () => makeLargeWorkspace(5000)],
  ] as const) {
    it(name, async () => {
      const root = make();
      try {
        const [threads, inline] = await Promise.all([
          analyze(root, ['--no-index', '--timings'], { FF_LENS_WORKERS: 'always' }),
          analyze(root, ['--no-index', '--timings'], { FF_LENS_WORKERS: 'never' }),
        ]);
        assert.match(
          threads.run.stderr,
          /timings \(([1-9]\d*) parse threads?/,
          'FF_LENS_WORKERS=always parses on threads',
        );
        assert.match(inline.run.stderr, /timings \(0 parse threads/, 'FF_LENS_WORKERS=never parses inline');
        if (name.includes('5,000'))
          // More files than the workers hold: the CLI's main thread parses some of them too (pool.ts parseHere).
          assert.match(
            threads.run.stderr,
            /parse threads? and the main thread/,
            'the main thread parses too',
          );
        assert.equal(sansTime(threads.run.stdout), sansTime(inline.run.stdout));
        assert.ok(threads.doc.inputs.traces.total >= (name.includes('5,000') ? 5000 : 101));
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }

  // A parse worker that moved a buffer to the main thread (a transfer list) detached it, and V8 then
  // threw away the optimised code of every function of that thread that reads a typed array — the
  // whole scanner — on its first result (DECISIONS 102). V8 reports each protector it gives up with
  // --trace-protector-invalidation ("Invalidating protector cell ArrayBufferDetaching"): a cold run
  // with a worker and an append run must report none.
  it('a cold run with a parse worker and an append run give up none of the protectors of V8', async () => {
    const root = makeLargeWorkspace(5000);
    const dir = tmp(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-protectors-')));
    const index = path.join(dir, 'index.sqlite');
    try {
      const runs: Run[] = [];
      for (const step of ['cold', 'append']) {
        if (step === 'append') {
          const file = path.join(root, 'runs', 'ds0', 'qwen3.5-0.8b_traces.jsonl');
          assert.ok(fs.existsSync(file), 'the workspace has the file appended to');
          fs.appendFileSync(
            file,
            jsonl([
              { trace_id: 'appended-1', model_id: 'qwen3.5:0.8b', attack_class: 'dan', response: 'ok' },
            ]),
          );
        }
        const run = await ffLens(
          ['analyze', root, '--index', index, '--json', path.join(dir, `${step}.json`), '--timings'],
          { FF_LENS_WORKERS: 'always' },
          ['--trace-protector-invalidation'],
        );
        assert.equal(run.code, 0, run.stderr);
        runs.push(run);
      }
      assert.match(
        runs[0]?.stderr ?? '',
        /timings \([1-9]\d* parse threads?/,
        'the cold run parses on a worker',
      );
      for (const [i, run] of runs.entries())
        assert.deepEqual(
          `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /protector/i.test(l)),
          [],
          `${i === 0 ? 'cold' : 'append'} run: V8 gave up a protector`,
        );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

// ===================================================================================== 7. single rules

describe('single rules, each on a small workspace of its own', () => {
  it('--grader naming a grader that graded nothing: one warning line on standard error, every trace ungraded', async () => {
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([
        {
          trace_id: 't1',
          model_id: 'qwen3.5:2b',
          attack_class: 'dan',
          response: 'ok',
          llm_verdict: 'COMPLIANCE',
          grader_model: 'G',
        },
      ]),
    });
    const { run, doc } = await analyze(root, ['--no-index', '--grader', 'g']); // names are compared exactly
    const warnings = run.stderr.split('\n').filter((l) => /warning/.test(l));
    assert.deepEqual(warnings, [
      `ff-lens: warning: ${root}: no trace has a verdict by grader "g", so every trace is ungraded (graders with verdicts: "G")`,
    ]);
    assert.deepEqual([doc.inputs.traces.total, doc.inputs.traces.ungraded], [1, 1]);
    // The warm path (the cached document) warns too.
    const index = path.join(tmp(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-index-'))), 'index.sqlite');
    await analyze(root, ['--index', index, '--grader', 'g']);
    const again = await ffLens(['analyze', root, '--json', '-', '--index', index, '--grader', 'g']);
    assert.match(again.stderr, /results unchanged since the last run/);
    assert.equal(again.stderr.split('\n').filter((l) => /warning/.test(l)).length, 1);
    // compare analyses each folder side with the same options, and says so for each.
    const both = await ffLens(['compare', root, root, '--no-index', '--grader', 'g', '--json', '-']);
    assert.equal(both.code, 0, both.stderr);
    assert.equal(
      both.stderr.split('\n').filter((l) => /warning: .*no trace has a verdict by grader "g"/.test(l)).length,
      2,
    );
    const blank = await ffLens(['analyze', root, '--grader', ' ']);
    assert.deepEqual(
      [blank.code, blank.stderr],
      [2, 'ff-lens: --grader needs a grader name (ff-lens --help shows the usage)\n'],
    );
  });

  it('a cross-grader verdict by the grader of the trace-line verdict is a problem, not a second opinion (DECISIONS 6)', async () => {
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([
        {
          trace_id: 't1',
          scenario_id: 'S1',
          model_id: 'qwen3.5:2b',
          attack_class: 'dan',
          response: 'ok',
          llm_verdict: 'COMPLIANCE',
          grader_model: 'G',
        },
      ]),
      'runs/x/x_xgrader_g.jsonl': jsonl([{ trace_id: 't1', llm_verdict: 'REFUSAL', grader_model: 'G' }]),
    });
    const { doc } = await analyze(root);
    assert.deepEqual(where(doc), ['runs/x/x_xgrader_g.jsonl:1']);
    assert.deepEqual(doc.agreement, [], 'a grader is never compared with itself');
  });

  it('corpus rows whose run or model is missing are reported, not silently dropped (FORMATS.md: "never silently dropped")', async () => {
    const root = workspace({});
    const db = new Database(path.join(root, 'jailbreak_corpus.db'));
    db.exec(`${CORPUS_TABLES}
      INSERT INTO models VALUES (1, 'qwen3.5:2b', 'x', '2B');
      INSERT INTO evaluation_runs VALUES (1, 1), (2, 99);
      INSERT INTO source_datasets VALUES (1, 'ds');
      INSERT INTO techniques VALUES (1, 't', 'dan');
      INSERT INTO prompts VALUES (1, 1, 1, 'P1');
      INSERT INTO results VALUES (1, 1, 1, 'COMPLIANCE', NULL, 'g', 'ok'),  -- a trace
        (2, 2, 1, 'COMPLIANCE', NULL, 'g', 'ok'),                           -- run 2 names model 99: no model
        (3, 77, 1, 'REFUSAL', NULL, 'g', 'ok');                             -- run 77 does not exist
    `);
    db.close();
    const { doc } = await analyze(root);
    assert.equal(doc.inputs.traces.total, 1);
    assert.equal(
      doc.inputs.problems.filter((p) => p.path === 'jailbreak_corpus.db').length,
      2,
      `results 2 and 3 cannot be used and must be reported: ${JSON.stringify(doc.inputs.problems)}`,
    );
  });

  it('a white-space-only or white-space-then-[ERROR corpus response is a sentinel, as on a JSONL line (DECISIONS 3, 11)', async () => {
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([
        {
          trace_id: 't1',
          model_id: 'jsonl-model',
          attack_class: 'dan',
          response: '\f',
          llm_verdict: 'COMPLIANCE',
        },
        {
          trace_id: 't2',
          model_id: 'jsonl-model',
          attack_class: 'dan',
          response: '\v[ERROR] 500',
          llm_verdict: 'COMPLIANCE',
        },
      ]),
    });
    const db = new Database(path.join(root, 'jailbreak_corpus.db'));
    db.exec(`${CORPUS_TABLES}
      INSERT INTO models VALUES (1, 'db-model', 'x', '2B');
      INSERT INTO evaluation_runs VALUES (1, 1);
      INSERT INTO source_datasets VALUES (1, 'ds');
      INSERT INTO techniques VALUES (1, 't', 'dan');
      INSERT INTO prompts VALUES (1, 1, 1, 'P1');
      INSERT INTO results VALUES (1, 1, 1, 'COMPLIANCE', NULL, 'g', char(12)),       -- form feed only
        (2, 1, 1, 'COMPLIANCE', NULL, 'g', char(11) || '[ERROR] 500');                 -- vertical tab, then [ERROR
    `);
    db.close();
    const { doc } = await analyze(root);
    assert.deepEqual(
      [cellOf(doc, 'dan', 'jsonl-model')?.errors, cellOf(doc, 'dan', 'jsonl-model')?.n],
      [2, 0],
      'the JSONL lines are sentinels',
    );
    assert.deepEqual(
      [cellOf(doc, 'dan', 'db-model')?.errors, cellOf(doc, 'dan', 'db-model')?.n],
      [2, 0],
      'the same responses in the corpus are sentinels too',
    );
  });

  it('--lineages FILE is listed in inputs.files and the workspace map is not (DECISIONS 12)', async () => {
    const map = (name: string) => JSON.stringify({ lineages: [{ name, members: [{ match: 'qwen3\\.5' }] }] });
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([
        {
          trace_id: 't1',
          model_id: 'qwen3.5:2b',
          attack_class: 'dan',
          response: 'ok',
          llm_verdict: 'COMPLIANCE',
        },
      ]),
      '.failure-first/lineages.json': map('Workspace'),
      'maps/inside.json': map('Inside'),
    });
    const outside = path.join(workspace({ 'outside.json': map('Outside') }), 'outside.json');
    const cases: [string, string, string][] = [
      [path.join(root, 'maps/inside.json'), 'maps/inside.json', 'Inside'], // inside the folder: workspace-relative
      [outside, outside, 'Outside'], // outside: absolute
    ];
    for (const [file, listed, name] of cases) {
      const { doc } = await analyze(root, ['--no-index', '--lineages', file]);
      assert.deepEqual(
        doc.lineages.map((l) => l.name),
        [name],
        'the --lineages map replaces the workspace map',
      );
      assert.deepEqual(
        doc.inputs.files.filter((f) => f.kind === 'lineages').map((f) => [f.path, f.records]),
        [[listed, 1]],
      );
    }
  });

  it('sizes from the name: only the token forms of FORMATS.md §5 count, and a size of 0 is unknown (DECISIONS 14)', async () => {
    const line = (model: string) => ({
      model_id: model,
      attack_class: 'dan',
      response: 'ok',
      llm_verdict: 'REFUSAL',
    });
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([line('tiny-0b'), line('odd-2x3m'), line('mix-2x3b')]),
    });
    const { doc } = await analyze(root);
    assert.deepEqual(
      doc.models.map((m) => [m.key, m.params_b, m.params_source, m.approximate]),
      [
        ['mix-2x3b', 6, 'name', true], // NxMb: N×M, approximate
        ['odd-2x3m', null, null, false], // not one of Nb, Nm, eNb, NxMb, aNb
        ['tiny-0b', null, null, false], // "any size of 0 or less is unknown"
      ],
    );
  });

  it('the canonical model key keeps everything but case, a :free/:beta suffix and an ollama/ prefix (FORMATS.md §7)', async () => {
    const root = workspace({
      'runs/x/m_traces.jsonl': jsonl([
        {
          trace_id: 't1',
          model_id: ' Qwen3.5:2B:free ',
          attack_class: 'dan',
          response: 'ok',
          llm_verdict: 'COMPLIANCE',
        },
        {
          trace_id: 't2',
          model_id: 'OLLAMA-CLOUD/Qwen3.5:2B:beta',
          attack_class: 'dan',
          response: 'ok',
          llm_verdict: 'COMPLIANCE',
        },
      ]),
    });
    const { doc } = await analyze(root);
    // "lower-case; strip a tier suffix `:free` or `:beta`; strip a host prefix `ollama/` or
    // `ollama-cloud/`; keep the rest": white space around the name is part of "the rest".
    assert.deepEqual(
      doc.models.map((m) => m.key),
      [' qwen3.5:2b:free ', 'qwen3.5:2b'],
    );
  });
});
