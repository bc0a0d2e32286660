// @ts-check
// The packaged extension in a real VS Code (code-server 4.117 = VS Code 1.117) driven in Debian's
// Chromium: what a researcher sees, checked against the CLI's figures on the same files.
//
//   node --import tsx --test test/e2e/workbench.test.mjs   (npm test runs it as the `workbench` suite)
//
// Screenshots of every view go to test-output/workbench/. Speed figures are printed, not asserted.
// FF_E2E_BENCH=0 skips the 40,000-trace update timing at the end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ensureCodeServer,
  installExtension,
  startCodeServer,
  stopAll,
} from '../../scripts/code-server/server.mjs';
import { expectDefined, expectPresent } from '../../src/shared/expect.ts';
import {
  clickActivityBar,
  expandTreeRow,
  focusWorkbench,
  closeWorkbench,
  openFile,
  openWorkbench,
  readEditorCursorLine,
  runCommand,
  screenshot,
  treeRows,
  waitForStatusBarText,
  webviewFrame,
} from './workbench.mjs';

/** @typedef {import('../../src/engine/report/results').ResultsDocument} ResultsDocument */
/** @typedef {import('../../src/engine/report/results').RateJson} RateJson */
/** @typedef {import('../../src/engine/report/results').ScenarioEvidence} ScenarioEvidence */
/** @typedef {import('../../src/engine/report/comparisonDocument').ComparisonDocument} ComparisonDocument */
/** @typedef {import('../../src/engine/report/comparisonDocument').Change} Change */
/** @typedef {import('../../src/engine/report/claims/types').Claim} Claim */
/** @typedef {ScenarioEvidence & { defined_at: { path: string, line: number }[] }} ScenarioJson */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').FrameLocator} FrameLocator */
/** @typedef {import('./workbench.mjs').TreeRow} TreeRow */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'test-output', 'workbench');
const BIN = path.join(ROOT, 'bin', 'ff-lens.js');
const PAGE_TITLE = 'Failure-First Analysis';
const SCRIPT_TRACE = {
  id: 'ollama_qwen3.5_2b_BT-FMT-034_1768225127',
  path: 'runs/benchmark_traces/qwen3.5-2b_traces.jsonl',
  line: 21,
};

/** @type {Record<string, number | string>} figures printed at the end, in this order */
const timings = {};
let openedAt = 0;
let workbenchVisibleMs = 0;
/** @type {string[]} */
const dialogs = [];
/** @type {string} */
let base;
/** @type {string} */
let ws;
/** @type {Awaited<ReturnType<typeof startCodeServer>>} */
let srv;
/** @type {import('./workbench.mjs').Workbench} */
let wb;
/** @type {Page} */
let page;
/** @type {ResultsDocument} */
let doc;

// ------------------------------------------------------------------ helpers

/** @param {string[]} args */
function cli(...args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `ff-lens ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
/** JSON.parse typed as what it returns: unknown, until a JSDoc type says what the text holds. */
const parseJson = /** @type {(text: string) => unknown} */ (JSON.parse);
const analyze = () =>
  /** @type {ResultsDocument} */ (parseJson(cli('analyze', ws, '--no-index', '--json', '-')));
const scenariosOf = () =>
  /** @type {{ scenarios: ScenarioJson[] }} */ (parseJson(cli('scenarios', ws, '--no-index'))).scenarios;

/** The tree's and the page's number formats, written again here from the document's fields. */
const pct = (/** @type {RateJson} */ r) => `${(100 * r.rate).toFixed(1)}%`;
const ci = (/** @type {RateJson | null} */ r) =>
  r ? `${pct(r)} [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]` : '–';
const signed = (/** @type {number} */ v, d = 1) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(d)}`;
/** Three significant digits in billions (the demo's sizes lie between 0.1B and 1000B). */
const size = (/** @type {number | null} */ b) => (b === null ? '?' : `${Number(b.toPrecision(3))}B`);
/** @typedef {import('../../src/engine/report/results').RegressionJson} RegressionJson */
/** @typedef {import('../../src/engine/report/results').LineageJson} LineageJson */
/** @typedef {import('../../src/engine/report/results').HeadlineJson} HeadlineJson */
/** The words the tree gives a classification, and the whole interval's (DECISIONS.md 44, ANALYSIS.md §12). */
const WORDS = {
  INVERSE_SCALING: 'inverse scaling',
  POSITIVE_SCALING: 'positive scaling',
  FLAT_OR_NOISY: 'flat or noisy',
  INSUFFICIENT: 'insufficient',
};
const CI_WORDS = {
  INVERSE_SCALING: 'inverse scaling',
  POSITIVE_SCALING: 'positive scaling',
  FLAT_OR_NOISY: 'flat',
  UNCERTAIN: 'uncertain',
};
/** What the whole slope interval says; "uncertain (2 points, no interval)" for a two-point fit. */
const wholeCi = (/** @type {RegressionJson} */ r) =>
  r.classification_ci === null
    ? '–'
    : r.classification_ci === 'UNCERTAIN' && !r.ols?.ci_pp
      ? 'uncertain (2 points, no interval)'
      : CI_WORDS[r.classification_ci];
/** Why a group without a fit has none (DECISIONS.md 60), for the cases the demo has. */
function whyNoFit(/** @type {RegressionJson} */ r) {
  const { excluded, unknown_size: unknown } = r.left_out;
  if (r.points.length === 0) {
    assert.equal(excluded + unknown, 0, 'the demo has no group whose every model is left out');
    return 'no evaluable traces';
  }
  const at = size(10 ** expectDefined(r.points[0], 'a point').x);
  return r.points.length === 1
    ? `one model of known size (${at}): a slope needs two sizes`
    : `all ${r.points.length} models are the same size (${at}): a slope needs two sizes`;
}
/** How the tree describes a lineage member: pooled, and over the shared classes when the mix differs. */
const memberDescription = (/** @type {LineageJson} */ l, /** @type {LineageJson['members'][number]} */ m) =>
  `${size(m.params_b)} · n=${m.n} · ${ci(m.strict)}` +
  (l.mix_differs ? ` · ⚠ shared classes ${ci(m.shared.strict)} (n=${m.shared.n})` : '');
/** The headline's span, interval and decision, as the tree and the page write it (the demo's is undecided). */
function headlineText(/** @type {HeadlineJson} */ h, /** @type {number} */ threshold) {
  assert.equal(h.decision, 'UNDECIDED', "the demo's headline is undecided");
  const [lo, hi] = h.delta_span_ci_pp;
  return `${signed(h.delta_span_pp)} pp [${signed(lo)}, ${signed(hi)}]: undecided at ${threshold} pp; ~${expectPresent(h.n_per_arm_to_decide, 'the scenarios per arm').toLocaleString('en-US')} scenarios per arm would decide`;
}

/**
 * @param {ResultsDocument} d
 * @param {string} attackClass
 * @param {string} model
 */
function cellTotal(d, attackClass, model) {
  const c = expectDefined(
    d.cells.find((x) => x.attack_class === attackClass && x.model === model),
    `the cell ${attackClass} × ${model}`,
  );
  return c.n + c.ungraded + c.errors + c.benign + c.unknown_label;
}

/**
 * Polls `fn` until it returns something truthy (thrown errors count as "not yet").
 * @template T
 * @param {() => T | Promise<T>} fn
 * @param {string} what
 * @returns {Promise<NonNullable<T>>}
 */
async function waitUntil(fn, what, timeout = 30000) {
  const t0 = Date.now();
  /** @type {unknown} */
  let last;
  while (Date.now() - t0 < timeout) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(
    `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
  );
}

/**
 * Folds the Attack classes view, so that the Lineages view has the side bar's height: a tree
 * renders only the rows on screen (treeRows unfolds it again when it is read).
 * @param {Page} p
 */
async function foldAttackClasses(p) {
  const header = p.locator('.part.sidebar .pane-header[aria-label="Attack classes Section"]');
  if ((await header.count()) > 0 && (await header.getAttribute('aria-expanded')) === 'true')
    await header.click();
}
const lineagesRows = async () => {
  await clickActivityBar(page, 'Failure-First'); // an earlier step may have shown another side bar
  await foldAttackClasses(page);
  return treeRows(page, 'Lineages', { minRows: 1 });
};

/** The label of the active editor group's active tab. */
async function activeTab() {
  return (
    (await page.locator('.editor-group-container.active .tab.active .label-name').first().textContent()) ?? ''
  );
}

/**
 * Quick Open can lose a race with a re-rendering list: try again.
 * @param {string} rel
 */
async function open(rel) {
  for (let i = 0; ; i++) {
    const t0 = Date.now();
    try {
      return await openFile(page, rel);
    } catch (e) {
      if (i === 2) throw e;
      // Printed with the figures: a slow test then says where its time went.
      timings[`openRetry ${rel} #${i + 1}`] =
        `${Date.now() - t0} ms: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
      await page.keyboard.press('Escape');
    }
  }
}
const rowByLabel = (/** @type {TreeRow[]} */ rows, /** @type {string} */ label) =>
  rows.find((r) => r.label === label);

async function analysisPage() {
  return webviewFrame(page, { title: PAGE_TITLE, timeout: 30000 });
}

/**
 * Clicks a model's point on the page's chart, where the page says it drew it.
 * @param {FrameLocator} frame
 * @param {'scaling' | 'dilution'} chart
 * @param {string} model
 */
async function clickPoint(frame, chart, model) {
  const canvas = frame.locator(`.chart-box[data-chart="${chart}"] canvas`);
  const at = await canvas.evaluate(
    (c, { ch, m }) => {
      const p = window.ffLens.pointPosition(ch, m);
      const box = c.getBoundingClientRect();
      return p && { x: p.x - box.left, y: p.y - box.top };
    },
    { ch: chart, m: model },
  );
  assert.ok(at, `${model} has a point on the ${chart} chart`);
  await canvas.click({ position: at });
}

/**
 * Share of a canvas's pixels that differ from its corner.
 * @param {FrameLocator} frame
 * @param {string} selector
 */
function canvasInk(frame, selector) {
  return frame.locator(selector).evaluate((c) => {
    if (!(c instanceof HTMLCanvasElement)) throw new Error('not a canvas');
    const context = c.getContext('2d');
    if (!context) throw new Error('no 2D context');
    const d = context.getImageData(0, 0, c.width, c.height).data;
    const [r0 = 0, g0 = 0, b0 = 0] = d;
    let ink = 0;
    // per pixel: reads with `?? 0` instead of a helper call (one closure less in the page)
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs((d[i] ?? 0) - r0) + Math.abs((d[i + 1] ?? 0) - g0) + Math.abs((d[i + 2] ?? 0) - b0) > 30)
        ink++;
    return ink / (d.length / 4);
  });
}

/**
 * The number of traces the trace pane says it lists.
 * @param {FrameLocator} frame
 */
async function paneTotal(frame) {
  const text = (await frame.locator('.pane-totals').textContent()) ?? '';
  const m = /^([\d,]+) traces/.exec(text);
  return m ? Number(expectDefined(m[1], 'a count').replace(/,/g, '')) : null;
}

/** The text of the log the extension writes (its output channel), from the server's log folder. */
function extensionLog() {
  return logText(srv.userDataDir);
}

/** @param {string} userDataDir */
function logText(userDataDir) {
  const logs = path.join(userDataDir, 'logs');
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Failure-First Lens.log' || e.name === 'remoteexthost.log') found.push(p);
    }
  };
  if (fs.existsSync(logs)) walk(logs);
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

// ------------------------------------------------------------------ setup

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const vsix = path.join(os.tmpdir(), `ff-lens-e2e-${process.pid}.vsix`);
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--production'], {
    stdio: 'inherit',
  });
  assert.equal(build.status, 0, 'production build');
  const vsce = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/@vscode/vsce/vsce'),
      'package',
      '--target',
      'linux-x64',
      '--no-rewrite-relative-links',
      '--out',
      vsix,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(vsce.status, 0, `vsce package: ${vsce.stderr}${vsce.stdout}`);
  await ensureCodeServer({});
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-e2e-'));
  ws = path.join(base, 'demo-workspace');
  fs.cpSync(path.join(ROOT, 'examples/demo-workspace'), ws, { recursive: true });
  doc = analyze();
  const ext = path.join(base, 'ext');
  const ud = path.join(base, 'ud');
  await installExtension({ vsix, extensionsDir: ext, userDataDir: ud });
  srv = await startCodeServer({
    folder: ws,
    userDataDir: ud,
    extensionsDir: ext,
    logFile: path.join(OUT, 'code-server.log'),
  });
  const t0 = Date.now();
  wb = await openWorkbench({ url: srv.url, screenshotsDir: OUT });
  page = wb.page;
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  workbenchVisibleMs = Date.now() - t0;
  timings.workbenchVisibleMs = workbenchVisibleMs;
  openedAt = t0;
});

after(async () => {
  if (page) await screenshot(page, 'zz-last').catch(() => undefined);
  if (wb) await closeWorkbench(wb).catch(() => undefined);
  await stopAll();
  const log = srv ? extensionLog() : '';
  const activated = /activated in ([\d.]+) ms/.exec(log);
  const started =
    /(\d\d:\d\d:\d\d\.\d+) \[info\] ExtensionService#_doActivateExtension failure-first\.failure-first-lens/.exec(
      log,
    );
  const done = /(\d\d:\d\d:\d\d\.\d+) \[info\] activated in/.exec(log);
  /** The time of day of a log line, in ms, from the match of its clock. */
  const ms = (/** @type {RegExpExecArray} */ m) =>
    expectDefined(m[1], 'a clock')
      .split(':')
      .reduce((s, x) => s * 60 + Number(x), 0) * 1000;
  const firstAnalysis = /(\d\d:\d\d:\d\d\.\d+) \[info\] analysed \d+ traces/.exec(log);
  if (started && firstAnalysis)
    process.stdout.write(
      `  from activation to the first analysis (server start, index, analysis): ${(ms(firstAnalysis) - ms(started)).toFixed(0)} ms\n`,
    );
  process.stdout.write('\nFailure-First Lens end-to-end figures (measured, not asserted):\n');
  if (activated) process.stdout.write(`  activate() itself: ${activated[1]} ms of extension-host time\n`);
  const load = spawnSync(process.execPath, [path.join(ROOT, 'scripts/bench/activation.cjs')], {
    encoding: 'utf8',
  }).stdout.trim();
  if (load)
    process.stdout.write(
      `  loading the extension bundle (measured in Node with a stand-in vscode module): ${load} ms\n`,
    );
  if (started && done)
    process.stdout.write(
      `  from the host's activation log line to activate()'s end (other extensions activate meanwhile): ${(ms(done) - ms(started)).toFixed(0)} ms\n`,
    );
  for (const [k, v] of Object.entries(timings))
    process.stdout.write(`  ${k}: ${typeof v === 'number' ? `${Math.round(v)} ms` : v}\n`);
  if (base && process.env.FF_E2E_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
});

// ------------------------------------------------------------------ the tree

test('the Lineages tree appears and its numbers equal the CLI document', async () => {
  await clickActivityBar(page, 'Failure-First');
  const rows = await waitUntil(
    async () => {
      const r = await lineagesRows();
      return rowByLabel(r, 'Qwen 3.5')?.description?.includes('PEAK') ? r : null;
    },
    'the Lineages tree',
    60000,
  );
  timings.treeReadyAfterOpenMs = Date.now() - openedAt;
  timings.treeReadyAfterWorkbenchVisibleMs = Date.now() - openedAt - workbenchVisibleMs;
  for (const l of doc.lineages) {
    const row = rowByLabel(rows, l.name);
    assert.ok(row, `lineage ${l.name} is shown`);
    assert.ok(
      row.description.startsWith(
        `${l.shape} · ${l.members.length} size${l.members.length === 1 ? '' : 's'}${l.mix_differs ? ' · ⚠ mixed attack classes' : ''} · `,
      ),
      `${l.name}: ${row.description}`,
    );
    for (const m of l.members) {
      const r = rows.find((x) => x.label === m.model && x.level === 2);
      assert.ok(r, `member ${m.model} of ${l.name} is shown`);
      assert.equal(r.description, memberDescription(l, m), `${m.model} figures`);
    }
  }
  const excluded = doc.models.filter((m) => m.excluded).length;
  assert.ok(rowByLabel(rows, `Excluded (${excluded})`), 'excluded models have their own group');
  assert.ok(rowByLabel(rows, 'Unknown size (1)'), 'models of unknown size have their own group');
  assert.equal(
    rowByLabel(rows, 'Input problems')?.description,
    `${doc.inputs.problems.length} lines or files could not be used`,
  );
  const classes = await treeRows(page, 'Attack classes');
  for (const r of doc.regressions.filter((x) => x.group === 'attack_class')) {
    const row = rowByLabel(classes, r.key.attack_class ?? '');
    assert.ok(row, `attack class ${r.key.attack_class}`);
    // The point label, what the whole interval says, or why there is no slope (not "insufficient sizes").
    const want = r.ols
      ? `${signed(r.ols.slope_pp)} pp/decade · ${WORDS[r.classification]} · whole CI: ${wholeCi(r)}`
      : `insufficient: ${whyNoFit(r)}`;
    assert.ok(row.description.startsWith(want), `${r.key.attack_class}: ${row.description}, not ${want}`);
  }
  await screenshot(page, '01-tree');
});

test('expanding Qwen 3.5 shows four sizes with the PEAK shape', async () => {
  const rows = await lineagesRows();
  const i = rows.findIndex((r) => r.label === 'Qwen 3.5');
  const qwen = expectDefined(rows[i], 'the Qwen 3.5 row');
  assert.match(qwen.description, /^PEAK · 4 sizes/);
  assert.equal(qwen.expanded, true);
  const children = [];
  for (const r of rows.slice(i + 1)) {
    if (r.level <= qwen.level) break;
    if (r.level === qwen.level + 1) children.push(r);
  }
  // First the reasoning-dilution headline with its interval and decision, then the members.
  const [headline, ...members] = children;
  assert.equal(headline?.label, 'Dilution headline');
  assert.equal(
    headline?.description,
    headlineText(
      expectDefined(
        doc.dilution.headlines.find((h) => h.lineage === 'Qwen 3.5'),
        'the Qwen 3.5 headline',
      ),
      doc.settings.headline_threshold_pp,
    ),
  );
  assert.deepEqual(
    members.map((m) => m.description.split(' · ')[0]),
    ['0.8B', '2B', '4B', '9B'],
  );
});

test("tooltips say what a label rests on: a mixed lineage's shared classes, a slope's whole interval", async () => {
  /** Hovers a tree row and resolves with the hover's text once it says `want`. */
  const hoverRow = async (/** @type {string} */ label, /** @type {string} */ want) => {
    const row = page
      .locator('.part.sidebar .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
      .first();
    await row.hover();
    return waitUntil(async () => {
      // A tooltip's text keeps its spaces as no-break spaces (MarkdownString.appendText).
      const t = (await page.locator('.monaco-hover, .workbench-hover').allTextContents())
        .join('\n')
        .replace(/\u00a0/g, ' ');
      return t.includes(want) ? t : null;
    }, `the tooltip of ${label}`);
  };
  const gemma = expectDefined(
    doc.lineages.find((l) => l.name === 'Gemma 3'),
    'the Gemma 3 lineage',
  );
  assert.ok(gemma.mix_differs, "Gemma 3's members were attacked with different mixes");
  const tip = await hoverRow('Gemma 3', 'its members were attacked with different mixes');
  for (const m of gemma.members)
    assert.ok(
      tip.includes(`shared classes ${ci(m.shared.strict)} (n=${m.shared.n})`),
      `${m.model} in ${tip}`,
    );
  await screenshot(page, '01b-tree-mixed-lineage-tooltip');
  await page.mouse.move(700, 450);
  const fl = expectDefined(
    doc.regressions.find((r) => r.group === 'attack_class' && r.key.attack_class === 'format_lock'),
    'the format_lock regression',
  );
  await treeRows(page, 'Attack classes', { minRows: 1 }); // unfolded: its rows on screen
  const classTip = await hoverRow('format_lock', 'whole 95% CI says');
  assert.ok(classTip.includes(`whole 95% CI says: ${wholeCi(fl)}`), classTip);
  await screenshot(page, '01c-tree-classification-ci-tooltip');
  await page.mouse.move(700, 450);
});

// ------------------------------------------------------------------ the page

test('the analysis page draws its charts and its figures equal the CLI', async () => {
  const t0 = Date.now();
  await runCommand(page, 'Failure-First: Open Analysis Page');
  const frame = await analysisPage();
  const scaling = '.chart-box[data-chart="scaling"] canvas';
  await frame.locator(scaling).waitFor({ timeout: 30000 });
  await waitUntil(async () => (await canvasInk(frame, scaling)) > 0.01, 'ink on the scaling chart');
  timings.pageReadyAfterCommandMs = Date.now() - t0;
  // The first regression of the first group, its fit as the page states it.
  await frame.locator('select[aria-label="Regression group"]').selectOption('attack_class');
  const reg = expectDefined(
    doc.regressions.find((r) => r.group === 'attack_class' && r.key.attack_class === 'dan_persona'),
    'the dan_persona regression',
  );
  const ols = expectPresent(reg.ols, 'its OLS fit');
  const [lo, hi] = expectPresent(ols.ci_pp, 'its slope interval');
  await frame
    .locator('select[aria-label="Regression"]')
    .selectOption(JSON.stringify({ attack_class: 'dan_persona' }));
  const summary = await waitUntil(async () => {
    const t = await frame.locator('.fit-summary').textContent();
    return t?.includes(`${signed(ols.slope_pp)} ±`) ? t : null;
  }, 'the dan_persona fit summary');
  for (const want of [
    reg.classification,
    `[${signed(lo)}, ${signed(hi)}]`,
    expectPresent(ols.r2, 'its R²').toFixed(3),
    `${signed(expectPresent(reg.wls, 'its WLS fit').slope_pp)} pp/decade`,
  ]) {
    assert.ok(summary.includes(want), `${want} in the summary: ${summary}`);
  }
  await screenshot(page, '02-page-scaling');
  // Matched lineages: transitions and shapes as the CLI has them.
  await frame.locator('#tab-lineages').click();
  const qwen = frame.locator('article.lineage[aria-label="Lineage Qwen 3.5"]');
  await qwen.waitFor();
  const text = (await qwen.textContent()) ?? '';
  const l = expectDefined(
    doc.lineages.find((x) => x.name === 'Qwen 3.5'),
    'the Qwen 3.5 lineage',
  );
  assert.ok(text.includes('PEAK'));
  for (const t of l.transitions)
    assert.ok(text.includes(`${signed(t.delta_pp)} pp`), `transition ${t.from}→${t.to} in ${text}`);
  await screenshot(page, '03-page-lineages');
  // Dilution: the headline in words.
  await frame.locator('#tab-dilution').click();
  await frame.locator('.chart-box[data-chart="dilution"] canvas').waitFor();
  await waitUntil(
    async () => (await canvasInk(frame, '.chart-box[data-chart="dilution"] canvas')) > 0.01,
    'ink on the dilution chart',
  );
  const h = expectDefined(
    doc.dilution.headlines.find((x) => x.lineage === 'Qwen 3.5'),
    'the Qwen 3.5 headline',
  );
  // The headline with its interval and decision in words, and its chart.
  const dil = (await frame.locator('.view.dilution').textContent()) ?? '';
  const decision = `${h.lineage}: Δ at ${h.largest} minus Δ at ${h.smallest} = ${headlineText(h, doc.settings.headline_threshold_pp)}.`;
  assert.ok(dil.includes(decision), `${decision} in ${dil.slice(0, 600)}`);
  assert.ok(dil.includes('Undecided means the 95% interval of the span contains'), 'what undecided means');
  await waitUntil(
    async () => (await canvasInk(frame, '.chart-box[data-chart="headline"] canvas')) > 0.01,
    'ink on the headline chart',
  );
  await screenshot(page, '04-page-dilution');
  await frame.locator('#tab-agreement').click();
  const ag = (await frame.locator('.view.agreement').textContent()) ?? '';
  for (const a of doc.agreement) {
    for (const k of [a.kappa_labels, a.kappa_strict]) {
      assert.ok(k !== null, `κ of ${a.primary} and ${a.secondary}`);
      assert.ok(ag.includes(k.toFixed(2)), `κ ${k} in ${ag.slice(0, 300)}`);
    }
  }
  await screenshot(page, '05-page-agreement');
  await frame.locator('#tab-problems').click();
  const pr = (await frame.locator('.view.problems').textContent()) ?? '';
  for (const p of doc.inputs.problems) assert.ok(pr.includes(p.path), `${p.path} listed`);
  await screenshot(page, '06-page-problems');
  await frame.locator('#tab-scaling').click();
});

test("clicking the Qwen 3.5 2B point lists exactly that cell's traces", async () => {
  const frame = await analysisPage();
  await frame.locator('#tab-scaling').click();
  await frame.locator('select[aria-label="Regression group"]').selectOption('attack_class');
  await frame
    .locator('select[aria-label="Regression"]')
    .selectOption(JSON.stringify({ attack_class: 'format_lock' }));
  await clickPoint(frame, 'scaling', 'qwen3.5:2b');
  const total = cellTotal(doc, 'format_lock', 'qwen3.5:2b');
  await waitUntil(async () => (await paneTotal(frame)) === total, `${total} traces in the list`);
  assert.match((await frame.locator('.pane-title').textContent()) ?? '', /format_lock × qwen3\.5:2b/);
  const models = await frame.locator('.vlist-row .col-model').allTextContents();
  assert.ok(models.length > 0);
  assert.deepEqual([...new Set(models)], ['qwen3.5:2b']);
  await screenshot(page, '07-page-cell-traces');
});

test('a trace whose response holds <script> and <img onerror> shows them as text; nothing executes', async () => {
  const frame = await analysisPage();
  await frame.locator('input[aria-label="Filter the traces by text"]').fill('alert');
  const row = frame.locator(`.vlist-row[data-trace-id="${SCRIPT_TRACE.id}"]`);
  await row.waitFor({ timeout: 20000 });
  await row.click();
  const response = frame.locator('pre[aria-label="Response"]').first();
  await response.waitFor();
  const shown = (await response.textContent()) ?? '';
  assert.ok(shown.includes('<script>alert("xss")</script>'), 'the script tag is shown as text');
  assert.ok(shown.includes('<img src=x onerror='), 'the img tag is shown as text');
  const dom = await frame.locator('body').evaluate(() => ({
    img: document.querySelectorAll('img').length,
    // the page's own script, and the one VS Code's webview host injects; none from the trace
    fromTrace: [...document.querySelectorAll('script')].filter((s) => (s.textContent ?? '').includes('alert'))
      .length,
    onerror: document.querySelectorAll('[onerror]').length,
  }));
  assert.deepEqual(dom, { img: 0, fromTrace: 0, onerror: 0 });
  await page.waitForTimeout(500);
  assert.deepEqual(dialogs, [], 'no alert, confirm or prompt was opened');
  await screenshot(page, '08-page-adversarial-trace');
});

test('"Open in editor" opens the trace at its line', async () => {
  const frame = await analysisPage();
  await frame
    .locator(`button[aria-label="Open in editor: ${SCRIPT_TRACE.path}:${SCRIPT_TRACE.line}"]`)
    .first()
    .click();
  assert.equal(await readEditorCursorLine(page, { expected: SCRIPT_TRACE.line }), SCRIPT_TRACE.line);
  assert.equal((await activeTab()).trim(), path.basename(SCRIPT_TRACE.path));
  await screenshot(page, '09-open-in-editor');
});

test("a report's stale figure: a warning with the current value, a hover, a quick fix writing the CLI's value, a lens opening the page", async () => {
  const rel = 'reports/353-inverse-scaling.md';
  const report = path.join(ws, rel);
  const claims = /** @type {{ claims: Claim[] }} */ (
    parseJson(cli('check-report', report, ws, '--no-index', '--json', '-'))
  ).claims;
  const stale = claims.filter((c) => c.status !== 'HOLDS');
  assert.equal(stale.length, 1, 'one figure is stale on purpose');
  const c = expectDefined(stale[0], 'the stale figure');
  // The CLI's message for it: "changed: 95.7% is now 94.8% [88.4, 97.8], n 96".
  const line = expectDefined(
    cli('check-report', report, ws, '--no-index')
      .split('\n')
      .find((l) => l.includes(`:${c.line}:${c.column}: CHANGED`)),
    "the CLI's line for the stale figure",
  );
  const m = expectPresent(
    /changed: (\S+) is now (\S+) (\[[^\]]+\]), n (\d+)$/.exec(line),
    'its current value',
  );
  const [, written, found, interval, n] = m;
  const value = expectDefined(found, 'the current value');
  await open(rel);
  try {
    await staleFigureInEditor();
  } finally {
    // The report's own editor closed (saved or reverted), so that its lenses leave the screen, and
    // the Problems filter cleared, for the tests after this one.
    await clearProblemsFilter();
    // In every editor group it was opened in (Quick Open opens it in the active one).
    const tab = page.locator('.tabs-container .tab').filter({ hasText: path.basename(rel) });
    for (let i = 0; i < 4 && (await tab.count()) > 0; i++) {
      await tab.first().click();
      await runCommand(page, 'File: Revert File');
      await runCommand(page, 'View: Close Editor');
    }
  }

  async function staleFigureInEditor() {
    // The Problems panel lists the demo's bad lines too, and renders only the rows on screen:
    // filtered to the report's figures.
    const message = `Figure changed: ${written} is now ${value} ${interval}, n ${n}`;
    const problems = await filterProblems('Figure changed');
    await waitUntil(
      async () => ((await problems.textContent()) ?? '').includes(message),
      `the warning "${message}"`,
    );
    // The cursor on the stale figure, where the CLI places it (the editor renders only the lines on
    // screen, lenses included).
    await open(rel);
    await page.keyboard.press('Control+g');
    await page.keyboard.insertText(`${c.line}:${c.column}`);
    await page.keyboard.press('Enter');
    await readEditorCursorLine(page, { expected: c.line });
    const lenses = await waitUntil(async () => {
      const t = await page.locator('.codelens-decoration').allTextContents();
      return t.some((x) => x.includes('1 changed')) ? t : null;
    }, "the claims groups' lenses");
    assert.ok(
      lenses.some((x) => /^\d+ figures hold$/.test(x.trim())),
      `lenses: ${lenses.join(' | ')}`,
    );
    await screenshot(page, '27-report-stale-warning');
    await runCommand(page, 'Show or Focus Hover');
    const hover = await waitUntil(async () => {
      const t = (await page.locator('.monaco-hover').allTextContents()).join('\n');
      return t.includes('Failure-First Lens: changed') && t.includes(message) ? t : null;
    }, 'the hover on the stale figure, with the warning');
    assert.ok(hover.includes(`Now: ${value} ${interval} · n = ${n}`), hover);
    await screenshot(page, '28-report-hover');
    await page.keyboard.press('Escape');
    // The quick fix writes the current value as the CLI gives it.
    await page.keyboard.press('Control+.');
    const fix = page
      .locator('.action-widget .monaco-list-row')
      .filter({ hasText: `Update to the current value: ${value}` });
    await fix.first().waitFor({ state: 'visible' });
    await screenshot(page, '28b-report-quick-fix');
    // Chosen with the keyboard: the widget blocks the pointer until the mouse moves.
    await waitUntil(async () => {
      if (await fix.first().evaluate((e) => e.classList.contains('focused'))) return true;
      await page.keyboard.press('ArrowDown');
      return false;
    }, 'the quick fix focused');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+s');
    await waitUntil(() => {
      const l = fs.readFileSync(report, 'utf8').split('\n')[c.line - 1] ?? '';
      return l.slice(c.column - 1, c.column - 1 + value.length) === value;
    }, `${value} written in the report`);
    await waitUntil(
      async () => !((await problems.textContent()) ?? '').includes('Figure changed'),
      'the warning to go',
    );
    // Every figure holds now, for the CLI as for the editor; a lens opens the page on its group.
    const after =
      /** @type {{ summary: Record<'HOLDS' | 'CHANGED' | 'NOT_FOUND' | 'NOT_CHECKED', number> }} */ (
        parseJson(cli('check-report', report, ws, '--no-index', '--json', '-'))
      ).summary;
    assert.equal(after.CHANGED + after.NOT_FOUND, 0);
    await waitUntil(
      async () =>
        !(await page.locator('.codelens-decoration').allTextContents()).some((x) => x.includes('changed')),
      'no lens saying a figure changed',
    );
    await screenshot(page, '29-report-after-quick-fix');
    const qwenLens = page.locator('.codelens-decoration a').filter({ hasText: /^4 figures hold$/ });
    await waitUntil(async () => (await qwenLens.count()) > 0, 'the lens of the fixed group');
    await qwenLens.first().click();
    const frame = await analysisPage();
    await waitUntil(
      async () => (await frame.locator('#tab-lineages').getAttribute('aria-selected')) === 'true',
      'the lineages tab',
    );
    await waitUntil(
      async () =>
        (await frame.locator('article.lineage.revealed').getAttribute('data-lineage')) === 'Qwen 3.5',
      'the Qwen 3.5 lineage brought into view',
    );
  }
});

/**
 * Shows the Problems panel filtered to `text`; resolves with the panel's list.
 * @param {string} text
 */
async function filterProblems(text) {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  const filter = page.locator(
    '.part.panel .markers-panel-action-filter input, .part.panel .viewpane-filter input',
  );
  await filter.first().waitFor({ state: 'visible' });
  await filter.first().fill(text);
  return page.locator('.markers-panel');
}

async function clearProblemsFilter() {
  const filter = page.locator(
    '.part.panel .markers-panel-action-filter input, .part.panel .viewpane-filter input',
  );
  if (await filter.first().isVisible()) await filter.first().fill('');
}

// ------------------------------------------------------------------ live updates

test('appending to a graded file updates the tree and the page without a reload', async () => {
  const frame = await analysisPage();
  await frame.locator('input[aria-label="Filter the traces by text"]').fill('');
  const graded = path.join(ws, 'runs/benchmark_traces/qwen3.5-2b_flip_graded.jsonl');
  const lines = Array.from({ length: 12 }, (_, i) =>
    JSON.stringify({
      trace_id: `e2e-appended-${i}`,
      scenario_id: `E2E-${i}`,
      model_id: 'qwen3.5:2b',
      attack_class: 'format_lock',
      turns: [
        { role: 'user', text: 'appended by the end-to-end test' },
        { role: 'agent', text: 'Sure, here is the format you asked for.' },
      ],
      llm_verdict: i % 3 === 0 ? 'REFUSAL' : 'COMPLIANCE',
      grader_model: 'anthropic/claude-haiku-4.5',
    }),
  );
  const before = cellTotal(doc, 'format_lock', 'qwen3.5:2b');
  const t0 = Date.now();
  fs.appendFileSync(graded, lines.join('\n') + '\n');
  const next = analyze();
  const member = expectDefined(
    next.lineages.find((l) => l.name === 'Qwen 3.5')?.members.find((m) => m.model === 'qwen3.5:2b'),
    'qwen3.5:2b in the Qwen 3.5 lineage',
  );
  const want = memberDescription(
    expectDefined(
      next.lineages.find((l) => l.name === 'Qwen 3.5'),
      'the Qwen 3.5 lineage',
    ),
    member,
  );
  await waitUntil(
    async () => rowByLabel(await lineagesRows(), 'qwen3.5:2b')?.description === want,
    `the tree to show ${want}`,
  );
  timings.treeUpdateAfterAppendMs = Date.now() - t0;
  await waitUntil(
    async () => (await paneTotal(frame)) === before + 12,
    `the page's list to show ${before + 12} traces`,
  );
  timings.pageUpdateAfterAppendMs = Date.now() - t0;
  doc = next;
  await screenshot(page, '10-after-append');
});

test('a truncated JSONL line appears as a problem and loses nothing else', async () => {
  const file = path.join(ws, 'runs/benchmark_traces/llama3.1-8b_traces.jsonl');
  const lineCount = fs.readFileSync(file, 'utf8').split('\n').length; // the new line's number
  fs.appendFileSync(
    file,
    '{"trace_id":"e2e-cut","scenario_id":"BT-DAN-001","model_id":"llama3.1:8b","turns":[{"role":"user","te',
  );
  const next = analyze();
  assert.equal(next.inputs.problems.length, doc.inputs.problems.length + 1);
  const p = next.inputs.problems.find(
    (x) => x.path === 'runs/benchmark_traces/llama3.1-8b_traces.jsonl' && x.line === lineCount,
  );
  assert.ok(p && /truncated/.test(p.reason), 'the CLI reports the truncated line');
  assert.deepEqual(next.lineages, doc.lineages, 'every figure is unchanged');
  await waitUntil(
    async () =>
      rowByLabel(await lineagesRows(), 'Input problems')?.description ===
      `${next.inputs.problems.length} lines or files could not be used`,
    'the tree to count the new problem',
  );
  const frame = await analysisPage();
  await frame.locator('#tab-problems').click();
  await waitUntil(
    async () =>
      ((await frame.locator('.view.problems').textContent()) ?? '').includes(
        `llama3.1-8b_traces.jsonl:${lineCount}`,
      ),
    'the page to list it',
  );
  await screenshot(page, '11-truncated-line-problem');
  await frame.locator('#tab-scaling').click();
  doc = next;
});

// ------------------------------------------------------------------ working on scenarios (issue 4)

test('the CodeLens over a scenario line shows the same figures as ff-lens scenarios', async () => {
  const scenarios = scenariosOf();
  const first = expectDefined(
    scenarios.find((s) => s.defined_at[0]?.path === 'data/scenarios/benchmark_core.jsonl'),
    'a scenario of benchmark_core.jsonl',
  );
  const title = (/** @type {ScenarioEvidence} */ e) =>
    e.traces === 0
      ? 'no traces yet'
      : [
          `${e.traces} trace${e.traces === 1 ? '' : 's'}`,
          `${e.models} model${e.models === 1 ? '' : 's'}`,
          e.strict === null ? 'strict –' : `strict ${Math.round(100 * e.strict)}%`,
          ...(e.dilutionDeltaPp === null
            ? []
            : [
                `dilution Δ ${e.dilutionDeltaPp >= 0 ? '+' : '−'}${Math.abs(Math.round(e.dilutionDeltaPp))} pp`,
              ]),
        ].join(' · ');
  await open('data/scenarios/benchmark_core.jsonl');
  const lens = await waitUntil(
    async () => (await page.locator('.codelens-decoration').allTextContents())[0],
    'a CodeLens',
  );
  assert.equal(lens.trim(), title(first));
  // A click on the lens opens the page on that scenario's traces.
  await page.locator('.codelens-decoration a').first().click();
  const frame = await analysisPage();
  await waitUntil(
    async () => (await paneTotal(frame)) === first.traces,
    `the page to list the ${first.traces} traces of ${first.scenarioId}`,
  );
  assert.ok(((await frame.locator('.pane-title').textContent()) ?? '').includes(first.scenarioId));
  const dil = scenarios.find((s) => s.dilutionDeltaPp !== null);
  assert.ok(dil, 'the demo has a diluted scenario');
  const dilPath = expectDefined(dil.defined_at[0], `where ${dil.scenarioId} is defined`).path;
  await open(dilPath);
  const shown = async () => {
    const lenses = (await page.locator('.codelens-decoration').allTextContents()).map((t) => t.trim());
    // A miss says which lenses were shown (the failure message quotes it).
    if (!lenses.includes(title(dil))) throw new Error(`lenses shown: ${JSON.stringify(lenses)}`);
    return true;
  };
  try {
    await waitUntil(shown, `the lens ${title(dil)}`, 15000);
  } catch (e) {
    // Seen in two of about a dozen full runs (stops 14 and 15), never with this test alone: no lens
    // at all on the file just opened. Closed and opened again, the editor asks for its lenses anew,
    // and the lens must then show the right figures. The miss is printed with the timings.
    timings.codeLensFirstMiss = e instanceof Error ? e.message : String(e);
    await runCommand(page, 'View: Close Editor');
    await open(dilPath);
    await waitUntil(shown, `the lens ${title(dil)} (the file opened again)`);
  }
  await screenshot(page, '12-codelens');
});

test('Go to Definition from a scenario_id lands on the scenario line', async () => {
  const target = expectDefined(
    scenariosOf().find((s) => s.scenarioId === 'BT-FMT-034')?.defined_at[0],
    'where BT-FMT-034 is defined',
  );
  // Each step's time, printed with the figures when the test is slow (stops 16 and 17 each saw one
  // ~31 s pass, 1.2–1.4 s otherwise).
  /** @type {string[]} */
  const steps = [];
  let t = Date.now();
  const step = (/** @type {string} */ name) => {
    steps.push(`${name} ${Date.now() - t} ms`);
    t = Date.now();
  };
  await open(SCRIPT_TRACE.path);
  step('open');
  await cursorOn('"scenario_id":"BT-FMT-034');
  step('cursor');
  await page.keyboard.press('F12');
  await waitUntil(
    async () => (await activeTab()).trim() === path.basename(target.path),
    `the editor to show ${target.path}`,
  );
  step('F12 to the tab');
  assert.equal(await readEditorCursorLine(page, { expected: target.line }), target.line);
  step('the line');
  if (steps.some((x) => Number(/(\d+) ms$/.exec(x)?.[1]) > 5000))
    timings.goToDefinitionSteps = steps.join(', ');
  await screenshot(page, '13-go-to-definition');
});

/**
 * Puts the cursor inside the first occurrence of `text` in the active editor.
 * @param {string} text
 */
async function cursorOn(text) {
  await page.keyboard.press('Control+f');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
}

test('a hover on a scenario id shows its per-model table', async () => {
  const s = expectDefined(
    scenariosOf().find((x) => x.scenarioId === 'BT-DAN-004'),
    'the scenario BT-DAN-004',
  );
  await open('data/scenarios/benchmark_core.jsonl');
  await cursorOn('"id":"BT-DAN-004');
  await runCommand(page, 'Show or Focus Hover');
  const hover = await waitUntil(async () => {
    const t = await page.locator('.monaco-hover-content').first().textContent({ timeout: 1000 });
    return t?.includes('BT-DAN-004') ? t : null;
  }, 'the hover');
  for (const m of s.perModel) assert.ok(hover.includes(m.model), `${m.model} in the hover`);
  await screenshot(page, '13b-hover');
  await page.keyboard.press('Escape');
});

test('Find All References from a scenario lists every trace of it', async () => {
  const s = expectDefined(
    scenariosOf().find((x) => x.scenarioId === 'BT-DAN-004'),
    'the scenario BT-DAN-004',
  );
  await open('data/scenarios/benchmark_core.jsonl');
  await cursorOn('"id":"BT-DAN-004');
  await runCommand(page, 'References: Find All References');
  const want = s.traces + s.defined_at.length;
  const count = await waitUntil(async () => {
    const t = (await page.locator('.part.sidebar').allTextContents()).join(' ');
    const m = /(\d+) results? in (\d+) files?/.exec(t) ?? /(\d+) references?/.exec(t);
    return m ? Number(m[1]) : null;
  }, 'the references');
  assert.equal(count, want, `${want} references (${s.traces} traces and the definition)`);
  await screenshot(page, '13c-references');
  await page.keyboard.press('Escape');
});

test("the Problems panel lists the demo's bad lines", async () => {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  await runCommand(page, 'View: Toggle Maximized Panel');
  const expected = doc.inputs.problems.filter((p) => p.line !== null);
  const rows = await waitUntil(async () => {
    const labels = await page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent));
    return labels.length >= expected.length ? labels : null;
  }, 'the problems to be listed');
  const text = rows.join('\n');
  for (const p of expected) {
    const file = path.basename(p.path);
    assert.ok(text.includes(file), `${file} has a problem listed`);
  }
  await screenshot(page, '14-problems-panel');
  await runCommand(page, 'View: Toggle Maximized Panel');
});

test('a broken regex in the lineage map is flagged while editing', async () => {
  const map = path.join(ws, '.failure-first/lineages.json');
  const original = fs.readFileSync(map, 'utf8');
  await open('.failure-first/lineages.json');
  await page.keyboard.press('Control+h');
  await page.keyboard.insertText('gemma-?3[:-]4b');
  await page.keyboard.press('Tab');
  await page.keyboard.insertText('gemma-?3[:-4b');
  await page.keyboard.press('Control+Alt+Enter'); // replace all
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  await waitUntil(async () => {
    const t = (await page.locator('.markers-panel').textContent()) ?? '';
    return t.includes('is not a regular expression the linear-time engine');
  }, 'the regex diagnostic');
  await screenshot(page, '15-lineage-map-diagnostic');
  await open('.failure-first/lineages.json');
  await runCommand(page, 'File: Revert File');
  // The editor may have saved the edit (the tab shows no unsaved mark): the map on disk is put back,
  // so that the tests after this one see the demo's lineages.
  if (fs.readFileSync(map, 'utf8') !== original) {
    fs.writeFileSync(map, original);
    await runCommand(page, 'File: Revert File');
  }
  await waitUntil(
    async () => rowByLabel(await lineagesRows(), 'Gemma 3')?.description?.startsWith('INCREASING · 2 sizes'),
    'the demo lineage map again',
  );
});

test('Create Reasoning-Dilution Variants writes the expected file and shows the diff', async () => {
  const rel = 'data/scenarios/format_lock_sweep.jsonl';
  const out = path.join(ws, 'data/scenarios/format_lock_sweep.dilution.jsonl');
  const expected = cli('variants', path.join(ws, rel), '--out', '-');
  await open(rel);
  await runCommand(page, 'Failure-First: Create Reasoning-Dilution Variants');
  await waitUntil(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8') === expected, 'the variants file');
  await waitUntil(async () => (await activeTab()).includes('dilution variants'), 'the diff editor');
  await screenshot(page, '16-dilution-variants-diff');
});

test('Next Outlier Cell walks the flagged cells and shows their traces', async () => {
  const first = doc.cells.find((c) => c.outlier || c.off_line);
  assert.ok(first, 'the demo has an outlier or off-the-line cell');
  await runCommand(page, 'Failure-First: Next Outlier Cell');
  const frame = await analysisPage();
  await waitUntil(
    async () =>
      (await frame.locator('.pane-title').textContent())?.includes(`${first.attack_class} × ${first.model}`),
    `the traces of ${first.attack_class} × ${first.model}`,
  );
  await waitUntil(
    async () => (await paneTotal(frame)) === cellTotal(doc, first.attack_class, first.model),
    'its traces',
  );
  await screenshot(page, '17-outlier-walk');
});

test('grader disagreements list the traces the graders disagree on', async () => {
  const frame = await analysisPage();
  await frame.locator('#tab-agreement').click();
  const a = expectDefined(doc.agreement[0], 'a grader pair');
  await frame.locator('.view.agreement tbody tr').first().click();
  await waitUntil(async () => ((await paneTotal(frame)) ?? 0) > 0, 'disagreements listed');
  const rows = await frame.locator('.vlist-row').allTextContents();
  assert.ok(
    rows.every((r) => r.includes('vs')),
    'each row shows the second verdict',
  );
  assert.ok(a.n > 0);
  await screenshot(page, '18-agreement-disagreements');
});

// ------------------------------------------------------------------ comparing, reports, graders (issue 7)

/** How the Compare tab writes one side of a change (as the CLI's Markdown does). */
function changeValue(/** @type {Change['before']} */ v) {
  if (v === null) return '–';
  if (typeof v === 'boolean') return v ? 'meets the threshold' : 'below the threshold';
  if (typeof v === 'string') return v;
  return `n ${v.n}, k ${v.k}`;
}

/**
 * Answers VS Code's own file dialog (the quick input code-server shows for Open and Save) with a path.
 * @param {string} file
 */
async function answerFileDialog(file) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // The dialog, not the command palette before it: its input holds a path.
  await waitUntil(async () => (await input.inputValue({ timeout: 1000 })).startsWith('/'), 'the file dialog');
  await input.fill(file);
  await page.waitForTimeout(300); // the dialog completes the path as it is typed
  await input.fill(file);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The server's log line for one analysis (with its index and analysis split), every one in a log. */
const SERVER_RUNS = /analysed \d+ traces: index \d+ ms \([^)]*\), analysis \d+ ms(?: \([^)]*\))?/g;

/** The compare pick's input, while it is open. */
const comparePick = () =>
  page.locator('.quick-input-widget .quick-input-box input[placeholder^="Failure-First Lens: compare"]');

/**
 * Runs a command from the palette without waiting for the palette to close: for a command that
 * opens a quick input of its own at once (runCommand would wait for a moment it can miss).
 * @param {string} title
 */
async function startCommand(title) {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const command = page
    .locator('.quick-input-widget .monaco-list-row')
    .and(page.locator(`[aria-label="${title}"], [aria-label^="${title}, "]`))
    .first();
  await command.waitFor({ state: 'visible' });
  await command.click();
}

/**
 * Picks the row of an open quick pick that shows `text`.
 * @param {string} text
 */
async function pickRow(text) {
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** The Compare tab's sides and changes, as the page shows them. */
async function compareTab() {
  const frame = await analysisPage();
  await frame.locator('#tab-compare').click();
  return frame;
}

test("the Compare tab shows the conclusions ff-lens compare finds against the demo's saved analysis", async () => {
  const snapshot = path.join(ws, 'runs/inverse_scaling/initial_analysis.json');
  const want = /** @type {ComparisonDocument} */ (
    parseJson(cli('compare', snapshot, ws, '--no-index', '--json', '-'))
  );
  assert.ok(
    want.changes.some((c) => c.kind === 'headline' || c.kind === 'classification' || c.kind === 'shape'),
    'a conclusion moved since the saved analysis',
  );
  await runCommand(page, 'View: Hide Panel');
  const frame = await compareTab();
  const sides = await waitUntil(async () => {
    const t = (await frame.locator('.compare-sides').textContent({ timeout: 1000 })) ?? '';
    return t.includes('runs/inverse_scaling/initial_analysis.json') ? t : null;
  }, 'the default BEFORE');
  assert.match(sides, /default snapshot/, 'the tab says the snapshot is the default');
  // The page compares with the live analysis: wait for it to have caught up with the files the
  // tests before this one changed, then hold it to the CLI's conclusions row by row.
  const wantRows = want.changes.map((c) => [c.what, changeValue(c.before), changeValue(c.after)]);
  /** @type {string[][]} */
  let rows = [];
  await waitUntil(async () => {
    rows = await frame
      .locator('.changes-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(1).map((td) => td.textContent ?? '')));
    return JSON.stringify(rows) === JSON.stringify(wantRows);
  }, 'the changes ff-lens compare lists').catch(() => undefined);
  assert.deepEqual(rows, wantRows);
  // The cells: the changed ones, largest |Δ| first; a row opens that cell's current traces.
  const changed = want.cells.filter((c) => c.status !== 'same');
  const top = changed.reduce((a, b) => (Math.abs(b.delta_pp ?? -1) > Math.abs(a.delta_pp ?? -1) ? b : a));
  const first = frame.locator('.cells-table tbody tr').first();
  assert.equal(await first.locator('td').nth(0).textContent(), top.attack_class);
  assert.equal(await first.locator('td').nth(1).textContent(), top.model);
  await screenshot(page, '24-compare-tab');
  await first.click();
  const now = analyze();
  await waitUntil(
    async () => (await paneTotal(frame)) === cellTotal(now, top.attack_class, top.model),
    `the traces of ${top.attack_class} × ${top.model}`,
  );
  assert.match(
    (await frame.locator('.pane-title').textContent()) ?? '',
    new RegExp(`${top.attack_class} × `),
  );
});

test('Save Analysis Snapshot… writes the results document; Compare with Saved Analysis… keeps to it through a reload; a deleted snapshot is a notice', async () => {
  const dir = path.join(ws, 'snapshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'now.json');
  await startCommand('Failure-First: Save Analysis Snapshot…');
  await answerFileDialog(file);
  await waitUntil(() => fs.existsSync(file) && fs.statSync(file).size > 0, 'the snapshot file');
  const saved = /** @type {ResultsDocument} */ (parseJson(fs.readFileSync(file, 'utf8')));
  assert.deepEqual(
    { ...saved, generated_at: '' },
    { ...analyze(), generated_at: '' },
    'the document ff-lens writes',
  );
  // Compared with it, chosen with the page's own button (the focus is in the page when the pick
  // opens): nothing moved.
  let frame = await compareTab();
  await frame.getByRole('button', { name: 'Compare with another saved analysis…' }).click();
  await comparePick().waitFor({ state: 'visible' });
  await pickRow('A saved analysis');
  await answerFileDialog(file);
  await waitUntil(async () => {
    const t = (await frame.locator('.view.compare').textContent({ timeout: 1000 })) ?? '';
    return t.includes('snapshots/now.json') && t.includes('Conclusions that moved (0)');
  }, 'the comparison with the snapshot');
  await screenshot(page, '25-compare-with-snapshot');
  // The choice survives a reload of the window.
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60000 });
  frame = await compareTab();
  await waitUntil(
    async () =>
      ((await frame.locator('.compare-sides').textContent({ timeout: 1000 })) ?? '').includes(
        'snapshots/now.json',
      ),
    'the comparison after the reload',
    90000,
  );
  // Corrupted since (a copy cut short): the tab says so at once, with the reader's reason.
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
  await waitUntil(
    async () =>
      ((await frame.locator('.view.compare .notice').textContent({ timeout: 1000 })) ?? '').includes(
        'The saved analysis cannot be compared: snapshots/now.json: not JSON (',
      ),
    'the notice of a corrupted snapshot',
  );
  await screenshot(page, '26a-compare-snapshot-corrupted');
  // Mended: the comparison is back without a click.
  fs.writeFileSync(file, text);
  await waitUntil(
    async () =>
      ((await frame.locator('.view.compare').textContent({ timeout: 1000 })) ?? '').includes(
        'Conclusions that moved (0)',
      ),
    'the comparison with the mended snapshot',
  );
  // Deleted since: the tab says so at once.
  fs.rmSync(file);
  await waitUntil(
    async () =>
      ((await frame.locator('.view.compare .notice').textContent({ timeout: 1000 })) ?? '').includes(
        'snapshots/now.json: the file is gone',
      ),
    'the notice of a deleted snapshot',
  );
  await screenshot(page, '26b-compare-snapshot-deleted');
  // Back to the folder's default. The page takes focus while the pick is open, as the workbench
  // does when it hands focus back to the active page after the palette closes
  // (microsoft/vscode#93950; the pick closed before it could be clicked in one CI run): the pick
  // stays open.
  await startCommand('Failure-First: Compare with Saved Analysis…');
  const pick = comparePick();
  await pick.waitFor({ state: 'visible' });
  // A click low on the page (the pick covers its top).
  const box = expectPresent(await page.locator('iframe.webview.ready').first().boundingBox(), 'the page');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 12);
  await waitUntil(
    () => page.evaluate(() => document.activeElement?.tagName === 'IFRAME'),
    'the page to have the focus',
  );
  await page.waitForTimeout(300);
  assert.ok(await pick.isVisible(), 'the pick is still open after the page took the focus');
  await screenshot(page, '26c-compare-pick-kept-open');
  await pickRow('runs/inverse_scaling/initial_analysis.json');
  await waitUntil(
    async () =>
      ((await frame.locator('.compare-sides').textContent({ timeout: 1000 })) ?? '').includes(
        'default snapshot',
      ),
    'the default again',
  );
});

test("the grader list changes the tree's figures as ff-lens analyze --grader does, reading no file again", async () => {
  const frame = await analysisPage();
  const select = frame.locator('select[aria-label="Grader whose verdicts count"]');
  const options = await select.locator('option').allTextContents();
  assert.equal(options[0], "Each trace's primary verdict");
  // Each grader's count is the traces an analysis under it grades.
  for (const o of options.slice(1)) {
    const [, name, count] = expectPresent(/^(.*) \(([\d,]+) traces?\)$/.exec(o), `a grader option: ${o}`);
    const under = /** @type {ResultsDocument} */ (
      parseJson(cli('analyze', ws, '--no-index', '--grader', expectDefined(name, 'its name'), '--json', '-'))
    );
    assert.equal(under.inputs.traces.graded, Number(expectDefined(count, 'its count').replace(/,/g, '')), o);
  }
  const treeMatches = async (/** @type {ResultsDocument} */ d) => {
    const rows = await lineagesRows();
    return d.lineages.every((l) =>
      l.members.every(
        (m) =>
          rows.find((r) => r.label === m.model && r.level === 2)?.description === memberDescription(l, m),
      ),
    );
  };
  await frame.locator('#tab-lineages').click();
  await screenshot(page, '30-grader-before');
  const grader = 'deepseek/deepseek-v3.2';
  const want = /** @type {ResultsDocument} */ (
    parseJson(cli('analyze', ws, '--no-index', '--grader', grader, '--json', '-'))
  );
  const runsBefore = (extensionLog().match(/analysed \d+ traces: index/g) ?? []).length;
  const label = expectDefined(
    options.find((o) => o.startsWith(`${grader} (`)),
    `${grader} in the list`,
  );
  await select.selectOption({ label });
  await waitUntil(() => treeMatches(want), `the tree under ${grader}`, 60000);
  await screenshot(page, '31-grader-after');
  // The server's account of that analysis: the index refreshed, no run file read again.
  const runs = await waitUntil(() => {
    const r = extensionLog().match(SERVER_RUNS) ?? [];
    return r.length > runsBefore ? r : null;
  }, 'the log of the re-analysis');
  const last = expectDefined(runs.at(-1), 'the last analysis');
  assert.match(last, /\(0 files read, 0\.0 MB/, last);
  timings.graderReanalysis = last;
  // Back to each trace's primary verdict.
  await select.selectOption({ index: 0 });
  const primary = analyze();
  await waitUntil(() => treeMatches(primary), 'the tree under the primary verdicts', 60000);
});

// ------------------------------------------------------------------ robustness

test('a crash of the analysis server is survived: restarted, said once, and analysing again', async () => {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n');
  const server = ps
    .map((l) => l.trim())
    .find((l) => l.includes(path.join(base, 'ext')) && l.includes('dist/server.js'));
  assert.ok(server, 'the language server runs as its own process');
  process.kill(Number(server.split(' ')[0]), 'SIGKILL');
  const toast = await waitUntil(async () => {
    const t = (
      await page.locator('.notifications-toasts .notification-list-item-message').allTextContents()
    ).join('\n');
    return t.includes('stopped unexpectedly and was restarted') ? t : null;
  }, 'the restart notice');
  assert.equal(toast.match(/stopped unexpectedly/g)?.length, 1);
  await screenshot(page, '20-server-restarted');
  await runCommand(page, 'Failure-First: Re-analyse');
  await waitForStatusBarText(page, new RegExp(`${doc.inputs.traces.total.toLocaleString('en-US')} traces`));
  await waitUntil(
    async () => rowByLabel(await lineagesRows(), 'Qwen 3.5')?.description?.startsWith('PEAK · 4 sizes'),
    'the tree after the restart',
  );
});

test('a folder without runs shows the welcome view saying what the extension looks for', async () => {
  const empty = path.join(base, 'empty-folder');
  fs.mkdirSync(path.join(empty, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(empty, 'notes', 'todo.md'), 'nothing to analyse\n');
  const srv3 = await startCodeServer({
    folder: empty,
    userDataDir: path.join(base, 'ud-empty'),
    extensionsDir: path.join(base, 'ext'),
    logFile: path.join(OUT, 'code-server-empty.log'),
  });
  const wb3 = await openWorkbench({ url: srv3.url, screenshotsDir: OUT });
  try {
    await clickActivityBar(wb3.page, 'Failure-First');
    const welcome = wb3.page.locator('.part.sidebar .welcome-view-content');
    const text = await waitUntil(async () => {
      const t = (await welcome.allTextContents()).join(' ');
      return t.includes('No Failure-First runs') ? t : null;
    }, 'the welcome view');
    for (const what of ['_traces.jsonl', 'flip_graded', 'jailbreak_corpus.db', 'lineages.json'])
      assert.ok(text.includes(what), `it names ${what}`);
    await screenshot(wb3.page, '21-welcome-view');
  } finally {
    await closeWorkbench(wb3);
    await srv3.stop();
  }
});

// ------------------------------------------------------------------ a multi-root workspace

test('a multi-root workspace is analysed folder by folder: a tree section, a status and a page each', async () => {
  // The demo, and a second folder with runs of its own.
  const other = path.join(base, 'second-lab');
  const runFile = path.join(other, 'runs', 'probe', 'qwen3.5-2b_traces.jsonl');
  fs.mkdirSync(path.dirname(runFile), { recursive: true });
  const line = (/** @type {number} */ i) =>
    JSON.stringify({
      trace_id: `probe-${i}`,
      scenario_id: `P${i}`,
      model_id: 'qwen3.5:2b',
      attack_class: 'probe_class',
      response: `answer ${i}`,
      llm_verdict: i % 3 === 0 ? 'COMPLIANCE' : 'REFUSAL',
    });
  fs.writeFileSync(runFile, Array.from({ length: 30 }, (_, i) => line(i)).join('\n') + '\n');
  const file = path.join(base, 'two-labs.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: ws }, { path: other }] }));
  const srv4 = await startCodeServer({
    folder: file,
    userDataDir: path.join(base, 'ud-multi'),
    extensionsDir: path.join(base, 'ext'),
    logFile: path.join(OUT, 'code-server-multi.log'),
  });
  const wb4 = await openWorkbench({ url: srv4.url, screenshotsDir: OUT });
  const p4 = wb4.page;
  const demoTraces = doc.inputs.traces.total.toLocaleString('en-US');
  try {
    // One status item per folder, each with its own count.
    await waitForStatusBarText(p4, new RegExp(`demo-workspace: ${demoTraces} traces`), { timeout: 90000 });
    await waitForStatusBarText(p4, /second-lab: 30 traces/, { timeout: 60000 });
    // One tree section per folder, each with its own lineages.
    await clickActivityBar(p4, 'Failure-First');
    await waitUntil(
      async () => {
        const r = await treeRows(p4, 'Lineages', { minRows: 1 });
        return r.some((x) => x.label === 'demo-workspace' && x.level === 1);
      },
      'the first folder section',
      60000,
    );
    // The tree renders only the rows on screen, and the demo's section is long: fold everything
    // (the view's Collapse All), then open the second folder's section alone.
    const lineagesPane = p4
      .locator('.part.sidebar .pane')
      .filter({ has: p4.locator(':scope > .pane-header[aria-label="Lineages Section"]') })
      .first();
    const rows = await waitUntil(
      async () => {
        await lineagesPane.locator(':scope > .pane-header').hover();
        await lineagesPane.locator('.actions-container .action-label[aria-label="Collapse All"]').click();
        await expandTreeRow(p4, 'second-lab', { viewTitle: 'Lineages' });
        await foldAttackClasses(p4);
        const r = await treeRows(p4, 'Lineages', { minRows: 2 });
        const at = r.findIndex((x) => x.label === 'second-lab' && x.level === 1);
        return at >= 0 && r.slice(at + 1).some((x) => x.label === 'Qwen 3.5' && x.level === 2) ? r : null;
      },
      'the second folder section with its own lineages',
      60000,
    );
    const second = rows.findIndex((x) => x.label === 'second-lab');
    const qwenOfSecond = rows.slice(second).find((x) => x.label === 'Qwen 3.5');
    assert.match(
      qwenOfSecond?.description ?? '',
      /SINGLE · 1 size/,
      'the second folder has its own Qwen 3.5 lineage',
    );
    assert.match(rows[second]?.description ?? '', /^30 traces$/);
    assert.match(
      rows.find((x) => x.label === 'demo-workspace')?.description ?? '',
      new RegExp(`^${demoTraces} traces$`),
    );
    await screenshot(p4, '22-multi-root-tree');
    // The page of a folder, chosen when the command is run without one.
    await runCommand(p4, 'Failure-First: Open Analysis Page');
    const pick = p4.locator('.quick-input-widget');
    await pick.waitFor({ state: 'visible' });
    await p4.keyboard.type('second-lab');
    await p4.keyboard.press('Enter');
    const frame = await webviewFrame(p4, { title: `${PAGE_TITLE} — second-lab`, timeout: 30000 });
    await waitUntil(
      async () => (await frame.locator('.status').textContent())?.includes('30 traces'),
      "the second folder's page",
    );
    await screenshot(p4, '23-multi-root-page');
    // A change in one folder moves that folder's figures only.
    fs.appendFileSync(runFile, Array.from({ length: 5 }, (_, i) => line(100 + i)).join('\n') + '\n');
    await waitForStatusBarText(p4, /second-lab: 35 traces/, { timeout: 30000 });
    await waitForStatusBarText(p4, new RegExp(`demo-workspace: ${demoTraces} traces`));
  } finally {
    await closeWorkbench(wb4);
    await srv4.stop();
  }
});

// ------------------------------------------------------------------ speed on the benchmark corpus

test(
  'speed on the 40,000-trace benchmark corpus: the page follows a changed file (figures printed)',
  { skip: process.env.FF_E2E_BENCH === '0' },
  async () => {
    const { writeCorpus, appendedText, writeAppend } = await import('../../scripts/bench/corpus.mts');
    const corpus = path.join(base, 'bench-40k');
    const info = writeCorpus(corpus, 40_000);
    const ud2 = path.join(base, 'ud-bench');
    const t0 = Date.now();
    const srv2 = await startCodeServer({
      folder: corpus,
      userDataDir: ud2,
      extensionsDir: path.join(base, 'ext'),
      logFile: path.join(OUT, 'code-server-bench.log'),
    });
    const wb2 = await openWorkbench({ url: srv2.url, screenshotsDir: OUT });
    const p2 = wb2.page;
    try {
      await waitForStatusBarText(p2, new RegExp(`${info.traces.toLocaleString('en-US')} traces`), {
        timeout: 120000,
      });
      timings.bench40kIndexedAfterOpenMs = Date.now() - t0;
      await runCommand(p2, 'Failure-First: Open Analysis Page');
      const frame = await webviewFrame(p2, { title: PAGE_TITLE, timeout: 30000 });
      const status = frame.locator('.status');
      await waitUntil(
        async () => (await status.textContent())?.includes(`${info.traces.toLocaleString('en-US')} traces`),
        'the page on the corpus',
        60000,
      );
      // One file changes (1,000 traces appended); time from the write until the page shows the new
      // analysis (the lines are made first: making 3 MB of text is the test's time, not the editor's).
      const appended = appendedText(corpus, 1000, 4242);
      const want = `${(info.traces + 1000).toLocaleString('en-US')} traces`;
      // The page notes when its status first says so, after the next frame (the test's polling,
      // every 150 ms, would add up to that much); both clocks are this machine's wall clock.
      await status.evaluate((el, w) => {
        const seen = () => {
          if (el.hasAttribute('data-shown-at') || !(el.textContent ?? '').includes(w)) return;
          el.setAttribute('data-shown-at', '');
          requestAnimationFrame(() => setTimeout(() => el.setAttribute('data-shown-at', String(Date.now()))));
        };
        new MutationObserver(seen).observe(el, { childList: true, subtree: true, characterData: true });
      }, want);
      const before = Date.now();
      writeAppend(appended);
      await waitUntil(
        async () => (await status.textContent())?.includes(want),
        `the page to show ${want}`,
        60000,
      );
      timings.bench40kPageNoticedByTestAfterMs = Date.now() - before;
      const shownAt = await waitUntil(
        async () => Number((await status.getAttribute('data-shown-at')) || 0),
        'the page to note when it showed the new analysis',
        5000,
      );
      timings.bench40kPageUpdateAfterAppendMs = shownAt - before;
      // The server's own account of that run (its log, the extension's output channel).
      await new Promise((r) => setTimeout(r, 500));
      const log = logText(ud2);
      const runs = log.match(SERVER_RUNS) ?? [];
      const lastRun = runs.at(-1);
      if (lastRun) timings.bench40kServerLastRun = lastRun;
      // When the change reached the server, and when its analysis was done, by the log's clock.
      const at = (/** @type {RegExp} */ re) => {
        const m = [...log.matchAll(re)].at(-1)?.[1];
        return m ? new Date(m.replace(' ', 'T')).getTime() : null;
      };
      const heard = at(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \[info\] \d+ watched file change/g);
      const analysed = at(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \[info\] analysed/g);
      if (heard) timings.bench40kChangeReachedServerAfterMs = heard - before;
      if (analysed) timings.bench40kAnalysisDoneAfterMs = analysed - before;
      // Another grader (issue 7.6): a new analysis of the index, no file read again.
      const runsBefore = runs.length;
      const choose = Date.now();
      // the corpus's only grader: its verdicts are the primary ones, but the choice is a new analysis
      await frame.locator('select[aria-label="Grader whose verdicts count"]').selectOption({ index: 1 });
      const graderRuns = await waitUntil(
        () => {
          const r = logText(ud2).match(SERVER_RUNS) ?? [];
          return r.length > runsBefore ? r : null;
        },
        'the re-analysis under another grader',
        60000,
      );
      timings.bench40kGraderReanalysisAfterChoiceMs = Date.now() - choose;
      timings.bench40kGraderReanalysis = graderRuns.at(-1) ?? '';
      await screenshot(p2, '19-bench-40k-page');
    } finally {
      await closeWorkbench(wb2);
      await srv2.stop();
    }
  },
);
