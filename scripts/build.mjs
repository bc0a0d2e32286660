// @ts-check
// Bundles with esbuild: the CLI, the language server and the extension client for Node, the analysis
// page for the browser. `--watch` rebuilds on change; `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @typedef {Omit<esbuild.BuildOptions, 'entryPoints'> & { entryPoints: Record<string, string> }} Build */

/**
 * Modules bundled apart, src/engine/lazy/NAME.ts → dist/lazy/NAME.js, and required at first use:
 * a CLI start reads and compiles only what every run needs (DECISIONS 79). An import of one of them
 * from any node bundle is left as a require of the file beside that bundle.
 */
const LAZY = ['stdlib', 're2', 'markdown'];
/** @type {esbuild.Plugin} */
const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: new RegExp(`/lazy/(${LAZY.join('|')})$`) }, (args) =>
      args.kind === 'entry-point'
        ? undefined
        : { path: `./lazy/${args.path.slice(args.path.lastIndexOf('/') + 1)}.js`, external: true },
    );
  },
};

/**
 * better-sqlite3's JavaScript is bundled; only its native binding is loaded from node_modules at run
 * time. Loading the package's ~15 small modules one by one took ~5 ms in a bare process with Node's
 * compile cache, ~2.5 ms of a warm CLI run (DECISIONS 98). Its binding.js finds the binary beside its own files (`__dirname`),
 * which in a bundle is the bundle's folder: there it names the installed package's lib folder instead,
 * found as Node finds the package (the repository, the .vsix, a hoisted npm install).
 */
/** @type {esbuild.Plugin} */
const sqliteJs = {
  name: 'better-sqlite3-js',
  setup(build) {
    build.onLoad({ filter: /[\\/]better-sqlite3[\\/]lib[\\/]binding\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('__dirname')) throw new Error(`${args.path}: no __dirname to replace`);
      // (The package's name through a variable: esbuild would otherwise ask for it to be external.)
      const lib =
        "const packageLib = ((name) => require('node:path').dirname(require.resolve(name)))('better-sqlite3');";
      return { contents: `${lib}\n${text.replaceAll('__dirname', 'packageLib')}`, loader: 'js' };
    });
  },
};

/** @type {esbuild.BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: production ? false : 'linked',
  // Whitespace and syntax always: a CLI start reads and compiles a third less (the warm run is mostly
  // start); names only in production, so that a development stack trace names its functions.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: production,
  // better-sqlite3's native binding is loaded from node_modules at run time (and shipped in the .vsix).
  external: ['vscode'],
  // ESM builds first: jsonc-parser's UMD build requires its own files dynamically, which a bundle cannot follow.
  mainFields: ['module', 'main'],
  plugins: [lazyModules, sqliteJs],
  logLevel: 'warning',
};

/** @type {Build[]} */
const bundles = [
  // parseWorker runs beside cli.js and server.js (worker threads of the indexer).
  {
    ...node,
    entryPoints: {
      cli: 'src/cli/main.ts',
      parseWorker: 'src/engine/read/parseWorker.ts',
      ...Object.fromEntries(LAZY.map((name) => [`lazy/${name}`, `src/engine/lazy/${name}.ts`])),
    },
    outdir: 'dist',
  },
  { ...node, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { extension: 'src/client/extension.ts' }, outdir: 'dist' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    logLevel: 'warning',
  },
];
const builds = bundles.filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.error('[build] watching');
} else {
  const t0 = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.error(
    `[build] ${builds.map((b) => Object.keys(b.entryPoints)[0]).join(', ')} in ${Date.now() - t0} ms`,
  );
}
