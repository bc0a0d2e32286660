/**
 * The index: what the analysis and the tree need of every line, and where each line lives
 * (file, line, byte offset), in segments of compact rows. Trace text stays in the researcher's files.
 */
import '../read/sqliteUri';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEGMENT_STRIDE, type Segment } from '../read/parse';

/** Parsed rows kept between writing and building traces: enough for a 100k-trace corpus, bounded memory beyond. */
const CACHE_ROWS = 150_000;
import type { FileKind } from '../settings';

/** Bump when the tables or what a row means change: an older index is rebuilt, not trusted. */
export const SCHEMA_VERSION = 6;

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
  /** crc32 of the first 64 KiB, of the 64 KiB before `consumed`, and of all of [0, consumed). */
  headCrc: number;
  tailCrc: number;
  fullCrc: number;
  /** A database's change signature (its file and write-ahead log). */
  signature: string | null;
  records: number;
  /** 0 when the last read failed (a locked database): read again next time. */
  complete: number;
}

const DDL = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, dataset TEXT NOT NULL,
  size INTEGER NOT NULL, mtime_ms REAL NOT NULL, indexed_at_ms REAL NOT NULL,
  consumed INTEGER NOT NULL, lines INTEGER NOT NULL, head_crc INTEGER NOT NULL, tail_crc INTEGER NOT NULL,
  full_crc INTEGER NOT NULL, signature TEXT, records INTEGER NOT NULL, complete INTEGER NOT NULL);
-- One segment per read of a file (a whole read, or what an append added): see parse.ts for its rows.
CREATE TABLE segments(file_id INTEGER NOT NULL, seq INTEGER NOT NULL, tail INTEGER NOT NULL,
  rows INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY(file_id, seq)) WITHOUT ROWID;
CREATE TABLE problems(file_id INTEGER NOT NULL, line INTEGER, tail INTEGER NOT NULL, reason TEXT NOT NULL,
  offset INTEGER, length INTEGER);
CREATE INDEX problems_file ON problems(file_id);
`;

export class TraceIndex {
  /**
   * Segments parsed by the writer, by file and seq, kept until the next read takes them: what was just
   * written is not parsed again, and nothing stays in memory after the traces are built.
   */
  private readonly segmentCache = new Map<number, Map<number, Segment>>();

  private constructor(
    readonly db: Database.Database,
    readonly location: string | null,
  ) {}

  /**
   * Keep parsed segments after they are read (a long-lived process that analyses again and again:
   * the language server), within the same row bound; a one-shot run lets them go once read.
   */
  keepSegments = false;

  /** A file's segments in order, from the cache or the database. */
  segments(fileId: number): Segment[] {
    const cached: Map<number, Segment> = this.segmentCache.get(fileId) ?? new Map<number, Segment>();
    if (!this.keepSegments) {
      this.segmentCache.delete(fileId);
      for (const seg of cached.values()) this.cachedRows -= seg.rows.length / SEGMENT_STRIDE;
    }
    const seqs = this.db
      .prepare('SELECT seq FROM segments WHERE file_id = ? ORDER BY seq')
      .pluck()
      .all(fileId) as number[];
    const load = this.db.prepare('SELECT data FROM segments WHERE file_id = ? AND seq = ?').pluck();
    const out: Segment[] = [];
    for (const seq of seqs) {
      let seg = cached.get(seq);
      if (!seg) {
        seg = JSON.parse(load.get(fileId, seq) as string) as Segment;
        if (this.keepSegments) this.cacheSegment(fileId, seq, seg);
      }
      out.push(seg);
    }
    return out;
  }

  /** Rows held in the cache; beyond CACHE_ROWS, segments are read back from the database instead. */
  private cachedRows = 0;

  /** Keep a segment just written (its JSON was parsed by the writer), while the cache is small. */
  cacheSegment(fileId: number, seq: number, segment: Segment): void {
    const rows = segment.rows.length / SEGMENT_STRIDE;
    if (this.cachedRows + rows > CACHE_ROWS) return;
    this.cachedRows += rows;
    let m = this.segmentCache.get(fileId);
    if (!m) {
      m = new Map<number, Segment>();
      this.segmentCache.set(fileId, m);
    }
    m.set(seq, segment);
  }

  /** Forget cached segments of a file: all of them, or those from `fromSeq` on. */
  forgetSegments(fileId: number, fromSeq = 0): void {
    const m = this.segmentCache.get(fileId);
    if (!m) return;
    for (const [seq, seg] of [...m]) {
      if (seq < fromSeq) continue;
      m.delete(seq);
      this.cachedRows -= seg.rows.length / SEGMENT_STRIDE;
    }
  }

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
    db.pragma('cache_size = -8000');
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
    return this.db
      .prepare(
        `SELECT id, path, kind, dataset, size, mtime_ms AS mtimeMs, indexed_at_ms AS indexedAtMs, consumed, lines,
           head_crc AS headCrc, tail_crc AS tailCrc, full_crc AS fullCrc, signature, records, complete FROM files`,
      )
      .all() as FileRow[];
  }

  generation(): number {
    return Number(this.db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get());
  }

  bumpGeneration(): void {
    this.db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'").run();
  }
}
