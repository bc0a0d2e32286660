// Report checks and comparisons once the analysis exists, as the editor runs them on every edit of
// a report or every re-analysis:
//   check  a generated 1,000-line Markdown report with 500 claims (tables, member lines, transitions)
//          against the results                                                   (target: < 50 ms)
//   compare two analyses of the folder (default thresholds, and a slope threshold of 10 pp/decade,
//          so classifications differ), plus reading a saved results document    (target: < 100 ms)
//   node --import tsx scripts/bench/claims.ts <analysed-folder> [<index-file>]
// `benchClaims` is the same as a function, for scripts/bench.mjs.
import * as fs from 'node:fs';
import { checkReport } from '../../src/engine/report/claims';
import { compareAnalyses } from '../../src/engine/report/compare';
import { parseResultsDocument } from '../../src/engine/report/readResults';
import type { ResultsDocument } from '../../src/engine/report/results';
import { withDefaults } from '../../src/engine/settings';
import { percent, signed } from '../../src/shared/format';
import { Workspace } from '../../src/engine/workspace';

export interface ClaimsBench {
  reportLines: number;
  claims: number;
  /** Median of the timed runs, after the warm-up. */
  checkMs: number;
  /** The same in CPU time of this process: what the wall time is on a machine nobody else uses. */
  checkCpuMs: number;
  checkFirstMs: number;
  compareMs: number;
  compareCpuMs: number;
  /** CPU time. */
  readSavedMs: number;
  savedBytes: number;
  cells: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timed<T>(f: () => T): [T, number, number] {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const r = f();
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return [r, wall, (used.user + used.system) / 1000];
}

const pct = (r: { rate: number } | null): string => percent(r?.rate);
const ci = (r: { lo: number; hi: number } | null): string =>
  r === null ? '' : ` [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]`;

/**
 * A report of exactly `lines` lines quoting about `target` figures of `doc`, as a long write-up
 * does: sections of prose, cell tables, pooled tables and lineage paragraphs; one figure in ten
 * is off by a point, so CHANGED claims and their messages are part of the work.
 */
export function generateReport(doc: ResultsDocument, lines = 1000, target = 500): string {
  const out: string[] = [];
  let claims = 0;
  let k = 0;
  const off = (v: number): number => (++k % 10 === 0 ? v + 1 : v);
  const prose = (n: number): void => {
    for (let i = 0; i < n; i++)
      out.push(
        `Paragraph ${out.length}: the slope is driven by the small models; see the traces behind each cell.`,
      );
  };
  const cells = doc.cells.filter((c) => c.strict !== null);
  const datasets = doc.regressions.filter((r) => r.group === 'dataset');
  let section = 0;
  while (claims < target && cells.length > 0) {
    section++;
    out.push(`## Section ${section}`, '');
    prose(6);
    out.push('', '| attack class | model | n | strict ASR [95% CI] |', '|---|---|---:|---|');
    for (let i = 0; i < 10 && claims < target; i++) {
      const c = cells[(section * 10 + i) % cells.length];
      if (c === undefined) break;
      out.push(`| ${c.attack_class} | ${c.model} | ${off(c.n)} | ${pct(c.strict)}${ci(c.strict)} |`);
      claims += 3;
    }
    out.push('');
    prose(4);
    if (datasets.length > 0 && claims < target) {
      out.push('', '| dataset | n | slope (pp/decade) | R² | direction |', '|---|---:|---:|---:|---|');
      for (const r of datasets.slice(0, 4)) {
        out.push(
          `| ${r.key.dataset} | ${off(r.n_traces)} | ${signed(r.ols?.slope_pp, 2)} | ${r.ols?.r2?.toFixed(3) ?? '–'} | ${r.classification} |`,
        );
        claims += r.ols ? 4 : 2;
      }
      out.push('');
    }
    for (const l of doc.lineages) {
      if (claims >= target) break;
      out.push(`${l.name} lineage (${l.members.length} sizes)`);
      for (const m of l.members) {
        if (m.params_b === null) continue;
        out.push(`- ${m.params_b}B: n=${off(m.n)}, strict ASR = ${pct(m.strict)}`);
        claims += 2;
      }
      const t = l.transitions[0];
      const from = l.members[0];
      const to = l.members[1];
      if (t && from?.params_b && to?.params_b && from.params_b !== to.params_b) {
        out.push(`- Trend: ${signed(t.delta_pp, 0)} pp on the ${from.params_b}B→${to.params_b}B transition`);
        claims += 1;
      }
      out.push('');
    }
    prose(3);
  }
  while (out.length < lines) prose(1);
  return out.slice(0, lines).join('\n');
}

/**
 * `runs` timed checks and comparisons after `warmup` untimed ones (the language server checks
 * the same report again and again: its steady state is what an edit costs; the first check, which
 * also loads the Markdown parsers (at first use, DECISIONS 79; here through tsx, from their sources)
 * and runs them before they are optimised, is reported apart).
 */
export async function benchClaims(
  folder: string,
  indexPath: string | null = null,
  runs = 15,
  warmup = 10,
): Promise<ClaimsBench> {
  const root = fs.realpathSync(folder);
  const analyseWith = async (slope: number): Promise<ResultsDocument> => {
    const ws = new Workspace(root, {
      settings: withDefaults({ thresholds: { slopePpPerDecade: slope } }),
      indexPath,
    });
    try {
      await ws.refresh();
      return ws.cachedDocument() ?? ws.analyse().document;
    } finally {
      ws.close();
    }
  };
  const doc = await analyseWith(5);
  const other = await analyseWith(10);
  const report = generateReport(doc);
  const names = doc.lineages.map((l) => l.name);
  const [first, checkFirstMs] = timed(() => checkReport(report, doc, names));
  for (let i = 0; i < warmup; i++) {
    checkReport(report, doc, names);
    compareAnalyses(other, doc, { before: 'saved', after: folder });
  }
  const check = Array.from({ length: runs }, () => timed(() => checkReport(report, doc, names)));
  const compare = Array.from({ length: runs }, () =>
    timed(() => compareAnalyses(other, doc, { before: 'saved', after: folder })),
  );
  const saved = JSON.stringify(other, null, 2);
  const read: number[] = [];
  for (let i = 0; i < runs; i++) read.push(timed(() => parseResultsDocument(saved))[2]);
  return {
    reportLines: report.split('\n').length,
    claims: first.claims.length,
    checkMs: median(check.map((t) => t[1])),
    checkCpuMs: median(check.map((t) => t[2])),
    checkFirstMs,
    compareMs: median(compare.map((t) => t[1])),
    compareCpuMs: median(compare.map((t) => t[2])),
    readSavedMs: median(read),
    savedBytes: Buffer.byteLength(saved),
    cells: doc.cells.length,
  };
}

async function main(): Promise<void> {
  const [folder, index] = process.argv.slice(2);
  if (folder === undefined)
    throw new Error('usage: node --import tsx scripts/bench/claims.ts <analysed-folder> [<index-file>]');
  const b = await benchClaims(folder, index ?? null);
  console.log(JSON.stringify(b));
  console.error(
    `claims: a ${b.reportLines}-line report with ${b.claims} claims checked in ${b.checkMs.toFixed(1)} ms ` +
      `(CPU ${b.checkCpuMs.toFixed(1)} ms; the first check ${b.checkFirstMs.toFixed(1)} ms; target < 50 ms)\n` +
      `compare: two analyses of ${b.cells} cells in ${b.compareMs.toFixed(1)} ms (CPU ${b.compareCpuMs.toFixed(1)} ms), ` +
      `plus ${b.readSavedMs.toFixed(1)} ms CPU to read a saved ${(b.savedBytes / 1e6).toFixed(1)} MB results document (target < 100 ms)`,
  );
}

if (require.main === module) void main();
