/** The corpus database (FORMATS.md §4), opened read-only: a grader may be writing to it. */
import './sqliteUri';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ProblemCode } from '../problems';
import type { ResponseState } from './records';

export interface CorpusRow {
  id: number;
  model: string | null;
  params: string | null;
  dataset: string | null;
  family: string | null;
  technique: string | null;
  verdict: string | null;
  grader: string | null;
  response: ResponseState;
  scenarioId: string | null;
}

export interface CorpusProblem {
  code: ProblemCode;
  reason: string;
  /** The `results.id` the problem is about, when it is about one row. */
  row?: number;
}

export interface CorpusRead {
  rows: CorpusRow[];
  problems: CorpusProblem[];
  /** False when the database could not be read at all this time (retry on the next refresh). */
  complete: boolean;
}

const REQUIRED: Record<string, string[]> = {
  results: ['id', 'evaluation_run_id', 'llm_verdict'],
  evaluation_runs: ['id', 'model_id'],
  models: ['id', 'name'],
};
const OPTIONAL: Record<string, string[]> = {
  results: ['prompt_id', 'llm_classifier', 'raw_response'],
  models: ['parameter_count'],
  prompts: ['id', 'technique_id', 'source_dataset_id', 'external_id'],
  techniques: ['id', 'name', 'family'],
  source_datasets: ['id', 'name'],
};

/** True when the file's header says write-ahead-log mode (bytes 18 and 19 are 2). */
function isWalMode(absPath: string): boolean {
  const fd = fs.openSync(absPath, 'r');
  try {
    const b = Buffer.alloc(20);
    return fs.readSync(fd, b, 0, 20, 0) === 20 && b[18] === 2 && b[19] === 2;
  } finally {
    fs.closeSync(fd);
  }
}

/** Why the corpus was read without its write-ahead log, if it was. */
export interface CorpusOpen {
  db: Database.Database;
  note: string | null;
}

/**
 * Open read-only: never a write lock, and a short busy timeout (a writer's lock is reported, not
 * waited out). A database in WAL mode would get -wal and -shm files created beside it by a plain
 * read-only open; when no -wal file exists its content is all in the main file, which is then read
 * as immutable, creating nothing.
 */
export function openCorpus(absPath: string): CorpusOpen {
  const wal = fs.existsSync(`${absPath}-wal`);
  const shm = fs.existsSync(`${absPath}-shm`);
  if (isWalMode(absPath) && (!wal || !shm)) {
    const uri = `${pathToFileURL(absPath).toString()}?mode=ro&immutable=1`;
    const note = wal
      ? 'corpus database has a write-ahead log that no writer holds (no -shm file): its last transactions are not read'
      : null;
    return { db: new Database(uri, { readonly: true, fileMustExist: true, timeout: 200 }), note };
  }
  return { db: new Database(absPath, { readonly: true, fileMustExist: true, timeout: 200 }), note: null };
}

function describe(e: unknown): CorpusProblem {
  const err = e as { code?: string; message?: string };
  const problem = (reason: string): CorpusProblem => ({ code: 'corpus-unreadable', reason });
  if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED')
    return problem('database is locked by a writer; its rows are not loaded this time');
  if (err.code === 'SQLITE_NOTADB') return problem('not a SQLite database');
  if (err.code?.startsWith('SQLITE_CORRUPT')) return problem(`database is corrupt (${err.code})`);
  return problem(`cannot read database (${err.code ?? err.message ?? String(e)})`);
}

export function readCorpus(absPath: string): CorpusRead {
  let db: Database.Database;
  let note: string | null;
  try {
    ({ db, note } = openCorpus(absPath));
  } catch (e) {
    return { rows: [], problems: [describe(e)], complete: false };
  }
  try {
    const read = readOpen(db);
    if (note) read.problems.push({ code: 'corpus-wal-unread', reason: note });
    return read;
  } catch (e) {
    return { rows: [], problems: [describe(e)], complete: false };
  } finally {
    db.close();
  }
}

function readOpen(db: Database.Database): CorpusRead {
  const problems: CorpusProblem[] = [];
  // Base tables only: a view (or a virtual table) could be anything, including a query that never ends.
  const entries = db
    .prepare("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table','view')")
    .all() as { name: string; type: string; sql: string | null }[];
  const tables = new Set<string>();
  const notTables = new Set<string>();
  for (const e of entries) {
    const virtual = e.type === 'table' && /^\s*CREATE\s+VIRTUAL\b/i.test(e.sql ?? '');
    if (e.type === 'table' && !virtual) tables.add(e.name);
    else notTables.add(e.name);
  }
  const cols = new Map<string, Set<string>>();
  for (const t of tables) {
    cols.set(
      t,
      new Set(
        (db.prepare(`PRAGMA table_info("${t.replace(/"/g, '""')}")`).all() as { name: string }[]).map(
          (r) => r.name,
        ),
      ),
    );
  }
  const has = (t: string, c: string): boolean => cols.get(t)?.has(c) ?? false;
  for (const t of [...Object.keys(REQUIRED), ...Object.keys(OPTIONAL)])
    if (notTables.has(t))
      problems.push({
        code: 'corpus-not-a-table',
        reason: `corpus database: ${t} is a view or virtual table, not a table; only base tables are read`,
      });
  const missingRequired: string[] = [];
  for (const [t, cs] of Object.entries(REQUIRED)) {
    if (!tables.has(t)) missingRequired.push(`table ${t}`);
    else for (const c of cs) if (!has(t, c)) missingRequired.push(`column ${t}.${c}`);
  }
  if (missingRequired.length > 0) {
    problems.push({
      code: 'corpus-missing-table',
      reason: `corpus database lacks ${missingRequired.join(', ')}; no rows loaded from it`,
    });
    return { rows: [], problems, complete: true };
  }
  for (const [t, cs] of Object.entries(OPTIONAL)) {
    if (!tables.has(t))
      problems.push({
        code: 'corpus-missing-optional',
        reason: `corpus database lacks table ${t}; the figures it gives are absent`,
      });
    else
      for (const c of cs)
        if (!has(t, c))
          problems.push({
            code: 'corpus-missing-optional',
            reason: `corpus database lacks column ${t}.${c}; the figures it gives are absent`,
          });
  }
  const joinPrompts = has('results', 'prompt_id') && has('prompts', 'id');
  const select: string[] = [
    'r.id AS id',
    'm.name AS model',
    'r.llm_verdict AS verdict',
    'r.evaluation_run_id AS runId',
    'e.id AS runFound',
    'e.model_id AS modelId',
    'm.id AS modelFound',
  ];
  // Left joins: a result whose run or model is missing is reported, not silently dropped.
  const joins: string[] = [
    'LEFT JOIN evaluation_runs e ON e.id = r.evaluation_run_id',
    'LEFT JOIN models m ON m.id = e.model_id',
  ];
  select.push(has('models', 'parameter_count') ? 'm.parameter_count AS params' : 'NULL AS params');
  select.push(has('results', 'llm_classifier') ? 'r.llm_classifier AS grader' : 'NULL AS grader');
  if (has('results', 'raw_response')) {
    // The white space of JavaScript's trim(), so a corpus row and a JSONL line agree on sentinels.
    const ws =
      'char(9,10,11,12,13,32,160,5760,8192,8193,8194,8195,8196,8197,8198,8199,8200,8201,8202,8232,8233,8239,8287,12288,65279)';
    const lt = `ltrim(r.raw_response, ${ws})`;
    select.push(
      `CASE WHEN r.raw_response IS NULL THEN 0 WHEN ${lt} = '' THEN 2 ` +
        `WHEN substr(${lt},1,6) = '[ERROR' OR substr(${lt},1,8) = '[TIMEOUT' OR substr(${lt},1,12) = '[PARSE_ERROR' THEN 2 ELSE 1 END AS response`,
    );
  } else select.push('0 AS response');
  if (joinPrompts) {
    joins.push('LEFT JOIN prompts p ON p.id = r.prompt_id');
    select.push(has('prompts', 'external_id') ? 'p.external_id AS scenarioId' : 'NULL AS scenarioId');
    if (has('prompts', 'technique_id') && has('techniques', 'id')) {
      joins.push('LEFT JOIN techniques t ON t.id = p.technique_id');
      select.push(has('techniques', 'family') ? 't.family AS family' : 'NULL AS family');
      select.push(has('techniques', 'name') ? 't.name AS technique' : 'NULL AS technique');
    } else select.push('NULL AS family', 'NULL AS technique');
    if (
      has('prompts', 'source_dataset_id') &&
      has('source_datasets', 'id') &&
      has('source_datasets', 'name')
    ) {
      joins.push('LEFT JOIN source_datasets s ON s.id = p.source_dataset_id');
      select.push('s.name AS dataset');
    } else select.push('NULL AS dataset');
  } else {
    select.push('NULL AS scenarioId', 'NULL AS family', 'NULL AS technique', 'NULL AS dataset');
  }
  const sql = `SELECT ${select.join(', ')} FROM results r ${joins.join(' ')} ORDER BY r.id`;
  const text = (v: unknown): string | null =>
    typeof v === 'string'
      ? v.trim() === ''
        ? null
        : v
      : typeof v === 'number' || typeof v === 'bigint'
        ? String(v)
        : null;
  const rows: CorpusRow[] = [];
  // Row by row: a corpus of millions of rows is never held twice.
  for (const r of db.prepare(sql).iterate() as IterableIterator<Record<string, unknown>>) {
    if (typeof r.id !== 'number' || !Number.isSafeInteger(r.id)) {
      problems.push({
        code: 'corpus-bad-value',
        reason: `a result whose id is ${idText(r.id)}, not an integer; not used`,
      });
      continue;
    }
    const id = r.id;
    if (r.runFound === null || r.runFound === undefined) {
      problems.push({
        code: 'corpus-orphan-row',
        reason: `result ${id}: evaluation run ${idText(r.runId)} is not in evaluation_runs; the row is not used`,
        row: id,
      });
      continue;
    }
    if (r.modelFound === null || r.modelFound === undefined) {
      problems.push({
        code: 'corpus-orphan-row',
        reason: `result ${id}: model ${idText(r.modelId)} of its evaluation run is not in models; the row is not used`,
        row: id,
      });
      continue;
    }
    if (r.verdict instanceof Uint8Array) {
      problems.push({
        code: 'corpus-bad-value',
        reason: `result ${id}: llm_verdict is a BLOB, not text; the row counts as ungraded`,
        row: id,
      });
    }
    rows.push({
      id,
      model: text(r.model),
      params: typeof r.params === 'string' || typeof r.params === 'number' ? JSON.stringify(r.params) : null,
      dataset: text(r.dataset),
      family: text(r.family),
      technique: text(r.technique),
      verdict: text(r.verdict),
      grader: text(r.grader),
      response: Number(r.response) as ResponseState,
      scenarioId: text(r.scenarioId),
    });
  }
  return { rows, problems, complete: true };
}

/** An id as a problem message shows it: a number, or a note that it is not one (never the raw bytes). */
const idText = (v: unknown): string =>
  typeof v === 'number' || typeof v === 'bigint'
    ? String(v)
    : v === null || v === undefined
      ? 'NULL'
      : v instanceof Uint8Array
        ? 'a BLOB'
        : `a ${typeof v}`;

/** One result row in full, for the trace viewer. */
export function readCorpusRow(absPath: string, id: number): Record<string, unknown> | null {
  const { db } = openCorpus(absPath);
  try {
    const row = db.prepare('SELECT * FROM results WHERE id = ?').get(id) as
      Record<string, unknown> | undefined;
    if (!row) return null;
    const out: Record<string, unknown> = { ...row };
    try {
      if (row.prompt_id !== undefined && row.prompt_id !== null) {
        const p = db.prepare('SELECT * FROM prompts WHERE id = ?').get(row.prompt_id) as
          Record<string, unknown> | undefined;
        if (p) out.prompt = p;
      }
    } catch {
      // prompts table absent or unreadable: the row alone is shown.
    }
    return out;
  } finally {
    db.close();
  }
}
