/**
 * The language server's side of issue 7 on the demo workspace: a report's figures as diagnostics,
 * hovers, quick fixes and CodeLenses (CLAIMS.md "In the editor"), and the Compare tab's BEFORE read
 * from a saved analysis, again only when it changed, with a clear error when it is gone or broken.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkReport } from '../../src/engine/report/claims';
import { compareAnalyses } from '../../src/engine/report/compare';
import { parseResultsDocument } from '../../src/engine/report/readResults';
import type { ResultsDocument } from '../../src/engine/report/results';
import { withDefaults } from '../../src/engine/settings';
import { Workspace, type AnalysisRun } from '../../src/engine/workspace';
import { Commands } from '../../src/protocol/commands';
import {
  claimRange,
  reportActions,
  reportDiagnostics,
  reportHover,
  reportLenses,
  UPDATE_TITLE,
} from '../../src/server/reportFeatures';
import { SavedAnalyses } from '../../src/server/savedAnalyses';
import { expectDefined } from '../../src/shared/expect';
import { tempWorkspace } from './workspaces';

const DEMO = path.resolve(import.meta.dirname, '../../examples/demo-workspace');
const REPORT = 'reports/353-inverse-scaling.md';
const SNAPSHOT = 'runs/inverse_scaling/initial_analysis.json';

let ws: Workspace;
let run: AnalysisRun;
let doc: ResultsDocument;

before(async () => {
  ws = new Workspace(DEMO, { settings: withDefaults({}), indexPath: null });
  await ws.refresh();
  run = ws.analyse();
  doc = run.document;
});
after(() => ws.close());

/** Qwen 3.5 2B's pooled strict ASR now, written as the report writes it (one decimal, %). */
function qwen2b(): { rate: string; ci: string; n: number } {
  const m = expectDefined(
    doc.lineages.find((l) => l.name === 'Qwen 3.5')?.members.find((x) => x.model === 'qwen3.5:2b'),
    'qwen3.5:2b in Qwen 3.5',
  );
  const s = expectDefined(m.strict ?? undefined, 'its strict ASR');
  return {
    rate: `${(100 * s.rate).toFixed(1)}%`,
    ci: `[${(100 * s.lo).toFixed(1)}, ${(100 * s.hi).toFixed(1)}]`,
    n: m.n,
  };
}

describe("a report's figures in the editor (CLAIMS.md)", () => {
  const text = fs.readFileSync(path.join(DEMO, REPORT), 'utf8');
  const uri = 'file:///demo/reports/353-inverse-scaling.md';

  it('warns on the stale figure only, with the current value and its interval in the message', () => {
    const check = checkReport(text, doc, run.lineages.names);
    const diagnostics = reportDiagnostics(check);
    assert.equal(diagnostics.length, 1, 'one figure of the demo report is stale on purpose');
    const d = expectDefined(diagnostics[0], 'the warning');
    const report = TextDocument.create(uri, 'markdown', 1, text);
    assert.equal(report.getText(d.range), '95.7%');
    const now = qwen2b();
    assert.equal(d.message, `Figure changed: 95.7% is now ${now.rate} ${now.ci}, n ${now.n}`);
    assert.equal(d.severity, 2, 'a warning');
  });

  it('hovers on any recognised figure: its status, current value with interval, and n', () => {
    const check = checkReport(text, doc, run.lineages.names);
    const stale = expectDefined(
      check.claims.find((c) => c.status === 'CHANGED'),
      'the stale claim',
    );
    const at = claimRange(stale);
    const hover = reportHover(check, at.start.line, at.start.character + 1);
    // The Markdown as it reads once rendered: escapes dropped.
    const value = ((hover?.contents as { value: string } | undefined)?.value ?? '').replace(/\\(.)/g, '$1');
    const now = qwen2b();
    assert.match(value, /^\*\*Failure-First Lens: changed\*\* · member_strict/);
    assert.ok(value.includes(`Now: ${now.rate} ${now.ci} · n = ${now.n}`), value);
    const holding = expectDefined(
      check.claims.find((c) => c.status === 'HOLDS'),
      'a figure that holds',
    );
    const r = claimRange(holding);
    const held = (reportHover(check, r.start.line, r.end.character)?.contents as { value: string }).value;
    assert.match(held, /^\*\*Failure-First Lens: holds\*\*/);
    assert.equal(reportHover(check, 0, 0), null, 'prose has no hover');
  });

  it('"Update to the current value" writes it in the claim\'s style, after which every figure holds', () => {
    const check = checkReport(text, doc, run.lineages.names);
    const stale = expectDefined(
      check.claims.find((c) => c.status === 'CHANGED'),
      'the stale claim',
    );
    const actions = reportActions(check, uri, claimRange(stale));
    assert.equal(actions.length, 1);
    const action = expectDefined(actions[0], 'the quick fix');
    const now = qwen2b();
    assert.equal(action.title, `${UPDATE_TITLE}: ${now.rate}`);
    assert.equal(action.diagnostics?.length, 1, 'it fixes the warning');
    const edits = expectDefined(action.edit?.changes?.[uri], 'its edit');
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'markdown', 1, text), edits);
    const again = checkReport(fixed, doc, run.lineages.names);
    assert.equal(again.summary.CHANGED + again.summary.NOT_FOUND, 0);
    assert.equal(again.summary.HOLDS, check.summary.HOLDS + 1);
    // Nowhere else: a figure that holds has no fix.
    const holding = expectDefined(
      check.claims.find((c) => c.status === 'HOLDS'),
      'a figure that holds',
    );
    assert.deepEqual(reportActions(check, uri, claimRange(holding)), []);
  });

  it('a CodeLens over every claims table and lineage context, opening the page on it', () => {
    const check = checkReport(text, doc, run.lineages.names);
    const lenses = reportLenses(check, 'file:///demo');
    assert.equal(lenses.length, check.groups.length);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line + 1, l.command?.title]),
      check.groups.map((g) => [g.startLine, g.summary]),
    );
    const qwen = expectDefined(
      lenses.find((l) => l.command?.title.includes('changed')),
      'the lens of the stale group',
    );
    assert.equal(qwen.command?.title, '3 figures hold · 1 changed');
    assert.equal(qwen.command?.command, Commands.showOnPage);
    assert.deepEqual(qwen.command?.arguments, [{ tab: 'lineages', lineage: 'Qwen 3.5' }, 'file:///demo']);
    assert.deepEqual(
      lenses[0]?.command?.arguments?.[0],
      { tab: 'scaling', group: 'dataset' },
      'the pooled table opens the dataset regressions',
    );
  });
});

describe("the Compare tab's BEFORE (COMPARE.md)", () => {
  const after = () => ({ document: doc, root: DEMO, settings: withDefaults({}) });

  it('a saved analysis: the comparison ff-lens compare makes; changed, corrupted or deleted since, it is read again and said', async () => {
    const dir = tempWorkspace({ 'initial.json': fs.readFileSync(path.join(DEMO, SNAPSHOT), 'utf8') });
    const file = path.join(dir, 'initial.json');
    const saved = new SavedAnalyses();
    const answer = await saved.compare({ kind: 'file', path: file }, 'initial.json', after());
    assert.equal(answer.error, null);
    const expected = compareAnalyses(
      parseResultsDocument(fs.readFileSync(file, 'utf8')),
      doc,
      { before: 'initial.json', after: DEMO },
      expectDefined(answer.comparison?.generated_at, 'the comparison'),
    );
    assert.deepEqual(answer.comparison, expected);
    assert.ok((answer.comparison?.changes.length ?? 0) > 0, 'the demo moved since its saved analysis');
    // Corrupted: said in one line, naming the file.
    fs.writeFileSync(file, '{"schema": "failure-first-lens/results@1", "generated_at": ');
    const broken = await saved.compare({ kind: 'file', path: file }, 'initial.json', after());
    assert.equal(broken.comparison, null);
    assert.match(broken.error ?? '', /^initial\.json: not JSON \(/);
    // Another schema.
    fs.writeFileSync(file, JSON.stringify({ schema: 'failure-first-lens/comparison@1' }));
    assert.match(
      (await saved.compare({ kind: 'file', path: file }, 'initial.json', after())).error ?? '',
      /^initial\.json: schema is "failure-first-lens\/comparison@1", not "failure-first-lens\/results@1"$/,
    );
    // Deleted.
    fs.rmSync(file);
    const gone = await saved.compare({ kind: 'file', path: file }, 'initial.json', after());
    assert.deepEqual(gone, { comparison: null, error: 'initial.json: the file is gone (deleted or moved?)' });
  });

  it('a folder: analysed with the settings of the live analysis', async () => {
    const saved = new SavedAnalyses();
    const cache = tempWorkspace({});
    const previous = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache; // the folder's index goes where ff-lens would put it, here in a scratch cache
    try {
      const answer = await saved.compare({ kind: 'folder', path: DEMO }, 'the demo', after());
      assert.equal(answer.error, null);
      assert.deepEqual(answer.comparison?.changes, [], 'a folder compared with itself: nothing moved');
      assert.ok(answer.comparison?.cells.every((c) => c.status === 'same'));
    } finally {
      if (previous === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = previous;
    }
  });
});
