/** Real folders on disk for tests: every file written as given, in a fresh temporary directory. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
