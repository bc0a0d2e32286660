// `npm run bench`: the speed of ff-lens analyze against the floor, measured in one run.
//   floor  one thread reading every JSONL byte and JSON.parse-ing every line
//   cold   ff-lens analyze with a new index          (target: within 1.5x the floor)
//   warm   the same, index reused, nothing changed    (target: under 10% of cold)
//   append after 1,000 traces are appended to a file  (target: under 15% of cold)
//   peak RSS of the CLI                               (target: under 300 MB at 250,000 traces)
//   editor features from the index: CodeLens over 10,000 scenario lines, a hover  (target: under 50 ms)
// Options: --traces N (default 40000), --large (also the 250,000-trace memory run), --runs K (default 3),
//          --python (also time the pandas + statsmodels reference, test/reference/ff_reference.py).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendTraces, writeCorpus } from './bench/corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const traces = opt('--traces', 40_000);
const runs = opt('--runs', 3);
const benchDir = path.join(root, '.bench');
const cli = path.join(root, 'bin', 'ff-lens.js');

function time(cmd, argv, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rssOf = (stderr) => Number(/peak RSS (\d+(?:\.\d+)?) MB/.exec(stderr)?.[1] ?? NaN);

function corpus(n) {
  const dir = path.join(benchDir, `corpus-${n}`);
  const stamp = path.join(benchDir, `corpus-${n}.json`);
  if (!fs.existsSync(stamp)) {
    process.stderr.write(`bench: writing a ${n}-trace corpus to ${path.relative(root, dir)} …\n`);
    fs.writeFileSync(stamp, JSON.stringify(writeCorpus(dir, n)));
  }
  return { dir, info: JSON.parse(fs.readFileSync(stamp, 'utf8')) };
}

function analyze(dir, index) {
  return time(process.execPath, [cli, 'analyze', dir, '--index', index, '--json', '/dev/null'], { FF_LENS_BENCH: '1' });
}

function measure(n) {
  const { dir, info } = corpus(n);
  // The append phase changes the corpus: work on a copy so every run starts from the same bytes.
  const work = path.join(benchDir, `work-${n}`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(dir, work, { recursive: true });
  const index = path.join(benchDir, `index-${n}.sqlite`);
  const floorArgs = [path.join(root, 'scripts/bench/floor.mjs'), work];
  time(process.execPath, floorArgs); // warm the page cache
  const floor = [];
  const cold = [];
  const coldRss = [];
  for (let i = 0; i < runs; i++) {
    floor.push(time(process.execPath, floorArgs).ms);
    for (const s of ['', '-wal', '-shm']) fs.rmSync(index + s, { force: true });
    const c = analyze(work, index);
    cold.push(c.ms);
    coldRss.push(rssOf(c.stderr));
  }
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(analyze(work, index).ms);
  const append = [];
  for (let i = 0; i < runs; i++) {
    appendTraces(work, 1000, 100 + i);
    append.push(analyze(work, index).ms);
  }
  const floorRss = JSON.parse(time(process.execPath, floorArgs).stdout).maxRssMB;
  const editor = JSON.parse(time(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench/editor.ts'), work, index]).stdout);
  return { n, info, floor: median(floor), cold: median(cold), warm: median(warm), append: median(append), rss: Math.max(...coldRss), floorRss, editor };
}

function python(n) {
  const ref = path.join(root, 'test/reference/ff_reference.py');
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import pandas, statsmodels'], { encoding: 'utf8' });
  if (!fs.existsSync(ref) || probe.status !== 0) return null;
  const { dir } = corpus(n);
  return time('/usr/bin/python3', [ref, dir]).ms;
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const results = [measure(traces)];
if (args.includes('--large')) results.push(measure(250_000));
console.log(`\nff-lens bench (node ${process.version}, ${runs} runs each, median wall time incl. process start)`);
for (const r of results) {
  console.log(`\ncorpus: ${r.info.traces} traces, ${r.info.files} files, ${(r.info.bytes / 1e6).toFixed(1)} MB`);
  console.log(`  floor (read + JSON.parse, 1 thread)  ${fmt(r.floor)}   peak RSS ${r.floorRss.toFixed(0)} MB`);
  console.log(`  cold  ff-lens analyze                ${fmt(r.cold)}   ${(r.cold / r.floor).toFixed(2)}x floor    (target <= 1.5x)`);
  console.log(`  warm  (index reused, no change)      ${fmt(r.warm)}   ${((100 * r.warm) / r.cold).toFixed(1)}% of cold  (target < 10%)`);
  console.log(`  append 1,000 traces to one file      ${fmt(r.append)}   ${((100 * r.append) / r.cold).toFixed(1)}% of cold  (target < 15%)`);
  console.log(`  peak RSS (cold)                      ${r.rss.toFixed(0)} MB${r.n >= 250_000 ? '   (target < 300 MB)' : ''}`);
  const e = r.editor;
  console.log(`  editor: scenario catalog ${e.catalogMs.toFixed(1)} ms per analysis; CodeLens for a ${e.lenses}-line scenario file ${e.lensMs.toFixed(1)} ms; a hover ${e.hoverMs.toFixed(2)} ms (target < 50 ms)`);
}
if (args.includes('--python')) {
  const py = python(traces);
  if (py === null) console.log('\npandas + statsmodels reference: not available (needs /usr/bin/python3 with pandas and statsmodels)');
  else console.log(`\npandas + statsmodels reference on the ${traces}-trace corpus: ${fmt(py)}; cold ff-lens is ${(py / results[0].cold).toFixed(1)}x faster`);
}
