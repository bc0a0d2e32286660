// The peers of `npm run bench`: what a researcher would run instead of ff-lens (peers/*.py, copied
// from the project's shared folder). Both read the graded files and the corpus database and fit
// per-attack-class and per-dataset slopes: a simplified analysis, timed as a speed baseline only.
//   pandas   Debian's python3 with python3-pandas
//   DuckDB   the duckdb package from the Python package registry, installed once into a cache folder
//            outside the repository; skipped with a notice when it cannot be installed
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PYTHON = '/usr/bin/python3';
export const DUCKDB_VERSION = '1.5.6';

export interface PeerRun {
  ms: number;
  rssMB: number;
}

export interface Peer {
  name: string;
  /** Why the peer does not run, when it does not. */
  skipped: string | null;
  run(folder: string): PeerRun;
}

// The peer runs as __main__ under a wrapper that reports its peak RSS on standard error.
const WRAPPER =
  'import resource, runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__"); ' +
  'sys.stderr.write("peak_rss_kb %d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)';

function peer(name: string, script: string, env: Record<string, string>, skipped: string | null): Peer {
  return {
    name,
    skipped,
    run(folder) {
      const t0 = performance.now();
      const r = spawnSync(PYTHON, ['-c', WRAPPER, script, folder], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
        maxBuffer: 1 << 26,
      });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${name} peer failed (${r.status}):\n${r.stderr}`);
      return { ms, rssMB: Number(/peak_rss_kb (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024 };
    },
  };
}

const peersDir = path.join(import.meta.dirname, 'peers');

export function pandasPeer(): Peer {
  const probe = spawnSync(PYTHON, ['-c', 'import pandas, numpy'], { encoding: 'utf8' });
  const skipped =
    probe.status === 0
      ? null
      : `${PYTHON} cannot import pandas (apt-get install python3-pandas): ${lastLine(probe.stderr || probe.error?.message)}`;
  return peer('pandas', path.join(peersDir, 'peer_pandas.py'), {}, skipped);
}

/** The DuckDB peer, after installing duckdb into the user cache folder when it is not there yet. */
export function duckdbPeer(log: (line: string) => void): Peer {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const target = path.join(base, 'failure-first-lens', 'bench', `duckdb-${DUCKDB_VERSION}`);
  const script = path.join(peersDir, 'peer_duckdb.py');
  const env = { PYTHONPATH: target };
  if (!fs.existsSync(path.join(target, 'duckdb'))) {
    log(`bench: installing duckdb ${DUCKDB_VERSION} into ${target} (once) …`);
    const partial = `${target}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    const r = spawnSync(
      PYTHON,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-input',
        '--retries',
        '0',
        '--timeout',
        '15',
        '--target',
        partial,
        `duckdb==${DUCKDB_VERSION}`,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    if (r.status !== 0) {
      fs.rmSync(partial, { recursive: true, force: true });
      const why = r.error ? r.error.message : lastLine(r.stderr);
      return peer(
        'DuckDB',
        script,
        env,
        `could not install duckdb ${DUCKDB_VERSION} from the package registry: ${why}`,
      );
    }
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(partial, target);
  }
  const probe = spawnSync(PYTHON, ['-c', 'import duckdb'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const skipped = probe.status === 0 ? null : `duckdb does not load: ${lastLine(probe.stderr)}`;
  return peer('DuckDB', script, env, skipped);
}

function lastLine(text: string | undefined): string {
  const lines = (text ?? '').trim().split('\n');
  return (lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1) ?? '').trim() || 'no message';
}
