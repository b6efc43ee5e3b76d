// The file layer for criteria: finds trial files in a criteria directory by looking ids up in
// its listing (a user-supplied id is never joined into a path), reads and parses them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriteriaError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { parseDictionary, type Dictionary } from './dictionary.js';
import { parseSharedDefinitions, parseTrial, type SharedDefinitions, type Trial } from './load-trial.js';
import { DEFINITIONS_FILE, DICTIONARY_FILE, lookupTrialFile, nctInText, trialFilesIn } from './trial-lookup.js';

export { DEFINITIONS_FILE, DICTIONARY_FILE } from './trial-lookup.js';

/** The criteria/ directory shipped with the package. */
export function defaultCriteriaDir(): string {
  return join(packageRoot(), 'criteria');
}

function read(dir: string, name: string): string {
  const file = join(dir, name);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CriteriaError([{ location: file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }], { cause: e });
  }
}

export type CriteriaSet = {
  dir: string;
  dictionary: Dictionary;
  shared: SharedDefinitions;
  /** Trial id -> file name, from the directory listing. */
  trialFiles: Map<string, string>;
};

export function openCriteriaDir(dir = defaultCriteriaDir()): CriteriaSet {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new CriteriaError([{ location: dir, message: `cannot read the criteria directory: ${(e as NodeJS.ErrnoException).code ?? ''}` }], { cause: e });
  }
  const dictionary = parseDictionary(read(dir, DICTIONARY_FILE), join(dir, DICTIONARY_FILE));
  const shared = names.includes(DEFINITIONS_FILE)
    ? parseSharedDefinitions(read(dir, DEFINITIONS_FILE), join(dir, DEFINITIONS_FILE), dictionary)
    : { file: join(dir, DEFINITIONS_FILE), definitions: {} };
  return { dir, dictionary, shared, trialFiles: trialFilesIn(names) };
}

/** Resolve a trial id (case-insensitive) to its file name in the listing. */
export function findTrialFile(set: CriteriaSet, id: string): string {
  return lookupTrialFile(set.trialFiles, id, (file) => {
    try {
      return nctInText(readFileSync(join(set.dir, file), 'utf8'));
    } catch {
      return undefined;
    }
  });
}

export function loadTrial(set: CriteriaSet, id: string): Trial {
  const name = findTrialFile(set, id);
  return parseTrial(read(set.dir, name), join(set.dir, name), set.dictionary, set.shared);
}

export function loadAllTrials(set: CriteriaSet): Trial[] {
  return [...set.trialFiles.values()].map((name) => parseTrial(read(set.dir, name), join(set.dir, name), set.dictionary, set.shared));
}
