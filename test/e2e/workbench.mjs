// @ts-check
// test/e2e/workbench.mjs: drive a VS Code web workbench (code-server, see
// scripts/code-server/server.mjs) with playwright-core and Debian's /usr/bin/chromium.
//
//   const wb = await openWorkbench({ url: server.url, screenshotsDir: 'test-output/e2e' });
//   await runCommand(wb.page, 'Failure-First Lens: Analyse Workspace');
//   await waitForStatusBarText(wb.page, /Lens/);
//   await screenshot(wb.page, 'after-analysis');
//   await closeWorkbench(wb);
//
// Every helper waits for what it needs (explicit timeouts, default 20 s). The only sleeps are
// tiny settle delays: 50 ms before reading tree rows, 300 ms before a screenshot (toast fade-in),
// 200 ms before retrying a quick input that lost the focus.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */
/** @typedef {import('playwright-core').FrameLocator} FrameLocator */
/**
 * An open workbench: its browser context and page, and what was seen while it was open.
 * @typedef {{ context: import('playwright-core').BrowserContext, page: Page, url: string, scratchDir: string,
 *   ownScratch: boolean, screenshotsDir: string | undefined, consoleErrors: string[], offsiteRequests: string[],
 *   timings: { launchMs: number, gotoToWorkbenchMs?: number } }} Workbench
 */
/**
 * A row of a tree view as the screen shows it.
 * @typedef {{ label: string, description: string, level: number, expanded: boolean | null, selected: boolean,
 *   ariaLabel: string }} TreeRow
 */

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = 20000;
/** @type {Set<Workbench>} workbenches not closed yet */
const open = new Set();
/** @type {WeakMap<Page, string>} page -> screenshotsDir */
const screenshotDirs = new WeakMap();

const settle = (/** @type {Page} */ page, ms = 50) => page.waitForTimeout(ms);

/**
 * Launches headless Chromium (fresh profile, scratch HOME/XDG dirs), opens `url` and waits for
 * the workbench and its status bar.
 *
 * options: url, screenshotsDir (for screenshot(); created), headless (true),
 *   viewport ({width: 1400, height: 900}), timeout (60000 ms for the workbench), scratchDir
 *   (profile + HOME; default a fresh dir in os.tmpdir(), removed by closeWorkbench),
 *   executablePath (CHROMIUM env or /usr/bin/chromium), args (extra Chromium flags).
 *
 * Resolves with { page, context, url, scratchDir, screenshotsDir, consoleErrors,
 * offsiteRequests, timings: { launchMs, gotoToWorkbenchMs } }.
 *
 * @param {{ url: string, screenshotsDir?: string, headless?: boolean, viewport?: { width: number, height: number },
 *   timeout?: number, scratchDir?: string, executablePath?: string, args?: string[] }} options
 * @returns {Promise<Workbench>}
 */
export async function openWorkbench({
  url,
  screenshotsDir,
  headless = true,
  viewport = { width: 1400, height: 900 },
  timeout = 60000,
  scratchDir,
  executablePath = CHROMIUM,
  args = [],
}) {
  if (!url) throw new Error('openWorkbench: url is required');
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (or set CHROMIUM)`);
  }
  const ownScratch = !scratchDir;
  scratchDir = scratchDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  const home = path.join(scratchDir, 'home');
  for (const d of ['.config', '.cache', '.local/share'])
    fs.mkdirSync(path.join(home, d), { recursive: true });
  if (screenshotsDir) fs.mkdirSync(screenshotsDir, { recursive: true });

  const t0 = Date.now();
  // A persistent context is the only way to give Chromium a user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(path.join(scratchDir, 'profile'), {
    executablePath,
    headless,
    viewport,
    args: [
      '--no-sandbox', // root in a container has no user namespaces for the sandbox
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
    // Debian's chromium writes ~/.config/chromium/Crash Reports and ~/.cache/dconf even with a
    // temporary profile.
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
    },
  });
  const launchMs = Date.now() - t0;
  /** @type {Workbench} */
  const wb = {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    url,
    scratchDir,
    ownScratch,
    screenshotsDir,
    consoleErrors: [],
    offsiteRequests: [],
    timings: { launchMs },
  };
  open.add(wb);
  const { page } = wb;
  if (screenshotsDir) screenshotDirs.set(page, screenshotsDir);
  const origin = new URL(url).origin;
  page.on('console', (m) => m.type() === 'error' && wb.consoleErrors.push(m.text().slice(0, 500)));
  page.on('request', (r) => {
    const u = r.url();
    if (/^(https?|wss?):/.test(u) && !u.startsWith(origin)) wb.offsiteRequests.push(u);
  });

  try {
    const t1 = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
    wb.timings.gotoToWorkbenchMs = Date.now() - t1;
  } catch (e) {
    if (screenshotsDir)
      await page.screenshot({ path: path.join(screenshotsDir, 'open-failed.png') }).catch(() => {});
    await closeWorkbench(wb);
    throw e;
  }
  return wb;
}

/**
 * Closes `wb` (or every workbench still open) and removes its scratch dir if we made it.
 * @param {Workbench} [wb]
 */
export async function closeWorkbench(wb) {
  const targets = wb ? [wb] : [...open];
  for (const w of targets) {
    open.delete(w);
    await w.context.close().catch(() => {});
    if (w.ownScratch) fs.rmSync(w.scratchDir, { recursive: true, force: true });
  }
}

/**
 * Writes <screenshotsDir>/<name>.png (openWorkbench's dir, else the cwd); resolves with the path.
 * @param {Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  const dir = screenshotDirs.get(page) ?? process.cwd();
  const file = path.join(
    dir,
    `${String(name)
      .replace(/[^\w.-]+/g, '_')
      .replace(/\.png$/, '')}.png`,
  );
  fs.mkdirSync(dir, { recursive: true });
  // let toasts and hovers finish their fade-in
  await settle(page, 300);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Gives the keyboard back to the workbench: after a click in a webview the focus is inside its
 * iframe, where F1 or Ctrl+P do nothing. (Clicking "somewhere neutral" is not neutral: x=5 is the
 * activity bar.)
 * @param {Page} page
 */
export async function focusWorkbench(page) {
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  // close a quick input left open by an earlier step
  const qi = page.locator('.quick-input-widget');
  if (await qi.isVisible()) {
    await page.keyboard.press('Escape');
    await qi.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

const cssString = (/** @type {string} */ s) => String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const escapeRegExp = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Opens the quick input with `key`, types `text`, then resolves with `find()`'s row locator and
 * picks that row: Enter when it is the focused row, else a click (a recently used entry may be
 * focused instead of ours). The quick input closes when something else takes the focus (a
 * webview or editor opening just then): everything is retried, up to 3 times.
 * @param {Page} page
 * @param {string} key
 * @param {string} text
 * @param {(timeout: number) => Promise<Locator>} find
 * @param {number} timeout
 */
async function quickPick(page, key, text, find, timeout) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    try {
      await focusWorkbench(page);
      await page.keyboard.press(key);
      await input.waitFor({ state: 'visible', timeout: Math.min(timeout, 10000) });
      await input.fill(text, { timeout: 2000 });
      // Results keep arriving and the list re-renders: find the row again when it went away.
      for (let tries = 1; ; tries++) {
        const row = await find(timeout);
        try {
          await row.waitFor({ state: 'visible', timeout: 2000 });
          if (await row.evaluate((e) => e.classList.contains('focused'))) await page.keyboard.press('Enter');
          else await row.click({ timeout: 2000 });
          break;
        } catch (e) {
          if (tries >= 5) throw e;
          await settle(page, 200);
        }
      }
      await widget.waitFor({ state: 'hidden', timeout: 10000 });
      return;
    } catch (e) {
      // retry only when the quick input went away under us
      if (attempt >= 3 || (await input.isVisible().catch(() => false))) throw e;
      await settle(page, 200);
    }
  }
}

/**
 * Runs a command by its title through the command palette: blur, F1, '>' + title, wait for the
 * row whose label is exactly `title`, Enter (or click it when another row has the focus).
 * @param {Page} page
 * @param {string} title
 * @param {{ timeout?: number }} [options]
 */
export async function runCommand(page, title, { timeout = TIMEOUT } = {}) {
  const q = cssString(title);
  // aria-label is the title, maybe followed by ", <keybinding or detail>"
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .and(page.locator(`[aria-label="${q}"], [aria-label^="${q}, "]`))
    .first();
  await quickPick(page, 'F1', '>' + title, () => Promise.resolve(row), timeout);
}

/**
 * Opens a workspace file with Quick Open (Ctrl+P, served by ripgrep) and waits until its editor
 * is the active one. `relPath` is relative to the workspace folder ('src/a.ts').
 * @param {Page} page
 * @param {string} relPath
 * @param {{ timeout?: number }} [options]
 */
export async function openFile(page, relPath, { timeout = TIMEOUT } = {}) {
  const rel = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  // A file row shows the name (.label-name) and its folder relative to the workspace
  // (.label-description, empty at the root). Results arrive asynchronously: wait for ours.
  const find = async (/** @type {number} */ t) => {
    const index = await (
      await page.waitForFunction(
        ([b, d]) => {
          for (const r of document.querySelectorAll('.quick-input-widget .monaco-list-row')) {
            const name = r.querySelector('.label-name')?.textContent?.trim();
            const folder = (r.querySelector('.label-description')?.textContent ?? '')
              .trim()
              .replace(/\\/g, '/');
            if (
              name === b &&
              (d ? folder === d || folder.endsWith('/' + d) : folder === '' || folder === '.')
            ) {
              return r.getAttribute('data-index');
            }
          }
          return undefined;
        },
        [base, dir],
        { timeout: t, polling: 100 },
      )
    ).jsonValue();
    return page.locator(`.quick-input-widget .monaco-list-row[data-index="${index}"]`);
  };
  await quickPick(page, 'Control+P', rel, find, timeout);
  // The editor widget is reused within a group: wait for its model URI to be this file's.
  const folder = new URL(page.url()).searchParams.get('folder');
  const suffix = '/' + rel;
  await page.waitForFunction(
    ({ folderPath, sfx }) => {
      const ed = document.querySelector('.editor-group-container.active .monaco-editor[data-uri]');
      const dataUri = ed?.getAttribute('data-uri');
      const uri = dataUri && decodeURIComponent(new URL(dataUri).pathname);
      if (!uri) return false;
      return folderPath ? uri === folderPath.replace(/\/$/, '') + sfx : uri.endsWith(sfx);
    },
    { folderPath: folder, sfx: suffix },
    { timeout, polling: 100 },
  );
}

/**
 * The cursor's line (1-based) in the active text editor, from the status bar's "Ln 12, Col 5"
 * entry. With `expected`, waits until it shows that line. Resolves with null when no text
 * editor is active (no such entry within `timeout`).
 * @param {Page} page
 * @param {{ expected?: number, timeout?: number }} [options]
 */
export async function readEditorCursorLine(page, { expected, timeout = TIMEOUT } = {}) {
  const item = page.locator('[id="status.editor.selection"]');
  try {
    if (expected === undefined) await item.waitFor({ state: 'visible', timeout });
    else
      await item
        .filter({ hasText: new RegExp(`\\bLn ${expected}\\b`) })
        .waitFor({ state: 'visible', timeout });
  } catch (e) {
    if (expected !== undefined && (await item.isVisible())) throw e;
    return null;
  }
  const m = /Ln (\d+)/.exec(await item.innerText());
  return m ? Number(m[1]) : null;
}

/**
 * Waits for a status-bar item whose text (or aria-label) matches `pattern` (RegExp or string)
 * and resolves with its text.
 * @param {Page} page
 * @param {RegExp | string} pattern
 * @param {{ timeout?: number }} [options]
 */
export async function waitForStatusBarText(page, pattern, { timeout = TIMEOUT } = {}) {
  const re = pattern instanceof RegExp ? pattern : new RegExp(escapeRegExp(String(pattern)));
  const handle = await page.waitForFunction(
    ({ src, flags }) => {
      const re = new RegExp(src, flags);
      for (const e of document.querySelectorAll('.part.statusbar .statusbar-item')) {
        if (!(e instanceof HTMLElement)) continue;
        const text = e.innerText.trim();
        if (re.test(text) || re.test(e.getAttribute('aria-label') ?? '')) return text;
      }
      return undefined;
    },
    { src: re.source, flags: re.flags.replace('g', '') },
    { timeout, polling: 100 },
  );
  return handle.jsonValue();
}

/**
 * Texts of the notification toasts on screen now (they vanish after a few seconds: read right
 * after the action). With { all: true }, opens the notification center and reads every
 * notification of the session, then closes it again. With { waitFor: RegExp }, first waits for a
 * toast that matches.
 * @param {Page} page
 * @param {{ all?: boolean, waitFor?: RegExp | string, timeout?: number }} [options]
 */
export async function readNotifications(page, { all = false, waitFor, timeout = TIMEOUT } = {}) {
  const toasts = '.notifications-toasts .notification-list-item-message';
  if (waitFor) {
    const re = waitFor instanceof RegExp ? waitFor : new RegExp(escapeRegExp(String(waitFor)));
    await page.locator(toasts).filter({ hasText: re }).first().waitFor({ state: 'visible', timeout });
  }
  if (!all) return (await page.locator(toasts).allInnerTexts()).map((t) => t.trim());
  const center = page.locator('.notifications-center');
  const wasOpen = await center.isVisible();
  if (!wasOpen) await runCommand(page, 'Notifications: Show Notifications', { timeout });
  await center.waitFor({ state: 'visible', timeout });
  const texts = (await center.locator('.notification-list-item-message').allInnerTexts()).map((t) =>
    t.trim(),
  );
  if (!wasOpen) await runCommand(page, 'Notifications: Hide Notifications', { timeout });
  return texts;
}

/**
 * Frame locator for the content of a webview (the inner `iframe#active-frame` of the outer
 * `iframe.webview`), once its document is there. Webview iframes live in an overlay above the
 * workbench, positioned over their editor or view; hidden ones (inactive tabs) are
 * visibility:hidden. Without `title`: the visible webview over the active editor group, else the
 * first visible one. With `title`: the webview of the editor tab with that label (the tab is
 * clicked first when it is not the active one) or of the view with that title.
 * @param {Page} page
 * @param {{ title?: string, timeout?: number }} [options]
 * @returns {Promise<FrameLocator>}
 */
export async function webviewFrame(page, { title, timeout = TIMEOUT } = {}) {
  if (title !== undefined) {
    const tab = page.locator('.tabs-container .tab').filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
    });
    if ((await tab.count()) > 0 && !(await tab.first().evaluate((e) => e.classList.contains('active')))) {
      await tab.first().click();
    }
  }
  const index = await (
    await page.waitForFunction(
      (title) => {
        const norm = (/** @type {string | null | undefined} */ s) => (s ?? '').trim().toLowerCase();
        const shown = (/** @type {Element} */ e) => {
          const r = e.getBoundingClientRect();
          if (r.width < 2 || r.height < 2) return false;
          for (let n = /** @type {Element | null} */ (e); n; n = n.parentElement) {
            const cs = getComputedStyle(n);
            if (cs.display === 'none' || cs.visibility === 'hidden') return false;
          }
          return true;
        };
        const frames = [...document.querySelectorAll('iframe.webview.ready')];
        const candidates = frames.map((f, i) => ({ f, i })).filter(({ f }) => shown(f));
        if (!candidates.length) return undefined;
        /** @type {Element | null | undefined} */
        let area = null;
        if (title == null) {
          area = document.querySelector('.editor-group-container.active .editor-container');
        } else {
          const tab = [...document.querySelectorAll('.tabs-container .tab.active')].find(
            (t) => norm(t.querySelector('.label-name')?.textContent) === norm(title),
          );
          area = tab?.closest('.editor-group-container')?.querySelector('.editor-container');
          if (!area) {
            const header = [...document.querySelectorAll('.pane-header')].find(
              (h) =>
                norm(h.querySelector('.title')?.textContent) === norm(title) ||
                norm(h.getAttribute('aria-label')) === norm(title + ' Section'),
            );
            area = header?.parentElement?.querySelector('.pane-body');
          }
          if (!area) return undefined; // not there yet
        }
        const a = area?.getBoundingClientRect();
        const over = (/** @type {{ f: Element }} */ { f }) => {
          const r = f.getBoundingClientRect();
          const x = r.left + r.width / 2;
          const y = r.top + r.height / 2;
          return a && x >= a.left && x <= a.right && y >= a.top && y <= a.bottom;
        };
        const hit = candidates.find(over) ?? (title == null ? candidates[0] : undefined);
        return hit && String(hit.i);
      },
      title ?? null,
      { timeout, polling: 100 },
    )
  ).jsonValue();
  const frame = page
    .locator('iframe.webview.ready')
    .nth(Number(index))
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
  await frame.locator('body').waitFor({ state: 'attached', timeout });
  return frame;
}

/**
 * Clicks the activity-bar entry whose label starts with `title` ('Explorer', 'Probe Views') and
 * waits for its side bar. Does nothing when it is already showing (a second click would close
 * the side bar).
 * @param {Page} page
 * @param {string} title
 * @param {{ timeout?: number }} [options]
 */
export async function clickActivityBar(page, title, { timeout = TIMEOUT } = {}) {
  const item = page
    .locator('.part.activitybar .action-item')
    .filter({ has: page.locator(`a.action-label[aria-label^="${cssString(title)}"]`) })
    .first();
  await item.waitFor({ state: 'visible', timeout });
  const sidebarTitle = page.locator('.part.sidebar .composite.title h2');
  const showing = async () =>
    (await item.evaluate((e) => e.classList.contains('checked'))) &&
    (await page.locator('.part.sidebar').isVisible());
  if (!(await showing())) {
    await item.click();
    const vp = page.viewportSize();
    if (vp) await page.mouse.move(vp.width - 2, Math.round(vp.height / 2)); // no lingering hover
  }
  await sidebarTitle
    .filter({ hasText: new RegExp(escapeRegExp(title), 'i') })
    .first()
    .waitFor({ state: 'visible', timeout });
}

/**
 * The side-bar (or panel) pane of the view titled `viewTitle`, expanded.
 * @param {Page} page
 * @param {string} viewTitle
 * @param {number} timeout
 */
async function viewPane(page, viewTitle, timeout) {
  const q = cssString(viewTitle);
  // header aria-label: "<view> Section", or "Explorer Section: <folder>" with title "<folder>"
  const matchHeader = page
    .locator(
      `:scope > .pane-header[aria-label="${q} Section"], :scope > .pane-header[aria-label$=" Section: ${q}"]`,
    )
    .or(
      page.locator(':scope > .pane-header').filter({
        has: page.locator('.title', { hasText: new RegExp(`^\\s*${escapeRegExp(viewTitle)}\\s*$`, 'i') }),
      }),
    );
  const pane = page
    .locator('.part.sidebar .pane, .part.auxiliarybar .pane, .part.panel .pane')
    .filter({ has: matchHeader })
    .first();
  await pane.waitFor({ state: 'attached', timeout });
  const header = pane.locator(':scope > .pane-header');
  // A container with one view hides the header; the view is then always expanded.
  if ((await header.isVisible()) && (await header.getAttribute('aria-expanded')) === 'false') {
    await header.click();
  }
  const body = pane.locator(':scope > .pane-body');
  await body.waitFor({ state: 'visible', timeout });
  return body;
}

/**
 * The rendered rows of the tree in view `viewTitle` (the view's name, e.g. 'Probe Tree', or for
 * the Explorer the folder's name; its container must be showing, see clickActivityBar). Expands
 * the view if it is collapsed and waits for at least `minRows` rows (default 1; 0 for "maybe
 * empty"). Each row: { label, description, level (aria-level, 1 = top), expanded (true/false,
 * null for a leaf), selected, ariaLabel }, in screen order.
 * @param {Page} page
 * @param {string} viewTitle
 * @param {{ minRows?: number, timeout?: number }} [options]
 * @returns {Promise<TreeRow[]>}
 */
export async function treeRows(page, viewTitle, { minRows = 1, timeout = TIMEOUT } = {}) {
  const body = await viewPane(page, viewTitle, timeout);
  if (minRows > 0) {
    await body
      .locator('.monaco-list-row')
      .nth(minRows - 1)
      .waitFor({ state: 'visible', timeout });
  }
  await settle(page);
  return body.locator('.monaco-list-row').evaluateAll((/** @type {HTMLElement[]} */ rows) =>
    rows
      .map((r) => {
        const exp = r.getAttribute('aria-expanded');
        const name = r.querySelector('.label-name');
        const desc = r.querySelector('.label-description');
        return {
          label: (name?.textContent ?? r.innerText.split('\n')[0] ?? '').trim(),
          description: desc?.textContent?.trim() ?? '',
          level: Number(r.getAttribute('aria-level')),
          expanded: exp === null ? null : exp === 'true',
          selected: r.getAttribute('aria-selected') === 'true',
          ariaLabel: r.getAttribute('aria-label') ?? '',
          top: parseFloat(r.style.top) || 0,
        };
      })
      // rows are recycled and absolutely positioned: sort by their place on screen
      .sort((a, b) => a.top - b.top)
      .map(({ top: _top, ...row }) => row),
  );
}

/**
 * Expands the tree row labelled `label` (first match in the side bar, or in view `viewTitle`)
 * and waits until its children are rendered. Nothing happens for a row already expanded.
 * @param {Page} page
 * @param {string} label
 * @param {{ viewTitle?: string, timeout?: number }} [options]
 */
export async function expandTreeRow(page, label, { viewTitle, timeout = TIMEOUT } = {}) {
  const scope = viewTitle ? await viewPane(page, viewTitle, timeout) : page.locator('.part.sidebar');
  const row = scope
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
    .first();
  await row.waitFor({ state: 'visible', timeout });
  const state = await row.getAttribute('aria-expanded');
  if (state === null) throw new Error(`tree row "${label}" cannot be expanded`);
  if (state === 'false') await row.locator('.monaco-tl-twistie').click();
  await page.waitForFunction(
    (el) => el?.getAttribute('aria-expanded') === 'true',
    await row.elementHandle(),
    {
      timeout,
    },
  );
  // children render right after the row flips; wait for the next row to be one level deeper
  const level = Number(await row.getAttribute('aria-level'));
  const index = Number(await row.getAttribute('data-index'));
  await scope
    .locator(`.monaco-list-row[data-index="${index + 1}"][aria-level="${level + 1}"]`)
    .first()
    .waitFor({ state: 'visible', timeout: 5000 })
    .catch(() => {}); // an expanded row with no children
}
