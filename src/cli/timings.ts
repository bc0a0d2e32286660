/** `ff-lens analyze --timings`: where the run spent its time, on standard error. */
import * as os from 'node:os';
import type { FolderAnalysis } from './analyseFolder';

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
    const who = report.threads === 0 ? '  parse (main thread)' : `  parse thread ${i + 1}`;
    rows.push([who, w.ms, `${w.jobs} files, ${(w.bytes / 1e6).toFixed(1)} MB`]);
  });
  rows.push(['  index writes', report.writeMs, 'main thread: segments and problems into SQLite']);
  if (a.cached) rows.push(['results', outputAt - a.indexedTo, 'unchanged since the last run: reused']);
  else {
    rows.push(['join', timings.joinMs, 'the index read into traces']);
    rows.push(['analysis', outputAt - a.indexedTo - timings.joinMs, 'figures and the results document']);
  }
  rows.push(['output', end - outputAt, '']);
  rows.push(['total', end, 'since the process started']);
  const cpu = process.cpuUsage();
  rows.push(['CPU', (cpu.user + cpu.system) / 1000, 'all threads, user and system']);
  const lines = rows.map(
    ([name, ms, note]) =>
      `ff-lens:   ${name.padEnd(20)} ${ms.toFixed(0).padStart(7)} ms${note ? `  ${note}` : ''}`,
  );
  process.stderr.write(
    `ff-lens: timings (${report.threads} parse threads, ${os.availableParallelism()} cores)\n${lines.join('\n')}\n` +
      `ff-lens:   ${'peak RSS'.padEnd(20)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(7)} MB\n`,
  );
}
