// List completeness: `completeness.<list>.complete: false` means records may be missing from
// the list. A criterion that depends on the absence of a record stays unknown and asks to
// confirm the list; a record that is present still decides (Kleene).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PatientDataError } from '../../src/errors.js';
import { missingLabel } from '../../src/report/missing-label.js';
import { criteriaSet, criterion, example, record, screenExample, withChanges } from '../helpers/screening.js';

const eligible = example('im101-611-eligible');
const incomplete = (list: string) => (p: Record<string, any>) => {
  p.completeness = { ...(p.completeness ?? {}), [list]: { complete: false } };
};
const confirmed = (list: string) => (p: Record<string, any>) => {
  p.completeness = { ...(p.completeness ?? {}), [list]: { complete: true, by: 'J. Smith (CRC)', date: '2026-11-16' } };
};
const rituximab = (p: Record<string, any>) => {
  p.medications.push({ drug: 'rituximab', start: '2026-09-01', stop: '2026-09-15' });
};
const activeCancer = (p: Record<string, any>) => {
  p.malignancies.push({ type: 'other', diagnosisDate: '2024-01-10', active: true });
};
const compose = (...fs: ((p: Record<string, any>) => void)[]) => (p: Record<string, any>) => fs.forEach((f) => f(p));

describe('record quantifiers over a list that is not confirmed complete', () => {
  test.each([
    // criterion, change, outcome, does it ask to confirm the list?
    ['I6 (count >= 1, forAll, count <= 1 over medications)', 'I6', (_: Record<string, any>) => {}, 'met', false],
    ['I6, medications not confirmed complete', 'I6', incomplete('medications'), 'unknown', true],
    ['I6, medications confirmed complete', 'I6', confirmed('medications'), 'met', false],
    ['E3 (rituximab exists), complete list without it', 'E3', (_: Record<string, any>) => {}, 'not_met', false],
    ['E3, incomplete list without rituximab', 'E3', incomplete('medications'), 'unknown', true],
    ['E3, incomplete list WITH recent rituximab: the present record decides', 'E3', compose(incomplete('medications'), rituximab), 'met', false],
    ['E7 (malignancy exists), empty complete list', 'E7', (_: Record<string, any>) => {}, 'not_met', false],
    ['E7, empty list not confirmed complete', 'E7', incomplete('malignancies'), 'unknown', true],
    ['E7, incomplete list with an active cancer: decides', 'E7', compose(incomplete('malignancies'), activeCancer), 'met', false],
    ['E7, other list incomplete does not matter', 'E7', incomplete('medications'), 'not_met', false],
  ] as const)('%s', (_name, id, change, outcome, asks) => {
    const c = criterion('IM101-611', id, withChanges(eligible, change));
    expect(c.outcome).toBe(outcome);
    const list = id === 'E7' ? 'malignancies' : 'medications';
    expect(c.missing.some((m) => m.field === `completeness.${list}`)).toBe(asks);
  });

  test('I6 fails on a recorded disallowed combination even while the list is incomplete', () => {
    const c = criterion('IM101-611', 'I6', withChanges(eligible, compose(incomplete('medications'), (p) => {
      p.medications.push({ drug: 'azathioprine', start: '2024-01-01', ongoing: true, doses: [{ date: '2024-01-01', dose: 100, unit: 'mg/day' }] });
    })));
    expect(c.outcome).toBe('not_met');
  });

  test('the missing entry names the list and the report says the list is not confirmed', () => {
    const r = screenExample('IM101-611', withChanges(eligible, incomplete('medications')));
    expect(r.verdict).toBe('undetermined');
    const entry = r.missing.find((m) => m.field === 'completeness.medications');
    expect(entry && missingLabel(entry, criteriaSet.dictionary)).toBe('confirmation that the medications list is complete');
    expect(entry?.criteria).toEqual(expect.arrayContaining(['I6', 'E3']));
  });

  test('count: unrecorded records may be any number, so "<= n" stays open and ">= n" is met once reached', () => {
    const twoSteroids = withChanges(eligible, compose(incomplete('medications'), (p) => {
      p.medications.push({ drug: 'methylprednisolone', start: '2024-01-01', ongoing: true });
    }));
    const i6 = criterion('IM101-611', 'I6', twoSteroids);
    const counts = i6.trace.children?.filter((t) => t.kind === 'count') ?? [];
    expect(counts.map((t) => [t.detail?.op, t.outcome, t.detail?.high])).toEqual([['>=', 'met', null]]);
    // "No combination" counts drugs (not 2 of: a methotrexate record, an azathioprine record, …): an unrecorded record may be a second one.
    const combination = i6.trace.children?.filter((t) => t.kind === 'not') ?? [];
    expect(combination.map((t) => t.outcome)).toEqual(['unknown']);
  });
});

describe('the completeness entry in the patient file', () => {
  test.each([
    [{ medications: { complete: false } }, null],
    [{ malignancies: { complete: true, by: 'J. Smith (CRC)', date: '2026-11-16' } }, null],
    [{ medications: null }, null],
    [{ labs: { complete: false } }, '$.completeness'],
    [{ medications: { complete: 'no' } }, '$.completeness.medications.complete'],
    [{ medications: { complete: true, date: '2026-13-01' } }, '$.completeness.medications.date'],
    [{ medications: { complete: true, who: 'x' } }, '$.completeness.medications'],
  ])('%j', (completeness, errorAt) => {
    const parse = () => record({ ...eligible, completeness });
    if (errorAt === null) expect(() => parse()).not.toThrow();
    else {
      let error: unknown;
      try {
        parse();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PatientDataError);
      expect((error as PatientDataError).problems.map((p) => p.location).join(' ')).toContain(errorAt);
    }
  });
});

describe('property: marking a list incomplete only ever opens criteria, never flips them', () => {
  const lists = ['medications', 'malignancies', 'procedures'];
  test('IM101-611 and NCT04946669 on the example patients', () => {
    const patients = ['im101-611-eligible', 'im101-611-excluded-rituximab', 'im101-611-excluded-malignancy', 'nct04946669-eligible', 'nct04946669-biologic-washout'].map(example);
    fc.assert(
      fc.property(fc.constantFrom(...patients), fc.subarray(lists, { minLength: 1 }), fc.constantFrom('IM101-611', 'NCT04946669'), (p, which, trialId) => {
        const before = screenExample(trialId, p);
        const after = screenExample(trialId, withChanges(p, compose(...which.map(incomplete))));
        before.criteria.forEach((c, i) => {
          const now = after.criteria[i]?.outcome;
          if (now === 'met' || now === 'not_met') expect(now, c.id).toBe(c.outcome);
        });
        if (after.verdict === 'eligible') expect(before.verdict).toBe('eligible');
        if (after.verdict === 'ineligible') expect(before.verdict).toBe('ineligible');
      }),
      { seed: 15, numRuns: 40 },
    );
  });
});
