// How long the extension's bundle takes to load, outside the editor: dist/extension.js is required
// with a stand-in `vscode` module (nothing of it runs at load time). Prints milliseconds.
/** Node's module loader, with the internal hook this script replaces. */
const Module = /** @type {{ _load: (this: unknown, request: string, ...rest: unknown[]) => unknown }} */ (
  /** @type {unknown} */ (require('node:module'))
);
const path = require('node:path');
const original = Module._load;
/** @param {string} request @param {unknown[]} rest @this {unknown} */
Module._load = function (request, ...rest) {
  if (request === 'vscode')
    return new Proxy({}, { get: () => new Proxy(function () {}, { get: () => ({}) }) });
  return original.call(this, request, ...rest);
};
const t0 = process.hrtime.bigint();
require(path.resolve(__dirname, '../../dist/extension.js'));
process.stdout.write(`${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)}\n`);
