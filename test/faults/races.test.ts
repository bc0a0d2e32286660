/**
 * Runs on one index at once, with files changing under them: they take turns, never fail with a
 * stack trace, and never count a record twice (issue 10, cases 2, 3 and 6). Real processes, no mocks.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertCleanStderr,
  ffLens,
  figures,
  fromScratch,
  REPO,
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

/** A workspace of `files` run files of `per` traces each. */
function workspace(name: string, files: number, per: number): string {
  const root = path.join(dir, name);
  for (let f = 0; f < files; f++)
    writeTree(root, {
      [`runs/d${f % 4}/m${f}_traces.jsonl`]: traces(
        f * per,
        (f + 1) * per,
        `qwen3.5:${[0.8, 2, 4, 9][f % 4]}b`,
      ),
    });
  return root;
}

describe('several runs on one index', () => {
  it('four runs at once, with lines appended meanwhile: each succeeds, and the index ends equal to a fresh read', async () => {
    const root = workspace('parallel', 24, 2000);
    const index = path.join(dir, 'parallel.sqlite');
    const target = path.join(root, 'runs/d0/m0_traces.jsonl');
    for (let round = 0; round < 3; round++) {
      const runs = [0, 1, 2, 3].map(() => ffLens(['analyze', root, '--json', '-', '--index', index]));
      // 50 new traces land while they run, in small writes.
      for (let k = 0; k < 10; k++) {
        await new Promise((r) => setTimeout(r, 15));
        const base = 1_000_000 + round * 1000 + k * 5;
        fs.appendFileSync(target, traces(base, base + 5));
      }
      for (const r of await Promise.all(runs)) {
        assert.equal(r.code, 0, r.stderr);
        assertCleanStderr(r);
      }
    }
    const last = await ffLens(['analyze', root, '--json', '-', '--index', index]);
    assert.equal(last.code, 0, last.stderr);
    const scratch = await fromScratch(root);
    assert.deepEqual(figures(last.stdout), figures(scratch), '150 appended traces counted once each');
    assert.equal(
      (JSON.parse(last.stdout) as { inputs: { traces: { total: number } } }).inputs.traces.total,
      24 * 2000 + 150,
    );
  });

  it('a run that cannot get the index within the wait says so in one line', async () => {
    const root = workspace('busy', 2, 10);
    const index = path.join(dir, 'busy.sqlite');
    // Another process holds the lock (as a long run would) for two seconds.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D=require(${JSON.stringify(path.join(REPO, 'node_modules/better-sqlite3'))});const d=new D(${JSON.stringify(`${index}.lock`)});d.exec('BEGIN EXCLUSIVE');process.stdout.write('held\\n');setTimeout(()=>{},2000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((res) => holder.stdout.once('data', () => res()));
    const r = await ffLens(['analyze', root, '--json', '-', '--index', index], {
      env: { FF_LENS_LOCK_WAIT_MS: '300' },
    });
    assert.equal(r.code, 1);
    assertCleanStderr(r);
    assert.match(
      r.stderr,
      /^ff-lens: the index .*busy\.sqlite is in use by another ff-lens run \(waited 0 s\); try again when it has finished\n$/m,
    );
    assert.equal(r.stdout, '');
    // Once it is released, a run waits its turn and succeeds.
    const waiting = ffLens(['analyze', root, '--json', '-', '--index', index]);
    await new Promise((res) => holder.on('close', res));
    const w = await waiting;
    assert.equal(w.code, 0, w.stderr);
    assert.equal(sansTime(w.stdout), await fromScratch(root));
  });
});

describe('a file changed in place is never taken for an append', () => {
  it('labels rewritten to the same length in the middle, then lines appended: every new figure is seen', async () => {
    const root = workspace('inplace', 1, 0);
    const file = path.join(root, 'runs/d0/m0_traces.jsonl');
    // 4,000 lines (~500 KB): the edit is far from both ends, beyond any sampled head or tail.
    const lines = Array.from({ length: 4000 }, (_, i) => trace(i, 'qwen3.5:2b', { llm_verdict: 'REFUSAL' }));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const index = path.join(dir, 'inplace.sqlite');
    assert.equal((await ffLens(['analyze', root, '--json', '-', '--index', index])).code, 0);
    // As `sed -i` on the same inode would (but keeping it): REFUSAL → PARTIAL in lines 1,500–2,499.
    const fd = fs.openSync(file, 'r+');
    const text = fs.readFileSync(file, 'utf8').split('\n');
    for (let i = 1500; i < 2500; i++) text[i] = (text[i] as string).replace('"REFUSAL"', '"PARTIAL"');
    fs.writeSync(fd, text.join('\n'), 0);
    fs.closeSync(fd);
    fs.appendFileSync(file, traces(9000, 9010));
    const r = await ffLens(['analyze', root, '--json', '-', '--index', index]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(figures(r.stdout), figures(await fromScratch(root)));
    const doc = JSON.parse(r.stdout) as { cells: { counts: { PARTIAL: number } }[] };
    assert.ok(doc.cells.reduce((s, c) => s + c.counts.PARTIAL, 0) >= 1000);
  });

  it('a same-size rewrite that puts the old modification time back is still seen', async () => {
    const root = workspace('sametime', 1, 300);
    const file = path.join(root, 'runs/d0/m0_traces.jsonl');
    const index = path.join(dir, 'sametime.sqlite');
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, old, old);
    assert.equal((await ffLens(['analyze', root, '--json', '-', '--index', index])).code, 0);
    const st = fs.statSync(file);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('"COMPLIANCE"', '"REFUSAL"   '));
    assert.equal(fs.statSync(file).size, st.size);
    fs.utimesSync(file, st.atime, st.mtime);
    const r = await ffLens(['analyze', root, '--json', '-', '--index', index]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(figures(r.stdout), figures(await fromScratch(root)));
  });
});

describe('files that vanish while they are read', () => {
  it('a deleter and a renamer at work during the runs: no run fails, and the last one equals a fresh read', async () => {
    const root = workspace('vanish', 60, 600);
    const index = path.join(dir, 'vanish.sqlite');
    let stop = false;
    const churn = (async () => {
      let k = 0;
      while (!stop) {
        const f = path.join(root, `runs/d${k % 4}/m${k % 60}_traces.jsonl`);
        try {
          if (k % 3 === 0) fs.rmSync(f);
          else if (k % 3 === 1) fs.renameSync(f, `${f}.moved`);
          else fs.writeFileSync(f, traces(k * 10, k * 10 + 600));
        } catch {
          // already gone
        }
        k++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    for (let i = 0; i < 6; i++) {
      const r = await ffLens(['analyze', root, '--json', '-', '--index', index]);
      assert.equal(r.code, 0, r.stderr);
      assertCleanStderr(r);
    }
    stop = true;
    await churn;
    const r = await ffLens(['analyze', root, '--json', '-', '--index', index]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(figures(r.stdout), figures(await fromScratch(root)));
  });
});
