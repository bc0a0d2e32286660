/** Find the workspace's run files, corpus database, scenario files and lineage map (FORMATS.md §1). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { FileKind, Globs, Settings } from '../settings';

export interface DiscoveredFile {
  /** Workspace-relative, `/`-separated. */
  path: string;
  kind: FileKind;
}

const SKIP_DIRS = new Set(['node_modules', '.git']);
// Precedence when a file matches two rows: cross-grader, graded, traces; then the rest.
const ORDER: (keyof Globs)[] = ['xgrader', 'graded', 'traces', 'database', 'scenarios'];

export type KindOf = (relPath: string) => FileKind | null;

export function fileClassifier(globs: Globs): KindOf {
  const matchers = ORDER.map((k) => [k, picomatch(globs[k], { dot: true })] as const);
  return (rel) => {
    for (const [kind, isMatch] of matchers) if (isMatch(rel)) return kind;
    return null;
  };
}

/** Walk the folder (following directory links once) and classify every file by the globs. */
export function discover(root: string, settings: Settings): DiscoveredFile[] {
  const kindOf = fileClassifier(settings.globs);
  const out: DiscoveredFile[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, rel: string): void => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      const full = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = fs.statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (!SKIP_DIRS.has(e.name)) walk(full, childRel);
      } else if (isFile) {
        const kind = kindOf(childRel);
        if (kind) out.push({ path: childRel, kind });
      }
    }
  };
  walk(root, '');
  const mapPath = settings.lineageMapPath.replace(/\\/g, '/');
  if (fs.existsSync(path.join(root, mapPath))) out.push({ path: mapPath, kind: 'lineages' });
  out.sort((a, b) => compareCodePoints(a.path, b.path));
  return out;
}

/** Sort by Unicode code point (ANALYSIS.md §9.10), not UTF-16 unit or locale. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Surrogates (U+D800–DFFF) encode code points above U+FFFF: they sort after U+E000–FFFF.
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** The dataset of a run file: the folder directly under `runs/` (DECISIONS.md 2). */
export function datasetOf(relPath: string): string {
  const parts = relPath.split('/');
  const i = parts.indexOf('runs');
  if (i >= 0 && i + 1 < parts.length - 1) {
    const first = parts[i + 1] as string;
    if (first === 'grading' && i + 2 < parts.length - 1) return parts[i + 2] as string;
    return first;
  }
  if (i >= 0) return 'runs';
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : '';
}
