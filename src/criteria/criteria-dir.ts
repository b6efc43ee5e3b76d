// The file layer for criteria: finds trial files in a criteria directory by looking ids up in
// its listing (a user-supplied id is never joined into a path), reads and parses them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CriteriaError, UsageError } from '../errors.js';
import { suggest } from '../util/did-you-mean.js';
import { parseDictionary, type Dictionary } from './dictionary.js';
import { parseSharedDefinitions, parseTrial, type SharedDefinitions, type Trial } from './load-trial.js';

export const DICTIONARY_FILE = 'fields.yaml';
export const DEFINITIONS_FILE = 'definitions.yaml';

/** The criteria/ directory shipped with the package. */
export function defaultCriteriaDir(): string {
  return fileURLToPath(new URL('../../criteria/', import.meta.url));
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
  const trialFiles = new Map<string, string>();
  for (const name of names.sort()) {
    if (!name.endsWith('.yaml') || name === DICTIONARY_FILE || name === DEFINITIONS_FILE) continue;
    trialFiles.set(name.slice(0, -'.yaml'.length), name);
  }
  return { dir, dictionary, shared, trialFiles };
}

/** Resolve a trial id (case-insensitive, or its NCT number) to its file name in the listing. */
export function findTrialFile(set: CriteriaSet, id: string): string {
  const exact = set.trialFiles.get(id);
  if (exact) return exact;
  for (const [key, file] of set.trialFiles) if (key.toLowerCase() === id.toLowerCase()) return file;
  const prefixed = [...set.trialFiles.keys()].filter((k) => k.toLowerCase().startsWith(id.toLowerCase()));
  const hint = prefixed.length === 1 ? prefixed[0] : suggest(id, set.trialFiles.keys());
  throw new UsageError(`unknown trial "${id.slice(0, 60)}"${hint ? ` (did you mean "${hint}"?)` : ''}; available: ${[...set.trialFiles.keys()].join(', ')}`);
}

export function loadTrial(set: CriteriaSet, id: string): Trial {
  const name = findTrialFile(set, id);
  return parseTrial(read(set.dir, name), join(set.dir, name), set.dictionary, set.shared);
}

export function loadAllTrials(set: CriteriaSet): Trial[] {
  return [...set.trialFiles.values()].map((name) => parseTrial(read(set.dir, name), join(set.dir, name), set.dictionary, set.shared));
}
