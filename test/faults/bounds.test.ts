/**
 * Time and memory stay bounded by the input's size, whatever is in it: a line of hundreds of
 * megabytes, millions of bad lines, patterns and padding built to make a regular expression
 * backtrack (issue 10, cases 7 and 8, and "time is linear in the input").
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_PROBLEMS_PER_FILE } from '../../src/engine/problems';
import {
  assertCleanStderr,
  ffLens,
  figures,
  fromScratch,
  sansTime,
  tempDir,
  trace,
  traces,
  writeTree,
} from './harness';

let dir: string;
before(() => {
  dir = tempDir();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Doc {
  inputs: {
    traces: { total: number };
    problems: { path: string; line: number | null; code: string }[];
    problems_omitted?: { path: string; code: string; count: number }[];
    files: { path: string; problems: number }[];
  };
}

describe('one line of hundreds of megabytes', () => {
  it(
    'a 600 MB line is reported as too long without being held; the lines around it are analysed',
    { timeout: 120_000 },
    async () => {
      const root = path.join(dir, 'long');
      const file = path.join(root, 'runs/a/m_traces.jsonl');
      writeTree(root, { 'runs/a/m_traces.jsonl': traces(0, 20) });
      // The long line: a JSON object whose response is 600 MB (made sparse, so the test writes little).
      const start = '{"trace_id":"huge","model_id":"qwen3.5:2b","response":"';
      fs.appendFileSync(file, start);
      const at = fs.statSync(file).size;
      fs.truncateSync(file, at + 600 * (1 << 20));
      fs.appendFileSync(file, `"}\n${traces(20, 40)}`);
      const r = await ffLens(['analyze', root, '--json', '-', '--no-index'], { timeoutMs: 100_000 });
      assert.equal(r.code, 0, r.stderr);
      assertCleanStderr(r);
      const doc = JSON.parse(r.stdout) as Doc;
      assert.equal(doc.inputs.traces.total, 40);
      assert.deepEqual(
        doc.inputs.problems.map((p) => [p.line, p.code]),
        [[21, 'line-too-long']],
      );
      assert.ok((r.peakMb ?? Infinity) < 500, `peak RSS ${r.peakMb} MB`);
      const good = writeTree(path.join(dir, 'long-good'), { 'runs/a/m_traces.jsonl': traces(0, 40) });
      assert.deepEqual(figures(r.stdout), figures(await fromScratch(good)));
      fs.rmSync(root, { recursive: true });
    },
  );
});

describe('millions of bad lines', () => {
  it(
    '4,500,000 junk lines: the first 1,000 problems in full, the rest counted; memory and output bounded',
    { timeout: 150_000 },
    async () => {
      const root = writeTree(path.join(dir, 'junk'), { 'runs/a/good_traces.jsonl': traces(0, 30) });
      const junk = Buffer.alloc(4_000_000 * 2, 'x\n');
      // and half a million that look like JSON until they break, which only a parse can tell
      writeTree(root, {
        'runs/a/junk_traces.jsonl': Buffer.concat([junk, Buffer.alloc(500_000 * 7, '{"a":x\n')]),
      });
      const r = await ffLens(['analyze', root, '--json', '-', '--no-index'], { timeoutMs: 140_000 });
      assert.equal(r.code, 0, r.stderr);
      assertCleanStderr(r);
      const doc = JSON.parse(r.stdout) as Doc;
      assert.equal(doc.inputs.traces.total, 30);
      assert.equal(doc.inputs.problems.length, MAX_PROBLEMS_PER_FILE);
      assert.deepEqual(doc.inputs.problems_omitted, [
        { path: 'runs/a/junk_traces.jsonl', code: 'invalid-json', count: 4_500_000 - MAX_PROBLEMS_PER_FILE },
      ]);
      assert.equal(doc.inputs.files.find((f) => f.path === 'runs/a/junk_traces.jsonl')?.problems, 4_500_000);
      assert.ok(r.stdout.length < 1 << 20, `document of ${r.stdout.length} bytes`);
      assert.ok((r.peakMb ?? Infinity) < 400, `peak RSS ${r.peakMb} MB`);
      const md = await ffLens(['analyze', root, '--markdown', '-', '--no-index'], { timeoutMs: 140_000 });
      assert.match(
        md.stdout,
        /runs\/a\/junk\\_traces\.jsonl: 4499000 more problems \(invalid-json\) beyond the first 1000 of this file/,
      );
      process.stderr.write(`(4,500,000 junk lines: ${r.ms} ms, peak ${r.peakMb?.toFixed(0)} MB)\n`);
    },
  );
});

describe('linear time', () => {
  it('a lineage pattern made to backtrack, against a long model id, does not hang the analysis', async () => {
    const longId = `${'a'.repeat(200_000)}!`;
    const root = writeTree(path.join(dir, 'redos'), {
      'runs/a/m_traces.jsonl': `${trace(1, longId)}\n${trace(2, 'qwen3.5:2b')}\n`,
      '.failure-first/lineages.json': JSON.stringify({
        lineages: [
          { name: 'Evil', members: [{ match: '(a+)+$' }, { match: '(x+x+)+y' }] },
          { name: 'Qwen 3.5', members: [{ match: 'qwen3\\.5[:-]\\d+(\\.\\d+)?b' }] },
          { name: 'Lookaround', members: [{ match: '(?<=a)b' }] },
        ],
      }),
    });
    const r = await ffLens(['analyze', root, '--json', '-', '--no-index'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
    const doc = JSON.parse(r.stdout) as Doc & { models: { key: string; lineage: string | null }[] };
    assert.equal(doc.models.find((m) => m.key === 'qwen3.5:2b')?.lineage, 'Qwen 3.5');
    // `(a+)+$` is found in "aaa…a!"? No: the id ends in "!". RE2 answers in linear time either way.
    assert.equal(doc.models.find((m) => m.key === longId)?.lineage, null);
    assert.ok(
      doc.inputs.problems.some((p) => p.code === 'lineage-regex-invalid'),
      'the look-behind is refused as a problem',
    );
  });

  it('fields padded with megabytes of blanks parse in linear time', async () => {
    const pad = ' '.repeat(2_000_000);
    const root = writeTree(path.join(dir, 'padding'), {
      'runs/a/m_traces.jsonl':
        [
          JSON.stringify({
            trace_id: 'p1',
            model_id: 'm',
            parameter_count: `${pad}~ ${pad}70${pad}B${pad}x`,
            llm_raw: `Verdict:${pad}`,
          }),
          JSON.stringify({
            trace_id: 'p2',
            model_id: 'm',
            llm_raw: `verdict${pad}:${pad}**${pad}"PARTIAL".`,
          }),
          JSON.stringify({
            trace_id: 'p3',
            model_id: `${pad}m${pad}`,
            response: pad,
            llm_verdict: `${pad}REFUSAL${pad}`,
          }),
          JSON.stringify({
            trace_id: 'p4',
            model_id: 'm',
            llm_raw: `Verdict: ${'.'.repeat(2_000_000)}x`,
            scenario_id: `${'_'.repeat(1_000_000)}__dilution${'_1'.repeat(500_000)}`,
          }),
        ].join('\n') + '\n',
    });
    const r = await ffLens(['analyze', root, '--json', '-', '--no-index'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
    const doc = JSON.parse(r.stdout) as { inputs: { traces: { total: number; evaluable: number } } };
    assert.equal(doc.inputs.traces.total, 4);
  });

  it('a model with more traces and verdicts than the join-state build keeps parsed at once builds in linear time', async () => {
    // 17,000 traces in one file and their verdicts in another: 34,000 records, more than the 30,000
    // rows the cold build keeps parsed. Each trace joins its verdict, so a bucket reads the two files
    // in turn; the build once let one go at every read and parsed it again (minutes, not seconds).
    const n = 17_000;
    const lines: string[] = [];
    const verdicts: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(
        JSON.stringify({
          trace_id: `big-${i}`,
          scenario_id: `S${i}`,
          model_id: 'qwen3.5:2b',
          attack_class: i % 3 === 0 ? 'dan' : 'crescendo',
          response: `answer ${i}`,
        }),
      );
      verdicts.push(
        JSON.stringify({ trace_id: `big-${i}`, llm_verdict: i % 4 === 0 ? 'COMPLIANCE' : 'REFUSAL' }),
      );
    }
    const root = writeTree(path.join(dir, 'big-model'), {
      'runs/a/qwen_traces.jsonl': `${lines.join('\n')}\n`,
      'runs/a/flip_graded_qwen.jsonl': `${verdicts.join('\n')}\n`,
      'runs/a/other_traces.jsonl': traces(0, 40, 'gemma3:4b'),
    });
    const index = path.join(dir, 'big-model.sqlite');
    const r = await ffLens(['analyze', root, '--json', '-', '--index', index, '--timings'], {
      timeoutMs: 90_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 20_000, `${r.ms} ms`);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.equal(doc.inputs.traces.total, n + 40);
    // Expected value: the same analysis without an index (a plain join, no join state).
    assert.equal(sansTime(r.stdout), await fromScratch(root));
  });
});
