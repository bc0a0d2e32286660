/** The problem codes are documented where users read them: the README's table is PROBLEM_CODES, row for row. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { PROBLEM_CODES, ProblemBudget } from '../../src/engine/problems';

it("the README's table of problem codes is the engine's, row for row", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const rows = readme
    .split('\n')
    .filter((l) => /^\| `[a-z0-9-]+` \| (error|warning) \|/.test(l))
    .map((l) => l.trim());
  const expected = Object.entries(PROBLEM_CODES).map(
    ([code, v]) => `| \`${code}\` | ${v.severity} | ${v.about} |`,
  );
  assert.deepEqual(rows, expected);
});

it('a problem budget keeps the first N in full and counts the rest per code', () => {
  const b = new ProblemBudget<number>(3);
  for (let i = 0; i < 10; i++) b.add(i % 2 === 0 ? 'invalid-json' : 'not-an-object', i);
  assert.deepEqual(b.kept, [0, 1, 2]);
  assert.deepEqual(
    [...b.omitted],
    [
      ['not-an-object', 4],
      ['invalid-json', 3],
    ],
  );
  assert.equal(b.total, 10);
  assert.equal(b.hasRoom, false);
});
