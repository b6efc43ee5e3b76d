// A validated, compiled form of a criteria directory, keyed by the SHA-256 of every source file.
// The CLI uses it to skip YAML parsing and schema validation at start-up; any file whose bytes
// differ from what was compiled is loaded and checked the slow way, so it is never stale.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriteriaError } from '../errors.js';
import { buildDictionary, type Dictionary } from './dictionary-model.js';
import type { DictionaryFile } from './dictionary-schema.js';
import type { Trial } from './load-trial.js';
import { DEFINITIONS_FILE, DICTIONARY_FILE, lookupTrialFile, trialFilesIn } from './trial-lookup.js';

export const COMPILED_FORMAT = 1;

export type CompiledCriteria = {
  format: typeof COMPILED_FORMAT;
  /** SHA-256 of fields.yaml and of definitions.yaml ("" when absent). */
  dictionarySha256: string;
  definitionsSha256: string;
  dictionary: DictionaryFile;
  /** Trial file name -> trial, with the file's SHA-256 in `sha256`. */
  trials: Record<string, Omit<Trial, 'file'>>;
};

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function dictionaryData(dict: Dictionary): DictionaryFile {
  return { version: dict.version, sections: dict.sections, fields: Object.fromEntries(dict.fields) };
}

export type LoadedCriteria = { dir: string; dictionary: Dictionary; trials: Trial[]; trialIds: string[]; fromCache: boolean };

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CriteriaError([{ location: file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }], { cause: e });
  }
}

/**
 * Load the dictionary and the requested trials (`'all'` for every trial) from `dir`, from the
 * compiled form when every file involved is byte-identical to what was compiled.
 */
export function loadFromCompiled(dir: string, compiled: CompiledCriteria | undefined, ids: string[] | 'all'): LoadedCriteria | undefined {
  if (!compiled || compiled.format !== COMPILED_FORMAT) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const trialFiles = trialFilesIn(names);
  const wanted = ids === 'all' ? [...trialFiles.values()] : ids.map((id) => lookupTrialFile(trialFiles, id));
  if (sha256(readText(join(dir, DICTIONARY_FILE))) !== compiled.dictionarySha256) return undefined;
  const defs = names.includes(DEFINITIONS_FILE) ? sha256(readText(join(dir, DEFINITIONS_FILE))) : '';
  if (defs !== compiled.definitionsSha256) return undefined;
  const trials: Trial[] = [];
  for (const name of wanted) {
    const cached = compiled.trials[name];
    if (!cached || cached.sha256 !== sha256(readText(join(dir, name)))) return undefined;
    trials.push({ ...cached, file: join(dir, name) });
  }
  return { dir, dictionary: buildDictionary(compiled.dictionary), trials, trialIds: [...trialFiles.keys()], fromCache: true };
}
