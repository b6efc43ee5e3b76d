// The file layer for criteria: finds trial files in a criteria directory by looking ids up in
// its listing (a user-supplied id is never joined into a path), reads and parses them.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { MAX_CRITERIA_BYTES, readTextBounded } from '../util/read-bounded.js';
import { join } from 'node:path';
import { CriteriaError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { parseDictionary, type Dictionary } from './dictionary.js';
import { parseSharedDefinitions, parseTrial, type SharedDefinitions, type Trial } from './load-trial.js';
import { checkTrialIdMatchesFile, DEFINITIONS_FILE, DICTIONARY_FILE, lookupTrialFile, nctInText, trialFilesIn } from './trial-lookup.js';

export { DEFINITIONS_FILE, DICTIONARY_FILE } from './trial-lookup.js';

/** The criteria/ directory shipped with the package. */
export function defaultCriteriaDir(): string {
  return join(packageRoot(), 'criteria');
}

function read(dir: string, name: string): string {
  const file = join(dir, name);
  return readTextBounded(file, MAX_CRITERIA_BYTES, (message, cause) => new CriteriaError([{ location: file, message }], { cause }));
}

export type CriteriaSet = {
  dir: string;
  dictionary: Dictionary;
  shared: SharedDefinitions;
  /** Trial id -> file name, from the directory listing. */
  trialFiles: Map<string, string>;
  /** fields.yaml's text, then definitions.yaml's (if any): every trial's rules read them too. */
  sharedText: string;
};

export function openCriteriaDir(dir = defaultCriteriaDir()): CriteriaSet {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new CriteriaError([{ location: dir, message: `cannot read the criteria directory: ${(e as NodeJS.ErrnoException).code ?? ''}` }], { cause: e });
  }
  const fieldsText = read(dir, DICTIONARY_FILE);
  const dictionary = parseDictionary(fieldsText, join(dir, DICTIONARY_FILE));
  const definitionsText = names.includes(DEFINITIONS_FILE) ? read(dir, DEFINITIONS_FILE) : '';
  const shared = names.includes(DEFINITIONS_FILE) ? parseSharedDefinitions(definitionsText, join(dir, DEFINITIONS_FILE), dictionary) : { file: join(dir, DEFINITIONS_FILE), definitions: {} };
  return { dir, dictionary, shared, trialFiles: trialFilesIn(names, dir), sharedText: fieldsText + definitionsText };
}

/** Resolve a trial id (case-insensitive) to its file name in the listing. */
export function findTrialFile(set: CriteriaSet, id: string): string {
  return lookupTrialFile(set.trialFiles, id, (file) => {
    try {
      return nctInText(read(set.dir, file));
    } catch {
      return undefined;
    }
  });
}

export function loadTrial(set: CriteriaSet, id: string): Trial {
  return loadTrialFile(set, findTrialFile(set, id));
}

export function loadAllTrials(set: CriteriaSet): Trial[] {
  return [...set.trialFiles.values()].map((name) => loadTrialFile(set, name));
}

function loadTrialFile(set: CriteriaSet, name: string): Trial {
  const file = join(set.dir, name);
  const text = read(set.dir, name);
  const trial = parseTrial(text, file, set.dictionary, set.shared);
  checkTrialIdMatchesFile(trial.meta.id, name, file);
  // The audit trail's SHA-256 covers everything the trial's rules read: its file, then fields.yaml
  // and definitions.yaml as `cat` joins them (a change to a shared definition changes it too).
  return { ...trial, sha256: createHash('sha256').update(text, 'utf8').update(set.sharedText, 'utf8').digest('hex') };
}
