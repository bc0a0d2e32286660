/**
 * The two line readers of parse.ts give the same parse of a file: ParsedLines (JSON.parse first,
 * the scanner for what it refuses; a little work on the calling thread) and the scanner (parse
 * threads). Expected values: the scanner's own parse of the same bytes, itself held to JSON.parse +
 * records.ts by test/property. And which one a pool's calling thread uses.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseRange } from '../../src/engine/read/parse';
import { ParsePool } from '../../src/engine/read/pool';
import { tempWorkspace, wholeFileJob } from './workspaces';

const turnsLine = {
  trace_id: 'tr-1',
  model_id: 'qwen/qwen3.5-9b',
  input: { scenario: { id: 'S1', attack_class: 'reasoning_exploit', variant: 'diluted' } },
  turns: [
    { role: 'user', text: 'hi' },
    { role: 'assistant', content: [{ text: '  ' }, 'Sure', { type: 'x' }] },
  ],
  metadata: { parameter_count: '9B' },
  verdict: 'compliance',
};

/** Every kind of line a reader meets: objects along the fallbacks, hostile and broken ones. */
const hostile = Buffer.concat([
  Buffer.from(
    [
      JSON.stringify(turnsLine),
      JSON.stringify({
        scenario_id: 42,
        model: 'llama3:8b',
        llm_raw: 'Verdict: REFUSAL\nbecause',
        response: ' ',
      }),
      JSON.stringify({
        episode_id: 'E',
        model_id: 'm',
        agent_response: '[ERROR] timeout',
        parameter_count: 7e9,
      }),
      '{"trace_id":"dup","trace_id":"last wins","model_id":"m","response":"\\u00e9\\ud83d\\ude00 \\"q\\" <script>"}',
      '{"__proto__":{"model_id":"x"},"constructor":"c","model_id":"m2","verdict":"PARTIAL"}',
      '',
      '   \t ',
      '\u00a0\u00a0',
      '\ufeff{"model_id":"bom"}',
      '{"model_id":"crlf","response":"r"}\r',
      '[1,2,3]',
      'null',
      '"just a string"',
      '12.5e3',
      '{"model_id": "cut',
      '{"a":nul}',
      '{"a":1,}',
      '{"a":"\\x"}',
      '{"a":01}',
      '{"deep":' + '['.repeat(3000) + ']'.repeat(3000) + '}',
      '{"deeper":' + '['.repeat(3000) + ']'.repeat(2999) + '}',
      '{"id":"SC-1","attack_class":"role_play","variant":"baseline"}',
      '{"id":"  ","scenario_class":"x","technique_family":"y"}',
    ].join('\n') + '\n',
  ),
  // Invalid UTF-8 inside a string (JSON.parse sees U+FFFD), a control byte, then a cut last line.
  Buffer.from('{"model_id":"a\xff\xfeb","response":"ok"}\n', 'latin1'),
  Buffer.from('{"model_id":"tab\there"}\n'),
  Buffer.from('{"model_id":"tail","response":"not finished'),
]);

describe('line readers (parsedLines.ts)', () => {
  it('ParsedLines and the scanner give the same parse of a hostile file, for every kind and problem budget', () => {
    const root = tempWorkspace({
      'runs/d/lines.jsonl': hostile,
      'runs/d/ends.jsonl': hostile.subarray(0, -13),
    });
    try {
      for (const rel of ['runs/d/lines.jsonl', 'runs/d/ends.jsonl'])
        for (const kind of ['traces', 'graded', 'xgrader', 'scenarios'] as const)
          for (const budget of [100, 2, 0]) {
            const j = wholeFileJob(path.join(root, rel), rel, 'd', kind, budget);
            const scanned = parseRange(j, 'scanner');
            const parsed = parseRange(j, 'json-parse');
            assert.ok('body' in scanned, 'the file parses');
            assert.deepEqual(parsed, scanned, `${rel}, ${kind}, budget ${budget}`);
            if (budget === 100) {
              assert.ok(scanned.body.problems.length >= 10, 'broken lines are reported');
              // A scenario line is a record only with an id (one here); any object is a trace record.
              assert.equal(scanned.body.records, kind === 'scenarios' ? 1 : 10, 'objects are kept');
            }
          }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a pool reads a little work on the calling thread with ParsedLines, a lot with the scanner', () => {
    const before = process.env.FF_LENS_WORKERS;
    process.env.FF_LENS_WORKERS = 'never';
    try {
      assert.equal(ParsePool.forWork(1 << 20).inlineReader, 'json-parse');
      assert.equal(ParsePool.forWork((8 << 20) - 1).inlineReader, 'json-parse');
      assert.equal(ParsePool.forWork(8 << 20).inlineReader, 'scanner');
    } finally {
      if (before === undefined) delete process.env.FF_LENS_WORKERS;
      else process.env.FF_LENS_WORKERS = before;
    }
  });
});
