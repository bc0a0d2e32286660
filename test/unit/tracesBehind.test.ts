/**
 * The traces behind every number of the demo workspace: each list the editor shows holds exactly the
 * traces the figure counted (its n evaluable ones, its k COMPLIANCE), from the analysis's own records.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Trace } from '../../src/engine/analyse/join';
import { cohenKappa } from '../../src/engine/analyse/stats';
import { TracesBehind } from '../../src/engine/analyse/tracesBehind';
import type { ResultsDocument } from '../../src/engine/report/results';
import type { TraceSelector } from '../../src/engine/report/selectors';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';

const DEMO = path.resolve(import.meta.dirname, '../../examples/demo-workspace');

let ws: Workspace;
let doc: ResultsDocument;
let behind: TracesBehind;

before(async () => {
  ws = new Workspace(DEMO, { settings: withDefaults({}), indexPath: null });
  await ws.refresh();
  const run = ws.analyse();
  doc = run.document;
  behind = new TracesBehind(run);
});

after(() => ws.close());

/** Evaluable traces and their COMPLIANCE verdicts among the traces behind a selector. */
function nk(selector: TraceSelector): { n: number; k: number; traces: readonly Trace[] } {
  const traces = behind.select(selector);
  const evaluable = traces.filter((t) => t.category === 'evaluable');
  return {
    n: evaluable.length,
    k: evaluable.filter((t) => t.verdict?.label === 'COMPLIANCE').length,
    traces,
  };
}

const where = (s: TraceSelector): string => JSON.stringify(s);

describe('the traces behind each number of the demo workspace', () => {
  it('a cell lists every trace it counted: n evaluable, k COMPLIANCE, and the uncounted ones', () => {
    assert.ok(doc.cells.length > 50);
    for (const c of doc.cells) {
      const s: TraceSelector = { kind: 'cell', attackClass: c.attack_class, model: c.model };
      const { n, k, traces } = nk(s);
      assert.deepEqual([n, k], [c.n, c.counts.COMPLIANCE], where(s));
      assert.equal(traces.length, c.n + c.ungraded + c.errors + c.benign + c.unknown_label, where(s));
      assert.ok(
        traces.every((t) => t.variant !== 'B'),
        `${where(s)}: no variant B trace`,
      );
    }
  });

  it('a scaling regression point lists its n evaluable traces, k of them COMPLIANCE (y = 100 k / n)', () => {
    let points = 0;
    for (const r of doc.regressions) {
      if (r.group === 'dilution') continue;
      for (const p of r.points) {
        const s: TraceSelector =
          r.group === 'dataset'
            ? { kind: 'datasetCell', dataset: r.key.dataset ?? '', model: p.model }
            : r.group === 'lineage'
              ? { kind: 'model', model: p.model }
              : { kind: 'cell', attackClass: r.key.attack_class ?? '', model: p.model };
        const { n, k } = nk(s);
        assert.equal(n, p.n, `${where(s)} in ${r.group} ${JSON.stringify(r.key)}`);
        assert.equal(100 * (k / n), p.y_pp, `${where(s)} in ${r.group} ${JSON.stringify(r.key)}`);
        points++;
      }
    }
    assert.ok(points > 100, `${points} points`);
  });

  it('a lineage member lists its pooled traces', () => {
    for (const l of doc.lineages)
      for (const m of l.members) {
        const { n, k } = nk({ kind: 'model', model: m.model });
        assert.equal(n, m.n, m.model);
        assert.equal(k / n, m.strict?.rate, m.model);
      }
  });

  it('a dilution arm lists its traces, and the A/B pairs are the pairs of McNemar’s test', () => {
    assert.ok(doc.dilution.models.length > 0);
    for (const d of doc.dilution.models) {
      const a = nk({ kind: 'dilution', model: d.model, variant: 'A' });
      const b = nk({ kind: 'dilution', model: d.model, variant: 'B' });
      assert.deepEqual([a.n, a.k], [d.a.n, d.a.k], `${d.model} A`);
      assert.deepEqual([b.n, b.k], [d.b.n, d.b.k], `${d.model} B`);
      assert.equal(nk({ kind: 'dilution', model: d.model }).traces.length, a.traces.length + b.traces.length);
      let pairs = 0;
      let onlyA = 0;
      let onlyB = 0;
      for (const ta of a.traces) {
        const tb = behind.partner(ta);
        if (!tb) continue;
        assert.equal(behind.partner(tb), ta, `${ta.id} and ${tb.id} pair both ways`);
        assert.deepEqual([tb.variant, tb.key, tb.baseId], ['B', ta.key, ta.baseId], ta.id);
        if (ta.category !== 'evaluable' || tb.category !== 'evaluable') continue;
        pairs++;
        const ya = ta.verdict?.label === 'COMPLIANCE';
        const yb = tb.verdict?.label === 'COMPLIANCE';
        if (ya && !yb) onlyA++;
        if (yb && !ya) onlyB++;
      }
      assert.deepEqual([pairs, onlyA, onlyB], [d.pairs, d.b_only_a, d.b_only_b], d.model);
    }
  });

  it('a grader pair’s matrix counts its n traces, and its disagreements are the listed traces', () => {
    assert.ok(doc.agreement.length > 0);
    for (const a of doc.agreement) {
      const m = behind.confusion(a.primary, a.secondary);
      assert.equal(m.n, a.n);
      assert.equal(
        m.matrix.flat().reduce((s, v) => s + v, 0),
        a.n,
      );
      const labels: [string, string][] = m.labels.flatMap((row, i) =>
        m.labels.flatMap((col, j): [string, string][] =>
          Array.from({ length: m.matrix[i]?.[j] ?? 0 }, () => [row, col]),
        ),
      );
      assert.equal(cohenKappa(labels), a.kappa_labels, 'κ from the matrix is the document’s κ');
      const listed = behind.select({ kind: 'disagreement', primary: a.primary, secondary: a.secondary });
      assert.equal(listed.length, m.disagreements);
      assert.ok(m.disagreements > 0);
      for (const t of listed) {
        const o = t.opinions.find((x) => x.grader === a.secondary);
        assert.equal(t.verdict?.grader, a.primary);
        assert.ok(t.category === 'evaluable' && o?.cls === 'evaluable' && o.label !== t.verdict?.label, t.id);
      }
    }
  });
});
