/**
 * Nothing outside the workspace is read, nothing is passed over silently, one unreadable file does
 * not stop the rest (issue 10, case 5 and the classes "nothing outside", "nothing skipped silently").
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertCleanStderr,
  ffLens,
  figures,
  fingerprint,
  fromScratch,
  tempDir,
  trace,
  traces,
  writeTree,
} from './harness';

let dir: string;
before(() => {
  dir = tempDir();
});
after(() => {
  // Undo the modes that keep even the clean-up out; `rm` copes with paths too long for one call.
  execFileSync('sh', ['-c', `chmod -R u+rwx "${dir}" 2>/dev/null; rm -rf "${dir}"`]);
});

interface Doc {
  inputs: {
    files: { path: string; records: number; problems: number }[];
    traces: { total: number };
    problems: { path: string; line: number | null; code: string; reason: string }[];
  };
}

/** Analyse `root` (as the unprivileged user where permissions matter); the document, checked for the usual. */
async function analyse(root: string, unprivileged = false): Promise<{ doc: Doc; json: string }> {
  const before = fingerprint(root);
  const r = await ffLens(['analyze', root, '--json', '-', '--no-index'], { unprivileged, timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  assertCleanStderr(r);
  assert.ok(r.ms < 20_000, `bounded time: ${r.ms} ms`);
  assert.deepEqual(fingerprint(root), before, 'the folder is untouched');
  return { doc: JSON.parse(r.stdout) as Doc, json: r.stdout };
}

const codes = (doc: Doc): string[] => doc.inputs.problems.map((p) => `${p.path} ${p.code}`);

describe('one unreadable file', () => {
  it('is a problem of that file, and every other file is analysed', async () => {
    const root = writeTree(path.join(dir, 'eacces'), {
      'runs/a/good_traces.jsonl': traces(0, 40),
      'runs/a/secret_traces.jsonl': traces(100, 140),
    });
    fs.chmodSync(path.join(root, 'runs/a/secret_traces.jsonl'), 0o000);
    const { doc } = await analyse(root, true);
    assert.equal(doc.inputs.traces.total, 40);
    assert.deepEqual(codes(doc), ['runs/a/secret_traces.jsonl unreadable-file']);
    assert.match(doc.inputs.problems[0]?.reason ?? '', /EACCES/);
    assert.deepEqual(
      doc.inputs.files.map((f) => [f.path, f.records, f.problems]),
      [
        ['runs/a/good_traces.jsonl', 40, 0],
        ['runs/a/secret_traces.jsonl', 0, 1],
      ],
    );
  });
});

describe('nothing outside the workspace is read', () => {
  it('links to .., to / and to a secrets file outside are not followed, and no message quotes their bytes', async () => {
    const outside = writeTree(path.join(dir, 'neighbour'), {
      'runs/x/leak_traces.jsonl': traces(500, 520),
      'secrets.env': 'AWS_SECRET_ACCESS_KEY=hunter2hunter2\n',
    });
    const root = writeTree(path.join(dir, 'links'), { 'runs/a/m_traces.jsonl': traces(0, 10) });
    fs.symlinkSync('..', path.join(root, 'up'));
    fs.symlinkSync('..', path.join(root, 'runs', 'back')); // the folder itself: inside, nothing to say
    fs.symlinkSync('/', path.join(root, 'runs', 'slash'));
    fs.symlinkSync(path.join(outside, 'secrets.env'), path.join(root, 'runs', 'a', 'secrets_traces.jsonl'));
    fs.symlinkSync(path.join(outside, 'runs'), path.join(root, 'runs', 'theirs'));
    // A link that stays inside is followed as before.
    fs.symlinkSync('a', path.join(root, 'runs', 'same'));
    const { doc, json } = await analyse(root);
    assert.equal(
      doc.inputs.traces.total,
      10,
      'only the folder’s own traces (the inner link sees the same file)',
    );
    assert.deepEqual(codes(doc), [
      'runs/a/secrets_traces.jsonl link-outside-workspace',
      'runs/slash link-outside-workspace',
      'runs/theirs link-outside-workspace',
      'up link-outside-workspace',
    ]);
    assert.doesNotMatch(json, /hunter2|AWS_SECRET/);
  });

  it('a line that is not JSON is quoted by a character at most, never by its content', async () => {
    const root = writeTree(path.join(dir, 'quote'), {
      'runs/a/m_traces.jsonl': `${trace(1)}\nAWS_SECRET_ACCESS_KEY=hunter2hunter2\n{"trace_id": "x", "model_id": hunter2hunter2}\n`,
    });
    const { json, doc } = await analyse(root);
    assert.doesNotMatch(json, /hunter2|AWS_SECRET/);
    assert.deepEqual(codes(doc), [
      'runs/a/m_traces.jsonl invalid-json',
      'runs/a/m_traces.jsonl invalid-json',
    ]);
  });
});

describe('nothing is passed over silently', () => {
  it('an unreadable folder, a name that is not UTF-8, a path too long, a dangling link and a FIFO are problems', async () => {
    const root = writeTree(path.join(dir, 'odd'), { 'runs/a/m_traces.jsonl': traces(0, 10) });
    writeTree(root, { 'runs/locked/l_traces.jsonl': traces(50, 60) });
    fs.chmodSync(path.join(root, 'runs/locked'), 0o000);
    // A name in Latin-1, not UTF-8.
    fs.writeFileSync(Buffer.from(path.join(root, 'runs/a/caf\xe9_traces.jsonl'), 'latin1'), traces(60, 70));
    // Deeper than a path can be opened: made one folder at a time from inside the last one.
    execFileSync(process.execPath, [
      '-e',
      `const fs=require('fs');process.chdir(${JSON.stringify(path.join(root, 'runs'))});for(let i=0;i<22;i++){fs.mkdirSync('${'d'.repeat(200)}');process.chdir('${'d'.repeat(200)}')}`,
    ]);
    fs.symlinkSync('nowhere.jsonl', path.join(root, 'runs/a/gone_traces.jsonl'));
    execFileSync('mkfifo', [path.join(root, 'runs/a/pipe_traces.jsonl')]);
    const { doc } = await analyse(root, true);
    assert.equal(doc.inputs.traces.total, 10);
    const found = codes(doc);
    assert.ok(found.includes('runs/locked unreadable-folder'), found.join('\n'));
    assert.ok(
      found.some((c) => /^runs\/a\/caf.*_traces\.jsonl name-not-utf8$/.test(c)),
      found.join('\n'),
    );
    assert.ok(found.includes('runs/a/gone_traces.jsonl dangling-link'), found.join('\n'));
    assert.ok(found.includes('runs/a/pipe_traces.jsonl not-a-regular-file'), found.join('\n'));
    assert.ok(
      found.some((c) => /^runs(\/d{200})+ path-too-long$/.test(c)),
      found.join('\n'),
    );
  });

  it('a corpus whose results is a view, and a verdict of an unexpected SQL type, are problems', async () => {
    const root = path.join(dir, 'views');
    fs.mkdirSync(root);
    const db = new Database(path.join(root, 'jailbreak_corpus.db'));
    db.exec(`
      CREATE TABLE models(id INTEGER PRIMARY KEY, name TEXT);
      CREATE TABLE evaluation_runs(id INTEGER PRIMARY KEY, model_id INTEGER);
      CREATE TABLE real_results(id INTEGER PRIMARY KEY, evaluation_run_id INTEGER, llm_verdict);
      CREATE VIEW results AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i AS id, 1 AS evaluation_run_id, 'COMPLIANCE' AS llm_verdict FROM n;
      INSERT INTO models VALUES (1, 'qwen3.5:2b');
      INSERT INTO evaluation_runs VALUES (1, 1);`);
    db.close();
    const viewDoc = (await analyse(root)).doc;
    assert.ok(codes(viewDoc).includes('jailbreak_corpus.db corpus-not-a-table'));
    assert.equal(viewDoc.inputs.traces.total, 0, 'the endless view is never read');

    const blob = path.join(dir, 'blob');
    fs.mkdirSync(blob);
    const b = new Database(path.join(blob, 'jailbreak_corpus.db'));
    b.exec(`
      CREATE TABLE models(id INTEGER PRIMARY KEY, name TEXT);
      CREATE TABLE evaluation_runs(id INTEGER PRIMARY KEY, model_id INTEGER);
      CREATE TABLE results(id INTEGER PRIMARY KEY, evaluation_run_id INTEGER, llm_verdict);
      INSERT INTO models VALUES (1, 'qwen3.5:2b');
      INSERT INTO evaluation_runs VALUES (1, 1);
      INSERT INTO results VALUES (1, 1, 'COMPLIANCE'), (2, 1, X'434f4d504c49414e4345'), (3, 1, 'REFUSAL');`);
    b.close();
    const blobDoc = (await analyse(blob)).doc;
    assert.ok(codes(blobDoc).includes('jailbreak_corpus.db corpus-bad-value'), codes(blobDoc).join('\n'));
    assert.equal(blobDoc.inputs.traces.total, 3);
    assert.match(
      blobDoc.inputs.problems.find((p) => p.code === 'corpus-bad-value')?.reason ?? '',
      /result 2: llm_verdict is a BLOB/,
    );
  });

  it('the figures over the good part equal a from-scratch run of the good part alone', async () => {
    const hostile = writeTree(path.join(dir, 'mixed'), {
      'runs/a/m_traces.jsonl': `${traces(0, 30)}not json at all\n${traces(30, 60)}`,
    });
    execFileSync('mkfifo', [path.join(hostile, 'runs/a/fifo_traces.jsonl')]);
    fs.symlinkSync('/etc', path.join(hostile, 'runs/etc'));
    const good = writeTree(path.join(dir, 'mixed-good'), { 'runs/a/m_traces.jsonl': traces(0, 60) });
    const { json } = await analyse(hostile);
    assert.deepEqual(figures(json), figures(await fromScratch(good)));
  });
});
