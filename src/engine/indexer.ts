/** Bring the index up to date with the workspace: read only what is new. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCorpus } from './corpusDb';
import { datasetOf, type DiscoveredFile } from './discover';
import { scanLines } from './jsonl';
import { extractLine, extractScenario, isObj } from './records';
import type { FileRow, TraceIndex } from './traceIndex';

const SAMPLE = 64 * 1024;
/** A file modified this close to when it was read may have changed within the same mtime tick. */
const RACY_MS = 2000;

export type FileAction = 'unchanged' | 'append' | 'full' | 'removed';

export interface UpdateReport {
  files: { path: string; action: FileAction; bytesRead: number }[];
  bytesRead: number;
  changed: boolean;
}

export interface Progress {
  (done: number, total: number, file: string): void;
}

export function updateIndex(
  index: TraceIndex,
  root: string,
  discovered: DiscoveredFile[],
  progress?: Progress,
): UpdateReport {
  const db = index.db;
  const known = new Map(index.files().map((f) => [f.path, f]));
  const report: UpdateReport = { files: [], bytesRead: 0, changed: false };
  const plans: { file: DiscoveredFile; st: fs.Stats; row: FileRow | undefined }[] = [];
  let totalBytes = 0;
  for (const file of discovered) {
    let st: fs.Stats;
    try {
      st = fs.statSync(path.join(root, file.path));
    } catch {
      continue; // vanished between discovery and now: treated as removed below
    }
    plans.push({ file, st, row: known.get(file.path) });
    totalBytes += st.size;
  }
  const removeFile = db.prepare('DELETE FROM files WHERE id = ?');
  const removeRecs = db.prepare('DELETE FROM recs WHERE file_id = ?');
  const removeProblems = db.prepare('DELETE FROM problems WHERE file_id = ?');
  const planned = new Set(plans.map((x) => x.file.path));
  for (const [p, row] of known) {
    if (planned.has(p)) continue;
    db.transaction(() => {
      removeRecs.run(row.id);
      removeProblems.run(row.id);
      removeFile.run(row.id);
    })();
    report.files.push({ path: p, action: 'removed', bytesRead: 0 });
    report.changed = true;
  }
  let done = 0;
  for (const { file, st, row } of plans) {
    const abs = path.join(root, file.path);
    let action: FileAction;
    let bytes = 0;
    if (file.kind === 'lineages') {
      action = row && row.size === st.size && row.mtimeMs === st.mtimeMs ? 'unchanged' : 'full';
      if (action === 'full') writeMeta(index, file, st, row, { consumed: 0, lines: 0, records: 0, complete: 1 });
    } else if (file.kind === 'database') {
      const sig = databaseSignature(abs, st);
      action = row && row.complete === 1 && row.headHash === sig ? 'unchanged' : 'full';
      if (action === 'full') indexDatabase(index, file, abs, st, row, sig);
    } else {
      const d = decide(abs, st, row, file);
      if (d === 'touch' && row) {
        index.db.prepare('UPDATE files SET mtime_ms = ?, indexed_at_ms = ? WHERE id = ?').run(st.mtimeMs, Date.now(), row.id);
        action = 'unchanged';
      } else if (d === 'unchanged') action = 'unchanged';
      else {
        action = d === 'append' ? 'append' : 'full';
        bytes = indexJsonl(index, file, abs, st, d === 'append' ? row : undefined, row);
      }
    }
    if (action !== 'unchanged') report.changed = true;
    report.bytesRead += bytes;
    report.files.push({ path: file.path, action, bytesRead: bytes });
    done += st.size;
    progress?.(done, totalBytes, file.path);
  }
  if (report.changed) index.bumpGeneration();
  return report;
}

function decide(
  abs: string,
  st: fs.Stats,
  row: FileRow | undefined,
  file: DiscoveredFile,
): 'unchanged' | 'touch' | 'append' | 'full' {
  if (!row || row.kind !== file.kind) return 'full';
  const racy = row.mtimeMs >= row.indexedAtMs - RACY_MS;
  if (st.size === row.size && st.mtimeMs === row.mtimeMs && !racy) return 'unchanged';
  if (st.size < row.consumed) return 'full';
  if (!samplesMatch(abs, row)) return 'full';
  if (st.size === row.size) {
    // Same size, different time (or a racy read): only a whole-content hash can tell.
    if (row.fullHash === null) return 'full';
    if (hashRange(abs, 0, row.consumed) !== row.fullHash) return 'full';
    // The consumed part is the same; an unfinished tail may have changed: re-read it.
    return st.size > row.consumed ? 'append' : 'touch';
  }
  return 'append';
}

function samplesMatch(abs: string, row: FileRow): boolean {
  if (row.consumed === 0) return true;
  const headLen = Math.min(SAMPLE, row.consumed);
  const tailStart = Math.max(0, row.consumed - SAMPLE);
  return hashRange(abs, 0, headLen) === row.headHash && hashRange(abs, tailStart, row.consumed) === row.tailHash;
}

function hashRange(abs: string, start: number, end: number): string {
  const h = createHash('sha1');
  const fd = fs.openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - start)));
    let pos = start;
    while (pos < end) {
      const got = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (got === 0) break;
      h.update(buf.subarray(0, got));
      pos += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

interface MetaUpdate {
  consumed: number;
  lines: number;
  records: number;
  complete: number;
  headHash?: string | null;
  tailHash?: string | null;
  fullHash?: string | null;
}

/** Insert or update the file's row; returns its id. */
function writeMeta(index: TraceIndex, file: DiscoveredFile, st: fs.Stats, row: FileRow | undefined, m: MetaUpdate): number {
  const values = [
    file.kind,
    datasetOf(file.path),
    st.size,
    st.mtimeMs,
    Date.now(),
    m.consumed,
    m.lines,
    m.headHash ?? null,
    m.tailHash ?? null,
    m.fullHash ?? null,
    m.records,
    m.complete,
  ];
  if (row) {
    index.db
      .prepare(
        `UPDATE files SET kind=?, dataset=?, size=?, mtime_ms=?, indexed_at_ms=?, consumed=?, lines=?,
         head_hash=?, tail_hash=?, full_hash=?, records=?, complete=? WHERE id=?`,
      )
      .run(...values, row.id);
    return row.id;
  }
  const info = index.db
    .prepare(
      `INSERT INTO files(path, kind, dataset, size, mtime_ms, indexed_at_ms, consumed, lines, head_hash, tail_hash,
       full_hash, records, complete) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run(file.path, ...values);
  return Number(info.lastInsertRowid);
}

const INSERT_REC = `INSERT OR REPLACE INTO recs(file_id, line, offset, length, tail, trace_id, scenario_id, model,
  attack_class, alt_class, variant, params, verdict, grader, response, preamble_id, dataset)
  VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`;

function isBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  if (text.length === 0) return true;
  if (c === 0x7b || c === 0x5b) return false; // `{` or `[`: the common case, decided without a scan
  return text.trim() === '';
}

function indexJsonl(
  index: TraceIndex,
  file: DiscoveredFile,
  abs: string,
  st: fs.Stats,
  appendRow: FileRow | undefined,
  existing: FileRow | undefined,
): number {
  const db = index.db;
  const start = appendRow ? appendRow.consumed : 0;
  const startLine = appendRow ? appendRow.lines : 0;
  const hash = appendRow ? undefined : createHash('sha1');
  const insert = db.prepare(INSERT_REC);
  const insertProblem = db.prepare('INSERT INTO problems(file_id, line, tail, reason) VALUES (?,?,?,?)');
  const scenarios = file.kind === 'scenarios';
  let bytes = 0;
  db.transaction(() => {
    let records = 0;
    let fileId: number;
    if (existing) {
      fileId = existing.id;
      if (appendRow) {
        const tailRecs = db.prepare('SELECT count(*) FROM recs WHERE file_id = ? AND tail = 1 AND (? = 0 OR scenario_id IS NOT NULL)').pluck().get(fileId, scenarios ? 1 : 0) as number;
        records = appendRow.records - tailRecs;
        db.prepare('DELETE FROM recs WHERE file_id = ? AND tail = 1').run(fileId);
        db.prepare('DELETE FROM problems WHERE file_id = ? AND tail = 1').run(fileId);
      } else {
        db.prepare('DELETE FROM recs WHERE file_id = ?').run(fileId);
        db.prepare('DELETE FROM problems WHERE file_id = ?').run(fileId);
      }
    } else {
      fileId = writeMeta(index, file, st, undefined, { consumed: 0, lines: 0, records: 0, complete: 0 });
    }
    const fd = fs.openSync(abs, 'r');
    let scan;
    try {
      scan = scanLines(
        fd,
        start,
        startLine,
        st.size,
        (line, offset, length, text, terminated) => {
          if (isBlank(text)) return;
          const tail = terminated ? 0 : 1;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (e) {
            const reason = terminated
              ? `invalid JSON: ${shortMessage(e)}`
              : 'truncated last line: no newline and not valid JSON (still being written?)';
            insertProblem.run(fileId, line, tail, reason);
            return;
          }
          if (!isObj(value)) {
            insertProblem.run(fileId, line, tail, `not a JSON object (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value})`);
            return;
          }
          if (scenarios) {
            const s = extractScenario(value);
            if (s.id !== null) records++;
            insert.run(fileId, line, offset, length, tail, null, s.id, null, s.attackClass, null, s.variant, null, null, null, 0, null, null);
            return;
          }
          const f = extractLine(value);
          records++;
          insert.run(
            fileId,
            line,
            offset,
            length,
            tail,
            f.traceId,
            f.scenarioId,
            f.model,
            f.attackClass,
            null,
            f.variant,
            f.params,
            f.verdict,
            f.grader,
            f.response,
            f.preambleId,
            null,
          );
        },
        hash,
      );
    } finally {
      fs.closeSync(fd);
    }
    bytes = st.size - start;
    const headLen = Math.min(SAMPLE, scan.consumed);
    writeMeta(index, file, st, { ...(existing ?? ({} as FileRow)), id: fileId }, {
      consumed: scan.consumed,
      lines: scan.lines,
      records,
      complete: 1,
      headHash: hashRange(abs, 0, headLen),
      tailHash: hashRange(abs, Math.max(0, scan.consumed - SAMPLE), scan.consumed),
      fullHash: hash ? hash.digest('hex') : null,
    });
  })();
  return bytes;
}

function shortMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
}

/** A database changes through its file and its write-ahead log. */
function databaseSignature(abs: string, st: fs.Stats): string {
  let wal = '';
  try {
    const w = fs.statSync(`${abs}-wal`);
    wal = `:${w.size}:${w.mtimeMs}`;
  } catch {
    // no WAL file
  }
  return `${st.size}:${st.mtimeMs}${wal}`;
}

function indexDatabase(
  index: TraceIndex,
  file: DiscoveredFile,
  abs: string,
  st: fs.Stats,
  row: FileRow | undefined,
  sig: string,
): void {
  const read = readCorpus(abs);
  const db = index.db;
  db.transaction(() => {
    const fileId = writeMeta(index, file, st, row, {
      consumed: 0,
      lines: 0,
      records: read.rows.length,
      complete: read.complete ? 1 : 0,
      headHash: sig,
    });
    db.prepare('DELETE FROM recs WHERE file_id = ?').run(fileId);
    db.prepare('DELETE FROM problems WHERE file_id = ?').run(fileId);
    const insert = db.prepare(INSERT_REC);
    for (const r of read.rows) {
      insert.run(fileId, r.id, 0, 0, 0, `db:${r.id}`, r.scenarioId, r.model, r.family, r.technique, null, r.params, r.verdict, r.grader, r.response, null, r.dataset);
    }
    const insertProblem = db.prepare('INSERT INTO problems(file_id, line, tail, reason) VALUES (?, NULL, 0, ?)');
    for (const p of read.problems) insertProblem.run(fileId, p);
  })();
}
