/**
 * The line scanner against JSON.parse + records.ts on generated lines (lines.ts): same decision,
 * same reason text, same fields. The same for ParsedLines (parsedLines.ts: JSON.parse first, the
 * scanner for what it refuses), the reader of a little work on the calling thread. `npm test` runs the first 20,000 cases; `npm run test:property`
 * runs 1,000,000. FF_PROPERTY_CASES and FF_PROPERTY_SEED choose others; a failure names its case,
 * which `caseOf(seed, case)` writes again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { ParsedLines, type LineReader } from '../../src/engine/read/parsedLines';
import { LineScanner, skipsStrings } from '../../src/engine/read/scan';
import { caseOf, embed, Rng } from './lines';
import { expected, observed } from './oracle';

const CASES = Number(process.env.FF_PROPERTY_CASES ?? 20_000);
const SEED = Number(process.env.FF_PROPERTY_SEED ?? 1);

const preview = (b: Buffer): string =>
  JSON.stringify(b.length <= 600 ? b.toString('latin1') : `${b.subarray(0, 600).toString('latin1')}…`);

test(`the scanner and ParsedLines read ${CASES.toLocaleString('en')} generated lines as JSON.parse + extractLine do (seed ${SEED})`, () => {
  const readers: [string, LineReader][] = [
    ['scanner', new LineScanner()],
    ['ParsedLines', new ParsedLines()],
  ];
  const seen = new Map<string, number>();
  const count = (k: string): void => void seen.set(k, (seen.get(k) ?? 0) + 1);
  const failures: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < CASES; i++) {
    const c = caseOf(SEED, i);
    const { buf, start, end } = embed(new Rng(SEED + 1, i), c.bytes);
    count(skipsStrings(buf) ? 'in the skipper memory' : 'elsewhere');
    const want = expected(c.bytes, c.kind);
    let agree = true;
    for (const [name, reader] of readers) {
      let got: unknown;
      try {
        const scanned =
          c.kind === 'scenarios' ? reader.scenarioLine(buf, start, end) : reader.traceLine(buf, start, end);
        got = observed(scanned, buf, start, end);
      } catch (e) {
        got = { threw: e instanceof Error ? e.stack : String(e) };
      }
      if (isDeepStrictEqual(got, want)) continue;
      agree = false;
      if (failures.length < 5)
        failures.push(
          `${name}, case ${i} (seed ${SEED}, ${c.shape}, ${c.kind}): ${preview(c.bytes)}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`,
        );
      else if (failures.length === 5) failures.push('…');
    }
    if (!agree) continue;
    if (want === null) count('blank');
    else if ('problem' in want) count(want.problem.code);
    else {
      count('object');
      if ('response' in want.fields) count(`response ${want.fields.response}`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `# ${CASES} cases in ${seconds.toFixed(1)} s: ${[...seen].map(([k, n]) => `${k} ${n}`).join(', ')}\n`,
  );
  assert.deepEqual(failures, []);
  // The generator must keep reaching every outcome, or the agreement above says little.
  for (const outcome of [
    'blank',
    'object',
    'invalid-json',
    'not-an-object',
    'response 0',
    'response 1',
    'response 2',
    'in the skipper memory',
    'elsewhere',
  ])
    assert.ok(
      (seen.get(outcome) ?? 0) >= CASES / 500,
      `too few "${outcome}" cases: ${seen.get(outcome) ?? 0}`,
    );
});
