// What the CLI calls to get criteria: the compiled built-in criteria when they are unchanged
// (fast: no YAML, no schema validation), otherwise the full loader, imported only then.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { fromStored, loadFromCompiled, type LoadedCriteria, type StoredCompiledCriteria } from './compiled.js';

export const COMPILED_FILE = 'criteria.compiled.json';
/** The compiled source texts, one after another (their spans are in COMPILED_FILE). */
export const COMPILED_SOURCES_FILE = 'criteria.compiled.sources';

function builtInCompiled() {
  const file = join(packageRoot(), 'dist', COMPILED_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredCompiledCriteria;
    return fromStored(stored, () => readFileSync(join(packageRoot(), 'dist', COMPILED_SOURCES_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

export async function loadCriteria(criteriaDir: string | undefined, ids: string[] | 'all'): Promise<LoadedCriteria> {
  const dir = criteriaDir ?? join(packageRoot(), 'criteria');
  if (criteriaDir === undefined) {
    const fast = loadFromCompiled(dir, builtInCompiled(), ids);
    if (fast) return fast;
  }
  const { openCriteriaDir, loadTrial, loadAllTrials } = await import('./criteria-dir.js');
  const set = openCriteriaDir(dir);
  const trials = ids === 'all' ? loadAllTrials(set) : ids.map((id) => loadTrial(set, id));
  return { dir, dictionary: set.dictionary, trials, trialIds: [...set.trialFiles.keys()], fromCache: false };
}
