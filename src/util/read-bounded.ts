// Reads a whole file, but never more than a limit: the limit applies to the bytes actually read,
// so /dev/zero, a FIFO or a file that grows while it is read cannot exhaust memory (a size from
// stat says nothing about devices and pipes).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'directory' | 'too-large'; bytesRead: number };

export function readFileBounded(path: string, limit: number): BoundedRead {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, reason: 'directory', bytesRead: 0 };
    const chunks: Buffer[] = [];
    let total = 0;
    // A regular file's size sizes the first read (one byte more, to see the end): a 1 MB buffer per
    // small file showed in start-up profiles. Then 64 KB to see the end (or a file that grew), and
    // devices and pipes in 1 MB chunks.
    const sized = stat.isFile() && stat.size > 0;
    let size = sized ? stat.size + 1 : 1 << 20;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(size, limit + 1 - total));
      size = sized ? 1 << 16 : 1 << 20;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > limit) return { ok: false, reason: 'too-large', bytesRead: total };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}

/** "5 MB" for a byte count that is a whole number of MiB, else the bytes. */
export function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MB` : `${bytes} bytes`;
}

/** Criteria files (YAML) are a few hundred KB at most. */
export const MAX_CRITERIA_BYTES = 5 * 1024 * 1024;

/** A text file read with the bound; `fail` turns a problem (and the error code, if any) into the caller's error. */
export function readTextBounded(path: string, limit: number, fail: (message: string, cause?: unknown) => Error): string {
  let read: BoundedRead;
  try {
    read = readFileBounded(path, limit);
  } catch (e) {
    throw fail(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, e);
  }
  if (!read.ok) throw fail(read.reason === 'directory' ? 'is a directory' : `is larger than ${sizeText(limit)}: not a criteria file`);
  return read.bytes.toString('utf8');
}
