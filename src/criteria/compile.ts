// Builds the compiled form of a criteria directory (run at build time for the built-in criteria).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllTrials, openCriteriaDir } from './criteria-dir.js';
import { COMPILED_FORMAT, dictionaryData, sha256, type CompiledCriteria } from './compiled.js';
import { DEFINITIONS_FILE, DICTIONARY_FILE } from './trial-lookup.js';

export function compileCriteriaDir(dir: string): CompiledCriteria {
  const set = openCriteriaDir(dir);
  const trials: CompiledCriteria['trials'] = {};
  for (const trial of loadAllTrials(set)) {
    const { file, ...rest } = trial;
    trials[file.slice(file.lastIndexOf('/') + 1)] = rest;
  }
  let definitionsSha256 = '';
  try {
    definitionsSha256 = sha256(readFileSync(join(dir, DEFINITIONS_FILE), 'utf8'));
  } catch {
    definitionsSha256 = '';
  }
  return {
    format: COMPILED_FORMAT,
    dictionarySha256: sha256(readFileSync(join(dir, DICTIONARY_FILE), 'utf8')),
    definitionsSha256,
    dictionary: dictionaryData(set.dictionary),
    trials,
  };
}
