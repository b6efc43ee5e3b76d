// Reads a patient file (or stdin) with clear errors for missing, unreadable, huge or binary input.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PatientDataError } from '../errors.js';
import { readStdin, type CliIo } from './io.js';

/** Patient files are small; anything bigger is a mistake (a wrong file, a database dump). */
export const MAX_PATIENT_BYTES = 5 * 1024 * 1024;

/** The patient text, the name to show for it, and the bytes read (for the report's SHA-256). */
export async function readPatientInput(arg: string, io: CliIo): Promise<{ text: string; name: string; bytes: Uint8Array | string }> {
  if (arg === '-') {
    try {
      const text = checkText(await readStdin(io.stdin, MAX_PATIENT_BYTES), '<stdin>');
      return { text, name: '<stdin>', bytes: text };
    } catch (e) {
      if (e instanceof PatientDataError) throw e;
      throw new PatientDataError([{ location: '<stdin>', message: (e as Error).message }], { cause: e });
    }
  }
  const path = resolve(io.cwd, arg);
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new PatientDataError([{ location: arg, message: 'is a directory, not a patient file' }]);
    size = st.size;
  } catch (e) {
    if (e instanceof PatientDataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new PatientDataError([{ location: arg, message: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})` }], { cause: e });
  }
  if (size > MAX_PATIENT_BYTES) {
    throw new PatientDataError([{ location: arg, message: `is ${(size / 1024 / 1024).toFixed(1)} MB; a patient file is at most ${MAX_PATIENT_BYTES / 1024 / 1024} MB (for many patients use "screen batch")` }]);
  }
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new PatientDataError([{ location: arg, message: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` }], { cause: e });
  }
  return { text: checkText(decode(buf, arg), arg), name: arg, bytes: buf };
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
