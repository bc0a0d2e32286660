/** `ff-lens analyze --timings`: where the run spent its time, on standard error. */
import * as os from 'node:os';
import type { WorkspaceTimings } from '../engine/workspace';
import type { FolderAnalysis } from './analyseFolder';

const FOLLOW: Record<WorkspaceTimings['follow'], string> = {
  none: 'no join state (no index file)',
  unchanged: 'kept: nothing it joins changed',
  incremental: 'brought forward: the components the changed records touch, re-joined',
  rebuilt: 'built from the whole index (no state for these settings, or a wide change)',
  dropped: 'dropped: built by the analysis',
};

const JOIN: Record<WorkspaceTimings['join'], string> = {
  persisted: 'totals read from the join state in the index: no trace read',
  memory: 'the join kept in memory',
  'memory-built': 'the whole index read and joined, kept in memory',
  full: 'the whole index read and joined into traces',
};

/**
 * The phases of an `analyze` run. Times are performance.now() values (ms since the process started):
 * when the command began, when its output began.
 */
export function printTimings(a: FolderAnalysis, startedAt: number, outputAt: number): void {
  const end = performance.now();
  const { report, timings } = a;
  const rows: [string, number, string][] = [
    ['process start', startedAt, 'Node.js, the bundle and its modules, before the command'],
    ['discovery', timings.discoveryMs, ''],
    ['index', a.indexedTo - a.indexedFrom - timings.discoveryMs, 'wall time: files read, parsed and written'],
  ];
  report.parse.forEach((w, i) => {
    if (w.jobs === 0) return;
    const who = w.caller ? '  parse (main thread)' : `  parse thread ${i + 1}`;
    rows.push([who, w.ms, `${w.jobs} files, ${(w.bytes / 1e6).toFixed(1)} MB`]);
  });
  rows.push(['  index writes', report.writeMs, 'main thread: segments and problems into SQLite']);
  rows.push(['  join state', report.joinMs, FOLLOW[timings.follow]]);
  if (a.cached) rows.push(['results', outputAt - a.indexedTo, 'unchanged since the last run: reused']);
  else {
    rows.push(['join', timings.joinMs, JOIN[timings.join]]);
    rows.push(['analysis', outputAt - a.indexedTo - timings.joinMs, 'figures and the results document']);
  }
  rows.push(['output', end - outputAt, '']);
  rows.push(['total', end, 'since the process started']);
  const mainParsed = report.threads > 0 && report.parse.some((w) => w.caller && w.jobs > 0);
  const cpu = process.cpuUsage();
  rows.push(['CPU', (cpu.user + cpu.system) / 1000, 'all threads, user and system']);
  const lines = rows.map(
    ([name, ms, note]) =>
      `ff-lens:   ${name.padEnd(21)} ${ms.toFixed(0).padStart(7)} ms${note ? `  ${note}` : ''}`,
  );
  process.stderr.write(
    `ff-lens: timings (${report.threads} parse thread${report.threads === 1 ? '' : 's'}${mainParsed ? ' and the main thread' : ''}, ${os.availableParallelism()} cores)\n${lines.join('\n')}\n` +
      `ff-lens:   ${'peak RSS'.padEnd(21)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(7)} MB\n`,
  );
}
