/**
 * One share of the generated fuzz run (fuzz.test.ts): random mutations of the demo's files, each
 * followed by an incremental analysis on a persistent index file and compared, byte for byte, with a
 * from-scratch analysis (a fresh in-memory index) of the same folder. In-process (the engine itself,
 * the same code the CLI bundles), so that thousands of cases fit in a minute.
 *
 *   node --import tsx test/faults/fuzz-worker.ts SEED CASES
 * prints one JSON line: {"cases": n, "failure": null | {case, mutation, diff}}.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';

const DEMO = path.resolve(__dirname, '..', '..', 'examples', 'demo-workspace');

/** The demo's files taken (their first lines): every kind of file, a dilution run, the lineage map. */
const SAMPLE: [string, number][] = [
  ['.failure-first/lineages.json', Infinity],
  ['runs/jailbreak_archaeology/gemma3-4b_traces.jsonl', 20],
  ['runs/jailbreak_archaeology/qwen3.5-4b_traces.jsonl', 20],
  ['runs/jailbreak_archaeology/qwen3.5-0.8b_traces.jsonl', 20],
  ['runs/grading/jailbreak_archaeology/graded_gemma3-4b.jsonl', 20],
  ['runs/grading/jailbreak_archaeology/graded_qwen3.5-4b.jsonl', 20],
  ['runs/grading/jailbreak_archaeology/graded_qwen3.5-0.8b.jsonl', 20],
  ['runs/crescendo_frontier_s24/phi4-14b_traces.jsonl', 15],
  ['runs/crescendo_frontier_s24/crescendo_frontier_s24_graded.jsonl', 25],
  ['runs/benchmark_traces/ollama_gemma3-4b_traces.jsonl', 15],
  ['runs/benchmark_traces/ollama_gemma3-4b_flip_graded.jsonl', 15],
  ['runs/benchmark_traces/benchmark_traces_xgrader_deepseek-v3.2.jsonl', 25],
  ['runs/reasoning_dilution_qwen35/qwen3.5-0.8b_traces.jsonl', 20],
  ['runs/reasoning_dilution_qwen35/qwen3.5-0.8b_flip_graded.jsonl', 20],
  ['runs/reasoning_dilution_qwen35/qwen_qwen3.5-9b_traces.jsonl', 20],
  ['runs/reasoning_dilution_qwen35/qwen_qwen3.5-9b_flip_graded.jsonl', 20],
  ['data/scenarios/format_lock_sweep.jsonl', 15],
];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const seed = Number(process.argv[2] ?? 1);
const cases = Number(process.argv[3] ?? 100);
const random = rng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const int = (n: number): number => Math.floor(random() * n);

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ff-fuzz-')));
const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-fuzz-index-'));
const indexPath = path.join(indexDir, 'index.sqlite');
const pool: string[] = []; // lines seen in the sample: material for appends and inserts
for (const [rel, lines] of SAMPLE) {
  const text = fs.readFileSync(path.join(DEMO, rel), 'utf8');
  const kept = lines === Infinity ? text : `${text.split('\n').slice(0, lines).join('\n')}\n`;
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), kept);
  if (rel.endsWith('.jsonl')) pool.push(...kept.split('\n').filter((l) => l !== ''));
}
const removed = new Map<string, Buffer>();

const settings = withDefaults({});
const fresh = async (): Promise<string> => {
  const ws = new Workspace(root, { settings, indexPath: null });
  try {
    return JSON.stringify({ ...(await ws.refreshAndAnalyse(undefined, 'T')).run.document });
  } finally {
    ws.close();
  }
};

/** Files present now (the lineage map included). */
function present(): string[] {
  return SAMPLE.map(([rel]) => rel).filter((rel) => fs.existsSync(path.join(root, rel)));
}

const LABELS = ['"REFUSAL"', '"PARTIAL"', '"COMPLIANCE"', '"BENIGN_QUERY"', '"ERROR"   '];

/** One random change to the folder; returns what it did, to reproduce a failure. */
function mutate(): string {
  const files = present();
  const rel = pick(files.length > 0 ? files : SAMPLE.map(([r]) => r));
  const abs = path.join(root, rel);
  const kind = int(12);
  if (!fs.existsSync(abs) || kind === 11) {
    const back = removed.get(rel);
    if (back && !fs.existsSync(abs)) {
      fs.writeFileSync(abs, back);
      removed.delete(rel);
      return `restore ${rel}`;
    }
  }
  if (!fs.existsSync(abs)) return 'nothing';
  const bytes = fs.readFileSync(abs);
  switch (kind) {
    case 0: {
      const at = int(bytes.length);
      bytes[at] = int(256);
      fs.writeFileSync(abs, bytes);
      return `flip byte ${at} of ${rel}`;
    }
    case 1: {
      const at = int(bytes.length + 1);
      fs.truncateSync(abs, at);
      return `truncate ${rel} at ${at}`;
    }
    case 2: {
      const n = 1 + int(4);
      const lines = Array.from({ length: n }, () => pick(pool));
      fs.appendFileSync(abs, `${lines.join('\n')}\n`);
      return `append ${n} lines to ${rel}`;
    }
    case 3: {
      const partial = pick(pool);
      const cut = partial.slice(0, int(partial.length));
      fs.appendFileSync(abs, cut);
      return `append an unfinished line of ${cut.length} characters to ${rel}`;
    }
    case 4: {
      const lines = bytes.toString('latin1').split('\n');
      const at = int(lines.length);
      lines.splice(at, 0, Buffer.from(pick(pool)).toString('latin1'));
      // written in place: same file, same inode
      const fd = fs.openSync(abs, 'r+');
      fs.writeSync(fd, Buffer.from(lines.join('\n'), 'latin1'), 0, undefined, 0);
      fs.closeSync(fd);
      return `insert a line at ${at} of ${rel}, in place`;
    }
    case 5: {
      const lines = bytes.toString('latin1').split('\n');
      const at = int(lines.length);
      lines.splice(at, 1);
      fs.writeFileSync(abs, Buffer.from(lines.join('\n'), 'latin1'));
      return `delete line ${at} of ${rel}`;
    }
    case 6: {
      // same length, in place, mtime put back: a re-grading by `sed`, the worst case for change detection
      const st = fs.statSync(abs);
      const text = bytes.toString('latin1');
      const from = pick(LABELS);
      const to = pick(LABELS.filter((l) => l.length === from.length));
      const at = text.indexOf(from, int(text.length));
      if (at < 0) return 'nothing';
      const fd = fs.openSync(abs, 'r+');
      fs.writeSync(fd, to, at, 'latin1');
      fs.closeSync(fd);
      fs.utimesSync(abs, st.atime, st.mtime);
      return `relabel ${from}→${to} at ${at} of ${rel}, mtime kept`;
    }
    case 7:
      removed.set(rel, bytes);
      fs.rmSync(abs);
      return `delete ${rel}`;
    case 8: {
      const later = new Date(Date.now() + int(10_000));
      fs.utimesSync(abs, later, later);
      return `touch ${rel}`;
    }
    case 9: {
      const junk = pick([
        '\n\n',
        '   \n',
        '\u0000\u0001\n',
        '{"a":\n',
        '[1,2]\n',
        'null\n',
        '\ufeff{}\n',
        '{"model_id":"x"}\r\n',
      ]);
      fs.appendFileSync(abs, junk);
      return `append ${JSON.stringify(junk)} to ${rel}`;
    }
    case 10: {
      if (!rel.endsWith('lineages.json')) {
        fs.writeFileSync(abs, Buffer.concat([bytes, bytes.subarray(0, int(bytes.length))]));
        return `append a copy of part of ${rel} to itself`;
      }
      const maps = [
        '{"lineages": []}',
        '{"lineages": [{"name": "Qwen 3.5", "members": [{"match": "qwen3\\\\.5"}]}]}',
        '{"exclude": ["gemma"], "lineages": [{"name": "All", "members": [{"match": "."}]}]}',
        'not json',
        '{"lineages": [{"name": "Bad", "members": [{"match": "(a"}]}]}',
      ];
      fs.writeFileSync(abs, pick(maps));
      return `rewrite the lineage map`;
    }
    default:
      return 'nothing';
  }
}

async function main(): Promise<void> {
  // Two ways of living with the index: one process that keeps it open and parsed segments (the
  // language server), and one run per case that opens it afresh (the CLI).
  let server = new Workspace(root, { settings, indexPath, keepParsedSegments: true });
  const log: string[] = [];
  for (let c = 0; c < cases; c++) {
    const what = mutate();
    log.push(what);
    let incremental: string;
    if (c % 2 === 0) {
      incremental = JSON.stringify((await server.refreshAndAnalyse(undefined, 'T')).run.document);
    } else {
      const cli = new Workspace(root, { settings, indexPath });
      try {
        const r = await cli.refresh();
        void r;
        const cached = cli.cachedDocument('T');
        incremental = JSON.stringify(cached ?? (await cli.analyseOrRebuild(undefined, 'T')).run.document);
      } finally {
        cli.close();
      }
    }
    const expected = await fresh();
    if (incremental !== expected) {
      let at = 0;
      while (at < incremental.length && incremental[at] === expected[at]) at++;
      process.stdout.write(
        `${JSON.stringify({
          cases: c + 1,
          failure: {
            seed,
            case: c,
            mutations: log.slice(-8),
            incremental: incremental.slice(Math.max(0, at - 200), at + 200),
            fresh: expected.slice(Math.max(0, at - 200), at + 200),
          },
        })}\n`,
      );
      server.close();
      return;
    }
    if (c % 500 === 499) {
      // now and then, a new server process
      server.close();
      server = new Workspace(root, { settings, indexPath, keepParsedSegments: true });
    }
  }
  server.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(indexDir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ cases, failure: null })}\n`);
}

void main();
