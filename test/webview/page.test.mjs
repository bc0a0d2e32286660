// @ts-check
// The analysis page in a real Chromium (playwright-core, Debian's /usr/bin/chromium), under the
// extension's CSP, against a fake host (fake-host/fakeHost.ts, a typed double of the page's host)
// that answers from canned data: the language server's own answers over the demo workspace, made
// now by cannedAnswers.ts, with the demo's adversarial traces in the cell the tests open.
//
//   node --import tsx --test test/webview/page.test.mjs
//
// Screenshots of every tab go to test-output/webview/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { expectDefined, expectPresent } from '../../src/shared/expect.ts';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('../../src/protocol').TraceSelector} TraceSelector */
/** @typedef {import('../../src/protocol').HostToPage} HostToPage */
/** @typedef {import('./fake-host/canned').Canned} Canned */
/** @typedef {import('../../src/protocol').PageMethod} RequestMethod */
/** @typedef {Extract<import('../../src/protocol').PageToHost, { type: 'request' }>} RequestMessage */
/** @typedef {{ errors: string[], dialogs: string[] }} Seen */

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'test-output/webview');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 15_000;
/** JSON.parse typed as what it returns: unknown, until a JSDoc type says what the file holds. */
const parseJson = /** @type {(text: string) => unknown} */ (JSON.parse);

/** @type {string} */
let scratch;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Canned} */
let canned;
// From the canned data: the cell with the adversarial traces, and the made-up long lists.
/** @type {Canned['adversarialCell']} */
let ADVERSARIAL_CELL;
/** @type {string} */
let MANY_SCENARIO;
/** @type {number} */
let MANY_ROWS;
/** @type {string} */
let MILLION_SCENARIO;
/** @type {number} */
let MILLION_ROWS;

before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-webview-'));
  fs.mkdirSync(OUT, { recursive: true });
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const json = path.join(scratch, 'canned.json');
  execFileSync(process.execPath, ['--import', 'tsx', 'test/webview/cannedAnswers.ts', json], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  canned = /** @type {Canned} */ (parseJson(fs.readFileSync(json, 'utf8')));
  ADVERSARIAL_CELL = canned.adversarialCell;
  ({ scenarioId: MANY_SCENARIO, rows: MANY_ROWS } = canned.long.many);
  ({ scenarioId: MILLION_SCENARIO, rows: MILLION_ROWS } = canned.long.million);
  const bundle = await esbuild.build({
    entryPoints: [path.join(ROOT, 'test/webview/fake-host/fakeHost.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  server = await startServer({
    root: ROOT,
    canned,
    fakeHost: expectDefined(bundle.outputFiles[0], 'the bundled fake host').text,
  });
  const home = path.join(scratch, 'home');
  for (const d of ['.config', '.cache']) fs.mkdirSync(path.join(home, d), { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
    },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  assert.deepEqual(server?.unexpected ?? [], [], 'the page asked for nothing it was not given');
});

/**
 * Opens the harness in a fresh context; collects page errors, console errors and dialogs.
 * @param {{ theme?: string, viewport?: { width: number, height: number } }} [options]
 */
async function openPage({ theme = 'vscode-dark', viewport = { width: 1400, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  /** @type {Seen} */
  const seen = { errors: [], dialogs: [] };
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) seen.errors.push(m.text());
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${server.url}?theme=${theme}`);
  await page.waitForSelector('.chart-box[data-chart="scaling"] canvas');
  await page.waitForFunction(() => document.querySelector('.points-table') !== null);
  return { page, context, seen };
}

/**
 * Reads the fake host in the page (`window.__ffHost`, undefined until it is installed).
 * @template R
 * @param {Page} page
 * @param {() => R | undefined} fn
 */
const host = async (page, fn) => expectDefined(await page.evaluate(fn), 'the fake host (window.__ffHost)');

/**
 * The requests of one method the page sent to the fake host, in order (the fake host keeps those
 * of `method` only, so each has that method's params).
 * @template {RequestMethod} M
 * @param {Page} page
 * @param {M} method
 */
const requests = async (page, method) =>
  /** @type {Extract<RequestMessage, { method: M }>[]} */ (
    await page.evaluate((m) => window.__ffHost?.requests(m) ?? [], method)
  );
const lastTraces = async (/** @type {Page} */ page) =>
  expectDefined((await requests(page, 'traces')).at(-1), 'a traces request');

/**
 * Waits until the page has sent `count` requests of `method`; resolves with them.
 * @template {RequestMethod} M
 * @param {Page} page
 * @param {M} method
 * @param {number} count
 */
async function waitForRequests(page, method, count) {
  await page.waitForFunction(({ m, n }) => (window.__ffHost?.requests(m).length ?? 0) >= n, {
    m: method,
    n: count,
  });
  return requests(page, method);
}

/**
 * In the page: whether the last traces request filters by `text`.
 * @param {string} text
 */
function lastFilterTextIs(text) {
  const last = window.__ffHost?.requests('traces').at(-1);
  return last?.method === 'traces' && last.params.filter?.text === text;
}

/**
 * Chooses a regression in the scaling tab by its key.
 * @param {Page} page
 * @param {import('../../src/protocol').GroupKey} key
 */
async function chooseRegression(page, key) {
  await page.selectOption('select[aria-label="Regression"]', JSON.stringify(key));
}

/**
 * Clicks a point on a chart where the page says it is drawn now, until `done` says the click took
 * effect (at most 10 s): a chart drawn for the first time animates its points in, and a loaded
 * machine can hold its frames back, so a position read during the animation may be left behind.
 * @param {Page} page
 * @param {'scaling' | 'dilution' | 'headline'} chart
 * @param {string} name a model (a lineage on the headline chart)
 * @param {() => Promise<boolean>} done
 */
async function clickPoint(page, chart, name, done) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const at = await page.evaluate(({ c, m }) => window.ffLens.pointPosition(c, m), { c: chart, m: name });
    assert.ok(at, `${name} has a point on the ${chart} chart`);
    await page.mouse.click(at.x, at.y);
    for (let i = 0; i < 5; i++) {
      if (await done()) return;
      await page.waitForTimeout(50);
    }
    assert.ok(Date.now() < deadline, `a click on ${name} on the ${chart} chart took effect`);
  }
}

/** Whether the trace pane lists rows (a click on a point selected its traces). */
const listsTraces = (/** @type {Page} */ page) => async () =>
  (await page.locator('.vlist-row[data-trace-id]').count()) > 0;

/**
 * Share of a canvas's pixels that differ from its top-left pixel, and how many colours it uses.
 * @param {Page} page
 * @param {string} selector
 */
function canvasInk(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!(c instanceof HTMLCanvasElement)) throw new Error(`no canvas ${sel}`);
    const context = c.getContext('2d');
    if (!context) throw new Error('no 2D context');
    const d = context.getImageData(0, 0, c.width, c.height).data;
    const bg = [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0];
    const [r0, g0, b0] = bg;
    let ink = 0;
    const colours = new Set();
    // per pixel: `?? 0` on each read, not a helper call (a closure in a 1.2 M pixel loop)
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i] ?? 0;
      const g = d[i + 1] ?? 0;
      const b = d[i + 2] ?? 0;
      if (Math.abs(r - (r0 ?? 0)) + Math.abs(g - (g0 ?? 0)) + Math.abs(b - (b0 ?? 0)) > 30) ink++;
      colours.add((r >> 4) * 256 + (g >> 4) * 16 + (b >> 4));
    }
    return { share: ink / (d.length / 4), colours: colours.size, background: bg };
  }, selector);
}

/**
 * @param {Page} page
 * @param {string} name
 */
async function shot(page, name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

/**
 * @param {string} attackClass
 * @param {string} model
 */
function cellTotal(attackClass, model) {
  const c = expectDefined(
    canned.document.cells.find((x) => x.attack_class === attackClass && x.model === model),
    `the cell ${attackClass} × ${model}`,
  );
  return c.n + c.ungraded + c.errors + c.benign + (c.unknown_label ?? 0);
}

/**
 * @param {Page} page
 * @param {Seen} seen
 */
async function assertClean(page, seen) {
  const violations = await host(page, () => window.__ffHost?.violations);
  assert.deepEqual(violations, [], 'no CSP violation');
  assert.deepEqual(seen.errors, [], 'no page or console error');
  assert.deepEqual(seen.dialogs, [], 'no dialog');
}

test('sends ready, draws a non-blank scaling chart, and keeps to the CSP', async () => {
  const { page, context, seen } = await openPage();
  const sent = await host(page, () => window.__ffHost?.sent);
  assert.equal(sent[0]?.type, 'ready', 'the first message is ready');
  assert.equal(sent.filter((m) => m.type === 'ready').length, 1, 'ready is sent once');
  const ink = await canvasInk(page, '.chart-box[data-chart="scaling"] canvas');
  assert.ok(ink.share > 0.01, `the chart has ink (${(ink.share * 100).toFixed(1)}% of pixels)`);
  assert.ok(ink.colours >= 4, `the chart uses several colours (${ink.colours})`);
  const label = await page.getAttribute('.chart-box[data-chart="scaling"] canvas', 'aria-label');
  assert.match(label ?? '', /strict ASR against model size/i);
  assert.equal(await page.getAttribute('.chart-box[data-chart="scaling"] canvas', 'role'), 'img');
  // x axis in billions on a log scale: the page wrote its ticks as sizes.
  await shot(page, 'scaling-dark');
  await assertClean(page, seen);
  await context.close();
});

test('clicking the Qwen 3.5 2B point requests exactly its cell and lists its rows', async () => {
  const { page, context, seen } = await openPage();
  await chooseRegression(page, { attack_class: ADVERSARIAL_CELL.attackClass });
  const before = (await requests(page, 'traces')).length;
  await clickPoint(
    page,
    'scaling',
    'qwen3.5:2b',
    async () => (await requests(page, 'traces')).length > before,
  );
  const all = await waitForRequests(page, 'traces', before + 1);
  const clicked = expectDefined(all[before], 'the traces request of the click').params;
  assert.deepEqual(clicked.selector, {
    kind: 'cell',
    attackClass: 'format_lock',
    model: 'qwen3.5:2b',
  });
  assert.equal(clicked.offset, 0);
  assert.ok(clicked.limit >= 100 && clicked.limit <= 500, 'a window of a few hundred rows');
  await page.waitForSelector('.vlist-row[data-trace-id]');
  const models = await page.$$eval('.vlist-row .col-model', (els) => [
    ...new Set(els.map((e) => e.textContent)),
  ]);
  assert.deepEqual(models, ['qwen3.5:2b']);
  const total = cellTotal('format_lock', 'qwen3.5:2b');
  assert.match((await page.textContent('.pane-totals')) ?? '', new RegExp(`^${total} traces`));
  assert.match((await page.textContent('.pane-title')) ?? '', /format_lock × qwen3\.5:2b/);
  // The table row of that point is marked as the current selection.
  const current = await page.$$eval(
    '.points-table tr[aria-current="true"]',
    (/** @type {HTMLTableRowElement[]} */ rows) => rows.map((r) => r.cells[0]?.textContent),
  );
  assert.deepEqual(current, ['qwen3.5:2b']);
  // A table row does the same as its point, from the keyboard.
  await page.focus('.points-table tbody tr:first-child');
  await page.keyboard.press('Enter');
  const next = expectDefined((await waitForRequests(page, 'traces', before + 2)).at(-1), 'a traces request');
  assert.equal(next.params.selector.kind, 'cell');
  assert.notEqual(next.params.selector.kind === 'cell' && next.params.selector.model, 'qwen3.5:2b');
  await assertClean(page, seen);
  await context.close();
});

test('adversarial traces show their markup as text and nothing executes', async (t) => {
  const { page, context, seen } = await openPage();
  await page.evaluate((s) => window.__ffHost?.send({ type: 'select', selector: s }), {
    kind: /** @type {const} */ ('cell'),
    ...ADVERSARIAL_CELL,
  });
  await page.waitForSelector('.vlist-row[data-trace-id="canned-alert"]');
  const scripts = await page.$$eval('script', (s) => s.length);

  const open = async (/** @type {string} */ id) => {
    await page.click(`.vlist-row[data-trace-id="${id}"]`);
    await page.waitForFunction(
      (i) => document.querySelector('.detail')?.getAttribute('aria-label') === `Trace ${i}`,
      id,
    );
  };
  const textOf = async (/** @type {string} */ selector) =>
    (await page.$eval(selector, (p) => p.textContent)) ?? '';
  const responseText = () => textOf('pre[aria-label="Response"]');

  await open('canned-alert');
  const alertText = await responseText();
  assert.ok(alertText.includes('<script>alert(1)</script>'), 'the script tag is text');
  assert.ok(alertText.includes('<img src=x onerror="alert(2)">'), 'the img tag is text');
  assert.ok((await textOf('pre[aria-label="Prompt"]')).includes('<b>bold</b>'));
  await shot(page, 'detail-markup');

  const demoScript = expectDefined(
    Object.values(canned.details)
      .map((d) => d.row)
      .find((r) => r.model === 'qwen3.5:2b' && r.path.endsWith('qwen3.5-2b_traces.jsonl') && r.line === 21),
    "the demo's <script> trace among the canned rows",
  );
  await open(demoScript.id);
  assert.ok((await responseText()).includes('<script>alert("xss")</script><img src=x onerror="alert(1)">'));
  await page.click('button:has-text("Raw JSON")');
  assert.ok((await textOf('pre[aria-label="Raw JSON"]')).includes('"trace_id"'));

  await open('canned-ansi');
  const ansi = await responseText();
  assert.ok(!ansi.includes('\u001b'), 'no raw ESC reaches the page');
  assert.ok(ansi.includes('\u241b[1;32m'), 'ESC is drawn as ␛');
  assert.ok(ansi.includes('\u2407'), 'BEL is drawn as ␇');
  assert.ok(
    ((await page.textContent('.vlist-row[data-trace-id="canned-ansi"] .col-excerpt')) ?? '').includes(
      '\u241b',
    ),
    'in the list too',
  );

  await open('canned-bidi');
  const bidi = await responseText();
  assert.ok(!/[\u202a-\u202e\u2066-\u2069\u200b]/.test(bidi), 'no live bidi override or zero-width space');
  assert.ok(bidi.includes('\u27e8RLO\u27e9') && bidi.includes('\u27e8ZWSP\u27e9'), 'they are shown as marks');
  assert.equal(await page.getAttribute('pre[aria-label="Response"]', 'dir'), 'auto');
  await shot(page, 'detail-bidi');

  await open('canned-200kb');
  const full = expectPresent(canned.details['canned-200kb']?.text.response, 'the 200 KB response').length;
  assert.ok(full > 190_000);
  assert.ok((await responseText()).length <= 20_000, 'the first 20,000 characters only');
  const t0 = Date.now();
  await page.click('button.show-all');
  await page.waitForFunction(
    (n) => document.querySelector('pre[aria-label="Response"]')?.textContent?.length === n,
    full,
  );
  // The page still answers promptly after laying out 200 KB.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  const ms = Date.now() - t0;
  t.diagnostic(
    `"Show all" on a ${full.toLocaleString('en-US')}-character response: ${ms} ms to the next frame`,
  );
  assert.ok(ms < 3000, `showing 200 KB took ${ms} ms`);
  await shot(page, 'detail-200kb');

  assert.equal(await page.$$eval('script', (s) => s.length), scripts, 'no script element was added');
  assert.equal(
    await page.$$eval('img, iframe, a[href]', (e) => e.length),
    0,
    'no img, iframe or link element exists',
  );
  await assertClean(page, seen);
  await context.close();
});

test('100,000 rows: the end is reachable, the DOM stays small, and scrolling stays smooth', async (t) => {
  const { page, context, seen } = await openPage();
  await page.evaluate(
    (id) => window.__ffHost?.send({ type: 'select', selector: { kind: 'scenario', scenarioId: id } }),
    MANY_SCENARIO,
  );
  await page.waitForFunction(
    (n) => document.querySelector('.pane-totals')?.textContent === `${n.toLocaleString('en-US')} traces`,
    MANY_ROWS,
  );
  await page.waitForSelector('.vlist-row[data-trace-id="many-1"]');

  // Scroll the whole list in 120 steps, one per frame, and time the frames.
  const frames = await page.evaluate(async () => {
    const list = document.querySelector('.vlist');
    if (!list) throw new Error('no .vlist');
    const gaps = [];
    let last = performance.now();
    for (let i = 1; i <= 120; i++) {
      list.scrollTop = (list.scrollHeight * i) / 120;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    gaps.sort((a, b) => a - b);
    return { median: gaps[60] ?? NaN, max: gaps.at(-1) ?? NaN };
  });
  await page.waitForSelector(`.vlist-row[aria-posinset="${MANY_ROWS}"][data-trace-id="many-${MANY_ROWS}"]`);
  const visible = await page.evaluate((n) => {
    const list = document.querySelector('.vlist')?.getBoundingClientRect();
    const row = document.querySelector(`.vlist-row[aria-posinset="${n}"]`)?.getBoundingClientRect();
    return !!list && !!row && row.top >= list.top - 1 && row.bottom <= list.bottom + 1;
  }, MANY_ROWS);
  assert.ok(visible, 'the last row is inside the list');
  const rows = await page.$$eval('.vlist-row', (r) => r.length);
  assert.ok(rows < 100, `${rows} row elements in the DOM`);
  const pages = (await requests(page, 'traces')).filter((r) => r.params.selector.kind === 'scenario');
  assert.ok(
    pages.every((r) => r.params.limit <= 500),
    'rows are asked for in windows',
  );
  assert.ok(pages.length < MANY_ROWS / 200 / 2, `${pages.length} windows requested, not the whole list`);
  t.diagnostic(
    `scrolling 100,000 rows in 120 steps: median frame ${frames.median.toFixed(1)} ms, slowest ${frames.max.toFixed(1)} ms; ${rows} row elements; ${pages.length} windows requested`,
  );
  assert.ok(frames.median < 50, `median frame ${frames.median.toFixed(1)} ms while scrolling`);
  await shot(page, 'many-rows-end');
  await assertClean(page, seen);
  await context.close();
});

test('a million rows: the scroll range is compressed and the ends are still reachable', async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate(
    (id) => window.__ffHost?.send({ type: 'select', selector: { kind: 'scenario', scenarioId: id } }),
    MILLION_SCENARIO,
  );
  await page.waitForSelector('.vlist-row[data-trace-id="million-1"]');
  const height = await page.$eval('.vlist-spacer', (s) => s.getBoundingClientRect().height);
  assert.ok(height <= 8_000_000, `the spacer is ${height}px high`);
  const inside = (/** @type {number} */ n) =>
    page.evaluate((i) => {
      const list = document.querySelector('.vlist')?.getBoundingClientRect();
      const row = document.querySelector(`.vlist-row[aria-posinset="${i}"]`)?.getBoundingClientRect();
      return !!list && !!row && row.top >= list.top - 1 && row.bottom <= list.bottom + 1;
    }, n);
  await page.focus('.vlist');
  await page.keyboard.press('End');
  await page.waitForSelector(`.vlist-row[data-trace-id="million-${MILLION_ROWS}"][aria-selected="true"]`);
  assert.ok(await inside(MILLION_ROWS), 'the last row is in view');
  // Halfway by the scroll bar: the rows shown are the middle of the list, contiguous.
  await page.$eval('.vlist', (l) => (l.scrollTop = (l.scrollHeight - l.clientHeight) / 2));
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.vlist-row[data-trace-id]')].some(
      (r) => r instanceof HTMLElement && Math.abs(Number(r.dataset.index) - 500_000) < 100,
    ),
  );
  const shown = await page.$$eval('.vlist-row', (rows) =>
    rows
      .map((r) => ({ index: Number(r.dataset.index), top: r.getBoundingClientRect().top }))
      .sort((a, b) => a.index - b.index),
  );
  for (let i = 1; i < shown.length; i++) {
    const prev = expectDefined(shown[i - 1], 'a row');
    const row = expectDefined(shown[i], 'a row');
    assert.equal(row.index, prev.index + 1, 'consecutive rows');
    assert.ok(Math.abs(row.top - prev.top - 26) < 0.5, 'one row height apart');
  }
  await page.keyboard.press('Home');
  await page.waitForSelector('.vlist-row[data-trace-id="million-1"][aria-selected="true"]');
  assert.ok(await inside(1), 'the first row is in view');
  assert.ok((await page.$$eval('.vlist-row', (r) => r.length)) < 100);
  await assertClean(page, seen);
  await context.close();
});

test('the keyboard moves the selection in the list; Enter opens the trace', async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate(
    (id) => window.__ffHost?.send({ type: 'select', selector: { kind: 'scenario', scenarioId: id } }),
    MANY_SCENARIO,
  );
  await page.waitForSelector('.vlist-row[data-trace-id="many-1"]');
  await page.focus('.vlist');
  const active = () => page.getAttribute('.vlist', 'aria-activedescendant');
  const selected = () =>
    page.$$eval('.vlist-row[aria-selected="true"]', (r) => r.map((x) => x.dataset.index));
  await page.keyboard.press('ArrowDown');
  assert.equal(await active(), 'trace-0');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await active(), 'trace-2');
  assert.deepEqual(await selected(), ['2']);
  await page.keyboard.press('ArrowUp');
  assert.equal(await active(), 'trace-1');
  await page.keyboard.press('PageDown');
  const afterPage = Number((await active())?.slice(6));
  assert.ok(afterPage > 5, `PageDown moved a page (to ${afterPage})`);
  await page.keyboard.press('End');
  await page.waitForSelector(`.vlist-row[data-trace-id="many-${MANY_ROWS}"]`);
  assert.equal(await active(), `trace-${MANY_ROWS - 1}`);
  await page.keyboard.press('Home');
  assert.equal(await active(), 'trace-0');
  await page.keyboard.press('ArrowDown');
  const before = (await requests(page, 'traceDetail')).length;
  await page.keyboard.press('Enter');
  const details = await waitForRequests(page, 'traceDetail', before + 1);
  assert.deepEqual(details.at(-1)?.params, { id: 'many-2' });
  await page.waitForSelector('.detail[aria-label="Trace many-2"]');
  await assertClean(page, seen);
  await context.close();
});

test('the verdict filter and the text filter narrow the list', async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate((s) => window.__ffHost?.send({ type: 'select', selector: s }), {
    kind: /** @type {const} */ ('cell'),
    ...ADVERSARIAL_CELL,
  });
  await page.waitForSelector('.vlist-row[data-trace-id]');
  await page.click('.chip[aria-label^="Only REFUSAL"]');
  await page.waitForFunction(() =>
    /match the filter/.test(document.querySelector('.pane-totals')?.textContent ?? ''),
  );
  assert.deepEqual((await lastTraces(page)).params.filter, { verdicts: ['REFUSAL'] });
  const badges = await page.$$eval('.vlist-row .badge', (b) => [...new Set(b.map((x) => x.textContent))]);
  assert.deepEqual(badges, ['REFUSAL']);
  await page.click('.chip[aria-label^="Only REFUSAL"]');
  await page.fill('input[aria-label="Filter the traces by text"]', 'onerror');
  await page.waitForFunction(lastFilterTextIs, 'onerror');
  // The demo's own <script>/<img onerror> trace and the canned one.
  await page.waitForFunction(() => /^2 of/.test(document.querySelector('.pane-totals')?.textContent ?? ''));
  const ids = await page.$$eval('.vlist-row[data-trace-id]', (r) => r.map((x) => x.dataset.traceId ?? ''));
  assert.equal(ids.length, 2);
  assert.ok(ids.includes('canned-alert'));
  await assertClean(page, seen);
  await context.close();
});

test('state survives a reload (setState / getState)', async () => {
  const { page, context, seen } = await openPage();
  await page.click('#tab-dilution');
  await page.waitForSelector('.chart-box[data-chart="dilution"] canvas');
  await clickPoint(page, 'dilution', 'qwen/qwen3.5-9b', listsTraces(page));
  await page.waitForSelector('.vlist-row[data-trace-id]');
  await page.click('.chip[aria-label^="Only COMPLIANCE"]');
  await page.waitForFunction(() =>
    /match the filter/.test(document.querySelector('.pane-totals')?.textContent ?? ''),
  );
  const id = await page.getAttribute('.vlist-row[data-index="3"]', 'data-trace-id');
  await page.click('.vlist-row[data-index="3"]');
  await page.waitForSelector(`.detail[aria-label="Trace ${id}"]`);
  assert.equal(
    await page.$$eval('.pair-column', (c) => c.length),
    2,
    'a dilution trace shows A and B side by side',
  );
  assert.ok((await host(page, () => window.__ffHost?.setStateCalls)) > 0);

  await page.reload();
  await page.waitForSelector('.chart-box[data-chart="dilution"] canvas');
  assert.equal(await page.getAttribute('#tab-dilution', 'aria-selected'), 'true');
  await page.waitForSelector(`.vlist-row[data-trace-id="${id}"][aria-selected="true"]`);
  const t = await lastTraces(page);
  assert.deepEqual(t.params.selector, { kind: 'dilution', model: 'qwen/qwen3.5-9b' });
  assert.deepEqual(t.params.filter, { verdicts: ['COMPLIANCE'] });
  assert.equal(await page.getAttribute('.chip[aria-label^="Only COMPLIANCE"]', 'aria-pressed'), 'true');
  await page.waitForSelector(`.detail[aria-label="Trace ${id}"]`);
  await shot(page, 'dilution-after-reload');
  await assertClean(page, seen);
  await context.close();
});

test('a restore message from the host puts the page back as it was', async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate(() =>
    window.__ffHost?.send({
      type: 'restore',
      state: {
        tab: 'scaling',
        scalingGroup: 'lineage',
        scalingKey: JSON.stringify({ lineage: 'Qwen 3.5' }),
        selector: { kind: 'model', model: 'qwen3.5:4b' },
        filter: {},
        selectedTraceId: null,
      },
    }),
  );
  await page.waitForFunction(() => {
    const group = document.querySelector('select[aria-label="Regression group"]');
    return group instanceof HTMLSelectElement && group.value === 'lineage';
  });
  assert.equal(
    await page.$eval('select[aria-label="Regression"]', (/** @type {HTMLSelectElement} */ s) => s.value),
    JSON.stringify({ lineage: 'Qwen 3.5' }),
  );
  await page.waitForSelector('.vlist-row[data-trace-id]');
  assert.deepEqual((await lastTraces(page)).params.selector, { kind: 'model', model: 'qwen3.5:4b' });
  await shot(page, 'scaling-lineage-dark');
  await assertClean(page, seen);
  await context.close();
});

test('a new results message re-renders and keeps tab, regression, selection, filter and trace', async () => {
  const { page, context, seen } = await openPage();
  await chooseRegression(page, { attack_class: 'format_lock' });
  await clickPoint(page, 'scaling', 'qwen3.5:2b', listsTraces(page));
  await page.waitForSelector('.vlist-row[data-trace-id]');
  await page.fill('input[aria-label="Filter the traces by text"]', 'qwen');
  await page.waitForFunction(lastFilterTextIs, 'qwen');
  await page.waitForSelector('.vlist-row[data-index="4"][data-trace-id]');
  const id = await page.getAttribute('.vlist-row[data-index="4"]', 'data-trace-id');
  await page.click('.vlist-row[data-index="4"]');
  await page.waitForSelector(`.detail[aria-label="Trace ${id}"]`);

  const before = {
    traces: (await requests(page, 'traces')).length,
    details: (await requests(page, 'traceDetail')).length,
  };
  await page.evaluate(() => window.__ffHost?.sendResults(2));
  await waitForRequests(page, 'traces', before.traces + 1);
  await waitForRequests(page, 'traceDetail', before.details + 1);
  const t = await lastTraces(page);
  assert.deepEqual(t.params.selector, { kind: 'cell', attackClass: 'format_lock', model: 'qwen3.5:2b' });
  assert.deepEqual(t.params.filter, { text: 'qwen' });
  assert.equal(await page.getAttribute('#tab-scaling', 'aria-selected'), 'true');
  assert.equal(
    await page.$eval(
      'select[aria-label="Regression group"]',
      (/** @type {HTMLSelectElement} */ s) => s.value,
    ),
    'attack_class',
  );
  assert.equal(
    await page.$eval('select[aria-label="Regression"]', (/** @type {HTMLSelectElement} */ s) => s.value),
    JSON.stringify({ attack_class: 'format_lock' }),
  );
  assert.equal(await page.inputValue('input[aria-label="Filter the traces by text"]'), 'qwen');
  await page.waitForSelector(`.vlist-row[data-trace-id="${id}"][aria-selected="true"]`);
  await page.waitForSelector(`.detail[aria-label="Trace ${id}"]`);
  const current = await page.$$eval(
    '.points-table tr[aria-current="true"]',
    (/** @type {HTMLTableRowElement[]} */ rows) => rows.map((r) => r.cells[0]?.textContent),
  );
  assert.deepEqual(current, ['qwen3.5:2b']);
  await assertClean(page, seen);
  await context.close();
});

test('a select message for a cell switches tab, regression and highlighted point', async () => {
  const { page, context, seen } = await openPage();
  await page.click('#tab-problems');
  await page.evaluate(() =>
    window.__ffHost?.send({
      type: 'select',
      selector: { kind: 'cell', attackClass: 'authority_gradient', model: 'phi4:14b' },
    }),
  );
  await page.waitForFunction(
    () => document.querySelector('#tab-scaling')?.getAttribute('aria-selected') === 'true',
  );
  assert.equal(
    await page.$eval('select[aria-label="Regression"]', (/** @type {HTMLSelectElement} */ s) => s.value),
    JSON.stringify({ attack_class: 'authority_gradient' }),
  );
  await page.waitForSelector('.points-table tr[aria-current="true"]');
  assert.deepEqual(
    await page.$$eval('.points-table tr[aria-current="true"]', (/** @type {HTMLTableRowElement[]} */ r) =>
      r.map((x) => x.cells[0]?.textContent),
    ),
    ['phi4:14b'],
  );
  assert.deepEqual((await lastTraces(page)).params.selector, {
    kind: 'cell',
    attackClass: 'authority_gradient',
    model: 'phi4:14b',
  });
  await page.waitForSelector('.vlist-row[data-trace-id]');
  await shot(page, 'scaling-outlier-selected');
  await assertClean(page, seen);
  await context.close();
});

test('every tab renders and answers clicks; screenshots of each', async () => {
  const { page, context, seen } = await openPage();
  // Tabs from the keyboard: arrows move along the tab list.
  await page.focus('#tab-scaling');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#tab-lineages', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-lineages');
  await page.keyboard.press('End');
  assert.equal(await page.getAttribute('#tab-problems', 'aria-selected'), 'true');
  await page.keyboard.press('Home');
  assert.equal(await page.getAttribute('#tab-scaling', 'aria-selected'), 'true');

  // Matched lineages: the transitions as the report writes them (`4B→27B: +6.2 pp`, figures from
  // the document); a member row selects the model.
  await page.click('#tab-lineages');
  const signed = (/** @type {number} */ v) => `${v < 0 ? '\u2212' : '+'}${Math.abs(v).toFixed(1)}`;
  for (const l of canned.document.lineages) {
    const sizeOf = (/** @type {string} */ model) =>
      `${
        expectDefined(
          l.members.find((m) => m.model === model),
          `${model} among the members of ${l.name}`,
        ).params_b
      }B`;
    const text =
      (await page.locator(`article.lineage[aria-label="Lineage ${l.name}"] .transitions`).textContent()) ??
      '';
    for (const t of l.transitions) {
      assert.ok(
        text.includes(`${sizeOf(t.from)}\u2192${sizeOf(t.to)}: ${signed(t.delta_pp)} pp`),
        `${l.name}: ${text}`,
      );
      if (t.same_size) assert.match(text, /same size/);
    }
  }
  const qwen = page.locator('article.lineage[aria-label="Lineage Qwen 3.5"]');
  assert.equal(
    await qwen.locator('.shape').textContent(),
    canned.document.lineages.find((l) => l.name === 'Qwen 3.5')?.shape,
  );
  await qwen.locator('tbody tr', { hasText: 'qwen3.5:2b' }).click();
  await page.waitForSelector('.vlist-row[data-trace-id]');
  assert.deepEqual((await lastTraces(page)).params.selector, { kind: 'model', model: 'qwen3.5:2b' });
  await shot(page, 'lineages-dark');

  // Reasoning dilution: the headline with its interval and decision (its own test below); a row
  // selects the model's dilution traces.
  await page.click('#tab-dilution');
  await page.waitForSelector('.chart-box[data-chart="dilution"] canvas');
  const dilutionInk = await canvasInk(page, '.chart-box[data-chart="dilution"] canvas');
  assert.ok(dilutionInk.share > 0.01);
  await page.click('.view.dilution tbody tr:first-child');
  assert.equal((await lastTraces(page)).params.selector.kind, 'dilution');
  await page.waitForSelector('.vlist-row[data-trace-id]');
  await page.click('.vlist-row[data-index="0"]');
  await page.waitForSelector('.pair-column');
  await shot(page, 'dilution-dark');

  // Grader agreement: a pair row selects its disagreements.
  await page.click('#tab-agreement');
  const a = expectDefined(canned.document.agreement[0], 'a grader pair');
  await page.click('.view.agreement tbody tr:first-child');
  assert.deepEqual((await lastTraces(page)).params.selector, {
    kind: 'disagreement',
    primary: a.primary,
    secondary: a.secondary,
  });
  await page.waitForSelector('.vlist-row[data-trace-id]');
  await page.click('.vlist-row[data-index="0"]');
  await page.waitForSelector('.opinions');
  // The pair's confusion matrix, asked of the host, under the table (issue 4: grader disagreements).
  await page.waitForSelector('.confusion table');
  assert.deepEqual((await host(page, () => window.__ffHost?.agreementRequests))?.at(-1), {
    primary: a.primary,
    secondary: a.secondary,
  });
  const cells = await page.$$eval('.confusion tbody tr', (/** @type {HTMLTableRowElement[]} */ rows) =>
    rows.map((r) => [...r.cells].slice(1).map((c) => c.textContent ?? '')),
  );
  assert.equal(cells.length, 4);
  assert.equal(
    cells.flat().reduce((s, v) => s + Number(v.replace(/,/g, '')), 0),
    a.n,
    'the matrix sums to n',
  );
  await shot(page, 'agreement-dark');

  // Problems: a problem row opens its line in the editor.
  await page.click('#tab-problems');
  const p = expectDefined(canned.document.inputs.problems[0], 'an input problem');
  await page.click('.problems-table tbody tr:first-child');
  await page.waitForFunction(() => (window.__ffHost?.opened.length ?? 0) > 0);
  assert.deepEqual((await host(page, () => window.__ffHost?.opened))[0], { path: p.path, line: p.line });
  await shot(page, 'problems-dark');

  // Exports and PNGs go to the host.
  await page.click('button:has-text("Export JSON")');
  await page.click('button:has-text("Export Markdown")');
  await page.waitForFunction(() => window.__ffHost?.exports.length === 2);
  assert.deepEqual(await host(page, () => window.__ffHost?.exports), ['json', 'markdown']);
  await page.click('#tab-scaling');
  await page.click('.chart-box[data-chart="scaling"] button:has-text("Save chart as PNG")');
  await page.waitForFunction(() => window.__ffHost?.pngs.length === 1);
  const png = expectDefined((await host(page, () => window.__ffHost?.pngs))[0], 'a saved PNG');
  assert.equal(png.prefix, 'data:image/png;base64,');
  assert.ok(png.bytes > 5000, 'the PNG has content');
  await assertClean(page, seen);
  await context.close();
});

/** Signed with one decimal and a real minus sign, as the page writes pp (written here again, not imported). */
const signed1 = (/** @type {number} */ v) =>
  `${v < 0 && Math.abs(v) >= 0.05 ? '\u2212' : v >= 0.05 ? '+' : ''}${Math.abs(v).toFixed(1)}`;
const pct = (/** @type {{ rate: number, lo: number, hi: number } | null} */ r) =>
  r ? `${(100 * r.rate).toFixed(1)}% [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]` : '\u2013';

test('the dilution headline states its interval, its decision in words and the scenarios that would decide it; the headline chart draws it', async () => {
  const { page, context, seen } = await openPage();
  await page.click('#tab-dilution');
  const hl = expectDefined(canned.document.dilution.headlines[0], 'a headline');
  assert.equal(hl.decision, 'UNDECIDED', "the demo's headline is undecided");
  const t = canned.document.settings.headline_threshold_pp;
  const [lo, hi] = hl.delta_span_ci_pp;
  const text = (await page.textContent('.headlines')) ?? '';
  const expected = `${hl.lineage}: \u0394 at ${hl.largest} minus \u0394 at ${hl.smallest} = ${signed1(hl.delta_span_pp)} pp [${signed1(lo)}, ${signed1(hi)}]: undecided at ${t} pp; ~${expectPresent(hl.n_per_arm_to_decide, 'the scenarios per arm').toLocaleString('en-US')} scenarios per arm would decide.`;
  assert.ok(text.includes(expected), `${expected} in ${text}`);
  assert.ok(
    text.includes(`Undecided means the 95% interval of the span contains the ${t} pp threshold`),
    'what undecided means, in words',
  );
  // The span's chart: a point with its interval, the threshold and zero drawn across.
  const chart = '.chart-box[data-chart="headline"] canvas';
  await page.waitForSelector(chart);
  assert.ok((await canvasInk(page, chart)).share > 0.01, 'ink on the headline chart');
  const label = (await page.getAttribute(chart, 'aria-label')) ?? '';
  assert.ok(label.includes(`[${signed1(lo)}, ${signed1(hi)}]`), `the chart's summary: ${label}`);
  // A click on the span shows that lineage's models on the Δ chart.
  const lineageSelect = 'select[aria-label="Lineage of the dilution regression"]';
  await clickPoint(
    page,
    'headline',
    hl.lineage,
    async () => (await page.inputValue(lineageSelect)) === hl.lineage,
  );
  assert.equal(await page.inputValue(lineageSelect), hl.lineage, 'a click on the span chooses its lineage');
  await page.mouse.move(5, 5); // no tooltip over the span
  await shot(page, 'dilution-headline-dark');
  await assertClean(page, seen);
  await context.close();
});

test('a lineage attacked with different attack-class mixes warns, and shows the shared-class rates beside the pooled ones', async () => {
  const { page, context, seen } = await openPage();
  await page.click('#tab-lineages');
  const mixed = canned.document.lineages.filter((l) => l.mix_differs);
  assert.ok(mixed.length > 0, 'the demo has a mixed lineage');
  for (const l of canned.document.lineages) {
    const card = page.locator(`article.lineage[aria-label="Lineage ${l.name}"]`);
    const warned = (await card.locator('.tag.warn').count()) > 0;
    assert.equal(warned, l.mix_differs, `${l.name}: the warning`);
    if (!l.mix_differs) continue;
    const note = (await card.locator('.mix-note').textContent()) ?? '';
    assert.ok(note.startsWith('\u26a0'), `${l.name}: the note has the warning mark`);
    for (const c of l.shared_attack_classes) assert.ok(note.includes(c), `${l.name}: ${c} is shared`);
    for (const m of l.members) {
      const row = (await card.locator('tbody tr', { hasText: m.model }).first().textContent()) ?? '';
      assert.ok(row.includes(pct(m.strict)), `${m.model}: pooled ${pct(m.strict)} in ${row}`);
      assert.ok(
        row.includes(`${m.shared.n.toLocaleString('en-US')} / ${pct(m.shared.strict)}`),
        `${m.model}: shared ${m.shared.n} / ${pct(m.shared.strict)} in ${row}`,
      );
    }
  }
  // The slope line says what the whole interval says, or why there is no slope.
  for (const r of canned.document.regressions.filter((x) => x.group === 'lineage')) {
    const slope =
      (await page.locator(`article.lineage[aria-label="Lineage ${r.key.lineage}"] .slope`).textContent()) ??
      '';
    if (r.ols) assert.match(slope, /whole 95% CI: (uncertain|flat|inverse scaling|positive scaling)/, slope);
    else assert.match(slope, /^No slope: (all \d+ models are the same size|one model of known size)/, slope);
  }
  await shot(page, 'lineages-mixed-dark');
  await assertClean(page, seen);
  await context.close();
});

test('the scaling summary says what the whole slope interval says, and why a group has no fit', async () => {
  const { page, context, seen } = await openPage();
  await page.selectOption('select[aria-label="Regression group"]', 'dataset');
  const none = expectDefined(
    canned.document.regressions.find((r) => r.group === 'dataset' && r.ols === null),
    'a dataset without a fit',
  );
  await chooseRegression(page, none.key);
  await page.waitForFunction(() =>
    document.querySelector('.fit-summary')?.textContent?.includes('insufficient:'),
  );
  assert.match(
    (await page.textContent('.fit-summary')) ?? '',
    /insufficient: one model of known size \([\d.]+B\): a slope needs two sizes/,
  );
  const fitted = expectDefined(
    canned.document.regressions.find((r) => r.group === 'dataset' && r.classification_ci === 'UNCERTAIN'),
    'a dataset whose interval straddles the threshold',
  );
  await chooseRegression(page, fitted.key);
  await page.waitForFunction(() =>
    document.querySelector('.fit-summary')?.textContent?.includes('Whole 95% CI'),
  );
  assert.match(
    (await page.textContent('.fit-summary')) ?? '',
    /Whole 95% CIuncertain: the label rests on the point estimate alone/,
  );
  await assertClean(page, seen);
  await context.close();
});

test('the grader list names every grader with its trace count; choosing one asks the host to re-analyse', async () => {
  const { page, context, seen } = await openPage();
  const select = 'select[aria-label="Grader whose verdicts count"]';
  const options = await page.$$eval(`${select} option`, (o) => o.map((x) => x.textContent));
  assert.deepEqual(options, [
    "Each trace's primary verdict",
    ...canned.graders.map(
      (g) => `${g.name} (${g.traces.toLocaleString('en-US')} trace${g.traces === 1 ? '' : 's'})`,
    ),
  ]);
  assert.equal(await page.$eval(select, (s) => (s instanceof HTMLSelectElement ? s.selectedIndex : -1)), 0);
  const g = expectDefined(canned.graders[1], 'a second grader');
  await page.selectOption(select, { label: `${g.name} (${g.traces.toLocaleString('en-US')} traces)` });
  await page.waitForFunction(() => (window.__ffHost?.graderChoices.length ?? 0) > 0);
  assert.deepEqual(await host(page, () => window.__ffHost?.graderChoices), [g.name]);
  // The new analysis says which grader counted: the list shows it, and a grader that graded
  // nothing is listed with its zero.
  await page.evaluate((name) => {
    const fake = window.__ffHost;
    if (!fake) return;
    const doc = fake.cannedDocument();
    doc.settings.grader = name;
    fake.sendResults(undefined, doc);
  }, 'nobody/graded-nothing');
  await page.waitForFunction(
    (s) => document.querySelector(s)?.textContent?.includes('nobody/graded-nothing (0 traces)'),
    select,
  );
  assert.equal(
    await page.$eval(select, (s) =>
      s instanceof HTMLSelectElement ? s.selectedOptions[0]?.textContent : null,
    ),
    'nobody/graded-nothing (0 traces)',
  );
  await assertClean(page, seen);
  await context.close();
});

test('the Compare tab lists the conclusions that moved, then the cells by |Δ|; a row opens the cell; a broken snapshot is a notice', async () => {
  const { page, context, seen } = await openPage();
  await page.click('#tab-compare');
  const view = canned.comparison;
  const doc = expectPresent(view.comparison, 'the canned comparison');
  await page.waitForSelector('.compare-changes');
  assert.match((await page.textContent('.compare-sides')) ?? '', /default snapshot/);
  const changes = await page.$$eval('.changes-table tbody tr', (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)),
  );
  assert.equal(changes.length, doc.changes.length);
  doc.changes.forEach((c, i) => {
    assert.equal(changes[i]?.[1], c.what);
    assert.equal(changes[i]?.[3], typeof c.after === 'string' ? c.after : changes[i]?.[3]);
  });
  // Cells: the changed ones, largest |Δ| first.
  const deltas = async () =>
    page.$$eval('.cells-table tbody tr', (rows) =>
      rows.map((r) => [r.children[0]?.textContent, r.children[1]?.textContent]),
    );
  const changed = doc.cells.filter((c) => c.status !== 'same');
  const byDelta = [...changed].sort(
    (a, b) =>
      (b.delta_pp === null ? -1 : Math.abs(b.delta_pp)) - (a.delta_pp === null ? -1 : Math.abs(a.delta_pp)),
  );
  assert.deepEqual(
    await deltas(),
    byDelta.map((c) => [c.attack_class, c.model]),
  );
  await shot(page, 'compare-dark');
  await page.selectOption('select[aria-label="Order of the cells"]', 'cell');
  assert.deepEqual(
    await deltas(),
    changed.map((c) => [c.attack_class, c.model]),
  );
  await page.click('button:has-text("Every cell")');
  assert.equal((await deltas()).length, doc.cells.length);
  await page.click('button:has-text("Every cell")');
  // A row shows the cell's current traces.
  const first = expectDefined(changed[0], 'a changed cell');
  await page.click('.cells-table tbody tr:first-child');
  assert.deepEqual((await lastTraces(page)).params.selector, {
    kind: 'cell',
    attackClass: first.attack_class,
    model: first.model,
  });
  // A snapshot deleted since: the tab says so, and offers another choice.
  await page.evaluate(() =>
    window.__ffHost?.send({
      type: 'comparison',
      view: {
        source: { kind: 'file', label: 'runs/old.json', isDefault: false },
        comparison: null,
        error: 'runs/old.json: the file is gone (deleted or moved?)',
      },
    }),
  );
  const notice = page.locator('.view.compare .notice.error');
  await notice.waitFor();
  assert.match((await notice.textContent()) ?? '', /cannot be compared: runs\/old\.json: the file is gone/);
  await shot(page, 'compare-notice-dark');
  // Nothing chosen and no default: the tab says how to choose, and its button asks the host.
  await page.evaluate(() =>
    window.__ffHost?.send({ type: 'comparison', view: { source: null, comparison: null, error: null } }),
  );
  await page.click('button:has-text("Compare with Saved Analysis")');
  await page.waitForFunction(() => window.__ffHost?.comparisonChoices === 1);
  await page.click('.view.compare button:has-text("Save Analysis Snapshot")');
  await page.waitForFunction(() => window.__ffHost?.snapshots === 1);
  await assertClean(page, seen);
  await context.close();
});

test("a show message opens the place a report's claims group names", async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate(() =>
    window.__ffHost?.send({ type: 'show', target: { tab: 'lineages', lineage: 'Gemma 3' } }),
  );
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-lineage') === 'Gemma 3');
  assert.equal(await page.getAttribute('#tab-lineages', 'aria-selected'), 'true');
  await page.evaluate(() =>
    window.__ffHost?.send({ type: 'show', target: { tab: 'scaling', group: 'dataset' } }),
  );
  await page.waitForFunction(
    () => document.querySelector('#tab-scaling')?.getAttribute('aria-selected') === 'true',
  );
  assert.equal(await page.inputValue('select[aria-label="Regression group"]'), 'dataset');
  await page.evaluate(() => window.__ffHost?.send({ type: 'show', target: { tab: 'compare' } }));
  await page.waitForFunction(
    () => document.querySelector('#tab-compare')?.getAttribute('aria-selected') === 'true',
  );
  await assertClean(page, seen);
  await context.close();
});

test('problems beyond the per-file bound are counted on the Problems tab, with their code', async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate(() => {
    const fake = window.__ffHost;
    if (!fake) throw new Error('no fake host');
    const doc = fake.cannedDocument();
    doc.inputs.problems_omitted = [
      { path: 'runs/junk/j_traces.jsonl', code: 'invalid-json', count: 4499000 },
    ];
    fake.sendResults(undefined, doc);
  });
  await page.click('#tab-problems');
  const heading = await page.textContent('.view.problems h3');
  const listed = canned.document.inputs.problems.length;
  assert.equal(heading, `Problems in the input (${(listed + 4499000).toLocaleString('en-US')})`);
  const last = await page.$$eval('.problems-table tbody tr', (/** @type {HTMLTableRowElement[]} */ rows) =>
    [...(rows.at(-1)?.cells ?? [])].map((c) => c.textContent),
  );
  assert.deepEqual(last, [
    'runs/junk/j_traces.jsonl',
    'invalid-json',
    '4,499,000 more, counted but not listed (only the first of each file are kept)',
  ]);
  const first = await page.$$eval('.problems-table tbody tr', (/** @type {HTMLTableRowElement[]} */ rows) =>
    [...(rows[0]?.cells ?? [])].map((c) => c.textContent),
  );
  assert.equal(first[1], canned.document.inputs.problems[0]?.code);
  await shot(page, 'problems-omitted');
  await assertClean(page, seen);
  await context.close();
});

test('a results message whose bytes are not an analysis is an error on the page; the figures shown stay', async () => {
  const { page, context, seen } = await openPage();
  const status = await page.textContent('.status');
  const points = await page.$$eval('.points-table tbody tr', (rows) => rows.length);
  // The analysis travels as UTF-8 JSON bytes (src/shared/analysedBytes.ts): none, broken UTF-8, not
  // JSON, JSON that is no object, and an object that is no results document.
  const messages = await page.evaluate(() => {
    const fake = window.__ffHost;
    if (!fake) throw new Error('no fake host');
    const bytes = (/** @type {string} */ s) => new TextEncoder().encode(s);
    const status = fake.cannedStatus();
    const sent = [
      undefined,
      new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      bytes('{"document": '),
      bytes('"text"'),
      bytes('{}'),
    ];
    // Not what the protocol allows: what a broken host might send.
    for (const analysed of sent)
      fake.send(/** @type {HostToPage} */ (/** @type {unknown} */ ({ type: 'results', analysed, status })));
    return sent.length;
  });
  await page.waitForFunction(
    (n) => document.querySelectorAll('.notice.error').length >= Math.min(n, 3),
    messages,
  );
  const notices = await page.$$eval('.notice.error', (els) => els.map((e) => e.textContent ?? ''));
  // The page keeps the last three notices.
  assert.match(notices[0] ?? '', /JSON|Unexpected|not valid/i, 'a cut-off document');
  assert.match(notices[1] ?? '', /not an analysis/, 'a JSON string');
  assert.match(notices[2] ?? '', /schema undefined/, 'an object without a results document');
  const logged = await host(page, () =>
    window.__ffHost?.sent.filter((m) => m.type === 'log' && m.level === 'error'),
  );
  assert.equal(logged.length, messages, 'each one is logged to the extension');
  assert.match(JSON.stringify(logged[0]), /carries no analysis bytes/);
  assert.match(
    JSON.stringify(logged[1]),
    /encoded data was not valid|invalid|decode/i,
    'broken UTF-8 is refused, not replaced',
  );
  assert.equal(await page.textContent('.status'), status, 'the status still describes the analysis shown');
  assert.equal(
    await page.$$eval('.points-table tbody tr', (rows) => rows.length),
    points,
    'its figures stay',
  );
  await context.close();
  void seen;
});

test('a failed request is shown on the page and logged to the extension', async () => {
  const { page, context, seen } = await openPage();
  await page.evaluate(() => window.__ffHost?.failing.add('openInEditor'));
  await page.click('#tab-problems');
  await page.click('.problems-table tbody tr:first-child');
  await page.waitForSelector('.notice.error[role="alert"]');
  assert.match((await page.textContent('.notice.error')) ?? '', /openInEditor failed on purpose/);
  const logs = (await host(page, () => window.__ffHost?.sent)).filter(
    /** @returns {m is Extract<import('../../src/protocol').PageToHost, { type: 'log' }>} */
    (m) => m.type === 'log' && m.level === 'error',
  );
  assert.ok(logs.some((l) => /failed on purpose/.test(l.message)));
  await page.click('.notice.error button');
  assert.equal(await page.$$eval('.notice', (n) => n.length), 0);
  await assertClean(page, seen);
  await context.close();
});

test('light and dark themes both render, and the chart follows a theme change', async () => {
  const { page, context, seen } = await openPage({ theme: 'vscode-light' });
  const canvas = '.chart-box[data-chart="scaling"] canvas';
  const light = await canvasInk(page, canvas);
  assert.deepEqual(light.background, [255, 255, 255], 'light editor background behind the chart');
  assert.ok(light.share > 0.01);
  await page.evaluate((s) => window.__ffHost?.send({ type: 'select', selector: s }), {
    kind: /** @type {const} */ ('cell'),
    ...ADVERSARIAL_CELL,
  });
  await page.waitForSelector('.vlist-row[data-trace-id="canned-alert"]');
  await page.click('.vlist-row[data-trace-id="canned-ansi"]');
  await page.waitForSelector('.detail');
  await shot(page, 'scaling-light');
  for (const tab of ['lineages', 'dilution', 'agreement', 'problems']) {
    await page.click(`#tab-${tab}`);
    await shot(page, `${tab}-light`);
  }
  await page.click('#tab-scaling');

  await page.evaluate(() => {
    document.body.classList.replace('vscode-light', 'vscode-dark');
  });
  await page.waitForFunction((sel) => {
    const c = document.querySelector(sel);
    const d = c instanceof HTMLCanvasElement ? c.getContext('2d')?.getImageData(0, 0, 1, 1).data : undefined;
    return d?.[0] === 31 && d[1] === 31 && d[2] === 31;
  }, canvas);
  const dark = await canvasInk(page, canvas);
  assert.ok(dark.share > 0.01);
  const tickColour = await page.evaluate(() =>
    getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim(),
  );
  assert.equal(tickColour, '#cccccc');
  await shot(page, 'scaling-dark-after-switch');

  await page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-high-contrast'));
  await page.waitForFunction((sel) => {
    const c = document.querySelector(sel);
    const d = c instanceof HTMLCanvasElement ? c.getContext('2d')?.getImageData(0, 0, 1, 1).data : undefined;
    return d?.[0] === 0 && d[1] === 0 && d[2] === 0;
  }, canvas);
  await shot(page, 'scaling-high-contrast');
  await assertClean(page, seen);
  await context.close();
});

test('a narrow panel stacks the trace pane under the tabs', async () => {
  const { page, context, seen } = await openPage({ viewport: { width: 760, height: 900 } });
  await page.evaluate((s) => window.__ffHost?.send({ type: 'select', selector: s }), {
    kind: /** @type {const} */ ('cell'),
    ...ADVERSARIAL_CELL,
  });
  await page.waitForSelector('.vlist-row[data-trace-id]');
  const boxes = await page.evaluate(() => {
    const box = (/** @type {string} */ selector) => {
      const r = document.querySelector(selector)?.getBoundingClientRect();
      if (!r) throw new Error(`no ${selector}`);
      return { top: r.top, bottom: r.bottom };
    };
    return { content: box('.content'), pane: box('.trace-pane') };
  });
  assert.ok(boxes.pane.top >= boxes.content.bottom - 1, 'the pane is below the content');
  await shot(page, 'narrow-dark');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await shot(page, 'narrow-dark-pane');
  await assertClean(page, seen);
  await context.close();
});
