// A validated, compiled form of a criteria directory, holding the exact text of every source file
// it was compiled from. The CLI uses it to skip YAML parsing and schema validation at start-up; a
// file whose text differs in any way is loaded and checked the slow way, so it is never stale.
// (Comparing the text is exact and costs microseconds; hashing would mean loading node:crypto,
// about 3 ms of start-up. Each trial's SHA-256 for the audit trail is computed when compiling.)
// On disk (scripts/compile-criteria.mjs) the texts are kept out of the JSON, in one plain file of
// the texts one after another: JSON.parse of ~100 KB of YAML text full of \n escapes took about
// as long as a third of the rest of a one-patient run's own work.
import { readdirSync } from 'node:fs';
import { MAX_CRITERIA_BYTES, readTextBounded } from '../util/read-bounded.js';
import { join } from 'node:path';
import { CriteriaError } from '../errors.js';
import { buildDictionary, type Dictionary } from './dictionary-model.js';
import type { DictionaryFile } from './dictionary-schema.js';
import type { Trial } from './load-trial.js';
import { DEFINITIONS_FILE, DICTIONARY_FILE, lookupTrialFile, trialFilesIn } from './trial-lookup.js';

export const COMPILED_FORMAT = 3;

export type CompiledCriteria = {
  format: typeof COMPILED_FORMAT;
  /** File name -> the exact text compiled (fields.yaml, definitions.yaml if any, every trial file). */
  sources: Record<string, string>;
  dictionary: DictionaryFile;
  /** Trial file name -> trial (its `sha256` covers the file and the shared ones, for reports). */
  trials: Record<string, Omit<Trial, 'file'>>;
};

/** The form written to disk: the same, with each source text's [start, end) in the sources file. */
export type StoredCompiledCriteria = Omit<CompiledCriteria, 'sources'> & { sourceSpans: Record<string, [number, number]> };

export function toStored(compiled: CompiledCriteria): { stored: StoredCompiledCriteria; sourcesText: string } {
  const { sources, ...rest } = compiled;
  const sourceSpans: Record<string, [number, number]> = {};
  let sourcesText = '';
  for (const [name, text] of Object.entries(sources)) {
    sourceSpans[name] = [sourcesText.length, sourcesText.length + text.length];
    sourcesText += text;
  }
  return { stored: { ...rest, sourceSpans }, sourcesText };
}

/** Back from the stored form; `readSources` reads the sources file (as text). */
export function fromStored(stored: StoredCompiledCriteria, readSources: () => string): CompiledCriteria | undefined {
  if (stored.format !== COMPILED_FORMAT) return undefined;
  const { sourceSpans, ...rest } = stored;
  const text = readSources();
  const sources: Record<string, string> = {};
  for (const [name, [start, end]] of Object.entries(sourceSpans)) {
    if (!(start <= end && end <= text.length)) return undefined;
    sources[name] = text.slice(start, end);
  }
  return { ...rest, sources };
}

export function dictionaryData(dict: Dictionary): DictionaryFile {
  return { version: dict.version, sections: dict.sections, fields: Object.fromEntries(dict.fields) };
}

export type LoadedCriteria = { dir: string; dictionary: Dictionary; trials: Trial[]; trialIds: string[]; fromCache: boolean };

function readText(file: string): string {
  return readTextBounded(file, MAX_CRITERIA_BYTES, (message, cause) => new CriteriaError([{ location: file, message }], { cause }));
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
  const trialFiles = trialFilesIn(names, dir);
  const wanted = ids === 'all' ? [...trialFiles.values()] : ids.map((id) => lookupTrialFile(trialFiles, id, (file) => compiled.trials[file]?.meta.nct));
  const same = (name: string) => compiled.sources[name] !== undefined && readText(join(dir, name)) === compiled.sources[name];
  if (!same(DICTIONARY_FILE)) return undefined;
  if (names.includes(DEFINITIONS_FILE) !== (DEFINITIONS_FILE in compiled.sources)) return undefined;
  if (names.includes(DEFINITIONS_FILE) && !same(DEFINITIONS_FILE)) return undefined;
  const trials: Trial[] = [];
  for (const name of wanted) {
    const cached = compiled.trials[name];
    if (!cached || !same(name)) return undefined;
    trials.push({ ...cached, file: join(dir, name) });
  }
  return { dir, dictionary: buildDictionary(compiled.dictionary), trials, trialIds: [...trialFiles.keys()], fromCache: true };
}
