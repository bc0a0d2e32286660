/** The incremental index: what is read again, what is not, and what is rebuilt (a real SQLite file). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { withDefaults } from '../../src/engine/settings';
import Database from 'better-sqlite3';
import { PAGE_SIZE, SCHEMA_VERSION, TraceIndex } from '../../src/engine/index/traceIndex';
import {
  emptyRec,
  parseSegment,
  forEachRow,
  readRow,
  SEGMENT_COLUMNS,
  SEGMENT_STRIDE,
  SegmentBuilder,
  type Rec,
} from '../../src/engine/index/segment';
import { Workspace } from '../../src/engine/workspace';
import { jsonl, tempWorkspace, writeFile } from './workspaces';

const line = (i: number, model = 'qwen3.5:2b') => ({
  trace_id: `t${i}`,
  scenario_id: `S${i}`,
  model_id: model,
  attack_class: 'dan',
  response: `answer ${i}`,
  llm_verdict: i % 3 === 0 ? 'COMPLIANCE' : 'REFUSAL',
});

function setup(files: Record<string, string>) {
  const root = tempWorkspace(files);
  const indexPath = path.join(tempWorkspace({}), 'index.sqlite');
  const open = () => new Workspace(root, { settings: withDefaults({}), indexPath });
  return { root, indexPath, open };
}

const actions = (r: { files: { path: string; action: string; bytesRead: number }[] }) =>
  Object.fromEntries(r.files.map((f) => [f.path, f.action]));

describe('incremental index', () => {
  it('reads nothing again when nothing changed, in the same process or a new one', async () => {
    const { open } = setup({
      'runs/a/m_traces.jsonl': jsonl([line(1), line(2)]),
      'runs/b/n_traces.jsonl': jsonl([line(3, 'gemma3:4b')]),
    });
    let ws = open();
    const first = await ws.refresh();
    assert.equal(first.changed, true);
    assert.ok(first.bytesRead > 0);
    ws.close();
    ws = open();
    const second = await ws.refresh();
    assert.equal(second.changed, false);
    assert.equal(second.bytesRead, 0);
    assert.equal(ws.analyse().document.inputs.traces.total, 3);
    ws.close();
  });

  it('an appended file reads only what was appended', async () => {
    const { root, open } = setup({
      'runs/a/m_traces.jsonl': jsonl([line(1), line(2)]),
      'runs/b/n_traces.jsonl': jsonl([line(3, 'gemma3:4b')]),
    });
    const ws = open();
    await ws.refresh();
    const extra = jsonl([line(4), line(5)]);
    fs.appendFileSync(path.join(root, 'runs/a/m_traces.jsonl'), extra);
    const r = await ws.refresh();
    assert.deepEqual(actions(r), { 'runs/a/m_traces.jsonl': 'append', 'runs/b/n_traces.jsonl': 'unchanged' });
    assert.equal(r.bytesRead, Buffer.byteLength(extra));
    const doc = ws.analyse().document;
    assert.equal(doc.inputs.traces.total, 5);
    assert.deepEqual(
      doc.inputs.files.map((f) => f.records),
      [4, 1],
    );
    ws.close();
  });

  it('a line still being written is a problem until it is finished, then a trace', async () => {
    const { root, open } = setup({ 'runs/a/m_traces.jsonl': jsonl([line(1)]) + '{"trace_id":"t2","scen' });
    const ws = open();
    await ws.refresh();
    let doc = ws.analyse().document;
    assert.equal(doc.inputs.traces.total, 1);
    assert.match(doc.inputs.problems[0]?.reason ?? '', /truncated last line/);
    fs.appendFileSync(
      path.join(root, 'runs/a/m_traces.jsonl'),
      'ario_id":"S2","model_id":"qwen3.5:2b","response":"x","llm_verdict":"REFUSAL"}\n',
    );
    const r = await ws.refresh();
    assert.equal(actions(r)['runs/a/m_traces.jsonl'], 'append');
    doc = ws.analyse().document;
    assert.equal(doc.inputs.traces.total, 2);
    assert.deepEqual(doc.inputs.problems, []);
    assert.equal(ws.analyse().traceSet.traces[1]?.line, 2);
    ws.close();
  });

  it('a last line without a newline that is complete JSON counts, and is read again when the file grows', async () => {
    const { root, open } = setup({ 'runs/a/m_traces.jsonl': JSON.stringify(line(1)) });
    const ws = open();
    await ws.refresh();
    assert.equal(ws.analyse().document.inputs.traces.total, 1);
    fs.appendFileSync(path.join(root, 'runs/a/m_traces.jsonl'), '\n' + jsonl([line(2)]));
    await ws.refresh();
    const doc = ws.analyse().document;
    assert.equal(doc.inputs.traces.total, 2);
    assert.deepEqual(doc.inputs.problems, []);
    ws.close();
  });

  it("a deleted file's traces disappear; a rewritten file is read whole", async () => {
    const { root, open } = setup({
      'runs/a/m_traces.jsonl': jsonl([line(1), line(2)]),
      'runs/b/n_traces.jsonl': jsonl([line(3, 'gemma3:4b')]),
    });
    const ws = open();
    await ws.refresh();
    fs.rmSync(path.join(root, 'runs/b/n_traces.jsonl'));
    writeFile(root, 'runs/a/m_traces.jsonl', jsonl([line(7)]));
    const r = await ws.refresh();
    assert.deepEqual(actions(r), { 'runs/b/n_traces.jsonl': 'removed', 'runs/a/m_traces.jsonl': 'full' });
    assert.deepEqual(
      ws.analyse().traceSet.traces.map((t) => t.id),
      ['t7'],
    );
    ws.close();
  });

  it('same size, new content: the content hash tells', async () => {
    const { root, open } = setup({ 'runs/a/m_traces.jsonl': jsonl([line(1), line(2)]) });
    const ws = open();
    await ws.refresh();
    const file = path.join(root, 'runs/a/m_traces.jsonl');
    const text = fs.readFileSync(file, 'utf8').replace('"REFUSAL"', '"PARTIAL"');
    assert.equal(Buffer.byteLength(text), fs.statSync(file).size);
    fs.writeFileSync(file, text);
    const r = await ws.refresh();
    assert.equal(actions(r)['runs/a/m_traces.jsonl'], 'full');
    assert.equal(ws.analyse().traceSet.traces[0]?.verdict?.label, 'PARTIAL');
    // Touched but identical: recognised by the hash and not parsed again.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    const r2 = await ws.refresh();
    assert.equal(actions(r2)['runs/a/m_traces.jsonl'], 'unchanged');
    ws.close();
  });

  it('an index of an older schema, of another folder, or corrupt is rebuilt', async () => {
    const { indexPath, open } = setup({ 'runs/a/m_traces.jsonl': jsonl([line(1)]) });
    let ws = open();
    await ws.refresh();
    ws.close();
    const idx = TraceIndex.open(indexPath, path.dirname(indexPath));
    assert.equal(idx.files().length, 0, 'another root: a fresh index');
    idx.close();
    ws = open();
    await ws.refresh();
    ws.close();
    const db = new Database(indexPath);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION - 1));
    db.close();
    ws = open();
    assert.equal((await ws.refresh()).changed, true, 'old schema: read again');
    ws.close();
    fs.writeFileSync(indexPath, Buffer.alloc(8192, 0x5a));
    fs.rmSync(`${indexPath}-wal`, { force: true });
    fs.rmSync(`${indexPath}-shm`, { force: true });
    ws = open();
    const r = await ws.refresh();
    assert.equal(r.changed, true, 'garbage: rebuilt');
    assert.equal(ws.analyse().document.inputs.traces.total, 1);
    ws.close();
  });

  it('a new index, on disk or in memory, has 16 KB pages (a cold commit writes a quarter of the frames), and its join-state rows are counted on an index', async () => {
    // Expected value: DECISIONS.md 76 (SQLite's default is 4,096 bytes).
    assert.equal(PAGE_SIZE, 16_384);
    const { indexPath, open } = setup({ 'runs/a/m_traces.jsonl': jsonl([line(1)]) });
    const ws = open();
    await ws.refresh();
    ws.close();
    const db = new Database(indexPath, { readonly: true });
    assert.equal(db.pragma('page_size', { simple: true }), PAGE_SIZE);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    // The join state's rows are counted on a small index, not by reading every bucket's large row.
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM buckets').all() as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /COVERING INDEX buckets_count/);
    db.close();
    const memory = TraceIndex.open(null, '/nowhere');
    assert.equal(memory.pageSize(), PAGE_SIZE);
    memory.close();
  });

  it('a new index is filled in place under a rollback journal and goes over to WAL at its first commit', () => {
    // Expected behaviour: DECISIONS.md 93. In WAL mode SQLite creates `-wal` as soon as the index is
    // opened; in rollback mode there is none until the first commit switched the index over.
    const { root, indexPath } = setup({});
    const index = TraceIndex.open(indexPath, root);
    assert.ok(!fs.existsSync(`${indexPath}-wal`), 'a new index is not in WAL mode before its first commit');
    index.begin();
    index.bumpGeneration();
    assert.ok(
      fs.existsSync(`${indexPath}-journal`),
      'the cold build writes in place, under a rollback journal',
    );
    index.commit();
    assert.ok(!fs.existsSync(`${indexPath}-journal`));
    index.begin();
    index.bumpGeneration();
    assert.ok(fs.existsSync(`${indexPath}-wal`), 'WAL mode from the first commit on');
    assert.ok(!fs.existsSync(`${indexPath}-journal`));
    index.commit();
    index.close();
    const db = new Database(indexPath, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get(), '2');
    db.close();
    // An index opened again is tuned to WAL at once.
    const again = TraceIndex.open(indexPath, root);
    assert.ok(fs.existsSync(`${indexPath}-wal`));
    again.close();
  });

  it('never writes to the workspace', async () => {
    const { root, open } = setup({
      'runs/a/m_traces.jsonl': jsonl([line(1)]),
      'data/s.jsonl': jsonl([{ id: 'S1' }]),
    });
    const list = () =>
      fs
        .readdirSync(root, { recursive: true, withFileTypes: true })
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
    const before = list().map((f) => [f, fs.statSync(f).mtimeMs]);
    const ws = open();
    await ws.refresh();
    ws.analyse();
    ws.close();
    assert.deepEqual(
      list().map((f) => [f, fs.statSync(f).mtimeMs]),
      before,
    );
  });
});

describe('segments', () => {
  it('every column of a row reads back as written (the builder writes SEGMENT_COLUMNS in order)', () => {
    // Expected values: the record itself. Each column gets a value no other column has, so a builder
    // that wrote two columns in each other's place, or left one out, fails here.
    const rows: Rec[] = [0, 1, 2].map((r) => {
      const rec = emptyRec() as Record<string, number | string | null>;
      SEGMENT_COLUMNS.forEach(([name, type], c) => {
        rec[name] = type === 'int' ? 1000 * r + c + 1 : `${name}-${r}`;
      });
      return rec as Rec;
    });
    const b = new SegmentBuilder();
    b.add(rows[0] as Rec);
    const { line, offset, length, ...fields } = rows[1] as Rec;
    b.addAt(line, offset, length, fields);
    b.add({ line: 7, offset: 8, length: 9 }); // every other field absent: null, and 0 for an int
    const seg = parseSegment(b.json());
    const back = emptyRec();
    readRow(seg, 0, back);
    assert.deepEqual(back, rows[0]);
    readRow(seg, 1, back);
    assert.deepEqual(back, rows[1]);
    readRow(seg, 2, back);
    assert.deepEqual(back, { ...emptyRec(), line: 7, offset: 8, length: 9 });
    // The stored layout is the table's, read without readRow: builder and reader are both written
    // out by hand, and a pair that agreed on another order would pass the round trip above.
    const expected = [rows[0], rows[1], { ...emptyRec(), line: 7, offset: 8, length: 9 }] as Record<
      string,
      number | string | null
    >[];
    expected.forEach((rec, r) =>
      SEGMENT_COLUMNS.forEach(([name, type], c) => {
        const v = seg.rows[r * SEGMENT_STRIDE + c];
        assert.equal(
          type === 'dict' ? ((v as number) < 0 ? null : seg.dict[v as number]) : v,
          rec[name],
          name,
        );
      }),
    );
    const visited: Rec[] = [];
    forEachRow(seg, emptyRec(), (x) => visited.push({ ...x }));
    assert.deepEqual(visited, expected);
  });
});
