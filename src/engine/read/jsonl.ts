/** Read a JSONL file as lines with their byte offsets, from any newline boundary onwards. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { scanBuffer } from './scan';

export interface LineSink {
  /**
   * A line: its bytes are buf[start, end) (no newline, no CR, BOM stripped); `offset`/`length` locate
   * it in the file, newline included; `terminated` is false for an unfinished last line.
   */
  (
    line: number,
    offset: number,
    length: number,
    buf: Buffer,
    start: number,
    end: number,
    terminated: boolean,
  ): void;
}

/** A line longer than MAX_LINE_BYTES: located, never held in memory. */
export type LongLineSink = (line: number, offset: number, length: number, terminated: boolean) => void;

export interface ScanResult {
  /** Bytes up to and including the last newline. */
  consumed: number;
  /** Newline-terminated lines up to `consumed`. */
  lines: number;
  /** crc32 of [0, consumed), continued from the seed. */
  crc: number;
  /** crc32 of every byte read, [0, end): with `crc`, it proves an unfinished last line unchanged too. */
  endCrc: number;
}

/**
 * Lines longer than this are reported ("line-too-long") and skipped without being held in memory:
 * a 600 MB line must not exhaust memory or V8's string limit. 64 MiB; FF_LENS_MAX_LINE_BYTES lowers it
 * for tests.
 */
export const MAX_LINE_BYTES = Number(process.env.FF_LENS_MAX_LINE_BYTES) || 64 << 20;

const CHUNK = 4 << 20;
const NL = 0x0a;
const CR = 0x0d;

/**
 * Open a file for reading without ever blocking and only when it is a regular file (a FIFO or a device
 * put where a run file was expected is refused, not waited on). With `expect`, the file must still be
 * the one that was looked at (same device and inode): a file replaced in between is not read.
 */
export function openRegular(
  abs: string,
  expect?: { dev: number; ino: number },
): { fd: number; st: fs.Stats } {
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
    if (expect && (st.dev !== expect.dev || st.ino !== expect.ino))
      throw Object.assign(new Error('replaced while being read'), { code: 'ECHANGED' });
    return { fd, st };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/**
 * The thread's read buffer, reused from file to file. A buffer allocated per file was given fresh
 * pages by the system on every read into it: in the parse workers, reading the long bench corpus
 * (500 MB, ~250 MB per thread) took ~295 ms per thread, ~85 ms with the buffer reused (DECISIONS 77).
 * Nothing reads it once scanLines returns (the sink decodes or copies out what it keeps). It lies in
 * the string skipper's memory (scan.ts), where the scanner passes over strings 16 bytes at a time.
 */
let shared: Buffer | null = null;
const readBuffer = (size: number): Buffer => (shared ??= scanBuffer(CHUNK)).subarray(0, size);

/**
 * Scan `fd` from `start` (a line boundary, line number `startLine` = lines before it) to `end`,
 * continuing the crc32 `crcSeed` of the bytes before `start`.
 */
export function scanLines(
  fd: number,
  start: number,
  startLine: number,
  end: number,
  crcSeed: number,
  sink: LineSink,
  tooLong: LongLineSink,
): ScanResult {
  let buf = readBuffer(Math.min(CHUNK, Math.max(end - start, 1)));
  let bufStart = start; // file offset of buf[0]
  let have = 0; // valid bytes in buf
  let scanned = 0; // bytes of buf already searched for a newline
  let pos = start; // next file offset to read
  let line = startLine;
  let crc = crcSeed;
  // Skipping a line longer than the bound: where it began, and the crc through what was skipped so far.
  let skipping = false;
  let skipCrc = 0;
  while (pos < end) {
    if (!skipping && have === buf.length) {
      if (buf.length >= MAX_LINE_BYTES) {
        skipping = true;
        skipCrc = zlib.crc32(buf.subarray(0, have), crc);
        have = 0;
        scanned = 0;
      } else {
        // A line longer than the buffer: grow it, up to the bound.
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_LINE_BYTES));
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
    }
    const want = Math.min(buf.length - have, end - pos);
    const got = fs.readSync(fd, buf, have, want, pos);
    if (got === 0) break;
    pos += got;
    have += got;
    if (skipping) {
      const nl = buf.subarray(0, have).indexOf(NL);
      if (nl === -1) {
        skipCrc = zlib.crc32(buf.subarray(0, have), skipCrc);
        have = 0;
        continue;
      }
      crc = zlib.crc32(buf.subarray(0, nl + 1), skipCrc);
      const lineEnd = pos - have + nl + 1;
      line++;
      tooLong(line, bufStart, lineEnd - bufStart, true);
      skipping = false;
      buf.copy(buf, 0, nl + 1, have);
      have -= nl + 1;
      bufStart = lineEnd;
      scanned = 0;
    }
    const view = buf.subarray(0, have);
    let lineStart = 0;
    let nl = view.indexOf(NL, scanned);
    while (nl !== -1) {
      line++;
      emit(buf, lineStart, nl, bufStart + lineStart, line, true, sink);
      lineStart = nl + 1;
      nl = view.indexOf(NL, lineStart);
    }
    if (lineStart > 0) crc = zlib.crc32(buf.subarray(0, lineStart), crc);
    // Keep the unfinished line at the front of the buffer.
    if (lineStart > 0) buf.copy(buf, 0, lineStart, have);
    bufStart += lineStart;
    have -= lineStart;
    scanned = have;
  }
  let endCrc = crc;
  if (skipping) {
    tooLong(line + 1, bufStart, pos - bufStart, false);
    endCrc = zlib.crc32(buf.subarray(0, have), skipCrc);
  } else if (have > 0) {
    emit(buf, 0, have, bufStart, line + 1, false, sink);
    endCrc = zlib.crc32(buf.subarray(0, have), crc);
  }
  return { consumed: bufStart, lines: line, crc, endCrc };
}

function emit(
  buf: Buffer,
  s: number,
  e: number,
  offset: number,
  line: number,
  terminated: boolean,
  sink: LineSink,
): void {
  const length = e - s + (terminated ? 1 : 0);
  let ts = s;
  let te = e;
  if (te > ts && buf[te - 1] === CR) te--;
  if (offset === 0 && buf[ts] === 0xef && buf[ts + 1] === 0xbb && buf[ts + 2] === 0xbf) ts += 3;
  sink(line, offset, length, buf, ts, te, terminated);
}

/** Read `length` bytes at `offset` of a file as text (a trace line shown on demand). */
export function readRange(absPath: string, offset: number, length: number): string {
  const { fd } = openRegular(absPath);
  try {
    const buf = Buffer.allocUnsafe(length);
    const got = fs.readSync(fd, buf, 0, length, offset);
    let end = got;
    while (end > 0 && (buf[end - 1] === NL || buf[end - 1] === CR)) end--;
    let start = 0;
    if (offset === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    return buf.toString('utf8', start, end);
  } finally {
    fs.closeSync(fd);
  }
}
