// Writes a file so that it is always either the old or the new content: a temporary file in the
// same directory, flushed to disk, then renamed over the target (a symlink's target, even one not
// made yet: the link stays), keeping an existing file's mode, owner and group (a new one is its
// owner's only: patient data). The questionnaire saves its answers so after every one
// (interactive-mode.ts refuses a --save that is not a regular file); reports and batch output go
// through batch-out-file.ts. A hard-linked file is split from its other names by the rename.
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { linkTarget } from './batch-out-file.js';

let counter = 0;

export function writeFileAtomic(name: string, text: string | Uint8Array): void {
  const path = linkTarget(name);
  const st = statSync(path, { throwIfNoEntry: false });
  counter += 1;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      if (st) {
        fchmodSync(fd, st.mode & 0o7777);
        // (Only root may give a file away; anyone else rewriting their own file keeps it theirs. Root
        // refused it, on a share that maps root to nobody: the answers are saved all the same.)
        if (process.geteuid?.() === 0) {
          try {
            fchownSync(fd, st.uid, st.gid);
          } catch {
            // (Kept as written: saving the answers matters more than their owner.)
          }
        }
      }
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
