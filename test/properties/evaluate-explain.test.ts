// Compiled nodes answer twice: evaluate (outcome and missing paths, what batch uses) and explain
// (the trace reports show). They must agree for every criterion of every trial.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileTrial, screenOutcomes, screenPatient } from '../../src/engine/evaluate.js';
import type { Env } from '../../src/rules/types.js';
import { sameMissing } from '../../src/engine/result.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { fullPatient, removablePaths, withoutAll } from '../helpers/arbitrary-patient.js';
import { criteriaSet, example, record, ROOT, trial } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;
const TRIALS = readdirSync(`${ROOT}criteria`).filter((f) => /^[A-Z].*\.yaml$/.test(f)).map((f) => f.replace(/\.yaml$/, ''));

/** The open-review ids, missing fields and outcomes screenPatient reports, as batch writes them. */
function fromExplained(trialId: string, r: PatientRecord) {
  const full = screenPatient(trial(trialId), dict, r, { referenceDates: r.referenceDates ?? {} });
  return {
    verdict: full.verdict,
    criteria: full.criteria.map((c) => ({ id: c.id, outcome: c.outcome, effect: c.effect })),
    missing: full.missing.map(({ field, need }) => (need ? { field, need } : { field })),
    review: full.review.map((x) => x.id),
  };
}

function reviewIdsOf(trialId: string): string[] {
  const ids = new Set<string>();
  JSON.stringify([trial(trialId).criteria, trial(trialId).definitions], (_k, v) => {
    if (v && v.kind === 'review') ids.add(v.id);
    return v;
  });
  return [...ids];
}
const reviewIds = Object.fromEntries(TRIALS.map((t) => [t, reviewIdsOf(t)]));

describe('explain(x).outcome === evaluate(x).outcome, and the same missing paths', () => {
  test.each(TRIALS)('%s, every criterion, random patients', (trialId) => {
    const compiled = compileTrial(trial(trialId), dict);
    fc.assert(
      fc.property(fullPatient(dict, reviewIds).chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, dict), { maxLength: 30 }))), ([full, removals]) => {
        const r = record(withoutAll(full, removals));
        const env = (): Env => ({ patient: r, dates: r.referenceDates ?? {}, trialId, criterionId: '', missing: [], reviews: [], item: undefined, index: 0 });
        for (const { criterion, node } of compiled.criteria) {
          const e = env();
          const outcome = node.evaluate(e);
          const explained = node.explain(env());
          expect(outcome, criterion.id).toBe(explained.outcome);
          expect(e.missing.filter((m, i) => e.missing.findIndex((o) => sameMissing(o, m)) === i), criterion.id).toEqual(explained.missing);
        }
        expect(screenOutcomes(compiled, r, r.referenceDates ?? {})).toEqual(fromExplained(trialId, r));
      }),
      { seed: 13, numRuns: 40 },
    );
  });
});

describe('batch screening (evaluate) equals single-patient screening (explain) on every example', () => {
  const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json'));
  test.each(examples.flatMap((f) => TRIALS.map((t) => [f, t] as const)))('%s against %s', (file, trialId) => {
    const r = record(example(file.replace(/\.json$/, '')));
    expect(screenOutcomes(compileTrial(trial(trialId), dict), r, r.referenceDates ?? {})).toEqual(fromExplained(trialId, r));
  });
});
