// The trials a command works on: those named (each once) or, with --all, every trial of the
// criteria directory. `named` is how the command names them: "--trial" for screen batch, the
// trial ids given as arguments for screen template.
import { loadCriteria } from '../criteria/load-for-cli.js';
import type { LoadedCriteria } from '../criteria/compiled.js';
import { UsageError } from '../errors.js';

export async function pickTrials(ids: readonly string[], all: boolean | undefined, criteriaDir: string | undefined, named: { some: string; one: string }): Promise<LoadedCriteria> {
  if (all && ids.length) throw new UsageError(`give either ${named.some} or --all, not both`);
  if (!all && ids.length === 0) throw new UsageError(`missing ${named.one} or --all (list trials with: screen trials)`);
  const loaded = await loadCriteria(criteriaDir, all ? 'all' : [...ids]);
  const seen = new Set<string>();
  for (const t of loaded.trials) {
    if (seen.has(t.meta.id)) throw new UsageError(`trial ${t.meta.id} is given twice`);
    seen.add(t.meta.id);
  }
  return loaded;
}
