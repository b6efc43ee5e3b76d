// Trial ids are looked up in a criteria directory's listing — never joined into a path — so an
// id such as "../../etc/passwd" can only ever be "unknown trial".
import { CriteriaError, UsageError } from '../errors.js';
import { suggest } from '../util/did-you-mean.js';

export const DICTIONARY_FILE = 'fields.yaml';
export const DEFINITIONS_FILE = 'definitions.yaml';

/**
 * Trial id -> file name for every trial file in a directory listing. A trial's id is its file
 * name (the loader checks the file's trial.id against it), and ids are looked up
 * case-insensitively, so two names differing only in case would be two files for one trial.
 */
export function trialFilesIn(names: string[], dir = ''): Map<string, string> {
  const out = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const name of [...names].sort()) {
    if (!name.endsWith('.yaml') || name === DICTIONARY_FILE || name === DEFINITIONS_FILE) continue;
    const id = name.slice(0, -'.yaml'.length);
    const other = folded.get(id.toLowerCase());
    if (other !== undefined) throw new CriteriaError([{ location: dir ? `${dir}/${name}` : name, message: `trial id "${id}" is also the id of ${other}: each trial needs exactly one criteria file` }]);
    folded.set(id.toLowerCase(), name);
    out.set(id, name);
  }
  return out;
}

/** A trial file's trial.id must be its file name: that is how reports, rankings and reviews find it. */
export function checkTrialIdMatchesFile(id: string, fileName: string, file: string): void {
  const expected = fileName.slice(0, -'.yaml'.length);
  if (id.toLowerCase() !== expected.toLowerCase()) {
    throw new CriteriaError([{ location: file, message: `trial.id "${id.slice(0, 60)}" does not match the file name ${fileName}: name the file ${id.slice(0, 60)}.yaml (a trial's id is its file name, so no two files can claim one id)` }]);
  }
}

const NCT_ID = /^NCT\d{8}$/i;

/** The `nct:` of a trial file's text, without parsing the YAML. */
export function nctInText(text: string): string | undefined {
  return /^\s+nct:\s*['"]?(NCT\d{8})\b/m.exec(text)?.[1];
}

/**
 * Resolve a trial id (exact, then case-insensitive, then an NCT number as `screen trials` lists
 * it, through `nctOf`) to its file name, or a UsageError with a hint.
 */
export function lookupTrialFile(trialFiles: ReadonlyMap<string, string>, id: string, nctOf?: (file: string) => string | undefined): string {
  const exact = trialFiles.get(id);
  if (exact) return exact;
  for (const [key, file] of trialFiles) if (key.toLowerCase() === id.toLowerCase()) return file;
  if (nctOf && NCT_ID.test(id)) {
    for (const file of trialFiles.values()) if (nctOf(file)?.toUpperCase() === id.toUpperCase()) return file;
  }
  const prefixed = [...trialFiles.keys()].filter((k) => k.toLowerCase().startsWith(id.toLowerCase()));
  const hint = prefixed.length === 1 ? prefixed[0] : suggest(id, trialFiles.keys());
  throw new UsageError(`unknown trial "${id.slice(0, 60)}"${hint ? ` (did you mean "${hint}"?)` : ''}; available: ${[...trialFiles.keys()].join(', ')}`);
}
