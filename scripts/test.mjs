// @ts-check
// `npm test`: build, then every suite, fastest first. Each suite is a node:test run:
//   unit      test/unit/**/*.test.ts   engine rules and statistics (no editor), and test/property/*.test.ts
//             (the line scanner against JSON.parse on 20,000 generated lines; `npm run test:property` runs 1,000,000)
//   cli       test/e2e/cli.test.ts     the built `ff-lens analyze` on the demo and a quirks workspace
//             test/e2e/compare.test.ts `ff-lens compare` and `ff-lens check-report` on the demo
//   faults    test/faults/*.test.ts    hostile files, races, kills, damaged indexes, a 10,000-case fuzz run
//   webview   test/webview/*.test.mjs  the analysis page in Chromium with canned data
//   workbench test/e2e/workbench.test.mjs  the packaged extension in a real VS Code (code-server) in Chromium
// `npm test -- unit cli` runs only those suites.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
/** Files under `dir` (relative to the root) whose path matches `re`. */
const files = (/** @type {string} */ dir, /** @type {RegExp} */ re) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => re.test(f))
        .map((f) => path.join(dir, f))
    : [];

const suites = [
  {
    name: 'unit',
    args: [
      '--import',
      'tsx',
      '--test',
      ...files('test/unit', /\.test\.ts$/),
      ...files('test/property', /\.test\.ts$/),
    ],
  },
  { name: 'cli', args: ['--import', 'tsx', '--test', ...files('test/e2e', /^(cli|compare)\.test\.ts$/)] },
  { name: 'faults', args: ['--import', 'tsx', '--test', ...files('test/faults', /\.test\.ts$/)] },
  // tsx for the shared TypeScript helpers (src/shared) the JavaScript drivers import
  { name: 'webview', args: ['--import', 'tsx', '--test', ...files('test/webview', /\.test\.mjs$/)] },
  { name: 'workbench', args: ['--import', 'tsx', '--test', ...files('test/e2e', /^workbench\.test\.mjs$/)] },
].filter((s) => only.length === 0 || only.includes(s.name));

/** Runs one step with its output on ours; true when it passed. */
const run = (/** @type {string} */ cmd, /** @type {string[]} */ args, /** @type {string} */ label) => {
  const t0 = Date.now();
  process.stderr.write(`\n=== ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  process.stderr.write(
    `=== ${label}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return r.status === 0;
};

let ok = run(process.execPath, [path.join(root, 'scripts/build.mjs')], 'build');
const results = [];
for (const s of suites) {
  if (!ok) break;
  if (!s.args.some((a) => a.endsWith('.ts') || a.endsWith('.mjs'))) {
    results.push(`${s.name}: no tests`);
    continue;
  }
  const passed = run(process.execPath, ['--test-reporter=spec', ...s.args], s.name);
  results.push(`${s.name}: ${passed ? 'passed' : 'FAILED'}`);
  ok &&= passed;
}
process.stderr.write(`\n${results.join('\n')}\n`);
process.exit(ok ? 0 : 1);
