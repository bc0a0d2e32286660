/** What every command says and writes: one-line errors, progress on standard error, outputs that fail in one line. */
import * as fs from 'node:fs';

/** A mistake in the command line: one line, the usage hint, exit 2. */
export class UsageError extends Error {}

/** A failure the user can act on, said in one line (`ff-lens: …`) with a non-zero exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

export /** Progress on standard error: a bar on a terminal, plain lines otherwise. */
function progressReporter(): {
  update: (done: number, total: number, file: string) => void;
  end: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let lastPct = -1;
  let lastAt = 0;
  return {
    update(done, total, file) {
      const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
      if (tty) {
        const now = Date.now();
        if (pct === lastPct && now - lastAt < 100) return;
        lastAt = now;
        const width = 30;
        const fill = Math.round((pct / 100) * width);
        const name = file.length > 40 ? `…${file.slice(-39)}` : file;
        process.stderr.write(
          `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${name.padEnd(40)}`,
        );
      } else if (pct >= lastPct + 10 || (pct === 100 && lastPct !== 100)) {
        process.stderr.write(`ff-lens: indexed ${pct}% (${file})\n`);
      }
      lastPct = pct;
    },
    end() {
      if (tty && lastPct >= 0) process.stderr.write('\r\x1b[K');
    },
  };
}

export const errCode = (e: unknown): string =>
  (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));

/** Standard output, or the pipe behind it, may close early (`| head`): that is one line too, not a crash. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: unknown): void => reject(new CliError(`cannot write standard output (${errCode(e)})`));
    process.stdout.once('error', fail);
    process.stdout.write(text, (e) => {
      process.stdout.off('error', fail);
      if (e) fail(e);
      else resolve();
    });
  });
}

/** Write a whole output, or fail with one line; nothing is said to have succeeded before it has. */
export async function write(target: string, text: string): Promise<void> {
  if (target === '-') return writeStdout(text);
  try {
    fs.writeFileSync(target, text);
  } catch (e) {
    throw new CliError(`cannot write ${target} (${errCode(e)})`);
  }
}
