/**
 * Whether a file must be read again, and how much of it: the one place that decides. A file is only
 * taken as appended when its whole old prefix is proven unchanged (crc32 of every byte up to where
 * the last read stopped); it is only taken as unchanged without reading when nothing about it moved,
 * the status-change time included, which no program can set back.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import type { FileKind } from '../settings';
import type { FileRow } from './traceIndex';

/** A file modified this close to when it was read may have changed within the same timestamp tick. */
const RACY_MS = 2000;

export type Decision = 'unchanged' | 'touch' | 'append' | 'full';

export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

export const identityOf = (st: fs.Stats): FileIdentity => ({
  size: st.size,
  mtimeMs: st.mtimeMs,
  ctimeMs: st.ctimeMs,
  ino: st.ino,
  dev: st.dev,
});

const sameIdentity = (a: FileIdentity, b: FileIdentity): boolean =>
  a.size === b.size &&
  a.mtimeMs === b.mtimeMs &&
  a.ctimeMs === b.ctimeMs &&
  a.ino === b.ino &&
  a.dev === b.dev;

/** crc32 of bytes [start, end) of an open file, continuing `seed`. */
export function crcOf(fd: number, start: number, end: number, seed = 0): number {
  const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - start)));
  let crc = seed;
  for (let pos = start; pos < end;) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (got === 0) break;
    crc = zlib.crc32(buf.subarray(0, got), crc);
    pos += got;
  }
  return crc;
}

/** A database changes through its file and its write-ahead log. */
export function databaseSignature(abs: string, st: fs.Stats): string {
  let wal = '';
  try {
    const w = fs.statSync(`${abs}-wal`);
    wal = `:${w.size}:${w.mtimeMs}:${w.ctimeMs}:${w.ino}`;
  } catch {
    // no write-ahead log
  }
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}${wal}`;
}

/**
 * What to do with a file found at `st` (open as `fd`, a regular file) given its index row.
 * `touch`: its content was checked and is unchanged; only the row's times are renewed.
 */
export function decide(
  fd: number,
  abs: string,
  st: fs.Stats,
  row: FileRow | undefined,
  kind: FileKind,
): Decision {
  if (!row || row.kind !== kind || row.complete !== 1) return 'full';
  if (kind === 'database') return row.signature === databaseSignature(abs, st) ? 'unchanged' : 'full';
  const racy = Math.max(row.mtimeMs, row.ctimeMs) >= row.indexedAtMs - RACY_MS;
  if (sameIdentity(identityOf(st), row) && !racy) return 'unchanged';
  if (st.size < row.consumed) return 'full';
  const prefix = crcOf(fd, 0, row.consumed);
  if (prefix !== row.crc) return 'full';
  // The prefix is proven; the rest is either the same unfinished line, or new lines to read.
  if (st.size === row.size && crcOf(fd, row.consumed, st.size, prefix) === row.wholeCrc) return 'touch';
  if (kind === 'lineages') return 'full'; // read by the analysis itself; the row only notes the change
  return 'append';
}
