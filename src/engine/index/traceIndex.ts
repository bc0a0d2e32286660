/**
 * The index: what the analysis and the tree need of every line, and where each line lives (file,
 * line, byte offset), in segments of compact rows. Trace text stays in the researcher's files.
 *
 * This module owns the schema and every SQL statement on it. Every row carries a checksum of its
 * values: a damaged index is detected and rebuilt, never trusted (ANALYSIS.md §8: no figure from a
 * stale or broken cache).
 */
import '../read/sqliteUri';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { ProblemCode } from '../problems';
import type { LineageMemo } from '../analyse/lineageMap';
import type { FileKind } from '../settings';
import { parseSegment, SEGMENT_STRIDE, type Segment } from './segment';

/** Bump when the tables or what a row means change: an older index is rebuilt, not trusted. */
export const SCHEMA_VERSION = 10;

/** `PRAGMA application_id` of an ff-lens index ("FFLI"): how a file is recognised as one before it is touched. */
export const APPLICATION_ID = 0x46464c49;
/**
 * Bytes per page of a new index. A cold run writes ~10 MB in one transaction; SQLite writes a WAL
 * frame (one system call) per page at the commit, and at 4 KB (SQLite's default) the commit of the
 * short bench corpus took ~33 ms and the segment writes ~100 ms, at 16 KB ~5 ms and ~70 ms. A warm
 * run reads a little more per page (+0–2 ms). An existing index keeps the size it was made with.
 */
export const PAGE_SIZE = 16_384;

/** Parsed rows kept between writing and building traces: enough for a 100k-trace corpus, bounded memory beyond. */
const CACHE_ROWS = 150_000;

/** The index cannot be trusted (a checksum, a meta row or SQLite itself says so): rebuild it. */
export class IndexDamaged extends Error {}

/** `--index PATH` names something that is not an ff-lens index: it is never touched. */
export class IndexRefused extends Error {}

export interface FileRow {
  id: number;
  path: string;
  kind: FileKind;
  dataset: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
  indexedAtMs: number;
  /** Bytes through the last newline; lines after it (an unfinished tail) are read again next time. */
  consumed: number;
  lines: number;
  /** crc32 of all of [0, consumed): an append is only an append when this prefix is unchanged. */
  crc: number;
  /** crc32 of all of [0, size) when it was read (the unfinished last line included; the whole lineage map). */
  wholeCrc: number;
  /** A database's change signature (its file and write-ahead log). */
  signature: string | null;
  /** Usable records of the file (scenario files: lines with an id). */
  records: number;
  /** Segments stored for the file, and problems kept in full across them: checked when they are read. */
  segments: number;
  problemsKept: number;
  /** 0 when the last read failed (a locked database, an unreadable file): read again next time. */
  complete: number;
}

/** A problem as stored with its segment: [line (null: the file), code, reason, offset, length, column, corpus row]. */
export type StoredProblem = [
  line: number | null,
  code: ProblemCode,
  reason: string,
  offset: number | null,
  length: number | null,
  column: number | null,
  row?: number | null,
];

/** One read of a file as the indexer writes it. */
export interface SegmentWrite {
  tail: boolean;
  records: number;
  /** JSON of a Segment. */
  data: string;
  problems: StoredProblem[];
  /** Problems beyond the per-file bound, counted per code. */
  omitted: Partial<Record<ProblemCode, number>>;
}

export interface IndexedProblem {
  fileId: number;
  path: string;
  line: number | null;
  code: ProblemCode;
  reason: string;
  offset: number | null;
  length: number | null;
  column: number | null;
  row: number | null;
}

/** A segment's problems column when it has none (what addSegment stores for an empty list). */
const NO_SEGMENT_PROBLEMS = '{"kept":[],"omitted":{}}';

const DDL = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- A file's id is never given to another file: the join state (buckets) names files by id.
CREATE TABLE files(
  id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, dataset TEXT NOT NULL,
  size INTEGER NOT NULL, mtime_ms REAL NOT NULL, ctime_ms REAL NOT NULL, ino REAL NOT NULL, dev REAL NOT NULL,
  indexed_at_ms REAL NOT NULL, consumed INTEGER NOT NULL, lines INTEGER NOT NULL, crc INTEGER NOT NULL,
  whole_crc INTEGER NOT NULL,
  signature TEXT, records INTEGER NOT NULL, segments INTEGER NOT NULL, problems_kept INTEGER NOT NULL,
  complete INTEGER NOT NULL, check_crc INTEGER NOT NULL);
-- One segment per read of a file (a whole read, or what an append added); ids only grow, so a cached
-- segment is never mistaken for a newer one with the same place.
-- data_crc lets the problems be checked without reading the data; the data comes last, so that
-- reading the other columns never walks its overflow pages.
CREATE TABLE segments(id INTEGER PRIMARY KEY AUTOINCREMENT, file_id INTEGER NOT NULL, tail INTEGER NOT NULL,
  records INTEGER NOT NULL, data_crc INTEGER NOT NULL, problems TEXT NOT NULL, check_crc INTEGER NOT NULL,
  data TEXT NOT NULL);
CREATE INDEX segments_file ON segments(file_id, id);
-- The incremental join (analyse/persistedJoin.ts): components of records (their places and keys)
-- packed into buckets, each with the problems and size candidates of its join; key_runs map key
-- hashes to buckets. Ids are given by the join state (never one twice) and are part of each row's
-- checksum; places_crc and keys_crc let params and problems be checked alone.
CREATE TABLE buckets(id INTEGER PRIMARY KEY, places_crc INTEGER NOT NULL, keys_crc INTEGER NOT NULL,
  params TEXT NOT NULL, problems TEXT NOT NULL, check_crc INTEGER NOT NULL, places TEXT NOT NULL,
  keys BLOB NOT NULL);
CREATE TABLE key_runs(id INTEGER PRIMARY KEY, keys BLOB NOT NULL, check_crc INTEGER NOT NULL);
CREATE INDEX buckets_count ON buckets(check_crc);
-- Only the rows with problems: the problems of a clean workspace are read without visiting a row
-- (a scan read every segment's and every bucket's page: ~3 ms each on the default bench corpus).
CREATE INDEX segments_problems ON segments(file_id, id) WHERE problems != '${NO_SEGMENT_PROBLEMS}';
CREATE INDEX buckets_problems ON buckets(id) WHERE problems != '[]';
`;

const FILE_COLUMNS = `id, path, kind, dataset, size, mtime_ms AS mtimeMs, ctime_ms AS ctimeMs, ino, dev,
  indexed_at_ms AS indexedAtMs, consumed, lines, crc, whole_crc AS wholeCrc, signature, records, segments, problems_kept AS problemsKept,
  complete, check_crc AS checkCrc`;

const crcOfText = (s: string): number => zlib.crc32(s);

/** A file row's values in the column order of `files` (after `path`): written, and checksummed, as one list. */
function fileValues(f: Omit<FileRow, 'id'>): (string | number | null)[] {
  return [
    f.kind,
    f.dataset,
    f.size,
    f.mtimeMs,
    f.ctimeMs,
    f.ino,
    f.dev,
    f.indexedAtMs,
    f.consumed,
    f.lines,
    f.crc,
    f.wholeCrc,
    f.signature,
    f.records,
    f.segments,
    f.problemsKept,
    f.complete,
  ];
}

const fileCheck = (f: Omit<FileRow, 'id'>): number => crcOfText(JSON.stringify([f.path, ...fileValues(f)]));

const segmentCheck = (
  fileId: number,
  tail: number,
  records: number,
  dataCrc: number,
  problems: string,
): number => zlib.crc32(problems, crcOfText(`${fileId}:${tail}:${records}:${dataCrc}:`));

/** A segment's row without its data, as its checks read it. */
interface SegmentRow {
  id: number;
  fileId: number;
  tail: number;
  records: number;
  dataCrc: number;
  problems: string;
  checkCrc: number;
}

const SEGMENT_ROW =
  'id, file_id AS fileId, tail, records, data_crc AS dataCrc, problems, check_crc AS checkCrc';

/** A segment's row is whole and belongs to file `fileId` (its data's checksum is checked where it is read). */
const segmentRowHolds = (r: SegmentRow, fileId: number): boolean =>
  r.fileId === fileId && segmentCheck(r.fileId, r.tail, r.records, r.dataCrc, r.problems) === r.checkCrc;

const bucketCheck = (
  id: number,
  placesCrc: number,
  keysCrc: number,
  params: string,
  problems: string,
): number => zlib.crc32(problems, zlib.crc32(params, crcOfText(`${id}:${placesCrc}:${keysCrc}:`)));

/** A bucket of the join state as stored. */
export interface StoredBucket {
  id: number;
  places: string;
  keys: Buffer;
  params: string;
  problems: string;
}

interface StoredProblems {
  kept: StoredProblem[];
  omitted: Partial<Record<ProblemCode, number>>;
}

/** What a file at an index path is, judged from its first 100 bytes (the SQLite header) before SQLite opens it. */
function headerKind(file: string): 'absent' | 'ours' | 'sqlite' | 'other' {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Nothing there to refuse: whether one can be made there is for the caller to find out.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return 'absent';
    throw e;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return 'other';
    const b = Buffer.alloc(100);
    const got = fs.readSync(fd, b, 0, 100, 0);
    if (got < 100 || b.toString('latin1', 0, 16) !== 'SQLite format 3\0') return 'other';
    return b.readUInt32BE(68) === APPLICATION_ID ? 'ours' : 'sqlite';
  } finally {
    fs.closeSync(fd);
  }
}

/** An index of the schema before this one (no application id): it has our tables, so it may be rebuilt. */
function isOlderIndex(file: string): boolean {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const names = new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).map(
          String,
        ),
      );
      if (!names.has('meta') || !names.has('files') || !names.has('segments')) return false;
      const keys = new Set(db.prepare('SELECT key FROM meta').pluck().all() as string[]);
      return keys.has('schema') && keys.has('root');
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

function removeIndexFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

export class TraceIndex {
  /** Parsed segments by segment id; see keepSegments. */
  private readonly segmentCache = new Map<number, Segment>();
  /** Rows held in the cache; beyond CACHE_ROWS, segments are read back from the database instead. */
  private cachedRows = 0;
  /** Whether a transaction is open (writes of one refresh are one transaction). */
  private inTransaction = false;
  /** The join keys the parse computed for segments written in this transaction (analyse/joinKeys.ts). */
  private readonly pendingKeys = new Map<number, Float64Array>();

  /**
   * Keep parsed segments after they are read (a long-lived process that analyses again and again:
   * the language server), within the row bound; a one-shot run lets them go once read.
   */
  keepSegments = false;

  private constructor(
    private readonly db: Database.Database,
    readonly location: string | null,
  ) {}

  /** Statements are prepared once per connection: preparing costs more than running most of them. */
  private readonly statements = new Map<string, Database.Statement>();

  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /**
   * Open the index for a workspace, creating it when absent. `file` null keeps it in memory.
   * An index of another schema, another folder, or one that is damaged is rebuilt. A file that is
   * not an ff-lens index is refused (IndexRefused) when `explicit` (the user named it), and replaced
   * only when it lives at the default location in the cache folder, which is ours.
   */
  static open(file: string | null, root: string, explicit = false): TraceIndex {
    if (file === null) return TraceIndex.create(new Database(':memory:'), null, root);
    const kind = headerKind(file);
    if (explicit) TraceIndex.refuseForeign(file, kind);
    let why: string | null = null;
    if (kind === 'ours') {
      let db: Database.Database | null = null;
      try {
        db = new Database(file, { timeout: 5000, fileMustExist: true });
        TraceIndex.checkMeta(db, root);
        TraceIndex.tune(db);
        return new TraceIndex(db, file);
      } catch (e) {
        db?.close();
        if (!(e instanceof IndexDamaged) && !isSqliteDamage(e)) throw e;
        why = e instanceof Error ? e.message : String(e);
      }
    }
    const index = TraceIndex.rebuild(file, root);
    // Another schema or folder is routine; damage is worth a word to the user.
    if (why !== null && !/another (schema|folder)/.test(why)) index.rebuiltBecause = why;
    return index;
  }

  /** Why open() had to rebuild a damaged index, if it did. */
  rebuiltBecause: string | null = null;

  /** Throws IndexRefused unless `file` is absent or an ff-lens index (of this schema or an older one). */
  static refuseForeign(file: string, kind = headerKind(file)): void {
    if (kind === 'other' || (kind === 'sqlite' && !isOlderIndex(file)))
      throw new IndexRefused(`${file} exists and is not an ff-lens index; it is left as it is`);
  }

  /** Replace whatever is at `file` (known to be ours, or at our default location) with a new, empty index. */
  static rebuild(file: string, root: string): TraceIndex {
    removeIndexFiles(file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Created under another name and renamed into place once complete: a crash never leaves a half-made index.
    const fresh = `${file}.new`;
    removeIndexFiles(fresh);
    const db = new Database(fresh);
    try {
      db.pragma(`page_size = ${PAGE_SIZE}`); // before anything is written: it is fixed from then on
      db.pragma('journal_mode = DELETE');
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.transaction(() => TraceIndex.init(db, root))();
    } finally {
      db.close();
    }
    fs.renameSync(fresh, file);
    const opened = new Database(file, { timeout: 5000, fileMustExist: true });
    // Its first transaction, the cold build of everything, is written in place under a rollback
    // journal; the index goes over to WAL once it is committed (DECISIONS 93).
    TraceIndex.tune(opened, 'rollback');
    const index = new TraceIndex(opened, file);
    index.walAfterCommit = true;
    return index;
  }

  private static create(db: Database.Database, file: string | null, root: string): TraceIndex {
    db.pragma(`page_size = ${PAGE_SIZE}`);
    TraceIndex.tune(db);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.transaction(() => TraceIndex.init(db, root))();
    return new TraceIndex(db, file);
  }

  private static init(db: Database.Database, root: string): void {
    db.exec(DDL);
    const put = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
    put.run('schema', String(SCHEMA_VERSION));
    put.run('root', root);
    put.run('generation', '0');
  }

  /** The tables and indexes as this schema makes them (compared with a file's, so a half-made or altered one is rebuilt). */
  private static expectedSchema: string | null = null;

  private static schemaOf(db: Database.Database): string {
    return JSON.stringify(
      db
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .all(),
    );
  }

  /** The tables are this schema's, the meta rows say this schema, this folder, a whole-number generation. Anything else: damaged. */
  private static checkMeta(db: Database.Database, root: string): void {
    if (TraceIndex.expectedSchema === null) {
      const fresh = new Database(':memory:');
      fresh.exec(DDL);
      TraceIndex.expectedSchema = TraceIndex.schemaOf(fresh);
      fresh.close();
    }
    let rows: { key: unknown; value: unknown }[];
    try {
      if (TraceIndex.schemaOf(db) !== TraceIndex.expectedSchema)
        throw new IndexDamaged('index tables are not those of this schema');
      rows = db.prepare('SELECT key, value FROM meta').all() as { key: unknown; value: unknown }[];
    } catch (e) {
      if (e instanceof IndexDamaged || isSqliteDamage(e)) throw e;
      throw new IndexDamaged(`index cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    const meta = new Map(rows.map((r) => [String(r.key), String(r.value)]));
    if (meta.get('schema') !== String(SCHEMA_VERSION)) throw new IndexDamaged('index of another schema');
    if (meta.get('root') !== root) throw new IndexDamaged('index of another folder');
    if (!/^\d{1,15}$/.test(meta.get('generation') ?? ''))
      throw new IndexDamaged('index generation is not a number');
  }

  /**
   * `wal`: readers never wait for a writer, and a commit is not synced (the checkpoint is). `rollback`:
   * pages are written in place, once, and every commit is synced (FULL: the journal before the file).
   */
  private static tune(db: Database.Database, journal: 'wal' | 'rollback' = 'wal'): void {
    if (journal === 'wal') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    } else {
      db.pragma('journal_mode = DELETE');
      db.pragma('synchronous = FULL');
    }
    db.pragma('cache_size = -8000');
    db.pragma('temp_store = MEMORY');
  }

  /**
   * A new index (rebuild) is in rollback-journal mode until its first commit. In WAL mode the cold
   * build's ~10 MB went to the log at the commit and again into the file at the checkpoint when the
   * process closed the index, with both synced there (~25–35 ms of a cold run's end); in place they
   * are written once. Nobody else reads a new index meanwhile: it is made, filled and committed under
   * the index lock, and an index of the previous generation is another file.
   */
  private walAfterCommit = false;

  /** Bytes per page (PAGE_SIZE for an index made by this version). */
  pageSize(): number {
    return this.db.pragma('page_size', { simple: true }) as number;
  }

  close(): void {
    if (this.inTransaction) this.rollback();
    this.db.close();
  }

  // ------------------------------------------------------------------ transactions

  /** Start the one write transaction of a refresh (held across the awaits of parsing). */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.inTransaction = true;
  }

  commit(): void {
    this.db.exec('COMMIT');
    this.inTransaction = false;
    this.pendingKeys.clear();
    if (this.walAfterCommit) {
      try {
        TraceIndex.tune(this.db, 'wal');
        this.walAfterCommit = false;
      } catch (e) {
        // Another connection has it open (it cannot while the lock is held, but if one did): the
        // next commit tries again, and the next open switches it in any case.
        if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
      }
    }
  }

  rollback(): void {
    if (!this.inTransaction) return;
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // SQLite rolls back by itself after some errors
    }
    this.inTransaction = false;
    // What was cached from this transaction's writes is gone with it.
    this.segmentCache.clear();
    this.cachedRows = 0;
    this.pendingKeys.clear();
  }

  /** Run `read` on one consistent snapshot of the index (another process may be writing). */
  snapshot<T>(read: () => T): T {
    if (this.inTransaction) return read();
    this.db.exec('BEGIN');
    this.inTransaction = true;
    try {
      return read();
    } finally {
      this.db.exec('COMMIT');
      this.inTransaction = false;
    }
  }

  // ------------------------------------------------------------------ meta

  generation(): number {
    const v = this.stmt("SELECT value FROM meta WHERE key = 'generation'").pluck().get();
    const n = Number(v);
    if (typeof v !== 'string' || !Number.isSafeInteger(n) || n < 0)
      throw new IndexDamaged('index generation is not a number');
    return n;
  }

  bumpGeneration(): void {
    this.stmt(
      "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'",
    ).run();
  }

  /**
   * A meta value kept for a later run as `tag \n crc32 \n text` (the results document, the lineage
   * map's decisions): its text, when the tag matches and the checksum holds; otherwise null.
   */
  private checkedMeta(key: string, tag: string): string | null {
    const v = this.stmt('SELECT value FROM meta WHERE key = ?').pluck().get(key);
    if (typeof v !== 'string') return null;
    const a = v.indexOf('\n');
    const b = v.indexOf('\n', a + 1);
    if (a < 0 || b < 0 || v.slice(0, a) !== tag) return null;
    const text = v.slice(b + 1);
    return String(crcOfText(text)) === v.slice(a + 1, b) ? text : null;
  }

  private putCheckedMeta(key: string, tag: string, text: string): void {
    this.stmt('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(
      key,
      `${tag}\n${crcOfText(text)}\n${text}`,
    );
  }

  /** The stored results document, when its fingerprint matches and its checksum holds; otherwise null. */
  cachedResults(fingerprint: string): string | null {
    return this.checkedMeta('results', fingerprint);
  }

  storeResults(fingerprint: string, documentJson: string): void {
    this.putCheckedMeta('results', fingerprint, documentJson);
  }

  /**
   * The lineage map's decisions kept by an earlier run of this `engine` (lineageMap.ts), when their
   * checksum holds; otherwise null.
   */
  lineageMemo(engine: string): LineageMemo | null {
    const json = this.checkedMeta('lineages', engine);
    if (json === null) return null;
    try {
      return JSON.parse(json) as LineageMemo;
    } catch {
      return null;
    }
  }

  storeLineageMemo(engine: string, memo: LineageMemo): void {
    this.putCheckedMeta('lineages', engine, JSON.stringify(memo));
  }

  // ------------------------------------------------------------------ files

  files(): FileRow[] {
    const rows = this.stmt(`SELECT ${FILE_COLUMNS} FROM files`).all() as (FileRow & {
      checkCrc: number;
    })[];
    return rows.map(({ checkCrc, ...f }) => {
      if (fileCheck(f) !== checkCrc)
        throw new IndexDamaged(`index row of ${JSON.stringify(f.path)} fails its checksum`);
      return f;
    });
  }

  /** Insert or update a file's row (its id when it has one); returns the id. */
  putFile(f: Omit<FileRow, 'id'> & { id?: number }): number {
    const values = [...fileValues(f), fileCheck(f)];
    if (f.id !== undefined) {
      this.stmt(
        `UPDATE files SET path=?, kind=?, dataset=?, size=?, mtime_ms=?, ctime_ms=?, ino=?, dev=?, indexed_at_ms=?,
           consumed=?, lines=?, crc=?, whole_crc=?, signature=?, records=?, segments=?, problems_kept=?, complete=?, check_crc=? WHERE id=?`,
      ).run(f.path, ...values, f.id);
      return f.id;
    }
    const info = this.stmt(
      `INSERT INTO files(path, kind, dataset, size, mtime_ms, ctime_ms, ino, dev, indexed_at_ms, consumed, lines,
         crc, whole_crc, signature, records, segments, problems_kept, complete, check_crc)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ).run(f.path, ...values);
    return Number(info.lastInsertRowid);
  }

  removeFile(fileId: number, dropped?: Segment[]): void {
    this.dropSegments(fileId, false, dropped);
    this.stmt('DELETE FROM files WHERE id = ?').run(fileId);
  }

  // ------------------------------------------------------------------ segments

  /**
   * Delete a file's segments: all of them, or only its tail (the unfinished last line, read again).
   * `dropped`, when given, receives them as they were (the join state takes their records away).
   */
  dropSegments(
    fileId: number,
    tailOnly: boolean,
    dropped?: Segment[],
  ): { records: number; problemsKept: number; segments: number } {
    const rows = this.stmt(
      `SELECT ${SEGMENT_ROW} FROM segments WHERE file_id = ?${tailOnly ? ' AND tail = 1' : ''} ORDER BY id`,
    ).all(fileId) as SegmentRow[];
    let records = 0;
    let problemsKept = 0;
    for (const r of rows) {
      // What is taken away (its records, its problems' count) is what was written.
      if (!segmentRowHolds(r, fileId)) throw new IndexDamaged('a segment of the index fails its checksum');
      records += r.records;
      problemsKept += (JSON.parse(r.problems) as StoredProblems).kept.length;
      if (dropped) dropped.push(this.segmentOfRow(r, 'the index'));
      this.forget(r.id);
      this.pendingKeys.delete(r.id);
    }
    this.stmt(`DELETE FROM segments WHERE file_id = ?${tailOnly ? ' AND tail = 1' : ''}`).run(fileId);
    return { records, problemsKept, segments: rows.length };
  }

  /** A checked row's segment: from the cache, or its data read and checked against the row. */
  private segmentOfRow(r: SegmentRow, of: string): Segment {
    const cached = this.segmentCache.get(r.id);
    if (cached) return cached;
    const data = this.stmt('SELECT data FROM segments WHERE id = ?').pluck().get(r.id) as string;
    if (crcOfText(data) !== r.dataCrc) throw new IndexDamaged(`a segment of ${of} fails its checksum`);
    return parseSegment(data);
  }

  addSegment(fileId: number, s: SegmentWrite, parsed?: Segment): void {
    const problems = JSON.stringify({ kept: s.problems, omitted: s.omitted } satisfies StoredProblems);
    const tail = s.tail ? 1 : 0;
    const dataCrc = crcOfText(s.data);
    const info = this.stmt(
      'INSERT INTO segments(file_id, tail, records, data, data_crc, problems, check_crc) VALUES (?,?,?,?,?,?,?)',
    ).run(
      fileId,
      tail,
      s.records,
      s.data,
      dataCrc,
      problems,
      segmentCheck(fileId, tail, s.records, dataCrc, problems),
    );
    // What was just parsed is not parsed again by the analysis that follows (kept within the row bound).
    if (parsed) this.cache(Number(info.lastInsertRowid), parsed);
    if (parsed?.keys) this.pendingKeys.set(Number(info.lastInsertRowid), parsed.keys);
  }

  /** A file's segments in order, checked against their checksums and the file's row. */
  segments(file: FileRow): Segment[] {
    return this.segmentRows(file).map((r) => {
      const cached = this.segmentCache.has(r.id);
      const seg = this.segmentOfRow(r, JSON.stringify(file.path));
      if (!this.keepSegments) this.forget(r.id);
      else if (!cached) this.cache(r.id, seg);
      return seg;
    });
  }

  /**
   * A file's segment rows in order, without their data, each checked against its checksum and all
   * against the file's row (how many, how many records): the one place these checks are made.
   */
  private segmentRows(file: FileRow): SegmentRow[] {
    const rows = this.stmt(`SELECT ${SEGMENT_ROW} FROM segments WHERE file_id = ? ORDER BY id`).all(
      file.id,
    ) as SegmentRow[];
    let records = 0;
    for (const r of rows) {
      if (!segmentRowHolds(r, file.id))
        throw new IndexDamaged(`a segment of ${JSON.stringify(file.path)} fails its checksum`);
      records += r.records;
    }
    if (rows.length !== file.segments)
      throw new IndexDamaged(`index of ${JSON.stringify(file.path)} lost segments`);
    if (records !== file.records)
      throw new IndexDamaged(`index of ${JSON.stringify(file.path)} lost records`);
    return rows;
  }

  // ------------------------------------------------------------------ the join state

  /** The join state's summary (analyse/persistedJoin.ts), when its checksum holds; otherwise null. */
  joinMeta(): string | null {
    const v = this.stmt("SELECT value FROM meta WHERE key = 'join'").pluck().get();
    if (typeof v !== 'string') return null;
    const a = v.indexOf('\n');
    const json = v.slice(a + 1);
    if (a < 0 || String(crcOfText(json)) !== v.slice(0, a))
      throw new IndexDamaged('the join state fails its checksum');
    return json;
  }

  storeJoinMeta(json: string): void {
    this.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES ('join', ?)").run(
      `${crcOfText(json)}\n${json}`,
    );
  }

  /** Forget the join state (it is built again from the segments). */
  clearJoin(): void {
    this.stmt('DELETE FROM buckets').run();
    this.stmt('DELETE FROM key_runs').run();
    this.stmt("DELETE FROM meta WHERE key = 'join'").run();
  }

  /** The buckets with these ids that exist, each checked. */
  buckets(ids: number[]): StoredBucket[] {
    const get = this.stmt(
      `SELECT id, places_crc AS placesCrc, keys_crc AS keysCrc, params, problems, check_crc AS checkCrc, places, keys
       FROM buckets WHERE id = ?`,
    );
    const out: StoredBucket[] = [];
    for (const id of ids) {
      const r = get.get(id) as
        (StoredBucket & { placesCrc: number; keysCrc: number; checkCrc: number }) | undefined;
      if (!r) continue;
      if (
        r.id !== id ||
        !Buffer.isBuffer(r.keys) ||
        crcOfText(r.places) !== r.placesCrc ||
        zlib.crc32(r.keys) !== r.keysCrc ||
        bucketCheck(r.id, r.placesCrc, r.keysCrc, r.params, r.problems) !== r.checkCrc
      )
        throw new IndexDamaged('a bucket of the join state fails its checksum');
      out.push({ id: r.id, places: r.places, keys: r.keys, params: r.params, problems: r.problems });
    }
    return out;
  }

  putBucket(b: StoredBucket): void {
    const placesCrc = crcOfText(b.places);
    const keysCrc = zlib.crc32(b.keys);
    this.stmt(
      `INSERT OR REPLACE INTO buckets(id, places_crc, keys_crc, params, problems, check_crc, places, keys)
       VALUES (?,?,?,?,?,?,?,?)`,
    ).run(
      b.id,
      placesCrc,
      keysCrc,
      b.params,
      b.problems,
      bucketCheck(b.id, placesCrc, keysCrc, b.params, b.problems),
      b.places,
      b.keys,
    );
  }

  deleteBucket(id: number): void {
    this.stmt('DELETE FROM buckets WHERE id = ?').run(id);
  }

  /**
   * Rows of the buckets table. Counted on its small index (buckets_count): counting the table itself
   * read every leaf page of the buckets' large rows, 2–8 ms of a warm run's first read.
   */
  bucketCount(): number {
    return Number(this.stmt('SELECT count(*) FROM buckets').pluck().get());
  }

  /** One column (`params` or `problems`) of every bucket where it is not empty, each row checked without reading its places. */
  bucketColumn(column: 'params' | 'problems'): { id: number; value: string }[] {
    const rows = this.stmt(
      `SELECT id, places_crc AS placesCrc, keys_crc AS keysCrc, params, problems, check_crc AS checkCrc
       FROM buckets WHERE ${column} != '[]'`,
    ).all() as {
      id: number;
      placesCrc: number;
      keysCrc: number;
      params: string;
      problems: string;
      checkCrc: number;
    }[];
    return rows.map((r) => {
      if (bucketCheck(r.id, r.placesCrc, r.keysCrc, r.params, r.problems) !== r.checkCrc)
        throw new IndexDamaged('a bucket of the join state fails its checksum');
      return { id: r.id, value: column === 'params' ? r.params : r.problems };
    });
  }

  /** A run of the join state's key directory, checked; null when it is missing. */
  keyRun(id: number): Buffer | null {
    const r = this.stmt('SELECT keys, check_crc AS checkCrc FROM key_runs WHERE id = ?').get(id) as
      { keys: Buffer; checkCrc: number } | undefined;
    if (!r) return null;
    if (zlib.crc32(r.keys, crcOfText(`${id}:`)) !== r.checkCrc)
      throw new IndexDamaged('a key run of the join state fails its checksum');
    return r.keys;
  }

  putKeyRun(id: number, keys: Buffer): void {
    this.stmt('INSERT OR REPLACE INTO key_runs(id, keys, check_crc) VALUES (?,?,?)').run(
      id,
      keys,
      zlib.crc32(keys, crcOfText(`${id}:`)),
    );
  }

  deleteKeyRun(id: number): void {
    this.stmt('DELETE FROM key_runs WHERE id = ?').run(id);
  }

  keyRunCount(): number {
    return Number(this.stmt('SELECT count(*) FROM key_runs').pluck().get());
  }

  /** A file's segments, in order, without their data: id and records; checked against the file's row. */
  segmentList(file: FileRow): { id: number; records: number }[] {
    return this.segmentRows(file).map((r) => ({ id: r.id, records: r.records }));
  }

  /** The join keys the parse computed for a segment written in this transaction, if it did; handed over once. */
  takeKeys(segmentId: number): Float64Array | undefined {
    const keys = this.pendingKeys.get(segmentId);
    this.pendingKeys.delete(segmentId);
    return keys;
  }

  /** Every problem kept in the index for `files` (all of them, or one), and the counts beyond the per-file bound. */
  problems(files: FileRow[]): {
    kept: IndexedProblem[];
    omitted: { fileId: number; path: string; code: ProblemCode; count: number }[];
  } {
    const byId = new Map(files.map((f) => [f.id, f]));
    const only = files.length === 1 ? ` AND file_id = ${Number(files[0]?.id)}` : '';
    // The rows with problems alone, through their partial index (segments_problems).
    const rows = this.stmt(
      `SELECT ${SEGMENT_ROW} FROM segments WHERE problems != '${NO_SEGMENT_PROBLEMS}'${only} ORDER BY file_id, id`,
    ).iterate() as IterableIterator<SegmentRow>;
    const kept: IndexedProblem[] = [];
    const omitted = new Map<string, { fileId: number; path: string; code: ProblemCode; count: number }>();
    for (const r of rows) {
      const f = byId.get(r.fileId);
      if (!f || !segmentRowHolds(r, f.id))
        throw new IndexDamaged('a segment of the index fails its checksum');
      const p = JSON.parse(r.problems) as StoredProblems;
      for (const [line, code, reason, offset, length, column, row] of p.kept)
        kept.push({
          fileId: f.id,
          path: f.path,
          line,
          code,
          reason,
          offset,
          length,
          column,
          row: row ?? null,
        });
      for (const [code, count] of Object.entries(p.omitted) as [ProblemCode, number][]) {
        const k = `${f.id}\u0000${code}`;
        const o = omitted.get(k);
        if (o) o.count += count;
        else omitted.set(k, { fileId: f.id, path: f.path, code, count });
      }
    }
    return { kept, omitted: [...omitted.values()] };
  }

  private cache(id: number, seg: Segment): void {
    const rows = seg.rows.length / SEGMENT_STRIDE;
    if (this.cachedRows + rows > CACHE_ROWS) return;
    this.cachedRows += rows;
    this.segmentCache.set(id, seg);
  }

  private forget(id: number): void {
    const seg = this.segmentCache.get(id);
    if (!seg) return;
    this.segmentCache.delete(id);
    this.cachedRows -= seg.rows.length / SEGMENT_STRIDE;
  }
}

/** An error by which SQLite says the file is not a usable database. */
export function isSqliteDamage(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_CORRUPT') ||
      code === 'SQLITE_NOTADB' ||
      code === 'SQLITE_FORMAT' ||
      code === 'SQLITE_SCHEMA' ||
      code.startsWith('SQLITE_IOERR_SHORT_READ'))
  );
}

/** Whether an error means the index must be rebuilt. */
export function isIndexDamage(e: unknown): boolean {
  return (
    e instanceof IndexDamaged || isSqliteDamage(e) || (e instanceof SyntaxError && /JSON/.test(e.message))
  );
}
