// Writes a file so that it is always either the old or the new content: a temporary file in the
// same directory, flushed to disk, then renamed over the target (a symlink's target: the link
// stays). The questionnaire saves its answers so after every one (interactive-mode.ts refuses a
// --save that is not a regular file); reports and batch output go through batch-out-file.ts.
import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export function writeFileAtomic(name: string, text: string | Uint8Array): void {
  const path = existsSync(name) ? realpathSync(name) : name;
  counter += 1;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      if (typeof text === 'string') writeSync(fd, text);
      else writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
