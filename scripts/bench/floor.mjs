// The floor: one thread reading every JSONL byte under a folder and JSON.parse-ing every line.
import * as fs from 'node:fs';
import * as path from 'node:path';

let lines = 0;
let bytes = 0;
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.jsonl')) {
      const buf = fs.readFileSync(p);
      bytes += buf.length;
      let start = 0;
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
        if (nl > start) {
          JSON.parse(buf.toString('utf8', start, nl));
          lines++;
        }
        start = nl + 1;
      }
    }
  }
};
walk(process.argv[2]);
process.stdout.write(JSON.stringify({ lines, bytes, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
