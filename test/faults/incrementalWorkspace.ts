/**
 * A generated workspace and the changes a research folder goes through, for the incremental
 * analysis's property test (incremental.test.ts). Seeded: the same seed makes the same folder and the
 * same changes. Everything is drawn from small pools, so that the join's non-local rules meet all the
 * time: trace ids repeat across files (duplicates, graded lines by id, `db:` ids), scenario ids repeat
 * within datasets (graded lines by occurrence), `__dilution` ids and variant fields make and break
 * dilution pairs, model names alias one key, graders repeat (second verdicts, second opinions).
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeepPartial, Settings } from '../../src/engine/settings';
import { CORPUS_TABLES } from '../fixtures/corpusSchema';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  'qwen3.5:0.8b',
  'qwen3.5:9b',
  'Qwen3.5:9B:free', // the same key as qwen3.5:9b
  'ollama/gemma3:4b',
  'gemma3:27b',
  'llama3.1:8b',
  'huihui/qwen3-abliterated:8b', // excluded
  'phi3:mini', // no size
];
const SCENARIOS = [
  'S1',
  'S2',
  'S3',
  'S4',
  'S1__dilution',
  'S2__dilution_2',
  'S3__dilution',
  'S4__dilution_x',
];
const LABELS = [
  'COMPLIANCE',
  'PARTIAL',
  'REFUSAL',
  'REFUSAL',
  'HALLUCINATION_REFUSAL',
  'BENIGN_QUERY',
  'ERROR',
  'maybe',
  ' refusal ',
];
const GRADERS = ['g1', 'g2', 'g3'];
const CLASSES = ['dan', 'cipher', 'roleplay'];
const VARIANTS = ['baseline', 'dilution', 'B', 'a', 'junk'];
const PARAMS = [8, '9B', '~27B', '135M', 'unknown', 0];

/**
 * Glob settings a change may switch to: files leave the analysis, come back, or change kind (the same
 * path read as another kind of file; discovery tries cross-grader, then graded, then trace globs).
 */
const GLOBS: { name: string; globs?: DeepPartial<Settings>['globs'] }[] = [
  { name: 'default' },
  { name: 'default' },
  { name: 'alpha traces only', globs: { traces: ['**/runs/alpha/*_traces.jsonl'] } },
  { name: 'flip graded only', globs: { graded: ['**/runs/**/*flip_graded*.jsonl'] } },
  {
    name: 'beta cross-grader files as traces',
    globs: {
      xgrader: ['**/runs/alpha/*_xgrader_*.jsonl'],
      traces: ['**/runs/**/*_traces.jsonl', '**/runs/beta/*_xgrader_*.jsonl'],
    },
  },
  {
    name: 'no cross-grader files, zzz graded as traces',
    globs: {
      xgrader: [],
      graded: ['**/runs/**/*flip_graded*.jsonl', '**/runs/grading/**/graded_*.jsonl'],
      traces: ['**/runs/**/*_traces.jsonl', '**/zzz_graded.jsonl'],
    },
  },
  { name: 'no corpus', globs: { database: [] } },
];

/** Workspace-relative paths a change may create: some sort before every existing file, some after. */
const NEW_FILES = [
  'runs/alpha/aaa_traces.jsonl',
  'runs/alpha/zzz_traces.jsonl',
  'runs/0early/m_traces.jsonl',
  'runs/zlate/m_traces.jsonl',
  'runs/alpha/aaa_flip_graded.jsonl',
  'runs/beta/zzz_graded.jsonl',
  'runs/grading/alpha/graded_aaa.jsonl',
  'runs/grading/beta/graded_zzz.jsonl',
  'runs/alpha/alpha_xgrader_aaa.jsonl',
  'runs/beta/beta_xgrader_zzz.jsonl',
];

const INITIAL_FILES = [
  'runs/alpha/qwen_traces.jsonl',
  'runs/alpha/gemma_traces.jsonl',
  'runs/beta/mixed_traces.jsonl',
  'runs/beta/qwen_traces.jsonl',
  'runs/alpha/flip_graded_qwen.jsonl',
  'runs/beta/beta_graded.jsonl',
  'runs/grading/alpha/graded_more.jsonl',
  'runs/alpha/alpha_xgrader_g2.jsonl',
  'runs/beta/beta_xgrader_g3.jsonl',
];

const LINEAGE_MAPS = [
  null,
  '{"lineages": [{"name": "Qwen 3.5", "members": [{"match": "qwen3\\\\.5"}]}]}',
  '{"exclude": ["gemma"], "lineages": [{"name": "All", "members": [{"match": "."}]}]}',
  '{"lineages": [{"name": "Gemma", "members": [{"match": "gemma3[:-]4b", "params": 4}, {"match": "gemma3[:-]27b", "params": 27}]}, {"name": "Qwen", "members": [{"match": "qwen3\\\\.5[:-]0\\\\.8b", "params": 0.8}, {"match": "qwen3\\\\.5[:-]9b"}]}]}',
  'not json',
  '{"lineages": [{"name": "Bad", "members": [{"match": "(a"}]}]}',
];

export class GeneratedWorkspace {
  readonly random: () => number;
  /** What each change did, for a failure's report. */
  readonly log: string[] = [];
  settings: DeepPartial<Settings> = {};
  private readonly removed = new Map<string, Buffer>();
  private dbRow = 1;

  constructor(
    readonly root: string,
    seed: number,
  ) {
    this.random = rng(seed);
    for (const rel of INITIAL_FILES) this.write(rel, this.lines(rel, 2 + this.int(8)));
    if (this.chance(0.6)) this.writeCorpus();
    if (this.chance(0.5)) this.writeMap();
    this.write(
      'data/scenarios/set.jsonl',
      SCENARIOS.map((id) => JSON.stringify({ id, attack_class: this.pick(CLASSES) })).join('\n') + '\n',
    );
  }

  // ------------------------------------------------------------------ drawing

  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  private maybe<T>(p: number, v: () => T): T | undefined {
    return this.chance(p) ? v() : undefined;
  }
  private traceId(): string {
    // A small pool (duplicates, graded lines by id), a corpus row's id now and then, and new ones.
    return this.chance(0.1) ? `db:${1 + this.int(6)}` : `t${this.int(40)}`;
  }

  /** One line of a file of the kind its name says. */
  line(rel: string): string {
    if (this.chance(0.04))
      return this.pick(['{"trace_id": "broken', '[1, 2]', '   ', 'null', '{"model_id": 5}']);
    const kind = rel.includes('_xgrader_') ? 'xgrader' : rel.includes('graded') ? 'graded' : 'traces';
    const verdict = (): Record<string, unknown> =>
      this.chance(0.8)
        ? { llm_verdict: this.pick(LABELS) }
        : this.chance(0.5)
          ? { llm_raw: `reasoning…\nVerdict: **${this.pick(LABELS)}**` }
          : {};
    if (kind === 'traces')
      return JSON.stringify({
        trace_id: this.maybe(0.85, () => this.traceId()),
        scenario_id: this.maybe(0.9, () => this.pick(SCENARIOS)),
        model_id: this.maybe(0.95, () => this.pick(MODELS)),
        attack_class: this.maybe(0.7, () => this.pick(CLASSES)),
        variant: this.maybe(0.15, () => this.pick(VARIANTS)),
        parameter_count: this.maybe(0.1, () => this.pick(PARAMS)),
        response: this.pick(['Sure, here is', 'I cannot help', '[ERROR] 502', '   ', 'partial answer']),
        ...(this.chance(0.25) ? { ...verdict(), grader_model: this.pick(GRADERS) } : {}),
      });
    return JSON.stringify({
      trace_id: this.maybe(kind === 'graded' ? 0.6 : 0.7, () => this.traceId()),
      scenario_id: this.maybe(0.85, () => this.pick(SCENARIOS)),
      model_id: this.maybe(0.8, () => this.pick(MODELS)),
      variant: this.maybe(0.05, () => this.pick(VARIANTS)),
      ...verdict(),
      grader_model: this.maybe(0.9, () => this.pick(GRADERS)),
    });
  }

  lines(rel: string, n: number): string {
    return Array.from({ length: n }, () => `${this.line(rel)}\n`).join('');
  }

  // ------------------------------------------------------------------ files

  abs(rel: string): string {
    return path.join(this.root, rel);
  }

  write(rel: string, text: string | Buffer): void {
    fs.mkdirSync(path.dirname(this.abs(rel)), { recursive: true });
    fs.writeFileSync(this.abs(rel), text);
  }

  runFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(this.abs(dir), { withFileTypes: true })) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (rel.endsWith('.jsonl')) out.push(rel);
      }
    };
    if (fs.existsSync(this.abs('runs'))) walk('runs');
    return out.sort();
  }

  private writeMap(): void {
    const map = this.pick(LINEAGE_MAPS);
    if (map === null) fs.rmSync(this.abs('.failure-first/lineages.json'), { force: true });
    else this.write('.failure-first/lineages.json', map);
  }

  private get dbPath(): string {
    return this.abs('jailbreak_corpus.db');
  }

  private writeCorpus(): void {
    const db = new Database(this.dbPath);
    db.exec(CORPUS_TABLES);
    const models = db.prepare('INSERT INTO models VALUES (?, ?, ?, ?)');
    MODELS.forEach((m, i) => models.run(i + 1, m, 'x', this.chance(0.3) ? String(this.pick(PARAMS)) : null));
    const runs = db.prepare('INSERT INTO evaluation_runs VALUES (?, ?)');
    MODELS.forEach((_, i) => runs.run(i + 1, i + 1));
    db.exec(`INSERT INTO source_datasets VALUES (1, 'alpha'), (2, 'corpus');
      INSERT INTO techniques VALUES (1, 'DAN 6.0', 'dan'), (2, 'Caesar', 'cipher');`);
    const prompts = db.prepare('INSERT INTO prompts VALUES (?, ?, ?, ?)');
    SCENARIOS.forEach((s, i) => prompts.run(i + 1, 1 + (i % 2), 1 + (i % 2), s));
    db.close();
    this.corpusRows(3 + this.int(5));
  }

  private corpusRows(n: number): void {
    const db = new Database(this.dbPath);
    const add = db.prepare('INSERT INTO results VALUES (?, ?, ?, ?, NULL, ?, ?)');
    for (let i = 0; i < n; i++)
      add.run(
        this.dbRow++,
        1 + this.int(MODELS.length),
        1 + this.int(SCENARIOS.length),
        this.chance(0.8) ? this.pick(LABELS) : null,
        this.pick(GRADERS),
        this.pick(['Sure', 'No', '[TIMEOUT]']),
      );
    db.close();
  }

  // ------------------------------------------------------------------ changes

  /** One random change to the folder or the settings; returns what it did. */
  change(): string {
    const did = this.changeOnce();
    this.log.push(did);
    return did;
  }

  private changeOnce(): string {
    const files = this.runFiles();
    const rel = files.length > 0 ? this.pick(files) : null;
    switch (this.int(13)) {
      case 0:
      case 1: {
        if (rel === null) return 'nothing';
        const n = 1 + this.int(4);
        fs.appendFileSync(this.abs(rel), this.lines(rel, n));
        return `append ${n} lines to ${rel}`;
      }
      case 2: {
        // A line still being written: the rest may come with a later append, or never.
        if (rel === null) return 'nothing';
        const line = this.line(rel);
        const cut = this.int(line.length);
        fs.appendFileSync(this.abs(rel), line.slice(0, cut));
        return `append an unfinished line (${cut} characters) to ${rel}`;
      }
      case 3: {
        const to = this.pick(NEW_FILES);
        if (fs.existsSync(this.abs(to))) {
          fs.appendFileSync(this.abs(to), this.lines(to, 1 + this.int(3)));
          return `append to ${to}`;
        }
        this.write(to, this.lines(to, 1 + this.int(5)));
        return `new file ${to}`;
      }
      case 4: {
        if (rel === null) return 'nothing';
        const size = fs.statSync(this.abs(rel)).size;
        const at = this.int(size + 1);
        fs.truncateSync(this.abs(rel), at);
        return `truncate ${rel} at ${at} of ${size}`;
      }
      case 5: {
        // Rewritten in place (same inode), one line replaced by another.
        if (rel === null) return 'nothing';
        const lines = fs.readFileSync(this.abs(rel), 'utf8').split('\n');
        const at = this.int(lines.length);
        lines[at] = this.line(rel);
        const fd = fs.openSync(this.abs(rel), 'r+');
        const text = Buffer.from(lines.join('\n'));
        fs.writeSync(fd, text, 0, text.length, 0);
        fs.ftruncateSync(fd, text.length);
        fs.closeSync(fd);
        return `replace line ${at + 1} of ${rel} in place`;
      }
      case 6: {
        if (rel === null) return 'nothing';
        this.removed.set(rel, fs.readFileSync(this.abs(rel)));
        fs.rmSync(this.abs(rel));
        return `delete ${rel}`;
      }
      case 7: {
        const back = [...this.removed.keys()];
        if (back.length === 0) return 'nothing';
        const r = this.pick(back);
        this.write(r, this.removed.get(r) as Buffer);
        this.removed.delete(r);
        return `restore ${r}`;
      }
      case 8:
        this.writeMap();
        return 'edit the lineage map';
      case 9: {
        const grader = this.pick([null, null, 'g1', 'g2', 'nobody']);
        const source = this.pick(['family', 'name'] as const);
        const globs = this.pick(GLOBS);
        this.settings = { grader, attackClassSource: source, ...(globs.globs ? { globs: globs.globs } : {}) };
        return `settings: grader ${String(grader)}, attack class source ${source}, globs ${globs.name}`;
      }
      case 10: {
        if (!fs.existsSync(this.dbPath)) {
          if (this.chance(0.5)) return 'nothing';
          this.dbRow = 1;
          this.writeCorpus();
          return 'new corpus database';
        }
        const db = new Database(this.dbPath);
        const what = this.int(3);
        if (what === 0) {
          db.close();
          this.corpusRows(1 + this.int(3));
          return 'corpus rows added';
        }
        if (what === 1) {
          db.prepare('UPDATE results SET llm_verdict = ? WHERE id = ?').run(
            this.pick(LABELS),
            1 + this.int(this.dbRow),
          );
          db.close();
          return 'a corpus verdict changed';
        }
        db.prepare('DELETE FROM results WHERE id = ?').run(1 + this.int(this.dbRow));
        db.close();
        return 'a corpus row deleted';
      }
      case 11: {
        if (!fs.existsSync(this.dbPath)) return 'nothing';
        fs.rmSync(this.dbPath);
        return 'corpus database deleted';
      }
      default: {
        if (rel === null) return 'nothing';
        const later = new Date(Date.now() + this.int(5000));
        fs.utimesSync(this.abs(rel), later, later);
        return `touch ${rel}`;
      }
    }
  }
}
