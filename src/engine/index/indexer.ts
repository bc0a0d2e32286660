/** Bring the index up to date with the workspace: read only what is new. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCorpus } from '../read/corpusDb';
import { datasetOf, type DiscoveredFile } from '../read/discover';
import {
  crcOf,
  SAMPLE_BYTES as SAMPLE,
  SegmentBuilder,
  type ParseJob,
  type ParseResult,
  type Segment,
} from '../read/parse';
import { ParsePool } from '../read/pool';
import type { FileRow, TraceIndex } from './traceIndex';

/** A file modified this close to when it was read may have changed within the same mtime tick. */
const RACY_MS = 2000;

export type FileAction = 'unchanged' | 'append' | 'full' | 'removed';

export interface UpdateReport {
  files: { path: string; action: FileAction; bytesRead: number }[];
  bytesRead: number;
  changed: boolean;
  threads: number;
}

export type Progress = (done: number, total: number, file: string) => void;

type Plan = {
  file: DiscoveredFile;
  abs: string;
  st: fs.Stats;
  row: FileRow | undefined;
  action: 'unchanged' | 'touch' | 'append' | 'full';
};

export async function updateIndex(
  index: TraceIndex,
  root: string,
  discovered: DiscoveredFile[],
  progress?: Progress,
): Promise<UpdateReport> {
  const db = index.db;
  const known = new Map(index.files().map((f) => [f.path, f]));
  const report: UpdateReport = { files: [], bytesRead: 0, changed: false, threads: 0 };
  const plans: Plan[] = [];
  for (const file of discovered) {
    const abs = path.join(root, file.path);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      continue; // vanished since discovery: removed below
    }
    const row = known.get(file.path);
    plans.push({ file, abs, st, row, action: decide(abs, st, row, file) });
  }
  const planned = new Set(plans.map((p) => p.file.path));
  for (const [p, row] of known) {
    if (planned.has(p)) continue;
    db.transaction(() => {
      for (const t of ['segments', 'problems']) db.prepare(`DELETE FROM ${t} WHERE file_id = ?`).run(row.id);
      db.prepare('DELETE FROM files WHERE id = ?').run(row.id);
    })();
    index.forgetSegments(row.id);
    report.files.push({ path: p, action: 'removed', bytesRead: 0 });
    report.changed = true;
  }
  const jsonl = plans
    .filter((p) => p.action === 'append' || p.action === 'full')
    .filter((p) => isJsonl(p.file));
  const toRead = jsonl.reduce(
    (s, p) => s + p.st.size - (p.action === 'append' ? (p.row as FileRow).consumed : 0),
    0,
  );
  const pool = ParsePool.forWork(toRead);
  report.threads = pool.threads;
  let done = 0;
  const total = plans.reduce((s, p) => s + p.st.size, 0);
  try {
    // Every parse is started at once (workers take them in turn); each result is written as it lands.
    const parses = new Map<Plan, Promise<ParseResult>>();
    for (const p of jsonl) parses.set(p, pool.run(jobFor(p)));
    for (const p of plans) {
      let action: FileAction = 'unchanged';
      let bytes = 0;
      if (p.action === 'touch' && p.row) {
        db.prepare('UPDATE files SET mtime_ms = ?, indexed_at_ms = ? WHERE id = ?').run(
          p.st.mtimeMs,
          Date.now(),
          p.row.id,
        );
      } else if (p.action === 'append' || p.action === 'full') {
        action = p.action;
        const parse = parses.get(p);
        if (parse) {
          writeParsed(index, p, await parse);
          bytes = p.st.size - (p.action === 'append' ? (p.row as FileRow).consumed : 0);
        } else if (p.file.kind === 'database') indexDatabase(index, p);
        else
          writeMeta(index, p, {
            consumed: 0,
            lines: 0,
            records: 0,
            complete: 1,
            headCrc: 0,
            tailCrc: 0,
            fullCrc: 0,
            signature: null,
          });
      }
      if (action !== 'unchanged') report.changed = true;
      report.bytesRead += bytes;
      report.files.push({ path: p.file.path, action, bytesRead: bytes });
      done += p.st.size;
      progress?.(done, total, p.file.path);
    }
  } finally {
    await pool.close();
  }
  if (report.changed) index.bumpGeneration();
  return report;
}

const isJsonl = (f: DiscoveredFile): boolean => f.kind !== 'database' && f.kind !== 'lineages';

function jobFor(p: Plan): ParseJob {
  const from = p.action === 'append' ? p.row : undefined;
  return {
    abs: p.abs,
    kind: p.file.kind,
    start: from?.consumed ?? 0,
    startLine: from?.lines ?? 0,
    end: p.st.size,
    crcSeed: from?.fullCrc ?? 0,
  };
}

function decide(abs: string, st: fs.Stats, row: FileRow | undefined, file: DiscoveredFile): Plan['action'] {
  if (!row || row.kind !== file.kind) return 'full';
  if (file.kind === 'database')
    return row.complete === 1 && row.signature === databaseSignature(abs, st) ? 'unchanged' : 'full';
  const racy = row.mtimeMs >= row.indexedAtMs - RACY_MS;
  if (st.size === row.size && st.mtimeMs === row.mtimeMs && !racy) return 'unchanged';
  if (file.kind === 'lineages') return 'full'; // read by the analysis itself; the row only notes the change
  if (st.size < row.consumed || !samplesMatch(abs, row)) return 'full';
  if (st.size === row.size) {
    // Same size, another time (or a racy read): only the content can tell.
    if (crcRange(abs, 0, row.consumed) !== row.fullCrc) return 'full';
    return st.size > row.consumed ? 'append' : 'touch'; // an unfinished last line is read again
  }
  return 'append';
}

function samplesMatch(abs: string, row: FileRow): boolean {
  if (row.consumed === 0) return true;
  return (
    crcRange(abs, 0, Math.min(SAMPLE, row.consumed)) === row.headCrc &&
    crcRange(abs, Math.max(0, row.consumed - SAMPLE), row.consumed) === row.tailCrc
  );
}

function crcRange(abs: string, start: number, end: number): number {
  const fd = fs.openSync(abs, 'r');
  try {
    return crcOf(fd, start, end);
  } finally {
    fs.closeSync(fd);
  }
}

interface MetaUpdate {
  consumed: number;
  lines: number;
  records: number;
  complete: number;
  headCrc: number;
  tailCrc: number;
  fullCrc: number;
  signature: string | null;
}

/** Insert or update the file's row; returns its id. */
function writeMeta(index: TraceIndex, p: Plan, m: MetaUpdate): number {
  const values = [
    p.file.kind,
    datasetOf(p.file.path),
    p.st.size,
    p.st.mtimeMs,
    Date.now(),
    m.consumed,
    m.lines,
    m.headCrc,
    m.tailCrc,
    m.fullCrc,
    m.signature,
    m.records,
    m.complete,
  ];
  if (p.row) {
    index.db
      .prepare(
        `UPDATE files SET kind=?, dataset=?, size=?, mtime_ms=?, indexed_at_ms=?, consumed=?, lines=?,
         head_crc=?, tail_crc=?, full_crc=?, signature=?, records=?, complete=? WHERE id=?`,
      )
      .run(...values, p.row.id);
    return p.row.id;
  }
  const info = index.db
    .prepare(
      `INSERT INTO files(path, kind, dataset, size, mtime_ms, indexed_at_ms, consumed, lines, head_crc, tail_crc,
       full_crc, signature, records, complete) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run(p.file.path, ...values);
  return Number(info.lastInsertRowid);
}

function writeParsed(index: TraceIndex, p: Plan, r: ParseResult): void {
  const db = index.db;
  const append = p.action === 'append' && p.row !== undefined;
  db.transaction(() => {
    let records = r.records + r.tailRecords;
    let fileId: number;
    if (p.row) {
      fileId = p.row.id;
      if (append) {
        // `rows` of a segment counts its usable records; the old unfinished tail is read again.
        const oldTail = db
          .prepare('SELECT COALESCE(SUM(rows), 0) FROM segments WHERE file_id = ? AND tail = 1')
          .pluck()
          .get(fileId) as number;
        records += p.row.records - oldTail;
        const tailSeq = db
          .prepare('SELECT MIN(seq) FROM segments WHERE file_id = ? AND tail = 1')
          .pluck()
          .get(fileId) as number | null;
        if (tailSeq !== null) index.forgetSegments(fileId, tailSeq);
        db.prepare('DELETE FROM segments WHERE file_id = ? AND tail = 1').run(fileId);
        db.prepare('DELETE FROM problems WHERE file_id = ? AND tail = 1').run(fileId);
      } else {
        index.forgetSegments(fileId);
        db.prepare('DELETE FROM segments WHERE file_id = ?').run(fileId);
        db.prepare('DELETE FROM problems WHERE file_id = ?').run(fileId);
      }
    } else
      fileId = writeMeta(index, p, {
        consumed: 0,
        lines: 0,
        records: 0,
        complete: 0,
        headCrc: 0,
        tailCrc: 0,
        fullCrc: 0,
        signature: null,
      });
    const nextSeq =
      (db
        .prepare('SELECT COALESCE(MAX(seq), -1) + 1 FROM segments WHERE file_id = ?')
        .pluck()
        .get(fileId) as number) ?? 0;
    const insert = db.prepare('INSERT INTO segments(file_id, seq, tail, rows, data) VALUES (?,?,?,?,?)');
    insert.run(fileId, nextSeq, 0, r.records, r.segment);
    index.cacheSegment(fileId, nextSeq, JSON.parse(r.segment) as Segment);
    if (r.tailSegment !== null) {
      insert.run(fileId, nextSeq + 1, 1, r.tailRecords, r.tailSegment);
      index.cacheSegment(fileId, nextSeq + 1, JSON.parse(r.tailSegment) as Segment);
    }
    const insertProblem = db.prepare(
      'INSERT INTO problems(file_id, line, tail, reason, offset, length) VALUES (?,?,?,?,?,?)',
    );
    for (const [line, tail, reason, offset, length] of r.problems)
      insertProblem.run(fileId, line, tail, reason, offset, length);
    writeMeta(
      index,
      { ...p, row: { ...(p.row as FileRow), id: fileId } },
      {
        consumed: r.consumed,
        lines: r.lines,
        records,
        complete: 1,
        headCrc: r.headCrc,
        tailCrc: r.tailCrc,
        fullCrc: r.crc,
        signature: null,
      },
    );
  })();
}

/** A database changes through its file and its write-ahead log. */
function databaseSignature(abs: string, st: fs.Stats): string {
  let wal = '';
  try {
    const w = fs.statSync(`${abs}-wal`);
    wal = `:${w.size}:${w.mtimeMs}`;
  } catch {
    // no write-ahead log
  }
  return `${st.size}:${st.mtimeMs}${wal}`;
}

function indexDatabase(index: TraceIndex, p: Plan): void {
  const read = readCorpus(p.abs);
  const db = index.db;
  const seg = new SegmentBuilder();
  for (const r of read.rows) {
    seg.add({
      ...r,
      line: r.id,
      offset: 0,
      length: 0,
      traceId: `db:${r.id}`,
      attackClass: r.family,
      altClass: r.technique,
    });
  }
  db.transaction(() => {
    const fileId = writeMeta(index, p, {
      consumed: 0,
      lines: 0,
      records: read.rows.length,
      complete: read.complete ? 1 : 0,
      headCrc: 0,
      tailCrc: 0,
      fullCrc: 0,
      signature: databaseSignature(p.abs, p.st),
    });
    index.forgetSegments(fileId);
    db.prepare('DELETE FROM segments WHERE file_id = ?').run(fileId);
    db.prepare('DELETE FROM problems WHERE file_id = ?').run(fileId);
    db.prepare('INSERT INTO segments(file_id, seq, tail, rows, data) VALUES (?, 0, 0, ?, ?)').run(
      fileId,
      read.rows.length,
      seg.json(),
    );
    const insertProblem = db.prepare(
      'INSERT INTO problems(file_id, line, tail, reason) VALUES (?, NULL, 0, ?)',
    );
    for (const reason of read.problems) insertProblem.run(fileId, reason);
  })();
}
