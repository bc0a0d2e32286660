// `npm run bench`: how fast `ff-lens analyze` answers, against floors measured in the same run and
// against two peers, on three corpus shapes (bench/corpus.mts). Prints figures; asserts nothing.
//   read floor   one thread reading every JSONL byte and counting newlines
//   parse floor  one thread reading and JSON.parse-ing every line: the yardstick of the ratios
//   cold         ff-lens analyze with a new index          target ≤ 1.0× parse floor (short, default), ≤ 0.5× (long)
//   warm         the same, index reused, nothing changed    target ≤ 25% of the parse floor
//   append       after 1,000 traces are appended to a file  target ≤ 35% of the parse floor
//   server       the same append in the language server: one Workspace kept open (bench/server.ts),
//                timed from the change to the new analysis     target ≤ 35% of the parse floor
//   peers        pandas and DuckDB (bench/peers.mts)        target: cold faster than both, on every shape
// On the default shape, what the editor computes from the index (bench/editor.ts, bench/claims.ts,
// bench/grader.ts), each in its own process:
//   check        a 1,000-line report with 500 claims, the analysis made       target < 50 ms
//   compare      two analyses of the corpus (plus reading a saved one)        target < 100 ms
//   grader       re-analysis under another grader, a Workspace kept open      target ≤ a warm refresh +
//                                                                             analysis, no file read
// Wall times include process start; each figure is the median of --runs runs (default 3), the runs
// of the floors, cold and peers interleaved so that a busy machine slows them alike.
// Options: --runs K; --shapes short,default,long; --large (also 250,000 traces of the default
// shape: peak RSS < 300 MB); --huge (also 1,000,000 traces, ~2 GB: peak RSS < 1 GB, time per trace
// within 1.2× of the 250,000-trace run); --no-peers; --cli PATH (time another build's bin/ff-lens.js,
// e.g. main's, for a before/after comparison). `--shapes default --no-peers --runs 1` is the quick
// way to the editor figures alone.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClaimsBench } from './bench/claims.ts';
import {
  appendTargets,
  appendTraces,
  GRADER,
  GENERATOR_VERSION,
  writeCorpus,
  type CorpusInfo,
  type Shape,
} from './bench/corpus.mjs';
import type { GraderBench } from './bench/grader.ts';
import { duckdbPeer, pandasPeer, type Peer } from './bench/peers.mjs';

const root = path.resolve(import.meta.dirname, '..');
const benchDir = path.join(root, '.bench');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const cli = path.resolve(option('--cli') ?? path.join(root, 'bin', 'ff-lens.js'));
const runs = Number(option('--runs') ?? 3);
const shapes = (option('--shapes') ?? 'short,default,long').split(',') as Shape[];
const withPeers = !args.includes('--no-peers');
for (const s of shapes) if (!['short', 'default', 'long'].includes(s)) throw new Error(`unknown shape: ${s}`);

const TRACES: Record<Shape, number> = { short: 47_000, default: 40_000, long: 40_000 };
const TARGET_COLD: Record<Shape, number> = { short: 1.0, default: 1.0, long: 0.5 };
const TARGET_WARM = 0.25;
const TARGET_APPEND = 0.35;

// ---- Processes ----

function run(
  cmd: string,
  argv: string[],
  env: Record<string, string> = {},
): { ms: number; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const floorScript = path.join(benchDir, 'bin', 'floor.js');
const serverScript = path.join(benchDir, 'bin', 'server.js');
/** Wall time of the floor process, and its CPU time. */
function floor(mode: 'read' | 'parse', folder: string): { ms: number; cpuMs: number } {
  const r = run(process.execPath, [floorScript, mode, folder]);
  return { ms: r.ms, cpuMs: (JSON.parse(r.stdout) as { cpuMs: number }).cpuMs };
}

/** One `ff-lens analyze --timings`: wall time, peak RSS and the phases it reports. */
interface Analyze {
  ms: number;
  rssMB: number;
  phases: Map<string, number>;
}
// A build without --timings (before it existed) printed its peak RSS under FF_LENS_BENCH.
const hasTimings = run(process.execPath, [cli, '--help']).stdout.includes('--timings');
function analyze(folder: string, index: string): Analyze {
  const argv = [cli, 'analyze', folder, '--index', index, '--json', '/dev/null'];
  const r = hasTimings
    ? run(process.execPath, [...argv, '--timings'])
    : run(process.execPath, argv, { FF_LENS_BENCH: '1' });
  const phases = new Map<string, number>();
  for (const m of r.stderr.matchAll(/^ff-lens: {3}( *\S.*?) +(\d+) ms/gm))
    phases.set((m[1] as string).trim(), Number(m[2]));
  const rss = /peak RSS +(\d+(?:\.\d+)?) MB/.exec(r.stderr);
  return { ms: r.ms, rssMB: Number(rss?.[1] ?? NaN), phases };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// ---- Corpora ----

interface Corpus {
  dir: string;
  info: CorpusInfo;
}

function corpus(shape: Shape, traces: number): Corpus {
  const dir = path.join(benchDir, `corpus-${shape}-${traces}`);
  const stamp = `${dir}.json`;
  const want = { generator: GENERATOR_VERSION, shape, traces };
  if (fs.existsSync(stamp)) {
    const s = JSON.parse(fs.readFileSync(stamp, 'utf8')) as typeof want & {
      info: CorpusInfo;
      sizes: Record<string, number>;
    };
    if (s.generator === want.generator) {
      restore(s.sizes); // an earlier bench stopped during its append runs
      return { dir, info: s.info };
    }
  }
  log(
    `bench: writing the ${shape} corpus (${traces.toLocaleString('en')} traces) to ${path.relative(root, dir)} …`,
  );
  const info = writeCorpus(dir, traces, shape);
  backdateAll(dir);
  // The files the append runs grow, with their sizes, so that the corpus can be restored.
  const sizes = Object.fromEntries(appendTargets(dir).map((f) => [f, fs.statSync(f).size]));
  fs.writeFileSync(stamp, JSON.stringify({ ...want, info, sizes }));
  return { dir, info };
}

function restore(sizes: Record<string, number>): void {
  for (const [file, size] of Object.entries(sizes)) {
    if (fs.statSync(file).size === size) continue;
    fs.truncateSync(file, size);
    backdate(file);
  }
}

/**
 * Files written a moment ago are "racy" to the indexer (modified within 2 s of being read: checked
 * by content on the next run). A corpus is older than that when a person analyses it again.
 */
const LONG_AGO = new Date('2026-01-01T00:00:00Z');
function backdate(file: string): void {
  fs.utimesSync(file, LONG_AGO, LONG_AGO);
}
function backdateAll(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) backdate(path.join(e.parentPath, e.name));
}

// ---- One corpus ----

interface Result {
  label: string;
  shape: Shape;
  info: CorpusInfo;
  readFloor: number;
  parseFloor: number;
  /** CPU time (all threads) of the parse floor and of the cold runs, when the CLI reports it. */
  parseFloorCpu: number;
  coldCpu: number | null;
  cold: number;
  warm: number;
  append: number;
  /** The language server's cold analysis and its append (bench/server.ts). */
  serverCold: number;
  serverAppend: number;
  /** What each server append did to the join (incremental when brought forward). */
  serverFollow: string[];
  rssMB: number;
  phases: Map<string, number>;
  /** The phases of the median append run. */
  appendPhases: Map<string, number>;
  peers: Map<string, number | null>;
  peerRssMB: Map<string, number>;
  editor?: string;
  claims?: ClaimsBench;
  grader?: GraderBench;
}

function measure(label: string, shape: Shape, traces: number, peers: Peer[], editor: boolean): Result {
  const { dir, info } = corpus(shape, traces);
  const sizes = Object.fromEntries(appendTargets(dir).map((f) => [f, fs.statSync(f).size]));
  const index = path.join(benchDir, `index-${shape}-${traces}.sqlite`);
  log(`bench: ${label} …`);
  floor('read', dir); // the page cache holds the corpus from here on
  const readFloor: number[] = [];
  const parseFloor: number[] = [];
  const parseFloorCpu: number[] = [];
  const cold: Analyze[] = [];
  const peerMs = new Map<string, number[]>();
  const peerRss = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    readFloor.push(floor('read', dir).ms);
    const f = floor('parse', dir);
    parseFloor.push(f.ms);
    parseFloorCpu.push(f.cpuMs);
    for (const s of ['', '-wal', '-shm']) fs.rmSync(index + s, { force: true });
    cold.push(analyze(dir, index));
    for (const p of peers) {
      if (p.skipped !== null) continue;
      const r = p.run(dir);
      peerMs.set(p.name, [...(peerMs.get(p.name) ?? []), r.ms]);
      peerRss.set(p.name, Math.max(peerRss.get(p.name) ?? 0, r.rssMB));
    }
  }
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(analyze(dir, index).ms);
  let editorLine: string | undefined;
  let claims: ClaimsBench | undefined;
  let grader: GraderBench | undefined;
  if (editor) {
    const script = (name: string, ...rest: string[]): unknown =>
      JSON.parse(
        run(process.execPath, ['--import', 'tsx', path.join(root, `scripts/bench/${name}.ts`), ...rest])
          .stdout,
      );
    claims = script('claims', dir, index) as ClaimsBench;
    // From each trace's primary verdict to the corpus's grader, and back.
    grader = script('grader', dir, index, '-', GRADER) as GraderBench;
    const e = JSON.parse(
      run(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench/editor.ts'), dir, index])
        .stdout,
    ) as { catalogMs: number; lenses: number; lensMs: number; hoverMs: number };
    editorLine =
      `editor (default shape, from the index): scenario catalog ${e.catalogMs.toFixed(1)} ms per analysis; ` +
      `CodeLens for a ${e.lenses.toLocaleString('en')}-line scenario file ${e.lensMs.toFixed(1)} ms; a hover ${e.hoverMs.toFixed(2)} ms (target < 50 ms)`;
  }
  const append: Analyze[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      appendTraces(dir, 1000, 100 + i, shape);
      append.push(analyze(dir, index));
    }
  } finally {
    restore(sizes);
  }
  let server: { coldMs: number; appendMs: number[]; follow: string[] };
  try {
    const out = run(process.execPath, [
      serverScript,
      dir,
      path.join(benchDir, `index-server-${shape}-${traces}.sqlite`),
      shape,
      String(runs),
    ]).stdout;
    server = JSON.parse(out) as typeof server;
  } finally {
    restore(sizes);
  }
  const mid = [...cold].sort((a, b) => a.ms - b.ms)[Math.floor(cold.length / 2)] as Analyze;
  const midAppend = [...append].sort((a, b) => a.ms - b.ms)[Math.floor(append.length / 2)] as Analyze;
  return {
    label,
    shape,
    info,
    readFloor: median(readFloor),
    parseFloor: median(parseFloor),
    parseFloorCpu: median(parseFloorCpu),
    coldCpu: cold.every((c) => c.phases.has('CPU'))
      ? median(cold.map((c) => c.phases.get('CPU') as number))
      : null,
    cold: mid.ms,
    warm: median(warm),
    append: midAppend.ms,
    appendPhases: midAppend.phases,
    serverCold: server.coldMs,
    serverAppend: median(server.appendMs),
    serverFollow: server.follow,
    rssMB: Math.max(...cold.map((c) => c.rssMB)),
    phases: mid.phases,
    peers: new Map(
      peers.map((p) => [p.name, peerMs.has(p.name) ? median(peerMs.get(p.name) as number[]) : null]),
    ),
    peerRssMB: peerRss,
    editor: editorLine,
    claims,
    grader,
  };
}

// ---- Report ----

const s = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
const x = (r: number): string => `${r.toFixed(2)}×`;
const n = (v: number): string => v.toLocaleString('en');
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

function table(results: Result[], peers: Peer[]): string[] {
  const names = peers.map((p) => p.name);
  const out = [
    row([
      'corpus',
      'traces',
      'files',
      'MB',
      'read floor',
      'parse floor',
      'cold (× parse floor)',
      'warm',
      'append 1,000',
      'server: cold',
      'server: append 1,000',
      'cold CPU ÷ floor CPU',
      ...names,
      ...names.map((p) => `cold ÷ ${p}`),
      'peak RSS',
    ]),
    row(Array(13 + 2 * names.length).fill('---') as string[]),
  ];
  for (const r of results) {
    const peerCells = names.map((p) => {
      const t = r.peers.get(p);
      return t == null ? '—' : `${s(t)} (${r.peerRssMB.get(p)?.toFixed(0)} MB)`;
    });
    const ratioCells = names.map((p) => {
      const t = r.peers.get(p);
      return t == null ? '—' : x(r.cold / t);
    });
    out.push(
      row([
        r.label,
        n(r.info.traces),
        n(r.info.files),
        (r.info.bytes / 1e6).toFixed(1),
        s(r.readFloor),
        s(r.parseFloor),
        `${s(r.cold)} (${x(r.cold / r.parseFloor)})`,
        `${s(r.warm)} (${x(r.warm / r.parseFloor)})`,
        `${s(r.append)} (${x(r.append / r.parseFloor)})`,
        s(r.serverCold),
        `${s(r.serverAppend)} (${x(r.serverAppend / r.parseFloor)})`,
        r.coldCpu === null
          ? '—'
          : `${s(r.coldCpu)} ÷ ${s(r.parseFloorCpu)} = ${x(r.coldCpu / r.parseFloorCpu)}`,
        ...peerCells,
        ...ratioCells,
        `${r.rssMB.toFixed(0)} MB`,
      ]),
    );
  }
  return out;
}

const PHASES = [
  'process start',
  'discovery',
  'index',
  'index writes',
  'join state',
  'join',
  'analysis',
  'output',
  'total',
  'CPU',
];

function phaseTable(results: Result[], of: (r: Result) => Map<string, number>): string[] {
  const out = [
    row(['corpus', ...PHASES, 'parse threads (busy)', 'main thread']),
    row(Array(PHASES.length + 3).fill('---') as string[]),
  ];
  for (const r of results) {
    const phases = of(r);
    const p = (k: string): number => phases.get(k) ?? 0;
    const threads = [...phases].filter(([k]) => k.startsWith('parse')).map(([, v]) => `${v}`);
    // The main thread's own work: everything but the wait for the parse threads (its own parsing included).
    const main =
      p('parse (main thread)') +
      p('process start') +
      p('discovery') +
      p('index writes') +
      p('join state') +
      p('join') +
      p('analysis') +
      p('output');
    out.push(
      row([
        r.label,
        ...PHASES.map((k) => `${p(k)}`),
        `${threads.join(' + ')} ms`,
        `${main} ms (${((100 * main) / p('total')).toFixed(0)}% of total)`,
      ]),
    );
  }
  return out;
}

/** The editor's figures on the default shape: a report's check, a comparison, another grader. */
function editorLines(r: Result): string[] {
  const out: string[] = [];
  if (r.editor) out.push(r.editor);
  const c = r.claims;
  if (c)
    out.push(
      `report check (${r.label}, the analysis made): a ${n(c.reportLines)}-line report with ${n(c.claims)} claims in ` +
        `${c.checkMs.toFixed(1)} ms (median; CPU ${c.checkCpuMs.toFixed(1)} ms; the first check ${c.checkFirstMs.toFixed(1)} ms)`,
      `compare (${r.label}): two analyses of ${n(c.cells)} cells in ${c.compareMs.toFixed(1)} ms (CPU ${c.compareCpuMs.toFixed(1)} ms), ` +
        `plus ${c.readSavedMs.toFixed(1)} ms CPU to read a saved ${(c.savedBytes / 1e6).toFixed(1)} MB results document`,
    );
  const g = r.grader;
  if (g)
    out.push(
      `another grader (${r.label}, a Workspace kept open): ${g.switchMs.toFixed(0)} ms to re-analyse ${n(g.traces)} traces ` +
        `(refresh ${g.switchRefreshMs.toFixed(0)} ms, join ${g.switchJoinMs.toFixed(0)} ms, statistics and document ` +
        `${g.switchAnalysisMs.toFixed(0)} ms; ${n(g.switchBytesRead)} bytes of run files read) against ${g.warmMs.toFixed(0)} ms ` +
        `for a warm analysis (the index read, nothing from the files; join and statistics) (medians, interleaved; graded ${n(g.graded.a)} and ${n(g.graded.b)})`,
    );
  return out.length > 0 ? [...out, ''] : [];
}

/** A switch of grader may cost 10% more than the warm run it alternates with before it is called slower: noise. */
const GRADER_NOISE = 1.1;

function targets(results: Result[], peers: Peer[]): string[] {
  const out: string[] = [];
  const check = (what: string, value: string, met: boolean): void =>
    void out.push(`- ${what}: ${value} — ${met ? 'met' : 'NOT MET'}`);
  for (const r of results) {
    const c = r.claims;
    if (c) {
      check(
        `${r.label}: a 500-claim report checked in < 50 ms`,
        `${c.checkMs.toFixed(1)} ms`,
        c.checkMs < 50,
      );
      const compare = c.compareMs + c.readSavedMs;
      check(
        `${r.label}: two analyses compared (a saved one read) in < 100 ms`,
        `${compare.toFixed(1)} ms`,
        compare < 100,
      );
    }
    const g = r.grader;
    if (g)
      check(
        `${r.label}: another grader ≤ a warm analysis (join + statistics) (within ${Math.round(100 * (GRADER_NOISE - 1))}%), no file read`,
        `${g.switchMs.toFixed(0)} ms vs ${g.warmMs.toFixed(0)} ms (${x(g.switchMs / g.warmMs)}), ${n(g.switchBytesRead)} bytes read`,
        g.switchMs <= GRADER_NOISE * g.warmMs && g.switchBytesRead === 0,
      );
  }
  for (const r of results.filter((r) => r.label === r.shape)) {
    const cold = r.cold / r.parseFloor;
    check(`${r.shape}: cold ≤ ${x(TARGET_COLD[r.shape])} parse floor`, x(cold), cold <= TARGET_COLD[r.shape]);
    for (const p of peers) {
      const t = r.peers.get(p.name);
      if (t != null) check(`${r.shape}: cold faster than ${p.name}`, `${s(r.cold)} vs ${s(t)}`, r.cold < t);
    }
    check(
      `${r.shape}: warm ≤ 25% of the parse floor`,
      `${((100 * r.warm) / r.parseFloor).toFixed(0)}%`,
      r.warm <= TARGET_WARM * r.parseFloor,
    );
    check(
      `${r.shape}: append ≤ 35% of the parse floor`,
      `${((100 * r.append) / r.parseFloor).toFixed(0)}%`,
      r.append <= TARGET_APPEND * r.parseFloor,
    );
    check(
      `${r.shape}: server append ≤ 35% of the parse floor (${r.serverFollow.join(', ')})`,
      `${((100 * r.serverAppend) / r.parseFloor).toFixed(0)}%`,
      r.serverAppend <= TARGET_APPEND * r.parseFloor,
    );
  }
  const large = results.find((r) => r.info.traces >= 250_000 && r.info.traces < 1_000_000);
  const huge = results.find((r) => r.info.traces >= 1_000_000);
  if (large) check('250,000 traces: peak RSS < 300 MB', `${large.rssMB.toFixed(0)} MB`, large.rssMB < 300);
  if (huge) {
    check('1,000,000 traces: peak RSS < 1 GB', `${huge.rssMB.toFixed(0)} MB`, huge.rssMB < 1024);
    if (large) {
      const perTrace = (r: Result): number => r.cold / r.info.traces;
      const ratio = perTrace(huge) / perTrace(large);
      check('1,000,000 traces: time per trace ≤ 1.2× the 250,000-trace run', x(ratio), ratio <= 1.2);
    }
  }
  for (const p of peers) if (p.skipped !== null) out.push(`- ${p.name} peer not run: ${p.skipped}`);
  return out;
}

// ---- Main ----

fs.mkdirSync(path.dirname(floorScript), { recursive: true });
esbuild.buildSync({
  entryPoints: [path.join(root, 'scripts/bench/floor.ts')],
  outfile: floorScript,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
});
// The server's side beside a copy of the bundled parse worker, which the indexer looks for there.
esbuild.buildSync({
  entryPoints: [path.join(root, 'scripts/bench/server.ts')],
  outfile: serverScript,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  external: ['better-sqlite3'],
  logLevel: 'warning',
});
fs.copyFileSync(path.join(root, 'dist', 'parseWorker.js'), path.join(benchDir, 'bin', 'parseWorker.js'));
const peers: Peer[] = withPeers ? [pandasPeer(), duckdbPeer(log)] : [];
for (const p of peers) if (p.skipped !== null) log(`bench: the ${p.name} peer is skipped: ${p.skipped}`);
const loadBefore = os.loadavg()[0] as number;
const results: Result[] = [];
for (const shape of shapes) results.push(measure(shape, shape, TRACES[shape], peers, shape === 'default'));
if (args.includes('--large') || args.includes('--huge'))
  results.push(measure('250,000', 'default', 250_000, [], false));
if (args.includes('--huge')) results.push(measure('1,000,000', 'default', 1_000_000, [], false));
const loadAfter = os.loadavg()[0] as number;

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  [
    '',
    `ff-lens bench: ${path.relative(root, cli) || cli}${hasTimings ? '' : ' (no --timings: phases not shown)'}, node ${process.version},`,
    `${os.availableParallelism()} cores (${cpu}), ${runs} runs each,`,
    `median wall time including process start; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
    '(other work on the machine slows every wall time; CPU times, summed over threads, are steadier).',
    '',
    ...table(results, peers),
    '',
    ...(hasTimings
      ? [
          'Where a cold run spends its time (ms; the median cold run, from ff-lens analyze --timings):',
          '',
          ...phaseTable(results, (r) => r.phases),
          '',
          'Where an append run spends its time (the median run after 1,000 traces were appended): the join',
          'state in the index is brought forward from the changed records ("join state"), and the figures',
          'are read from it ("join") without reading a trace:',
          '',
          ...phaseTable(results, (r) => r.appendPhases),
          '',
        ]
      : []),
    ...results.flatMap(editorLines),
    'Targets:',
    ...targets(results, peers),
    withPeers ? 'The peers run on the three shapes only.' : 'Peers not run (--no-peers).',
  ].join('\n'),
);
