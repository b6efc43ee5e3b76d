// Where `screen batch --out FILE` writes its rows. The rows go to a temporary file beside FILE,
// renamed over it once the last one is written (`finish`); a run that stops early (`abandon`, or
// Ctrl-C, SIGTERM, the terminal closing, an exit mid-way) removes the temporary file, so FILE is
// either the whole output of a finished run or what it was before — never a file that looks
// complete but lacks rows. Where a rename cannot stand in for writing FILE, it is written in place,
// as the rows come: a device or pipe (/dev/stdout, /dev/full, a named pipe; any path under /dev or
// /proc), a dangling symlink, a file with other hard links or mounted by itself from another file
// system (a Docker volume of one file), or a file in a folder where no temporary file can be made;
// a file a rename cannot replace (a bind mount on the same file system) gets the rows copied in.
// (Not flushed to disk before the rename: a million rows' output would wait seconds for the disk;
// the guarantee is against a stopped run, not a power cut.)
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, copyFileSync, fchmodSync, fchownSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { constants as os } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors.js';

export type OutFile = {
  fd: number;
  /** Rows go straight into the file (no temporary file): a stopped run leaves what was written. */
  inPlace: boolean;
  /** The run finished (the file descriptor closed): the rows take the file's place. */
  finish(): void;
  /** The run stopped early (the file descriptor closed): the temporary file goes, best effort. */
  abandon(): void;
};

const code = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code ?? (e as Error | undefined)?.message ?? String(e);

/** Opens `path` (named `label` in messages) for a batch's rows; an error is an OutputError naming `label`. */
export function openOutFile(path: string, label: string): OutFile {
  const fail = (e: unknown) => new OutputError(`cannot write ${label}: ${code(e)}`, { cause: e });
  const inPlace = (): OutFile => {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw fail(e);
    }
    return { fd, inPlace: true, finish() {}, abandon() {} };
  };
  if (/^\/(dev|proc)\//.test(path)) return inPlace();
  let st: ReturnType<typeof statSync>;
  let real = path;
  try {
    const link = lstatSync(path, { throwIfNoEntry: false });
    st = statSync(path, { throwIfNoEntry: false });
    // A dangling link: the file is made where it points, as before.
    if (link && !st) return inPlace();
    if (st) {
      if (!st.isFile() || st.nlink > 1) return inPlace();
      // A write-protected file is refused as writing it in place would be (never silently replaced).
      accessSync(path, constants.W_OK);
      real = realpathSync(path);
      // Mounted by itself (another device than its folder's): a rename over it fails (EBUSY).
      if (statSync(dirname(real)).dev !== st.dev) return inPlace();
    }
  } catch (e) {
    throw fail(e);
  }
  let writing = '';
  let fd = -1;
  for (let tries = 0; fd < 0; tries++) {
    writing = join(dirname(real), `.${basename(real).slice(0, 80)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      fd = openSync(writing, 'wx', st ? 0o600 : 0o666);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code;
      if (why === 'EEXIST' && tries < 3) continue;
      // A folder where no file can be made but the file itself is writable: written in place.
      if (st && (why === 'EACCES' || why === 'EPERM' || why === 'EROFS' || why === 'ENAMETOOLONG')) return inPlace();
      throw fail(e);
    }
  }
  if (st) {
    // The file's permissions and, where allowed, its owner (root rewriting a user's file).
    try {
      fchmodSync(fd, st.mode & 0o7777);
      fchownSync(fd, st.uid, st.gid);
    } catch {
      // (Not the owner: the file is the writer's, with the old mode where that was allowed.)
    }
  }
  const removeTemp = () => {
    try {
      rmSync(writing, { force: true });
    } catch {
      // (Best effort: the run's own error, if any, is the one reported.)
    }
  };
  const onExit = () => removeTemp();
  const onSignal = (signal: NodeJS.Signals) => {
    unhook();
    removeTemp();
    process.kill(process.pid, signal);
    // A process that ignores the signal's default action (PID 1 in a container) ends all the same.
    setTimeout(() => process.exit(128 + (os.signals[signal] ?? 0)), 200);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const unhook = () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('exit', onExit);
  };
  for (const s of signals) process.once(s, onSignal);
  process.once('exit', onExit);
  return {
    fd,
    inPlace: false,
    finish() {
      unhook();
      try {
        renameSync(writing, real);
        return;
      } catch {
        // A file mounted by itself on the same file system (a bind mount: EBUSY) cannot be renamed
        // over: the rows are copied into it instead.
      }
      try {
        copyFileSync(writing, real);
      } catch (e) {
        // The rows are all there: kept, and named, rather than lost with the temporary file.
        throw new OutputError(`cannot write ${label} (${code(e)}): the complete results are in ${writing}`, { cause: e });
      }
      removeTemp();
    },
    abandon() {
      unhook();
      removeTemp();
    },
  };
}

/** Closes `fd`, ignoring an error (the run's own error is the one reported). */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // (Already closed, or a close that failed after a write error.)
  }
}
