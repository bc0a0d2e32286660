/** Real folders on disk for tests: every file written as given, in a fresh temporary directory. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ParseJob } from '../../src/engine/read/parse';
import type { FileKind } from '../../src/engine/settings';

export function tempWorkspace(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lens-test-')));
  for (const [rel, content] of Object.entries(files)) writeFile(root, rel, content);
  return root;
}

export function writeFile(root: string, rel: string, content: string | Buffer): void {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
}

/** JSONL text from objects (or raw strings for deliberately broken lines). */
export function jsonl(lines: (object | string)[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}

/** A parse of a whole file as the indexer would ask for it (parse.ts), under a workspace path and dataset. */
export function wholeFileJob(
  abs: string,
  rel: string,
  dataset: string,
  kind: FileKind,
  problemBudget = 100,
): ParseJob {
  const st = fs.statSync(abs);
  return {
    abs,
    path: rel,
    dataset,
    kind,
    start: 0,
    startLine: 0,
    end: st.size,
    crcSeed: 0,
    dev: st.dev,
    ino: st.ino,
    problemBudget,
  };
}
