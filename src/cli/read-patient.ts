// Reads a patient file (or stdin) with clear errors for missing, unreadable, huge or binary input.
// File and stdin go through the same checks: at most MAX_PATIENT_BYTES read, UTF-8, no NUL.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { ReferenceDates } from '../engine/result.js';
import { PatientDataError } from '../errors.js';
import { parsePatientData, parsePatientJson, parsePatientText, type ParsedPatient } from '../patient/parse.js';
import { readFileBounded } from '../util/read-bounded.js';
import { readStdin, type CliIo } from './io.js';

/** Patient files are small; anything bigger is a mistake (a wrong file, a database dump). */
export const MAX_PATIENT_BYTES = 5 * 1024 * 1024;

/** One patient's FHIR export holds years of encounters and claims: bundles may be larger. */
export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

/** The patient text, the name to show for it, and the bytes read (for the report's SHA-256). */
export async function readPatientInput(arg: string, io: CliIo, maxBytes = MAX_PATIENT_BYTES): Promise<{ text: string; name: string; bytes: Uint8Array | string }> {
  const TOO_LARGE = maxBytes === MAX_PATIENT_BYTES ? `a patient file is at most ${maxBytes / 1024 / 1024} MB (for many patients use "screen batch")` : `one patient's bundle is at most ${maxBytes / 1024 / 1024} MB`;
  if (arg === '-') {
    let buf: Buffer;
    try {
      buf = await readStdin(io.stdin, maxBytes);
    } catch (e) {
      throw new PatientDataError([{ location: '<stdin>', message: (e as Error).message }], { cause: e });
    }
    return { text: checkText(decode(buf, '<stdin>'), '<stdin>'), name: '<stdin>', bytes: buf };
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
  if (size > maxBytes) throw new PatientDataError([{ location: arg, message: `is ${(size / 1024 / 1024).toFixed(1)} MB; ${TOO_LARGE}` }]);
  let read;
  try {
    read = readFileBounded(path, maxBytes);
  } catch (e) {
    throw cannotRead(e);
  }
  if (!read.ok) {
    throw new PatientDataError([{ location: arg, message: read.reason === 'directory' ? 'is a directory, not a patient file' : `is larger than ${maxBytes / 1024 / 1024} MB; ${TOO_LARGE}` }]);
  }
  return { text: checkText(decode(read.bytes, arg), arg), name: arg, bytes: read.bytes };
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

/** Cheap test on the text: only a file that may be a FHIR Bundle loads the importer (lazily). */
const MAYBE_BUNDLE = /"resourceType"\s*:\s*"Bundle"/;

/**
 * The bundle's JSON, or undefined when the text is not a FHIR Bundle at its top level (or not
 * JSON the patient reader accepts: parsePatientText then reports where and why).
 */
function bundleData(text: string): unknown {
  let data: unknown;
  try {
    data = parsePatientJson(text, '');
  } catch {
    return undefined;
  }
  const isBundle = data !== null && typeof data === 'object' && (data as { resourceType?: unknown }).resourceType === 'Bundle';
  return isBundle ? data : undefined;
}

/**
 * The patient record from a patient file, or from a FHIR R4 Bundle imported on the fly (its import
 * summary on stderr) and then validated like any patient file.
 */
export async function parsePatientInput(input: { text: string; name: string }, dict: Dictionary, dates: ReferenceDates, io: CliIo): Promise<ParsedPatient> {
  const data = MAYBE_BUNDLE.test(input.text) ? bundleData(input.text) : undefined;
  if (data === undefined) return parsePatientText(input.text, input.name, dict, { referenceDates: dates });
  const { importWithSummary } = await import('./fhir-input.js');
  const { patient } = importWithSummary(data, input.name, dict, dates.screening, io);
  return parsePatientData(patient, `${input.name} (imported)`, dict, { pruned: true, referenceDates: dates });
}
