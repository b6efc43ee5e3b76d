// Builds the compiled form of a criteria directory (run at build time for the built-in criteria).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllTrials, openCriteriaDir } from './criteria-dir.js';
import { COMPILED_FORMAT, dictionaryData, type CompiledCriteria } from './compiled.js';
import { DEFINITIONS_FILE, DICTIONARY_FILE } from './trial-lookup.js';

export function compileCriteriaDir(dir: string): CompiledCriteria {
  const set = openCriteriaDir(dir);
  const trials: CompiledCriteria['trials'] = {};
  const sources: Record<string, string> = { [DICTIONARY_FILE]: readFileSync(join(dir, DICTIONARY_FILE), 'utf8') };
  try {
    sources[DEFINITIONS_FILE] = readFileSync(join(dir, DEFINITIONS_FILE), 'utf8');
  } catch {
    // no shared definitions file
  }
  for (const trial of loadAllTrials(set)) {
    const { file, ...rest } = trial;
    const name = file.slice(file.lastIndexOf('/') + 1);
    trials[name] = rest;
    sources[name] = readFileSync(file, 'utf8');
  }
  return { format: COMPILED_FORMAT, sources, dictionary: dictionaryData(set.dictionary), trials };
}
