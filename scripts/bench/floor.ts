// The floors of `npm run bench`, on one thread: `read` reads every JSONL byte under a folder and counts
// newlines; `parse` reads them and JSON.parse-s every line (the naive reader's work). The bench
// compiles this file and runs it with plain node, so its start is a bare Node.js start.
//   node floor.js read|parse <folder>   → {"lines":…,"bytes":…,"ms":…,"cpuMs":…,"maxRssMB":…}
import * as fs from 'node:fs';
import * as path from 'node:path';

const [mode, folder] = process.argv.slice(2);
if ((mode !== 'read' && mode !== 'parse') || folder === undefined) {
  process.stderr.write('usage: floor.js read|parse <folder>\n');
  process.exit(2);
}
const t0 = performance.now();
let lines = 0;
let bytes = 0;
const walk = (dir: string): void => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.jsonl')) {
      const buf = fs.readFileSync(p);
      bytes += buf.length;
      let start = 0;
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
        if (nl > start) {
          if (mode === 'parse') JSON.parse(buf.toString('utf8', start, nl));
          lines++;
        }
        start = nl + 1;
      }
    }
  }
};
walk(folder);
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ lines, bytes, ms: performance.now() - t0, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMB: usage.maxRSS / 1024 })}\n`,
);
