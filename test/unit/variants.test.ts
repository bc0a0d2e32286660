/** Creating reasoning-dilution variants (FORMATS.md §6 convention; issue 4). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDilutionVariants, PUZZLES, puzzleFor } from '../../src/engine/report/variants';

describe('dilution variants', () => {
  it('ships at least seven benign puzzles of 5 to 10 lines', () => {
    assert.ok(PUZZLES.length >= 7);
    for (const p of PUZZLES) {
      const lines = p.text.split('\n').length;
      assert.ok(lines >= 5 && lines <= 10, `${p.id} has ${lines} lines`);
    }
    assert.equal(new Set(PUZZLES.map((p) => p.id)).size, PUZZLES.length);
  });

  it('writes id__dilution, variant, preamble id and the puzzle before the user turn; keeps every other field', () => {
    const baseline = [
      JSON.stringify({
        id: 'S1',
        attack_class: 'dan',
        turns: [
          { role: 'system', text: 'sys' },
          { role: 'user', text: 'do X' },
        ],
        meta: { a: 1 },
      }),
      JSON.stringify({ id: 'S2', prompt: 'do Y' }),
      JSON.stringify({ id: 'S3', scenario_input: { prompt: 'do Z' } }),
      JSON.stringify({ id: 'S1__dilution', prompt: 'old' }),
      JSON.stringify({ description: 'no id' }),
      '{broken',
      '',
    ].join('\n');
    const r = makeDilutionVariants(baseline, 'seed-1');
    assert.equal(r.written, 3);
    assert.deepEqual(r.skipped, [
      { line: 4, reason: 'already a dilution variant' },
      { line: 5, reason: 'no scenario id' },
      { line: 6, reason: 'not valid JSON' },
    ]);
    const lines = r.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const p1 = puzzleFor('S1', 'seed-1');
    assert.deepEqual(lines[0], {
      id: 'S1__dilution',
      attack_class: 'dan',
      turns: [
        { role: 'system', text: 'sys' },
        { role: 'user', text: `${p1.text}\n\ndo X` },
      ],
      meta: { a: 1 },
      variant: 'dilution',
      dilution_preamble_id: p1.id,
    });
    assert.equal(lines[1]?.prompt, `${puzzleFor('S2', 'seed-1').text}\n\ndo Y`);
    assert.deepEqual(lines[2]?.scenario_input, { prompt: `${puzzleFor('S3', 'seed-1').text}\n\ndo Z` });
  });

  it('is reproducible for a seed and spreads scenarios over the puzzles', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `SC-${i}`);
    const a = ids.map((id) => puzzleFor(id, 'x').id);
    assert.deepEqual(
      a,
      ids.map((id) => puzzleFor(id, 'x').id),
    );
    assert.equal(new Set(a).size, PUZZLES.length, 'every puzzle is used over 200 scenarios');
    assert.notDeepEqual(
      a,
      ids.map((id) => puzzleFor(id, 'y').id),
      'another seed, another assignment',
    );
  });
});
