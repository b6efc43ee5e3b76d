// Test helpers: load the shipped criteria once, build patients from an example with changes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTrial, openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import type { Trial } from '../../src/criteria/load-trial.js';
import { evaluateCriterion, screenPatient } from '../../src/engine/evaluate.js';
import type { CriterionResult } from '../../src/engine/result.js';
import { parsePatientData } from '../../src/patient/parse.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const criteriaSet = openCriteriaDir(`${ROOT}criteria`);
const trials = new Map<string, Trial>();

export function trial(id: string): Trial {
  let t = trials.get(id);
  if (!t) {
    t = loadTrial(criteriaSet, id);
    trials.set(id, t);
  }
  return t;
}

export function example(name: string): Record<string, any> {
  return JSON.parse(readFileSync(`${ROOT}examples/${name}.json`, 'utf8'));
}

export function clone<T>(x: T): T {
  return structuredClone(x);
}

export function withChanges(base: Record<string, any>, change: (p: Record<string, any>) => void): Record<string, any> {
  const p = clone(base);
  change(p);
  return p;
}

export function record(patient: unknown) {
  return parsePatientData(patient, 'test', criteriaSet.dictionary).record;
}

export function criterion(trialId: string, id: string, patient: Record<string, any>): CriterionResult {
  const t = trial(trialId);
  const c = t.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id} in ${trialId}`);
  const r = record(patient);
  return evaluateCriterion(t, criteriaSet.dictionary, r, r.referenceDates ?? {}, c);
}

export function screenExample(trialId: string, patient: Record<string, any>) {
  const r = record(patient);
  return screenPatient(trial(trialId), criteriaSet.dictionary, r, { referenceDates: r.referenceDates ?? {} });
}
