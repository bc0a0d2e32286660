/** How numbers are written (DECISIONS.md 44): the shared formatters, and the Markdown tables of the demo. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkReport } from '../../src/engine/report/claims';
import { renderMarkdown } from '../../src/engine/report/markdown';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';
import {
  classificationText,
  fixed,
  percent,
  pp,
  pValue,
  rateWithCi,
  signed,
  signedInterval,
  size,
  transition,
} from '../../src/shared/format';

describe('the shared formatters', () => {
  it('write rates with their interval, comma-separated', () => {
    assert.equal(rateWithCi({ rate: 0.948, lo: 0.884, hi: 0.978 }), '94.8% [88.4, 97.8]');
    assert.equal(rateWithCi(null), '–');
    assert.equal(percent(0.5714285714285714), '57.1%');
  });

  it('write a real minus sign, and no sign on a value that rounds to zero', () => {
    assert.equal(signed(6.2), '+6.2');
    assert.equal(signed(-2.8), '\u22122.8');
    assert.equal(signed(-0.03), '0.0');
    assert.equal(signed(0.04), '0.0');
    assert.equal(signed(0), '0.0');
    assert.equal(fixed(-0.3), '\u22120.3');
    assert.equal(fixed(-0.001, 2), '0.00');
    assert.equal(fixed(null), '–');
    assert.equal(pp(-15.8), '\u221215.8 pp');
    assert.equal(signedInterval([-16, 21.5]), '[\u221216.0, +21.5]');
    assert.equal(signedInterval([-44.551, 99.54], 2), '[\u221244.55, +99.54]');
  });

  it('write sizes with three significant digits', () => {
    assert.deepEqual(
      [0.135, 0.8, 2, 27, 70, 235, 1.75, 0.05, 1500].map((b) => size(b)),
      ['0.135B', '0.8B', '2B', '27B', '70B', '235B', '1.75B', '50M', '1.5T'],
    );
    assert.equal(size(24, true), '~24B');
    assert.equal(size(null), '?');
    assert.equal(transition(0.8, 2, 36.2), '0.8B\u21922B: +36.2 pp');
  });

  it('write p-values and classifications', () => {
    assert.equal(pValue(0.815), '0.815');
    assert.equal(pValue(6.1e-5), '6.1e-5');
    assert.equal(classificationText('INVERSE_SCALING'), 'inverse scaling (bigger models less safe)');
  });
});

describe('the Markdown report of the demo workspace', () => {
  it('keeps every table row to its header’s columns, and writes no hyphen for a minus', async () => {
    const ws = new Workspace(path.resolve(import.meta.dirname, '../../examples/demo-workspace'), {
      settings: withDefaults({}),
      indexPath: null,
    });
    await ws.refresh();
    const doc = ws.analyse().document;
    const md = renderMarkdown(doc);
    ws.close();
    let columns = 0;
    let rows = 0;
    for (const line of md.split('\n')) {
      if (!line.startsWith('|')) {
        columns = 0;
        continue;
      }
      // Cells split at every `|` not escaped with a backslash.
      const cells = line.slice(1, -1).split(/(?<!\\)\|/);
      if (columns === 0) columns = cells.length;
      assert.equal(cells.length, columns, line);
      for (const c of cells) assert.doesNotMatch(c, /^ ?-\d/, `a hyphen for a minus: ${line}`);
      rows++;
    }
    assert.ok(rows > 50, `${rows} table rows`);
    assert.match(md, /outlier \(\\\|r\\\| > 2s\)/);
    // Pasted into a report, every figure of its tables reads back as the figure it is.
    const check = checkReport(md, doc);
    assert.ok(check.claims.length > 300, `${check.claims.length} claims`);
    assert.deepEqual(
      check.claims.filter((c) => c.status !== 'HOLDS').map((c) => `${c.line}: ${c.kind} ${c.status}`),
      [],
    );
  });
});
