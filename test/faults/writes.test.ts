/**
 * Every write error is one line; an index that cannot be written stays in memory; signals reach the
 * process doing the work; `ff-lens variants` survives what it is given (issue 10, classes).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertCleanStderr,
  copyTree,
  DEMO,
  ffLens,
  fingerprint,
  fromScratch,
  isRoot,
  processesWith,
  sansTime,
  tempDir,
  traces,
  writeTree,
} from './harness';

let dir: string;
let root: string;
let scratch: string;
before(async () => {
  dir = tempDir();
  root = copyTree(DEMO, path.join(dir, 'ws'));
  scratch = await fromScratch(root);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a write that fails is one line and a non-zero exit, never a success line', () => {
  const failsToWrite = async (
    args: string[],
    target: RegExp,
    o: Parameters<typeof ffLens>[1] = {},
  ): Promise<void> => {
    const before = fingerprint(root);
    const r = await ffLens(['analyze', root, '--no-index', ...args], o);
    assert.notEqual(r.code, 0, r.stderr);
    assertCleanStderr(r);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('ff-lens: indexed'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', new RegExp(`^ff-lens: cannot write ${target.source}`));
    assert.doesNotMatch(r.stderr, /traces in \d+ files/, 'no summary line for a run that failed');
    assert.deepEqual(fingerprint(root), before);
  };

  it('into a folder that does not exist', () =>
    failsToWrite(['--json', path.join(dir, 'no', 'such', 'out.json')], /.*out\.json \(ENOENT\)/));
  it('onto a folder', () => failsToWrite(['--json', dir], /.* \(EISDIR\)/));
  it('on a full disk (/dev/full)', () => failsToWrite(['--markdown', '/dev/full'], /\/dev\/full \(ENOSPC\)/));
  it('into a read-only folder', async () => {
    const ro = path.join(dir, 'readonly');
    fs.mkdirSync(ro, { mode: 0o555 });
    fs.chmodSync(ro, 0o555);
    // As root, permissions do not bite: the run is made as the unprivileged user.
    await failsToWrite(['--json', path.join(ro, 'out.json')], /.*out\.json \(EACCES\)/, {
      unprivileged: true,
    });
  });
  it('into a pipe whose reader has gone', async () => {
    // `ff-lens analyze … --json - | head -c 0`: the shell closes the pipe at once.
    let out = '';
    try {
      execFileSync(
        'sh',
        [
          '-c',
          `"${process.execPath}" "${path.join(__dirname, '..', '..', 'bin', 'ff-lens.js')}" analyze "${root}" --no-index --json - | head -c 0; exit 0`,
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (e) {
      out = String((e as { stderr?: string }).stderr ?? e);
    }
    assert.equal(out, '');
    // The same, where the exit status and standard error can be read: stdout closed before the write.
    const r = await ffLens(['analyze', root, '--no-index', '--json', '-'], {
      onSpawn: (child) => child.stdout?.destroy(),
    });
    assertCleanStderr(r);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^ff-lens: cannot write standard output \(EPIPE\)\n$/m);
    assert.doesNotMatch(r.stderr, /traces in \d+ files/);
  });
});

describe('an index in a place that cannot be written stays in memory, with a warning', () => {
  it('under a path whose parent is a file', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const r = await ffLens(['analyze', root, '--json', '-', '--index', path.join(file, 'index.sqlite')]);
    assert.equal(r.code, 0, r.stderr);
    assertCleanStderr(r);
    assert.match(
      r.stderr,
      /^ff-lens: warning: cannot write the index at .*a-file\/index\.sqlite \((ENOTDIR|EEXIST)\); keeping it in memory for this run$/m,
    );
    assert.equal(sansTime(r.stdout), scratch);
  });

  it('in a cache folder the user cannot write', async () => {
    const cache = path.join(dir, 'cache-ro');
    fs.mkdirSync(cache, { mode: 0o555 });
    fs.chmodSync(cache, 0o555);
    const r = await ffLens(['analyze', root, '--json', '-'], {
      env: { XDG_CACHE_HOME: cache },
      unprivileged: true,
    });
    assert.equal(r.code, 0, r.stderr);
    assertCleanStderr(r);
    assert.match(
      r.stderr,
      /^ff-lens: warning: cannot write the index at .* \(EACCES\); keeping it in memory for this run$/m,
    );
    assert.equal(sansTime(r.stdout), scratch);
  });
});

describe('signals reach the real process', () => {
  // bin/ff-lens.js runs itself again on Node 22 when started on an older Node (the system's 20).
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (n) =>
      fs.existsSync(n) &&
      Number(execFileSync(n, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) < 22,
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(
      `${signal} to ff-lens on an older Node ends the Node 22 child too`,
      { skip: oldNode === undefined && 'no Node older than 22 here' },
      async () => {
        const big = tempDir();
        // Enough to keep the child busy for a while.
        for (let f = 0; f < 80; f++)
          writeTree(big, { [`runs/d${f}/m${f}_traces.jsonl`]: traces(f * 5000, f * 5000 + 5000) });
        let orphans: number[] | null = null;
        const r = await ffLens(['analyze', big, '--json', '-', '--no-index'], {
          node: oldNode,
          killAfterMs: 700,
          signal,
          // The moment the launcher is gone (its pipes may stay open as long as an orphan holds them).
          onSpawn: (child) => child.on('exit', () => (orphans = processesWith(big))),
        });
        assert.equal(r.signal, signal, `ended by the signal (code ${r.code}, stderr ${r.stderr})`);
        assert.deepEqual(orphans, [], 'no orphan left working on the folder');
        fs.rmSync(big, { recursive: true, force: true });
      },
    );
  }
});

describe('ff-lens variants', () => {
  const variants = (args: string[]) => ffLens(['variants', ...args]);

  it('a line nested 200,000 deep is skipped with a reason; the others are written', async () => {
    const file = path.join(dir, 'deep.jsonl');
    const deep = `{"id":"deep","prompt":"p","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    fs.writeFileSync(file, `{"id":"a","prompt":"hello"}\n${deep}\n{"id":"b","prompt":"bye"}\n`);
    const r = await variants([file]);
    assert.equal(r.code, 0, r.stderr);
    assertCleanStderr(r);
    assert.match(r.stderr, /deep\.jsonl:2: skipped: nested too deeply to write back/);
    const out = fs.readFileSync(path.join(dir, 'deep.dilution.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(
      out.map((l) => (JSON.parse(l) as { id: string }).id),
      ['a__dilution', 'b__dilution'],
    );
  });

  it('a folder, a missing file and a missing output folder are one line each', async () => {
    for (const [args, re] of [
      [[dir], /is not a regular file/],
      [[path.join(dir, 'nope.jsonl')], /no such file/],
      [
        [path.join(dir, 'deep.jsonl'), '--out', path.join(dir, 'no', 'where.jsonl'), '--force'],
        /cannot write .*where\.jsonl \(ENOENT\)/,
      ],
    ] as const) {
      const r = await variants([...args]);
      assert.notEqual(r.code, 0, r.stderr);
      assertCleanStderr(r);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, re);
    }
    assert.ok(!fs.existsSync(path.join(dir, 'no')));
  });

  it('an input larger than any string (520 MB) is read line by line', { timeout: 60_000 }, async () => {
    const file = path.join(dir, 'huge.jsonl');
    const head = '{"id":"first","prompt":"hello"}\n';
    const tail = '\n{"id":"last","prompt":"bye"}\n';
    fs.writeFileSync(file, head);
    // A sparse run of 520 MB of zero bytes between two scenarios: one line far over the line bound.
    fs.truncateSync(file, head.length + 520 * (1 << 20));
    fs.appendFileSync(file, tail);
    const r = await variants([file, '--out', '-']);
    assert.equal(r.code, 0, r.stderr);
    assertCleanStderr(r);
    assert.match(r.stderr, /huge\.jsonl:2: skipped: longer than \d+ MiB/);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
      ['first__dilution', 'last__dilution'],
    );
    assert.ok((r.peakMb ?? Infinity) < 400, `peak ${r.peakMb} MB`);
    fs.rmSync(file);
  });
});

if (!isRoot()) process.stderr.write('(fault suite: not root, permissions bite without switching user)\n');
