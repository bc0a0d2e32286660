// Writes src/engine/read/skipStringWasm.ts: src/engine/read/skipString.wat compiled to WebAssembly
// (wabt, a devDependency: nothing is compiled or fetched at run time), as base64.
// test/unit/scan.test.ts compiles the .wat again and checks that the committed bytes are the same.
//   node scripts/gen-skip-string.mjs
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { compileSkipString } from './skipStringWat.mjs';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const bytes = await compileSkipString(root);
const out = `/**
 * src/engine/read/skipString.wat compiled (${bytes.length} bytes), written by scripts/gen-skip-string.mjs:
 * do not edit. test/unit/scan.test.ts checks that these are the .wat's bytes.
 */
export const SKIP_STRING_WASM = '${bytes.toString('base64')}';
`;
const file = path.join(root, 'src/engine/read/skipStringWasm.ts');
fs.writeFileSync(
  file,
  await prettier.format(out, { ...(await prettier.resolveConfig(file)), filepath: file }),
);
console.log(`wrote ${path.relative(process.cwd(), file)} (${bytes.length} bytes of WebAssembly)`);
