// Reads a patient file (or stdin) with clear errors for missing, unreadable, huge or binary input.
// File and stdin go through the same checks: at most MAX_PATIENT_BYTES read, UTF-8, no NUL.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PatientDataError } from '../errors.js';
import { readFileBounded } from '../util/read-bounded.js';
import { readStdin, type CliIo } from './io.js';

/** Patient files are small; anything bigger is a mistake (a wrong file, a database dump). */
export const MAX_PATIENT_BYTES = 5 * 1024 * 1024;
const TOO_LARGE = `a patient file is at most ${MAX_PATIENT_BYTES / 1024 / 1024} MB (for many patients use "screen batch")`;

export async function readPatientInput(arg: string, io: CliIo): Promise<{ text: string; name: string }> {
  if (arg === '-') {
    let buf: Buffer;
    try {
      buf = await readStdin(io.stdin, MAX_PATIENT_BYTES);
    } catch (e) {
      throw new PatientDataError([{ location: '<stdin>', message: (e as Error).message }], { cause: e });
    }
    return { text: checkText(decode(buf, '<stdin>'), '<stdin>'), name: '<stdin>' };
  }
  const path = resolve(io.cwd, arg);
  const cannotRead = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    return new PatientDataError([{ location: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})` }], { cause: e });
  };
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw cannotRead(e);
  }
  // A regular file's size is known up front; devices and pipes are caught by the bounded read.
  if (size > MAX_PATIENT_BYTES) throw new PatientDataError([{ location: arg, message: `is ${(size / 1024 / 1024).toFixed(1)} MB; ${TOO_LARGE}` }]);
  let read;
  try {
    read = readFileBounded(path, MAX_PATIENT_BYTES);
  } catch (e) {
    throw cannotRead(e);
  }
  if (!read.ok) {
    throw new PatientDataError([{ location: arg, message: read.reason === 'directory' ? 'is a directory, not a patient file' : `is larger than ${MAX_PATIENT_BYTES / 1024 / 1024} MB; ${TOO_LARGE}` }]);
  }
  return { text: checkText(decode(read.bytes, arg), arg), name: arg };
}

function decode(buf: Buffer, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch (e) {
    throw new PatientDataError([{ location: name, message: 'is not UTF-8 text (a binary file?)' }], { cause: e });
  }
}

function checkText(text: string, name: string): string {
  if (text.includes('\u0000')) throw new PatientDataError([{ location: name, message: 'contains NUL bytes: not a JSON text file' }]);
  return text;
}
