/**
 * The index: what the analysis and the tree need of every line, and where each line lives
 * (file, line, byte offset). Trace text stays in the researcher's files.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileKind } from './settings';

/** Bump when the tables or what a row means change: an older index is rebuilt, not trusted. */
export const SCHEMA_VERSION = 3;

export interface FileRow {
  id: number;
  path: string;
  kind: FileKind;
  dataset: string;
  size: number;
  mtimeMs: number;
  indexedAtMs: number;
  /** Bytes through the last newline; lines after it (an unfinished tail) are read again next time. */
  consumed: number;
  lines: number;
  headHash: string | null;
  tailHash: string | null;
  /** sha1 of bytes [0, consumed) when the file was last read whole; null after an append. */
  fullHash: string | null;
  records: number;
  /** 0 when the last read failed (a locked database): read again next time. */
  complete: number;
}

/** One indexed line (or corpus row: `line` is then `results.id`). */
export interface RecRow {
  fileId: number;
  line: number;
  offset: number;
  length: number;
  tail: number;
  traceId: string | null;
  scenarioId: string | null;
  model: string | null;
  attackClass: string | null;
  altClass: string | null;
  variant: string | null;
  params: string | null;
  verdict: string | null;
  grader: string | null;
  response: number;
  preambleId: string | null;
  /** Corpus rows only: `source_datasets.name` (a JSONL line's dataset is its file's). */
  dataset: string | null;
}

const DDL = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, dataset TEXT NOT NULL,
  size INTEGER NOT NULL, mtime_ms REAL NOT NULL, indexed_at_ms REAL NOT NULL,
  consumed INTEGER NOT NULL, lines INTEGER NOT NULL,
  head_hash TEXT, tail_hash TEXT, full_hash TEXT, records INTEGER NOT NULL, complete INTEGER NOT NULL);
CREATE TABLE recs(
  file_id INTEGER NOT NULL, line INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
  tail INTEGER NOT NULL, trace_id TEXT, scenario_id TEXT, model TEXT, attack_class TEXT, alt_class TEXT,
  variant TEXT, params TEXT, verdict TEXT, grader TEXT, response INTEGER NOT NULL, preamble_id TEXT, dataset TEXT,
  PRIMARY KEY(file_id, line)) WITHOUT ROWID;
CREATE INDEX recs_scenario ON recs(scenario_id);
CREATE TABLE problems(file_id INTEGER NOT NULL, line INTEGER, tail INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE INDEX problems_file ON problems(file_id);
`;

export class TraceIndex {
  private constructor(
    readonly db: Database.Database,
    readonly location: string | null,
  ) {}

  /**
   * Open (or create) the index for a workspace. `file` null keeps it in memory. An index written
   * by another schema, for another folder, or that SQLite cannot read is deleted and rebuilt.
   */
  static open(file: string | null, root: string): TraceIndex {
    if (file === null) return TraceIndex.create(new Database(':memory:'), null, root);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      const db = new Database(file, { timeout: 5000 });
      try {
        if (TraceIndex.isCurrent(db, root)) {
          TraceIndex.tune(db);
          return new TraceIndex(db, file);
        }
      } catch {
        // unreadable: fall through to rebuild
      }
      db.close();
    } catch {
      // not a database at all
    }
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
    return TraceIndex.create(new Database(file, { timeout: 5000 }), file, root);
  }

  private static isCurrent(db: Database.Database, root: string): boolean {
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    const meta = new Map(rows.map((r) => [r.key, r.value]));
    // Corruption deeper in the file surfaces as SQLITE_CORRUPT on use; Workspace rebuilds then.
    return meta.get('schema') === String(SCHEMA_VERSION) && meta.get('root') === root;
  }

  private static tune(db: Database.Database): void {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -32000');
    db.pragma('temp_store = MEMORY');
  }

  private static create(db: Database.Database, file: string | null, root: string): TraceIndex {
    TraceIndex.tune(db);
    db.exec(DDL);
    const put = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
    put.run('schema', String(SCHEMA_VERSION));
    put.run('root', root);
    put.run('generation', '0');
    return new TraceIndex(db, file);
  }

  close(): void {
    this.db.close();
  }

  files(): FileRow[] {
    return (
      this.db
        .prepare(
          `SELECT id, path, kind, dataset, size, mtime_ms AS mtimeMs, indexed_at_ms AS indexedAtMs, consumed, lines,
           head_hash AS headHash, tail_hash AS tailHash, full_hash AS fullHash, records, complete FROM files`,
        )
        .all() as FileRow[]
    );
  }

  generation(): number {
    return Number(this.db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get());
  }

  bumpGeneration(): void {
    this.db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'").run();
  }
}
