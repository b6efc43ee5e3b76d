// Properties of screening on random valid patients (fixed seed, modest run counts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { criteriaSet, record, trial } from '../helpers/screening.js';
import { fullPatient, removablePaths, withoutAll } from '../helpers/arbitrary-patient.js';
import { screenPatient } from '../../src/engine/evaluate.js';
import type { PatientDataError } from '../../src/errors.js';
import { parsePatientData } from '../../src/patient/parse.js';

const TRIALS = ['IM101-611', 'NCT04946669', 'NCT02347891'];
const dict = criteriaSet.dictionary;

function reviewIdsOf(trialId: string): string[] {
  const ids = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.kind === 'review' && typeof o.id === 'string') ids.add(o.id);
      Object.values(o).forEach(walk);
    }
  };
  const t = trial(trialId);
  walk(t.criteria);
  walk(t.definitions);
  return [...ids];
}
const reviewIds = Object.fromEntries(TRIALS.map((t) => [t, reviewIdsOf(t)]));

const screen = (trialId: string, patient: Record<string, any>) => {
  const r = record(patient);
  return screenPatient(trial(trialId), dict, r, { referenceDates: r.referenceDates ?? {} });
};

describe('monotonicity: filling in missing data never flips a decided answer', () => {
  test.each(TRIALS)('%s', (trialId) => {
    fc.assert(
      fc.property(fullPatient(dict, reviewIds).chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, dict), { maxLength: 12 }))), ([full, removals]) => {
        const partial = withoutAll(full, removals);
        const before = screen(trialId, partial);
        const after = screen(trialId, full);
        before.criteria.forEach((c, i) => {
          if (c.outcome === 'met' || c.outcome === 'not_met') expect(after.criteria[i]?.outcome, `${c.id} after removing ${JSON.stringify(removals)}`).toBe(c.outcome);
        });
        if (before.verdict === 'ineligible') expect(after.verdict).toBe('ineligible');
        if (before.verdict === 'eligible') expect(after.verdict).toBe('eligible');
      }),
      { seed: 20261125, numRuns: 60 },
    );
  });
});

describe('the verdict follows from the criteria', () => {
  test.each(TRIALS)('%s', (trialId) => {
    fc.assert(
      fc.property(fullPatient(dict, reviewIds).chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, dict), { maxLength: 30 }))), ([full, removals]) => {
        const r = screen(trialId, withoutAll(full, removals));
        const fails = r.criteria.some((c) => (c.type === 'inclusion' ? c.outcome === 'not_met' : c.outcome === 'met'));
        const open = r.criteria.some((c) => c.outcome === 'unknown' || c.outcome === 'needs_review');
        expect(r.verdict).toBe(fails ? 'ineligible' : open ? 'undetermined' : 'eligible');
        // Every unknown criterion names what to collect; nothing decided lists missing data.
        for (const c of r.criteria) {
          if (c.outcome === 'unknown') expect(c.missing.length, c.id).toBeGreaterThan(0);
          else expect(c.missing, c.id).toEqual([]);
          // Every criterion waiting on a person lists the question to decide.
          if (c.outcome === 'needs_review') expect(r.review.some((x) => x.criterion === c.id), c.id).toBe(true);
        }
        // The report is plain JSON data.
        expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});

describe('validation with a schema pruned to the fields present equals the full schema', () => {
  test('on random valid patients with random fields removed', () => {
    fc.assert(
      fc.property(fullPatient(dict, reviewIds).chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, dict), { maxLength: 40 }))), ([full, removals]) => {
        const p = withoutAll(full, removals);
        expect(parsePatientData(p, 'p', dict, { pruned: true })).toEqual(parsePatientData(p, 'p', dict));
      }),
      { seed: 3, numRuns: 60 },
    );
  });
  test('on random damage: the same errors', () => {
    // Records with a few of their items too: the pruned schema builds only the items some record has.
    const someItems = fc.array(
      fc.dictionary(fc.constantFrom('drug', 'class', 'start', 'stop', 'ongoing', 'doses', 'type', 'diagnosisDate', 'resolvedDate', 'active', 'other'), fc.oneof(fc.jsonValue(), fc.constantFrom('prednisone', 'glucocorticoid', '2024-01-01', true))),
      { maxLength: 3 },
    );
    const damage = fc.tuple(
      fc.constantFrom('assessments', 'labs', 'medications', 'diagnosis', 'demographics', 'malignancies'),
      fc.oneof(
        fc.jsonValue(),
        fc.constant({ ck: { value: 'x' } }),
        fc.constant([{ drug: 'nope' }]),
        someItems,
        // Fields present but null or undefined (the FHIR importer builds objects, not JSON text).
        fc.constant({ weightKg: undefined, ck: null, pga: undefined }),
        // Numbers with unit conversions, in and out of range, plain or with a unit.
        fc.record({ weightKg: fc.oneof(fc.double(), fc.integer({ min: -5, max: 500 }), fc.record({ value: fc.double({ min: -1, max: 1000 }), unit: fc.constantFrom('lb', 'kg', 'g') })), pga: fc.oneof(fc.double({ min: -1, max: 11 }), fc.constant(10.5)) }, { requiredKeys: [] }),
      ),
    );
    fc.assert(
      fc.property(fullPatient(dict, reviewIds), damage, (p, [key, value]) => {
        const broken = { ...p, [key]: value };
        const outcome = (pruned: boolean) => {
          try {
            return parsePatientData(broken, 'p', dict, { pruned });
          } catch (e) {
            return (e as PatientDataError).problems;
          }
        };
        expect(outcome(true)).toEqual(outcome(false));
      }),
      { seed: 5, numRuns: 100 },
    );
  });
});
