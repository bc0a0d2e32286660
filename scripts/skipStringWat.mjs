// The one compilation of src/engine/read/skipString.wat (the generator and the test share it).
import fs from 'node:fs';
import path from 'node:path';
import initWabt from 'wabt';

/** @param {string} root the repository @returns {Promise<Buffer>} */
export async function compileSkipString(root) {
  const wabt = await initWabt();
  const file = path.join(root, 'src/engine/read/skipString.wat');
  const mod = wabt.parseWat('skipString.wat', fs.readFileSync(file, 'utf8'), { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}
