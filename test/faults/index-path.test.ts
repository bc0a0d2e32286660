/** `--index PATH` is never destructive: only an absent path or an ff-lens index is used (issue 10, case 1). */
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
  sansTime,
  tempDir,
} from './harness';

describe('--index refuses what is not an ff-lens index', () => {
  let dir: string;
  let root: string;
  let scratch: string;
  before(async () => {
    dir = tempDir();
    root = copyTree(DEMO, path.join(dir, 'ws'));
    scratch = await fromScratch(root);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const refused = async (target: string, why: RegExp): Promise<void> => {
    const folder = fingerprint(root);
    const r = await ffLens(['analyze', root, '--json', '-', '--index', target]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, why);
    assertCleanStderr(r);
    assert.deepEqual(fingerprint(root), folder, 'the analysed folder is untouched');
  };

  it('a notes file is left byte for byte', async () => {
    const notes = path.join(dir, 'notes.md');
    fs.writeFileSync(notes, '# my notes\nnothing to do with ff-lens\n');
    await refused(notes, /notes\.md exists and is not an ff-lens index/);
    assert.equal(fs.readFileSync(notes, 'utf8'), '# my notes\nnothing to do with ff-lens\n');
    assert.ok(!fs.existsSync(`${notes}-wal`) && !fs.existsSync(`${notes}.lock`));
  });

  it("the workspace's own corpus database is refused, and the results keep all its rows", async () => {
    const db = path.join(root, 'database', 'jailbreak_corpus.db');
    assert.ok(fs.existsSync(db), 'the demo has a corpus');
    await refused(db, /would be inside the analysed folder|is not an ff-lens index/);
    assert.equal(await fromScratch(root), scratch, 'the corpus still gives every trace it gave');
  });

  it('another SQLite database outside the folder is refused too', async () => {
    const other = path.join(dir, 'other.db');
    fs.copyFileSync(path.join(root, 'database', 'jailbreak_corpus.db'), other);
    const bytes = fs.readFileSync(other);
    await refused(other, /other\.db exists and is not an ff-lens index/);
    assert.deepEqual(fs.readFileSync(other), bytes);
  });

  it('a device node is refused and stays a device', async () => {
    // A device of the test's own (a copy of /dev/null's numbers) when it may make one: on code that
    // replaces what it is given, the machine's /dev/null would be the casualty.
    let device = '/dev/null';
    if (isRoot()) {
      device = path.join(dir, 'null-device');
      execFileSync('mknod', ['-m', '666', device, 'c', '1', '3']);
    }
    await refused(device, /exists and is not an ff-lens index/);
    assert.ok(fs.statSync(device).isCharacterDevice());
  });

  it('a path inside the analysed folder is refused: nothing is created there', async () => {
    await refused(path.join(root, 'runs', 'index.sqlite'), /would be inside the analysed folder/);
    assert.ok(!fs.existsSync(path.join(root, 'runs', 'index.sqlite')));
  });

  it('an absent path becomes an index, and an ff-lens index is reused', async () => {
    const index = path.join(dir, 'fresh', 'index.sqlite');
    const first = await ffLens(['analyze', root, '--json', '-', '--index', index]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(sansTime(first.stdout), scratch);
    const second = await ffLens(['analyze', root, '--json', '-', '--index', index]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /\(0 read/);
    assert.equal(sansTime(second.stdout), scratch);
  });
});
