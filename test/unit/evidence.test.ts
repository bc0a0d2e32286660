/**
 * How much evidence stands behind a label (ANALYSIS.md §12) and why a group has none: the whole
 * slope interval's classification, the attack classes a lineage's members share, the reason a
 * regression is INSUFFICIENT. Expected values are counted by hand from the workspaces written here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyInterval,
  describeInsufficient,
  insufficientReason,
} from '../../src/engine/analyse/regressions';
import { wilson } from '../../src/engine/analyse/stats';
import { renderMarkdown } from '../../src/engine/report/markdown';
import type { RegressionJson } from '../../src/engine/report/results';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';
import { jsonl, tempWorkspace } from './workspaces';

async function analyseFolder(files: Record<string, string>) {
  const ws = new Workspace(tempWorkspace(files), { settings: withDefaults({}), indexPath: null });
  try {
    await ws.refresh();
    return ws.analyse('2026-01-01T00:00:00.000Z').document;
  } finally {
    ws.close();
  }
}

let n = 0;
const line = (model: string, attackClass: string, verdict: string | null, extra: object = {}) => ({
  trace_id: `t${++n}`,
  scenario_id: `S${n}`,
  model_id: model,
  attack_class: attackClass,
  response: 'an answer',
  ...(verdict === null ? {} : { llm_verdict: verdict }),
  ...extra,
});

describe('classification of the whole slope interval', () => {
  it('a direction only when the whole interval is beyond ±t; flat when within, bounds included', () => {
    const cases: [[number, number] | null, string][] = [
      [[5.0001, 40], 'INVERSE_SCALING'],
      [[5, 40], 'UNCERTAIN'], // touches +t: not wholly above it
      [[-40, -5.0001], 'POSITIVE_SCALING'],
      [[-5, 5], 'FLAT_OR_NOISY'], // bounds included
      [[-4, 6], 'UNCERTAIN'],
      [[-60, 60], 'UNCERTAIN'],
      [null, 'UNCERTAIN'], // two points: no interval
    ];
    for (const [ci, expected] of cases) assert.equal(classifyInterval(ci, 5), expected, JSON.stringify(ci));
    assert.equal(classifyInterval([1, 2], 0.5), 'INVERSE_SCALING', 'the threshold is the setting');
  });
});

describe('the attack classes a lineage shares', () => {
  it('lists the classes every member was evaluated in, flags a differing mix, and rates each member on the shared ones', async () => {
    const doc = await analyseFolder({
      '.failure-first/lineages.json': JSON.stringify({
        lineages: [
          { name: 'Fam', members: [{ match: '^fam-' }] },
          { name: 'Same', members: [{ match: '^same-' }] },
        ],
      }),
      'runs/ds/m_traces.jsonl': jsonl([
        // fam-2b: x C,C,R,R; y C,R; z only ungraded → evaluated in x and y
        line('fam-2b', 'x', 'COMPLIANCE'),
        line('fam-2b', 'x', 'COMPLIANCE'),
        line('fam-2b', 'x', 'REFUSAL'),
        line('fam-2b', 'x', 'REFUSAL'),
        line('fam-2b', 'y', 'COMPLIANCE'),
        line('fam-2b', 'y', 'REFUSAL'),
        line('fam-2b', 'z', null),
        // fam-9b: x C,R; z R,R,R; a variant-B trace in y enters no cell (§9.2)
        line('fam-9b', 'x', 'COMPLIANCE'),
        line('fam-9b', 'x', 'REFUSAL'),
        line('fam-9b', 'z', 'REFUSAL'),
        line('fam-9b', 'z', 'REFUSAL'),
        line('fam-9b', 'z', 'REFUSAL'),
        line('fam-9b', 'y', 'COMPLIANCE', { variant: 'B' }),
        // same-1b, same-3b: x only
        line('same-1b', 'x', 'COMPLIANCE'),
        line('same-3b', 'x', 'REFUSAL'),
      ]),
    });
    const fam = doc.lineages.find((l) => l.name === 'Fam');
    assert.deepEqual(fam?.shared_attack_classes, ['x']);
    assert.equal(fam?.mix_differs, true);
    assert.deepEqual(
      fam?.members.map((m) => [m.model, m.n, m.shared.n]),
      [
        ['fam-2b', 6, 4],
        ['fam-9b', 5, 2],
      ],
    );
    assert.deepEqual(fam?.members[0]?.shared.strict, wilson(2, 4));
    assert.deepEqual(fam?.members[1]?.shared.strict, wilson(1, 2));
    const same = doc.lineages.find((l) => l.name === 'Same');
    assert.deepEqual([same?.shared_attack_classes, same?.mix_differs], [['x'], false]);
    assert.deepEqual(
      same?.members.map((m) => [m.shared.n, m.shared.strict?.rate]),
      [
        [1, 1],
        [1, 0],
      ],
    );
    // The Markdown marks the lineage whose mix differs and shows the shared-class rates beside the pooled.
    const md = renderMarkdown(doc);
    assert.match(md, /\| fam-9b \| 9B \| 5 \| 20\.0% \[[\d.]+, [\d.]+\] \| ⚠ 2, 50\.0% \[/);
    assert.match(
      md,
      /^- ⚠ \*\*Fam\*\*: its members were attacked with different attack-class mixes \(only x is shared/m,
    );
    assert.doesNotMatch(md, /\*\*Same\*\*: its members/);
  });

  it('a lineage whose members share no class: the list is empty and each shared rate is null', async () => {
    const doc = await analyseFolder({
      '.failure-first/lineages.json': JSON.stringify({
        lineages: [{ name: 'Fam', members: [{ match: '^fam-' }] }],
      }),
      'runs/ds/m_traces.jsonl': jsonl([line('fam-2b', 'x', 'REFUSAL'), line('fam-9b', 'y', 'COMPLIANCE')]),
    });
    const fam = doc.lineages[0];
    assert.deepEqual([fam?.shared_attack_classes, fam?.mix_differs], [[], true]);
    assert.deepEqual(
      fam?.members.map((m) => m.shared),
      [
        { n: 0, strict: null },
        { n: 0, strict: null },
      ],
    );
  });
});

describe('why a regression is INSUFFICIENT', () => {
  it('no evaluable traces, every model left out, or one size only; each said in words, in the Markdown too', async () => {
    const doc = await analyseFolder({
      'runs/ds/m_traces.jsonl': jsonl([
        line('m-2b', 'ghost', null), // graded by nobody
        line('m-2b', 'ghost', 'BENIGN_QUERY'),
        line('m-qwen3-abliterated-8b', 'hidden', 'REFUSAL'), // excluded
        line('mystery-model', 'hidden', 'REFUSAL'), // no size in the name
        line('m-2b', 'solo', 'REFUSAL'),
        line('a-24b', 'twins', 'REFUSAL'),
        line('b-24b', 'twins', 'COMPLIANCE'),
        line('m-2b', 'fit', 'REFUSAL'),
        line('m-9b', 'fit', 'COMPLIANCE'),
      ]),
    });
    const reg = (ac: string) =>
      doc.regressions.find((r) => r.group === 'attack_class' && r.key.attack_class === ac) as RegressionJson;
    const words = (ac: string) => {
      const reason = insufficientReason(reg(ac));
      return reason && describeInsufficient(reason);
    };
    assert.equal(words('ghost'), 'no evaluable traces');
    assert.equal(words('hidden'), 'every model left out (1 excluded, 1 of unknown size)');
    assert.equal(words('solo'), 'one model of known size (2B): a slope needs two sizes');
    assert.equal(words('twins'), 'all 2 models are the same size (24B): a slope needs two sizes');
    assert.equal(words('fit'), null);
    // §12: no interval classification without a fit; a two-point fit has no interval, so it is uncertain.
    assert.equal(reg('solo').classification_ci, null);
    assert.equal(reg('fit').classification_ci, 'UNCERTAIN');
    const md = renderMarkdown(doc);
    assert.match(md, /\| ghost \| 0 \| 0 \|.*\| insufficient \(no evaluable traces\) \| – \|/);
    assert.match(md, /\| twins \| 2 \| 2 \|.*\| insufficient \(all 2 models are the same size \(24B\)/);
    assert.match(
      md,
      /\| fit \| 2 \| 2 \|.*\| inverse scaling \(bigger models less safe\) \| uncertain \(2 points, no interval\) \|/,
    );
    assert.doesNotMatch(md, /fewer than 2 sizes/);
  });
});
