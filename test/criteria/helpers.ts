// Shared by the per-trial criterion tables: load a trial, patch an example patient, evaluate one criterion.
import { readFileSync } from 'node:fs';
import { loadTrial, openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { evaluateCriterion } from '../../src/engine/evaluate.js';
import { parsePatientText } from '../../src/patient/parse.js';
import type { CriterionResult } from '../../src/engine/result.js';

const set = openCriteriaDir();

export function criterionEvaluator(trialId: string, exampleFile: string) {
  const trial = loadTrial(set, trialId);
  const base = JSON.parse(readFileSync(new URL(`../../examples/${exampleFile}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  return (id: string, patch: (p: any) => void = () => {}): CriterionResult => {
    const p = structuredClone(base);
    patch(p);
    const { record } = parsePatientText(JSON.stringify(p), 'test.json', set.dictionary);
    const criterion = trial.criteria.find((c) => c.id === id);
    if (!criterion) throw new Error(`no criterion ${id}`);
    return evaluateCriterion(trial, set.dictionary, record, record.referenceDates ?? {}, criterion);
  };
}
