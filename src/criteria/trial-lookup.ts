// Trial ids are looked up in a criteria directory's listing — never joined into a path — so an
// id such as "../../etc/passwd" can only ever be "unknown trial".
import { UsageError } from '../errors.js';
import { suggest } from '../util/did-you-mean.js';

export const DICTIONARY_FILE = 'fields.yaml';
export const DEFINITIONS_FILE = 'definitions.yaml';

/** Trial id -> file name for every trial file in a directory listing. */
export function trialFilesIn(names: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of [...names].sort()) {
    if (!name.endsWith('.yaml') || name === DICTIONARY_FILE || name === DEFINITIONS_FILE) continue;
    out.set(name.slice(0, -'.yaml'.length), name);
  }
  return out;
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
