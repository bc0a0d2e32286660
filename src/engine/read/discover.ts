/**
 * Find the workspace's run files, corpus database, scenario files and lineage map (FORMATS.md §1).
 * Nothing outside the folder is read, and nothing is passed over silently: every folder that cannot
 * be listed, link that leads out or nowhere, name that is not UTF-8, path too long to open, or
 * special file where a run file is expected is a problem with its path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { expectDefined } from '../../shared/expect';
import type { Problem, ProblemCode } from '../problems';
import type { FileKind, Globs, Settings } from '../settings';

export interface DiscoveredFile {
  /** Workspace-relative, `/`-separated. */
  path: string;
  kind: FileKind;
}

export interface Discovery {
  files: DiscoveredFile[];
  problems: Problem[];
}

/** The workspace folder itself cannot be listed: there is nothing to analyse. */
export class WorkspaceUnreadable extends Error {}

const SKIP_DIRS = new Set(['node_modules', '.git']);
// Precedence when a file matches two rows: cross-grader, graded, traces; then the rest.
const ORDER: (keyof Globs)[] = ['xgrader', 'graded', 'traces', 'database', 'scenarios'];

export type KindOf = (relPath: string) => FileKind | null;

/** Paths a classifier remembers at most: a process that discovers again and again (the server) walks the same ones. */
const KINDS_KEPT = 100_000;
let lastClassifier: { globs: string; kindOf: KindOf } | null = null;

/**
 * A file's kind by the first glob list it matches (ORDER). The language server discovers its folders
 * at every refresh: the classifier of the same globs is kept, with what it decided for each path
 * (picomatch's test of five lists took ~5 ms of a 217-file refresh); a decision depends only on the
 * globs and the path.
 */
export function fileClassifier(globs: Globs): KindOf {
  const key = JSON.stringify(ORDER.map((k) => globs[k]));
  if (lastClassifier?.globs === key) return lastClassifier.kindOf;
  const matchers = ORDER.map((k) => [k, picomatch(globs[k], { dot: true })] as const);
  const kinds = new Map<string, FileKind | null>();
  const kindOf: KindOf = (rel) => {
    const known = kinds.get(rel);
    if (known !== undefined) return known;
    let found: FileKind | null = null;
    for (const [kind, isMatch] of matchers)
      if (isMatch(rel)) {
        found = kind;
        break;
      }
    if (kinds.size >= KINDS_KEPT) kinds.clear();
    kinds.set(rel, found);
    return found;
  };
  lastClassifier = { globs: key, kindOf };
  return kindOf;
}

/** Whether `target` (an absolute, resolved path) is `root` or inside it. */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** Walk the folder (following links that stay inside it, each folder once) and classify every file by the globs. */
export function discover(root: string, settings: Settings): Discovery {
  const kindOf = fileClassifier(settings.globs);
  const files: DiscoveredFile[] = [];
  const problems: Problem[] = [];
  const problem = (rel: string, code: ProblemCode, reason: string): void => {
    problems.push({ path: rel, line: null, code, reason });
  };
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
    fs.readdirSync(realRoot);
  } catch (e) {
    throw new WorkspaceUnreadable(`cannot read the folder ${root} (${errno(e) ?? String(e)})`);
  }
  const seen = new Set<string>([realRoot]);
  // Iterative: a folder tree thousands of levels deep does not overflow the stack.
  const stack: { dir: string; rel: string }[] = [{ dir: realRoot, rel: '' }];
  while (stack.length > 0) {
    const { dir, rel } = stack.pop() as { dir: string; rel: string };
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      const code = errno(e);
      if (code === 'ENOENT') continue; // removed meanwhile
      if (code === 'ENAMETOOLONG')
        problem(rel, 'path-too-long', 'path too long to open; its files are not read');
      else
        problem(
          rel,
          'unreadable-folder',
          `cannot list the folder (${code ?? String(e)}); its files are not read`,
        );
      continue;
    }
    // In name order, so the path by which a folder reached twice (through a link) is found is always the same.
    entries.sort((a, b) => Buffer.compare(b.name, a.name));
    const found: { dir: string; rel: string }[] = [];
    for (const e of entries.reverse()) {
      const name = e.name.toString('utf8');
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if (!Buffer.from(name, 'utf8').equals(e.name)) {
        problem(childRel, 'name-not-utf8', 'the name is not valid UTF-8; not read');
        continue;
      }
      // `dir` is a real path (canonical) and `name` one entry (no separator, never . or ..): their join
      // is the two with a separator. path.join normalises the whole path again, character by
      // character, in code not compiled yet on a CLI run (a 45-file folder's discovery: 3 → 2 ms).
      const full = dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      let special = !isDir && !isFile && !e.isSymbolicLink();
      let real = full;
      if (e.isSymbolicLink()) {
        try {
          real = fs.realpathSync(full);
        } catch (err) {
          const code = errno(err);
          if (code === 'ENAMETOOLONG')
            problem(childRel, 'path-too-long', 'link target path too long; not followed');
          else if (code === 'ENOENT')
            problem(childRel, 'dangling-link', 'symbolic link to nothing; not read');
          else
            problem(
              childRel,
              'dangling-link',
              `symbolic link that cannot be resolved (${code ?? String(err)}); not read`,
            );
          continue;
        }
        if (!isInside(realRoot, real)) {
          problem(childRel, 'link-outside-workspace', 'symbolic link to outside the folder; not followed');
          continue;
        }
        try {
          const st = fs.statSync(real);
          isDir = st.isDirectory();
          isFile = st.isFile();
          special = !isDir && !isFile;
        } catch (err) {
          problem(
            childRel,
            'dangling-link',
            `symbolic link that cannot be followed (${errno(err) ?? String(err)})`,
          );
          continue;
        }
      }
      if (isDir) {
        if (SKIP_DIRS.has(name) || seen.has(real)) continue;
        seen.add(real);
        found.push({ dir: real, rel: childRel });
        continue;
      }
      const kind = kindOf(childRel);
      if (kind === null) continue;
      if (special)
        problem(childRel, 'not-a-regular-file', 'a FIFO, device or socket, not a file; never opened');
      else if (isFile) {
        if (Buffer.byteLength(full) >= 4096)
          problem(childRel, 'path-too-long', 'path too long to open; not read');
        else files.push({ path: childRel, kind });
      }
    }
    stack.push(...found.reverse());
  }
  const map = lineageMapFile(realRoot, settings.lineageMapPath, problem);
  if (map) files.push(map);
  files.sort((a, b) => compareCodePoints(a.path, b.path));
  problems.sort((a, b) => compareCodePoints(a.path, b.path) || compareCodePoints(a.code, b.code));
  return { files, problems };
}

/** The lineage map, when it is a regular file inside the folder. */
function lineageMapFile(
  root: string,
  setting: string,
  problem: (rel: string, code: ProblemCode, reason: string) => void,
): DiscoveredFile | null {
  const rel = setting.replace(/\\/g, '/');
  const abs = path.resolve(root, rel);
  if (!isInside(root, abs)) {
    problem(
      rel,
      'link-outside-workspace',
      'the lineage map setting points outside the folder; the built-in map is used',
    );
    return null;
  }
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch {
    return null; // no map: the built-in one
  }
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = fs.realpathSync(abs);
      st = fs.statSync(real);
    } catch {
      problem(rel, 'dangling-link', 'the lineage map is a link to nothing; the built-in map is used');
      return null;
    }
    if (!isInside(root, real)) {
      problem(
        rel,
        'link-outside-workspace',
        'the lineage map links outside the folder; the built-in map is used',
      );
      return null;
    }
  }
  if (!st.isFile()) {
    if (!st.isDirectory())
      problem(rel, 'not-a-regular-file', 'the lineage map is not a regular file; never opened');
    return null;
  }
  return { path: path.relative(root, abs).split(path.sep).join('/'), kind: 'lineages' };
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
    const first = expectDefined(parts[i + 1], 'the folder under runs/');
    if (first === 'grading' && i + 2 < parts.length - 1)
      return expectDefined(parts[i + 2], 'the folder under grading/');
    return first;
  }
  if (i >= 0) return 'runs';
  return parts.at(-2) ?? '';
}
