/**
 * The incremental analysis, held to a from-scratch one (ISSUE 8.3): random sequences of appends
 * (unfinished last lines included), new files sorting before and after the others, truncations,
 * in-place edits, deletions and restores, corpus rows added, changed and deleted, lineage-map edits
 * and grader / attack-class-source changes, on generated workspaces (incrementalWorkspace.ts). After
 * every step the results document of
 *   - the CLI's path: a new Workspace on the same index file, its join state read from the index
 *     (the document computed, never the cached one), and
 *   - the language server's path: one Workspace kept open, parsed segments and the join in memory,
 * must be byte-identical to a fresh, in-memory analysis of the same folder (generated_at fixed). The
 * server's list of traces (where each is, its verdicts and where they come from) must be the fresh
 * one's, and the traces behind each cell exactly what the cell counted. The server parses on worker
 * threads as it does in the editor: its first refresh starts them, and every later one parses on
 * the worker it kept (the bundled dist/parseWorker.js: `npm test` builds it first).
 *
 *   FF_INCREMENTAL_SEEDS=40 FF_INCREMENTAL_STEPS=200 node --import tsx --test test/faults/incremental.test.ts
 * runs longer; a failure names its seed, step and the changes before it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import type { ResultsDocument } from '../../src/engine/report/results';
import { withDefaults } from '../../src/engine/settings';
import { Workspace, type AnalysisRun } from '../../src/engine/workspace';
import { GeneratedWorkspace } from './incrementalWorkspace';

const SEEDS = Number(process.env.FF_INCREMENTAL_SEEDS) || 8;
const STEPS = Number(process.env.FF_INCREMENTAL_STEPS) || 40;
const FIRST_SEED = Number(process.env.FF_INCREMENTAL_SEED) || 20261128;

const T = '2026-11-28T00:00:00.000Z';

const PARSE_WORKER = path.join(__dirname, '..', '..', 'dist', 'parseWorker.js');

/** The server's refresh, its parsing on worker threads however small the workspace (restored after). */
async function serverRefresh(server: Workspace): Promise<number> {
  const before = process.env.FF_LENS_WORKERS;
  process.env.FF_LENS_WORKERS = 'always';
  try {
    return (await server.refresh()).threads;
  } finally {
    if (before === undefined) delete process.env.FF_LENS_WORKERS;
    else process.env.FF_LENS_WORKERS = before;
  }
}
const text = (d: ResultsDocument): string => JSON.stringify(d);

/** Every trace as the editor lists it: where it is, what it is, the verdicts it has and where they come from. */
function traceList(run: AnalysisRun): string {
  const at = (file: number, line: number): string => `${run.traceSet.files[file]?.path ?? '?'}:${line}`;
  return JSON.stringify(
    run.traceSet.traces.map((t) => [
      at(t.file, t.line),
      t.id,
      t.key,
      t.attackClass,
      t.variant,
      t.baseId,
      t.category,
      t.verdict && [t.verdict.label, t.verdict.grader, at(t.verdict.file, t.verdict.line)],
      t.opinions.map((o) => [o.label, o.grader, at(o.file, o.line)]),
    ]),
  );
}

async function fromScratch(root: string, gen: GeneratedWorkspace): Promise<{ doc: string; traces: string }> {
  const ws = new Workspace(root, { settings: withDefaults(gen.settings), indexPath: null });
  try {
    await ws.refresh();
    const run = ws.analyse(T);
    return { doc: text(run.document), traces: traceList(run) };
  } finally {
    ws.close();
  }
}

/** `ff-lens analyze` as analyseFolder runs it, but always computing the document from the index's join state. */
async function cliPath(root: string, gen: GeneratedWorkspace, index: string): Promise<string> {
  const ws = new Workspace(root, {
    settings: withDefaults(gen.settings),
    indexPath: index,
    explicitIndex: true,
  });
  try {
    await ws.refresh();
    return text((await ws.documentOrRebuild(undefined, T)).run.document);
  } finally {
    ws.close();
  }
}

/** The traces behind each cell and each dilution arm are those it counted. */
function countedMatches(run: AnalysisRun): string | null {
  for (const c of run.document.cells) {
    const traces = run.counted.cells.get(`${c.attack_class}\u0000${c.model}`) ?? [];
    const n = traces.filter((t) => t.category === 'evaluable').length;
    const k = traces.filter((t) => t.category === 'evaluable' && t.verdict?.label === 'COMPLIANCE').length;
    if (
      n !== c.n ||
      k !== c.counts.COMPLIANCE ||
      traces.length !== c.n + c.ungraded + c.errors + c.benign + c.unknown_label
    )
      return `cell ${c.attack_class}/${c.model}: ${traces.length} traces behind it, n ${n}, k ${k}`;
  }
  for (const d of run.document.dilution.models) {
    const arms = run.counted.arms.get(d.model);
    for (const [v, arm] of [
      ['A', d.a],
      ['B', d.b],
    ] as const) {
      const list = arms?.[v] ?? [];
      if (list.filter((t) => t.category === 'evaluable').length !== arm.n)
        return `dilution ${d.model} arm ${v}`;
    }
  }
  return null;
}

function firstDifference(a: string, b: string): string {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return `…${a.slice(Math.max(0, at - 300), at + 200)}\n  versus\n…${b.slice(Math.max(0, at - 300), at + 200)}`;
}

it(
  `${SEEDS} generated workspaces × ${STEPS} random changes: the CLI's and the server's incremental documents equal a from-scratch one after every change`,
  { timeout: 600_000 },
  async () => {
    assert.ok(fs.existsSync(PARSE_WORKER), `${PARSE_WORKER} is built (npm run build)`);
    process.env.FF_LENS_PARSE_WORKER = PARSE_WORKER;
    for (let s = 0; s < SEEDS; s++) {
      const seed = FIRST_SEED + s;
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-incremental-')));
      const root = path.join(dir, 'ws');
      fs.mkdirSync(root);
      const gen = new GeneratedWorkspace(root, seed);
      const cliIndex = path.join(dir, 'cli.sqlite');
      let serverSettings = JSON.stringify(gen.settings);
      let server = new Workspace(root, {
        settings: withDefaults(gen.settings),
        indexPath: path.join(dir, 'server.sqlite'),
        keepParsedSegments: true,
      });
      try {
        for (let step = 0; step <= STEPS; step++) {
          if (step > 0) gen.change();
          const where = (): string =>
            `seed ${seed}, step ${step}; the last changes:\n  ${gen.log.slice(-8).join('\n  ')}`;
          const scratch = await fromScratch(root, gen);
          const expected = scratch.doc;
          const cli = await cliPath(root, gen, cliIndex);
          assert.ok(cli === expected, `CLI path, ${where()}\n${firstDifference(cli, expected)}`);
          if (JSON.stringify(gen.settings) !== serverSettings) {
            serverSettings = JSON.stringify(gen.settings);
            server.setSettings(withDefaults(gen.settings));
          }
          const threads = await serverRefresh(server);
          if (step % 25 !== 0)
            assert.equal(threads, 1, `the server parses on the worker it kept, ${where()}`);
          const run = server.analyse(T);
          const served = text(run.document);
          assert.ok(served === expected, `server path, ${where()}\n${firstDifference(served, expected)}`);
          const counted = countedMatches(run);
          assert.equal(counted, null, `server path, traces behind a figure, ${where()}`);
          const listed = traceList(run);
          assert.ok(
            listed === scratch.traces,
            `server path, the trace list, ${where()}\n${firstDifference(listed, scratch.traces)}`,
          );
          if (step % 25 === 24) {
            // now and then a new server process on the same index
            server.close();
            server = new Workspace(root, {
              settings: withDefaults(gen.settings),
              indexPath: path.join(dir, 'server.sqlite'),
              keepParsedSegments: true,
            });
          }
        }
      } finally {
        server.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    delete process.env.FF_LENS_PARSE_WORKER;
  },
);
