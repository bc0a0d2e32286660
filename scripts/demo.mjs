// @ts-check
// scripts/demo.mjs: `npm run demo`. Packages the extension, installs it into a local code-server
// (the real VS Code 1.117 in the browser) and serves it with examples/demo-workspace open.
//
//   npm run demo [-- --folder PATH] [--port N] [--vsix PATH] [--fresh]
//
//   --vsix PATH    install this .vsix instead of running `npm run package`
//   --folder PATH  open this folder (default examples/demo-workspace)
//   --port N       listen on 127.0.0.1:N, or the next free port (default 8080; 0: any free port)
//   --fresh        forget the demo's editor state (open tabs, layout) from earlier runs
//
// The URL goes to stdout on a line of its own once the editor answers; progress goes to stderr.
// Ctrl-C (SIGINT) or SIGTERM stops everything this started. Relative paths are taken from the
// directory npm was started in.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  REPO_ROOT,
  codeServerPaths,
  ensureCodeServer,
  firstFreePort,
  freePort,
  installExtension,
  runDetached,
  startCodeServer,
  stopAll,
} from './code-server/server.mjs';

const HOST = '127.0.0.1';
const t0 = Date.now();
const say = (/** @type {string} */ msg) =>
  process.stderr.write(`[demo +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);

let stopping = false;
/** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
let server;
/** @param {NodeJS.Signals} signal */
async function shutdown(signal) {
  if (stopping) {
    // second Ctrl-C: no more waiting
    say(`${signal} again: killing at once`);
    for (const g of server ? [server.pid] : []) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    process.exit(130);
  }
  stopping = true;
  say(`${signal}: stopping…`);
  await stopAll({ timeout: 5000 });
  say('stopped');
  process.exit(0);
}
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']))
  process.on(sig, () => void shutdown(sig));

/** @param {string} msg */
function fail(msg) {
  say(`ERROR: ${msg}`);
  process.exitCode = 1;
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      vsix: { type: 'string' },
      folder: { type: 'string' },
      port: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (opts.help) {
    // the first paragraph of this file's comment, without the @ts-check line
    const [usage = ''] = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n\n');
    process.stderr.write(usage.replace(/^\/\/ @ts-check\n/, '').replace(/^\/\/ ?/gm, '') + '\n');
    return;
  }
  // `npm run` starts scripts in the package root; the user's own directory is INIT_CWD.
  const userCwd = process.env.INIT_CWD ?? process.cwd();
  const fromUser = (/** @type {string} */ p) => path.resolve(userCwd, p);

  const folder = opts.folder ? fromUser(opts.folder) : path.join(REPO_ROOT, 'examples', 'demo-workspace');
  if (!fs.existsSync(folder)) return fail(`folder not found: ${folder}`);

  let port;
  if (opts.port === undefined) port = await firstFreePort(8080, HOST);
  else if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) return fail(`bad --port ${opts.port}`);
  else if (Number(opts.port) === 0) port = await freePort(HOST);
  else port = await firstFreePort(Number(opts.port), HOST);
  if (opts.port && Number(opts.port) !== 0 && port !== Number(opts.port))
    say(`port ${opts.port} is busy; using ${port}`);

  // (a) the .vsix
  let vsix;
  if (opts.vsix) {
    vsix = fromUser(opts.vsix);
    if (!fs.existsSync(vsix)) return fail(`no such .vsix: ${vsix}`);
  } else {
    say('npm run package …');
    const started = Date.now();
    const { nodeDir } = codeServerPaths();
    const env = { ...process.env, PATH: `${path.join(nodeDir, 'bin')}:${process.env.PATH}` };
    const code = await runDetached('npm', ['run', 'package'], { cwd: REPO_ROOT, env });
    if (stopping) return;
    if (code !== 0) return fail(`npm run package failed (exit ${code})`);
    const vsixes = fs
      .readdirSync(REPO_ROOT)
      .filter((f) => f.endsWith('.vsix'))
      .map((f) => ({ f: path.join(REPO_ROOT, f), mtime: fs.statSync(path.join(REPO_ROOT, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    const newest = vsixes[0];
    if (!newest) return fail(`npm run package made no .vsix in ${REPO_ROOT}`);
    vsix = newest.f;
    if (newest.mtime < started - 2000) say(`warning: ${path.basename(vsix)} is older than this run`);
  }
  say(`extension: ${vsix}`);

  // (b) code-server
  const cs = await ensureCodeServer();
  if (stopping) return;

  // (c) a clean extensions dir with only this extension
  const demoDir = path.join(cs.target, 'demo');
  const extensionsDir = path.join(demoDir, 'extensions');
  const userDataDir = path.join(demoDir, 'user-data');
  fs.rmSync(extensionsDir, { recursive: true, force: true });
  if (opts.fresh) fs.rmSync(userDataDir, { recursive: true, force: true });
  const ext = await installExtension({ vsix, extensionsDir, codeServer: cs });
  say(`installed ${ext.id}@${ext.version}`);
  if (stopping) return;

  // (d) serve
  say(
    `starting code-server ${cs.installed?.codeServer} (VS Code ${cs.installed?.vscode}) on ${HOST}:${port} with ${folder}`,
  );
  server = await startCodeServer({
    port,
    host: HOST,
    folder,
    userDataDir,
    extensionsDir,
    logFile: path.join(demoDir, 'code-server.log'),
    codeServer: cs,
  });
  // "answers": the workbench page itself, not only the redirect to it
  const res = await fetch(server.url);
  await res.arrayBuffer();
  if (!res.ok) {
    await server.stop();
    return fail(`${server.url} answered ${res.status}; see ${server.logFile}`);
  }

  // (e) the URL, alone on stdout
  process.stdout.write(`${server.url}\n`);
  say(`ready: open ${server.url} in a browser (log: ${server.logFile}). Ctrl-C stops.`);

  // (f) until Ctrl-C, or until the server dies on its own
  const code = await server.exited;
  if (!stopping) fail(`code-server exited (${code}); see ${server.logFile}`);
}

main().catch(async (/** @type {unknown} */ e) => {
  if (stopping) return;
  fail(e instanceof Error ? e.message : String(e));
  await stopAll({ timeout: 5000 });
});
