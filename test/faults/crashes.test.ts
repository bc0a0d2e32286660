/**
 * A run killed at any moment, and an index damaged in any way, never freezes or falsifies the figures
 * of a later run (issue 10, case 4; "a damaged index is rebuilt, whatever the damage").
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APPLICATION_ID } from '../../src/engine/index/traceIndex';
import {
  assertCleanStderr,
  copyTree,
  DEMO,
  ffLens,
  fromScratch,
  sansTime,
  tempDir,
  traces,
  type Run,
} from './harness';

let dir: string;
let root: string;
let scratch: string;
before(async () => {
  dir = tempDir();
  root = copyTree(DEMO, path.join(dir, 'ws'));
  // More than the demo, so that a run lasts long enough to be killed in every phase.
  for (let f = 0; f < 2; f++)
    fs.writeFileSync(
      path.join(root, 'runs', `extra${f}_traces.jsonl`),
      traces(f * 4000, (f + 1) * 4000, 'gemma3:27b'),
    );
  scratch = await fromScratch(root);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (index: string) => ffLens(['analyze', root, '--json', '-', '--index', index]);

describe('killed at many moments', () => {
  it('SIGKILL during creation, indexing, analysis or writing: the next run gives the figures of a fresh read', async () => {
    const full = await run(path.join(dir, 'timing.sqlite'));
    assert.equal(full.code, 0, full.stderr);
    // From the start of the process to past its end, in steps that fall in every phase.
    const moments = Array.from({ length: 16 }, (_, i) => Math.round((i * full.ms * 1.1) / 15));
    for (const [i, ms] of moments.entries()) {
      const index = path.join(dir, `kill${i}.sqlite`);
      const killed = await ffLens(['analyze', root, '--json', '-', '--index', index], { killAfterMs: ms });
      // and once more on the index as the first kill left it (an index being updated, not created)
      fs.appendFileSync(
        path.join(root, 'runs', 'extra0_traces.jsonl'),
        traces(900_000 + i * 10, 900_000 + i * 10 + 10, 'gemma3:27b'),
      );
      await ffLens(['analyze', root, '--json', '-', '--index', index], { killAfterMs: Math.round(ms / 2) });
      const after = await run(index);
      assert.equal(
        after.code,
        0,
        `after a kill at ${ms} ms (${killed.signal ?? killed.code}): ${after.stderr}`,
      );
      assertCleanStderr(after);
      assert.equal(sansTime(after.stdout), await fromScratch(root), `after a kill at ${ms} ms`);
    }
    scratch = await fromScratch(root);
  });

  it("a half-made index (tables but no meta rows, or a generation that is not a number, or join-state rows lost) or a file's row changed is rebuilt", async () => {
    for (const damage of [
      // The join state's rows are counted against its meta row (on the buckets' small index).
      (db: Database.Database) => db.exec('DELETE FROM buckets WHERE id = (SELECT min(id) FROM buckets)'),
      (db: Database.Database) => db.exec('DELETE FROM key_runs'),
      (db: Database.Database) => db.exec("DELETE FROM meta WHERE key = 'generation'"),
      (db: Database.Database) => db.exec("UPDATE meta SET value = 'NaN' WHERE key = 'generation'"),
      (db: Database.Database) => db.exec('DELETE FROM meta'),
      (db: Database.Database) => db.exec('DROP TABLE meta'),
      (db: Database.Database) => db.exec('DROP TABLE segments'),
      // A file's row says what was read of it: each column is under its checksum.
      (db: Database.Database) =>
        db.exec('UPDATE files SET records = records + 1 WHERE id = (SELECT min(id) FROM files)'),
      (db: Database.Database) =>
        db.exec('UPDATE files SET consumed = consumed - 1 WHERE id = (SELECT max(id) FROM files)'),
    ]) {
      const index = path.join(dir, 'half.sqlite');
      fs.rmSync(index, { force: true });
      assert.equal((await run(index)).code, 0);
      const db = new Database(index);
      damage(db);
      db.close();
      const r = await run(index);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /results unchanged/);
      assert.equal(sansTime(r.stdout), scratch);
    }
  });
});

/** A small deterministic generator (the suite must be reproducible). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A run that found the index damaged for `cause`, rebuilt it and ended well; `what` names the damage. */
function assertRebuiltFor(r: Run, cause: RegExp, what: string): void {
  assert.equal(r.code, 0, r.stderr);
  assertCleanStderr(r);
  const said = /was damaged \((.*)\); rebuilt/.exec(r.stderr);
  assert.ok(said, `${what}: no rebuild said in ${r.stderr}`);
  assert.match(said[1] ?? '', cause, what);
}

describe('an index damaged anywhere', () => {
  it('a segment row changed after it was written (its problems, its record count, its data, or gone) is caught where a join built from the whole index reads it', async () => {
    // Another attack-class source: the join state is built again from every segment of the index.
    const other = ['--attack-class-source', 'name'];
    const expected = await fromScratch(root, other);
    // The first segment of a trace file (the join reads those; a scenario file's, say, it does not).
    const first =
      "(SELECT min(s.id) FROM segments s JOIN files f ON f.id = s.file_id WHERE f.kind = 'traces')";
    const damages: [string, RegExp][] = [
      [
        `UPDATE segments SET problems = '{"kept":[],"omitted":{"x":1}}' WHERE id = ${first}`,
        /a segment of .* fails its checksum/,
      ],
      [`UPDATE segments SET records = records + 1 WHERE id = ${first}`, /a segment of .* fails its checksum/],
      // Still JSON, and still the same rows: only its checksum can tell.
      [`UPDATE segments SET data = data || ' ' WHERE id = ${first}`, /a segment of .* fails its checksum/],
      [`DELETE FROM segments WHERE id = ${first}`, /index of .* lost segments/],
    ];
    for (const [k, [damage, cause]] of damages.entries()) {
      const index = path.join(dir, `segment-row${k}.sqlite`);
      assert.equal((await run(index)).code, 0);
      const db = new Database(index);
      db.exec(damage);
      db.close();
      const r = await ffLens(['analyze', root, '--json', '-', '--index', index, ...other]);
      assertRebuiltFor(r, cause, damage);
      assert.equal(sansTime(r.stdout), expected, damage);
    }
  });

  it('a segment row changed after it was written is caught too when its file is rewritten and the segment taken away', async () => {
    const ws = copyTree(root, path.join(dir, 'segment-drop'));
    const index = path.join(dir, 'segment-drop.sqlite');
    assert.equal((await ffLens(['analyze', ws, '--json', '-', '--index', index])).code, 0);
    const db = new Database(index);
    // A problem the file never had: taking the segment away would count it off the file's problems.
    db.exec(
      `UPDATE segments SET problems = '{"kept":[[1,"missing-model","x",0,1,null]],"omitted":{}}'
       WHERE file_id = (SELECT id FROM files WHERE path LIKE '%extra1_traces.jsonl')`,
    );
    db.close();
    fs.writeFileSync(path.join(ws, 'runs', 'extra1_traces.jsonl'), traces(5000, 5100, 'gemma3:27b'));
    const r = await ffLens(['analyze', ws, '--json', '-', '--index', index]);
    assertRebuiltFor(r, /a segment of the index fails its checksum/, 'a rewritten file');
    assert.equal(sansTime(r.stdout), await fromScratch(ws));
  });

  it("the join state's rows changed after they were written (a bucket's places, keys, sizes or problems, a key run): an append that reads them rebuilds the index", async () => {
    const damages: [string, RegExp][] = [
      ["UPDATE buckets SET places = places || ' '", /a bucket of the join state fails its checksum/],
      ["UPDATE buckets SET keys = keys || x'00'", /a bucket of the join state fails its checksum/],
      ["UPDATE buckets SET params = params || ' '", /a bucket of the join state fails its checksum/],
      ["UPDATE buckets SET problems = problems || ' '", /a bucket of the join state fails its checksum/],
      ["UPDATE key_runs SET keys = keys || x'00'", /a key run of the join state fails its checksum/],
    ];
    for (const [k, [damage, cause]] of damages.entries()) {
      // A workspace of its own: the append changes it.
      const ws = copyTree(root, path.join(dir, `join-rows${k}`));
      const index = path.join(dir, `join-rows${k}.sqlite`);
      assert.equal((await ffLens(['analyze', ws, '--json', '-', '--index', index])).code, 0);
      const db = new Database(index);
      db.exec(damage);
      db.close();
      // Trace ids already in extra0: the join brings their components forward, reading their buckets.
      fs.appendFileSync(path.join(ws, 'runs', 'extra1_traces.jsonl'), traces(0, 10, 'gemma3:27b'));
      const r = await ffLens(['analyze', ws, '--json', '-', '--index', index]);
      assertRebuiltFor(r, cause, damage);
      assert.equal(sansTime(r.stdout), await fromScratch(ws), damage);
    }
  });

  it('bytes overwritten at random places (40 damages): every run still gives the figures of a fresh read', async () => {
    const good = path.join(dir, 'good.sqlite');
    assert.equal((await run(good)).code, 0);
    // Checkpointed, so that the damage hits the pages a later run reads.
    const db = new Database(good);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const pristine = fs.readFileSync(good);
    assert.equal(pristine.readUInt32BE(68), APPLICATION_ID);
    const random = rng(20261128);
    for (let k = 0; k < 40; k++) {
      const index = path.join(dir, `damaged${k}.sqlite`);
      const bytes = Buffer.from(pristine);
      const hits = 1 + Math.floor(random() * 8);
      for (let h = 0; h < hits; h++) {
        // past the header (which says whose file it is): anywhere in the pages
        const at = 100 + Math.floor(random() * (bytes.length - 100));
        const len = 1 + Math.floor(random() * 64);
        for (let j = at; j < Math.min(bytes.length, at + len); j++) bytes[j] = Math.floor(random() * 256);
      }
      fs.writeFileSync(index, bytes);
      const r = await run(index);
      assert.equal(r.code, 0, `damage ${k}: ${r.stderr}`);
      assertCleanStderr(r);
      assert.equal(sansTime(r.stdout), scratch, `damage ${k}`);
    }
  });
});
