// Where `screen batch --out FILE` writes its rows (and, through writeOutFile, a report's --out and
// batch's --summary; the questionnaire's --save goes through atomic-write.ts, which never writes in
// place). The rows go to a temporary file beside FILE,
// renamed over it once the last one is written (`finish`); a run that stops early (`abandon`, or
// Ctrl-C, SIGTERM, the terminal closing, an exit mid-way) removes the temporary file, so FILE is
// either the whole output of a finished run or what it was before — never a file that looks
// complete but lacks rows. Where a rename cannot stand in for writing FILE, it is written in place,
// as the rows come: a device or pipe (/dev/stdout, /dev/full, a named pipe; any path under /dev or
// /proc), a dangling symlink, a file with other hard links or mounted by itself from another file
// system (a Docker volume of one file), or a file in a folder where no temporary file can be made;
// a file a rename cannot replace (a bind mount on the same file system) gets the rows copied in.
// Another user's file is written in place too (replacing it would change its owner and group).
// (Not flushed to disk before the rename: a million rows' output would wait seconds for the disk;
// the guarantee is against a stopped run, not a power cut.)
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError } from '../errors.js';
import { onStop } from '../util/on-stop.js';

export type OutFile = {
  fd: number;
  /** Rows go straight into the file (no temporary file): a stopped run leaves what was written. */
  inPlace: boolean;
  /** The run finished (the file descriptor closed): the rows take the file's place. */
  finish(): void;
  /** The run stopped early (the file descriptor closed): the temporary file goes, best effort. */
  abandon(): void;
};

/** An error's code (ENOSPC, EACCES, …), else its message. */
export const errorCode = (e: unknown): string => (e as NodeJS.ErrnoException | undefined)?.code ?? (e as Error | undefined)?.message ?? String(e);

/** Opens `path` (named `label` in messages) for a batch's rows; an error is an OutputError naming `label`. */
export function openOutFile(path: string, label: string, options: { newMode?: number } = {}): OutFile {
  const fail = (e: unknown) => new OutputError(`cannot write ${label}: ${errorCode(e)}`, { cause: e });
  const inPlace = (): OutFile => {
    let fd: number;
    try {
      fd = openSync(path, 'w', options.newMode ?? 0o666);
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
      // Another user's file (a shared folder): replacing it would make it the writer's, owner and
      // group, and a sticky folder refuses the rename; root keeps the owner (fchown below).
      const uid = process.geteuid?.();
      if (uid !== undefined && uid !== 0 && uid !== st.uid) return inPlace();
    }
  } catch (e) {
    // (Written in place, and that failed: already worded.)
    if (e instanceof OutputError) throw e;
    throw fail(e);
  }
  /** The temporary file, once made (nothing else is ever removed). */
  let writing = '';
  const removeTemp = () => {
    if (!writing) return;
    try {
      rmSync(writing, { force: true });
    } catch {
      // (Best effort: the run's own error, if any, is the one reported.)
    }
  };
  /** Ended by a signal (a PID 1 that ignored it runs on for a moment): nothing is to be written. */
  let stopped = false;
  // Listening before the file is made: a signal that came between the two would end the process
  // by its default action, the file left behind (seen on a loaded machine).
  const unhook = onStop(() => {
    stopped = true;
    removeTemp();
  });
  /** Written in place after all: nothing of the temporary file's is left, listeners included. */
  const instead = (): OutFile => {
    unhook();
    removeTemp();
    return inPlace();
  };
  let fd = -1;
  try {
    for (let tries = 0; fd < 0; tries++) {
      const name = join(dirname(real), `.${basename(real).slice(0, 80)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        fd = openSync(name, 'wx', st ? 0o600 : (options.newMode ?? 0o666));
        writing = name;
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code;
        if (why === 'EEXIST' && tries < 3) continue;
        // A folder where no file can be made but the file itself is writable: written in place.
        if (st && (why === 'EACCES' || why === 'EPERM' || why === 'EROFS' || why === 'ENAMETOOLONG')) return instead();
        throw fail(e);
      }
    }
  } catch (e) {
    unhook();
    throw e;
  }
  if (st) {
    // The file's permissions, owner and group (root rewriting a user's file); if they cannot all be
    // kept, the file is written in place instead.
    try {
      fchmodSync(fd, st.mode & 0o7777);
      fchownSync(fd, st.uid, st.gid);
    } catch {
      closeQuietly(fd);
      return instead();
    }
  }
  return {
    fd,
    inPlace: false,
    finish() {
      unhook();
      if (stopped) throw new OutputError(`the run was stopped by a signal: nothing was written to ${label}`);
      let why: unknown;
      try {
        renameSync(writing, real);
        return;
      } catch (e) {
        why = e;
      }
      // The rows are all there: kept, and named, rather than lost with the temporary file.
      const kept = (e: unknown, state: string) => new OutputError(`cannot write ${label} (${errorCode(e)}): ${state}; the complete results are in ${writing}`, { cause: e });
      // A file mounted by itself on the same file system (a bind mount) cannot be renamed over:
      // the rows are copied into it. Any other refusal leaves it alone.
      if ((why as NodeJS.ErrnoException).code !== 'EBUSY') throw kept(why, `${label} was left as it was`);
      try {
        copyInto(writing, real);
      } catch (e) {
        throw kept(e, `${label} is incomplete`);
      }
      removeTemp();
    },
    abandon() {
      unhook();
      removeTemp();
    },
  };
}

/** Writes `from`'s bytes over `to` in place (its inode, owner and mode kept), then cuts it to their length. */
function copyInto(from: string, to: string): void {
  const src = openSync(from, 'r');
  try {
    const dst = openSync(to, 'r+');
    try {
      const chunk = Buffer.allocUnsafe(1 << 20);
      let at = 0;
      for (let n; (n = readSync(src, chunk, 0, chunk.length, at)) > 0; at += n) {
        for (let off = 0; off < n; ) off += writeSync(dst, chunk, off, n - off, at + off);
      }
      ftruncateSync(dst, at);
    } finally {
      closeSync(dst);
    }
  } finally {
    closeSync(src);
  }
}

/** Closes `fd`, ignoring an error (the run's own error is the one reported). */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // (Already closed, or a close that failed after a write error.)
  }
}

/**
 * Writes `data` as the whole of `path` (named `label` in messages), as openOutFile writes batch
 * rows: a regular file is replaced only once all of it is written (and flushed to disk: a report
 * or a saved answer file is small), keeping its mode and owner; a device, a pipe, a symlink's
 * target, a hard-linked file are written in place, never replaced by a file of their name.
 */
export function writeOutFile(path: string, label: string, data: string | Uint8Array, options: { newMode?: number } = {}): void {
  const file = openOutFile(path, label, options);
  const fail = (e: unknown) => new OutputError(`cannot write ${label}: ${errorCode(e)}; ${file.inPlace ? 'the output is incomplete' : `${label} was left as it was`}`, { cause: e });
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(file.fd, bytes, off);
    if (!file.inPlace) fsyncSync(file.fd);
  } catch (e) {
    closeQuietly(file.fd);
    file.abandon();
    throw fail(e);
  }
  try {
    closeSync(file.fd);
  } catch (e) {
    file.abandon();
    throw fail(e);
  }
  file.finish();
}

/**
 * Which file standard input is, when it is the process's and a file (`screen - < p.json`): as
 * fileIdentity gives it. (Another `io.stdin`, in-process, cannot be known.)
 */
export function stdinIdentity(io: { stdin: unknown }): string | undefined {
  if (io.stdin !== process.stdin) return undefined;
  try {
    const st = fstatSync(0);
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** Which file `path` is (device and inode), or, not there yet, the name it resolves to: equal for the same file. */
export function fileIdentity(path: string): string {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    // Not there yet: it is the same as another only if it resolves to the same name (a dangling
    // link: the name it points to).
    const target = linkTarget(path);
    try {
      return `path:${join(realpathSync(dirname(target)), basename(target))}`;
    } catch {
      return `path:${target}`;
    }
  }
}

/** The file a name stands for: through symlinks (up to 40, as the kernel), to a file that may not exist yet. */
export function linkTarget(path: string): string {
  let at = path;
  for (let hops = 0; hops < 40; hops++) {
    const link = lstatSync(at, { throwIfNoEntry: false });
    if (!link?.isSymbolicLink()) return at;
    // (A relative target is read from the folder the link really is in, as the kernel does: ".."
    // in it goes up from there, not from a symlinked folder's name.)
    const folder = dirname(at);
    let real = folder;
    try {
      real = realpathSync(folder);
    } catch {
      // (A folder that is not there: the link cannot be either; the name as written.)
    }
    at = resolve(real, readlinkSync(at));
  }
  return at;
}
