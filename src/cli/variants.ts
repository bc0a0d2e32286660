/** `ff-lens variants`: the reasoning-dilution variants of a scenario file (the editor command's twin). */
import { expectDefined } from '../shared/expect';
import * as fs from 'node:fs';
import { MAX_LINE_BYTES, openRegular, scanLines } from '../engine/read/jsonl';
import { DEFAULT_SEED, diluteLine } from '../engine/report/variants';
import { CliError, errCode, UsageError } from './io';

/**
 * `ff-lens variants`: the reasoning-dilution variants of a scenario file (the editor command's twin).
 * The file is read line by line and the variants written as they come, so its size is not bounded by
 * memory; they go to a temporary file renamed into place, so a failed write leaves nothing half-done.
 */
export function variants(argv: string[]): number {
  let file: string | undefined;
  let seed = DEFAULT_SEED;
  let out: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = expectDefined(argv[i], 'an argument');
    if (a === '--seed' || a === '--out') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      if (a === '--seed') seed = v;
      else out = v;
    } else if (a === '--force') force = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option: ${a}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument: ${a}`);
  }
  if (file === undefined) throw new UsageError('the scenario file is required');
  let input: { fd: number; st: fs.Stats };
  try {
    input = openRegular(file);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT') throw new CliError(`no such file: ${file}`, 2);
    if (code === 'ENOTREG') throw new CliError(`${file} is not a regular file`, 2);
    throw new CliError(`cannot read ${file} (${code})`, 2);
  }
  const target = out ?? file.replace(/\.jsonl$/, '') + '.dilution.jsonl';
  if (target !== '-' && fs.existsSync(target) && !force) {
    fs.closeSync(input.fd);
    throw new CliError(`${target} exists; --force replaces it`, 2);
  }
  const temp = target === '-' ? null : `${target}.ff-lens-${process.pid}.tmp`;
  let outFd = 1;
  try {
    if (temp !== null) outFd = fs.openSync(temp, 'wx');
  } catch (e) {
    fs.closeSync(input.fd);
    throw new CliError(`cannot write ${target} (${errCode(e)})`);
  }
  let written = 0;
  const skipped: { line: number; reason: string }[] = [];
  const pending: string[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending.length = 0;
    pendingBytes = 0;
    if (outFd === 1) process.stdout.write(chunk);
    else fs.writeSync(outFd, chunk);
  };
  try {
    scanLines(
      input.fd,
      0,
      0,
      input.st.size,
      0,
      (line, _offset, _length, buf, start, end) => {
        const r = diluteLine(buf.toString('utf8', start, end), seed);
        if ('skipped' in r) {
          if (r.skipped !== '') skipped.push({ line, reason: r.skipped });
          return;
        }
        written++;
        pending.push(`${r.variant}\n`);
        pendingBytes += r.variant.length;
        if (pendingBytes > 1 << 20) flush();
      },
      (line) => skipped.push({ line, reason: `longer than ${MAX_LINE_BYTES / (1 << 20)} MiB` }),
    );
    flush();
    if (temp !== null) {
      fs.closeSync(outFd);
      outFd = -1;
      fs.renameSync(temp, target);
    }
  } catch (e) {
    if (outFd > 2) fs.closeSync(outFd);
    if (temp !== null) fs.rmSync(temp, { force: true });
    throw e instanceof CliError ? e : new CliError(`cannot write ${target} (${errCode(e)})`);
  } finally {
    fs.closeSync(input.fd);
  }
  for (const s of skipped.slice(0, 1000))
    process.stderr.write(`ff-lens: ${file}:${s.line}: skipped: ${s.reason}\n`);
  if (skipped.length > 1000)
    process.stderr.write(`ff-lens: ${file}: ${skipped.length - 1000} more lines skipped\n`);
  process.stderr.write(
    `ff-lens: ${written} dilution variants (seed ${JSON.stringify(seed)})${target === '-' ? '' : ` written to ${target}`}\n`,
  );
  return 0;
}
