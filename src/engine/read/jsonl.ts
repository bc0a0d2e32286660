/** Read a JSONL file as lines with their byte offsets, from any newline boundary onwards. */
import * as fs from 'node:fs';

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

export interface ScanResult {
  /** Bytes up to and including the last newline. */
  consumed: number;
  /** Newline-terminated lines up to `consumed`. */
  lines: number;
}

const CHUNK = 4 << 20;
const NL = 0x0a;
const CR = 0x0d;

/**
 * Scan `fd` from `start` (a line boundary, line number `startLine` = lines before it) to `end`.
 * Bytes up to the last newline go into `hash` when given.
 */
export function scanLines(
  fd: number,
  start: number,
  startLine: number,
  end: number,
  sink: LineSink,
  hash?: { update(chunk: Buffer): unknown },
): ScanResult {
  let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(end - start, 1)));
  let bufStart = start; // file offset of buf[0]
  let have = 0; // valid bytes in buf
  let pos = start; // next file offset to read
  let line = startLine;
  while (pos < end) {
    if (have === buf.length) {
      // A line longer than the buffer: grow it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const want = Math.min(buf.length - have, end - pos);
    const got = fs.readSync(fd, buf, have, want, pos);
    if (got === 0) break;
    pos += got;
    const filled = have + got;
    const view = buf.subarray(0, filled);
    let lineStart = 0;
    let nl = view.indexOf(NL, have);
    while (nl !== -1) {
      line++;
      emit(buf, lineStart, nl, bufStart + lineStart, line, true, sink);
      lineStart = nl + 1;
      nl = view.indexOf(NL, lineStart);
    }
    if (hash && lineStart > 0) hash.update(buf.subarray(0, lineStart));
    // Keep the unfinished line at the front of the buffer.
    const rest = filled - lineStart;
    if (lineStart > 0) buf.copy(buf, 0, lineStart, filled);
    bufStart += lineStart;
    have = rest;
  }
  if (have > 0) emit(buf, 0, have, bufStart, line + 1, false, sink);
  return { consumed: bufStart, lines: line };
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
  const fd = fs.openSync(absPath, 'r');
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
