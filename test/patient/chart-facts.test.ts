// Facts the chart states and the patient file can now say truthfully: an age without a birth
// date, a dose "unchanged since" a date without its amount, "no biopsy, MRI or EMG in the last
// 3 months", a treated cancer, and dose units checked against the dictionary.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ageInYears, shift } from '../../src/engine/dates.js';
import { PatientDataError } from '../../src/errors.js';
import { criterion, example, record, screenExample, withChanges } from '../helpers/screening.js';

function problemsOf(patient: Record<string, any>): string[] {
  try {
    record(patient);
  } catch (e) {
    if (e instanceof PatientDataError) return e.problems.map((p) => `${p.location} ${p.message}`);
    throw e;
  }
  return [];
}

describe('an age stated without a birth date (examples/im101-611-age-stated.json)', () => {
  const stated = example('im101-611-age-stated');
  test('the example is eligible on the stated age', () => {
    expect(screenExample('IM101-611', stated).verdict).toBe('eligible');
  });

  test.each([
    // age stated on 2026-10-01; screening 2026-11-16: the birthday may or may not fall between
    [16, 'not_met'],
    [17, 'unknown'],
    [18, 'met'],
  ])('stated %i → I1 (adult at screening) %s', (years, outcome) => {
    const c = criterion('IM101-611', 'I1', withChanges(stated, (p) => (p.demographics.ageYears = years)));
    expect(c.outcome).toBe(outcome);
    if (outcome === 'unknown') expect(c.missing).toEqual([{ field: 'demographics.birthDate' }]);
  });

  test('a stated age that the date of birth contradicts is an error', () => {
    const both = withChanges(stated, (p) => (p.demographics.birthDate = '1980-01-01'));
    expect(problemsOf(both)).toEqual(['test $.demographics.ageYears is 54 on 2026-10-01, but the date of birth 1980-01-01 gives 46: correct one of them']);
    expect(problemsOf(withChanges(both, (p) => (p.demographics.ageYears = 46)))).toEqual([]);
  });

  test('property: a decided answer from the stated age is the answer the true birth date gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 800 }), (birthOffset, toStated, toScreening) => {
        const birth = shift('1940-01-01', { days: birthOffset }, 1);
        const on = shift(birth, { days: toStated }, 1);
        const screening = shift(on, { days: toScreening }, 1);
        // Randomization cannot precede screening (issue 11): the moved screening date goes alone.
        const withBirth = withChanges(stated, (p) => {
          p.referenceDates = { screening };
          p.demographics = { birthDate: birth, sex: 'female' };
        });
        const withAge = withChanges(stated, (p) => {
          p.referenceDates = { screening };
          p.demographics = { ageYears: ageInYears(birth, on), ageOn: on, sex: 'female' };
        });
        const truth = criterion('IM101-611', 'I1', withBirth).outcome;
        const fromAge = criterion('IM101-611', 'I1', withAge).outcome;
        if (fromAge !== 'unknown') expect(fromAge).toBe(truth);
      }),
      { seed: 1515, numRuns: 200 },
    );
  });
});

describe('a dose unchanged since a date, amount not given (examples/im101-611-dose-unchanged-since.json)', () => {
  const unchanged = example('im101-611-dose-unchanged-since');
  test('I6 is met: no dose change in the 4 weeks before randomization', () => {
    expect(criterion('IM101-611', 'I6', unchanged).outcome).toBe('met');
    expect(screenExample('IM101-611', unchanged).verdict).toBe('eligible');
  });

  test.each([
    ['an entry without amount inside the window', 'unknown', [{ date: '2025-01-10', dose: 40, unit: 'mg/day' }, { date: '2026-11-10', unit: 'mg/day' }]],
    ['an amount after an unknown one cannot be called a change', 'unknown', [{ date: '2025-01-10', dose: 40, unit: 'mg/day' }, { date: '2026-07-01', unit: 'mg/day' }, { date: '2026-11-10', dose: 5, unit: 'mg/day' }]],
    ['amounts recorded on both sides of a change', 'not_met', [{ date: '2025-01-10', dose: 40, unit: 'mg/day' }, { date: '2026-11-10', dose: 5, unit: 'mg/day' }]],
    ['the window starts on the unchanged-since date', 'met', [{ date: '2026-11-03', unit: 'mg/day' }]],
  ])('%s → I6 %s', (_name, outcome, doses) => {
    const c = criterion('IM101-611', 'I6', withChanges(unchanged, (p) => (p.medications[0].doses = doses)));
    expect(c.outcome).toBe(outcome);
  });
});

describe('no biopsy, MRI or EMG in the last 3 months (examples/im101-611-no-recent-procedure.json)', () => {
  const none = example('im101-611-no-recent-procedure');
  const i4ii = (p: Record<string, any>) => criterion('IM101-611', 'I4', p).trace.children?.find((t) => t.note === 'ii')?.outcome;
  test.each([
    // I4 ii counts a procedure within 3 months before consent (2026-11-16): from 2026-08-16
    ['2026-08-16', 'not_met'],
    ['2026-08-01', 'not_met'],
    ['2026-08-17', 'unknown'],
  ])('list complete since %s → I4 ii %s', (since, outcome) => {
    expect(i4ii(withChanges(none, (p) => (p.completeness.procedures.since = since)))).toBe(outcome);
  });

  test('the example goes to the adjudication committee, with no procedure counted', () => {
    const r = screenExample('IM101-611', none);
    expect(r.verdict).toBe('undetermined');
    expect(r.review.map((x) => x.id)).toEqual(['I4-adjudication']);
  });

  test('a recorded procedure inside the window still counts', () => {
    const p = withChanges(none, (x) => x.procedures.push({ type: 'mri', date: '2026-10-01', showsActiveDisease: true }));
    expect(i4ii(p)).toBe('met');
  });

  test.each([
    [{ procedures: { complete: false, since: '2026-08-16' } }, 'test $.completeness.procedures.since "2026-08-16" goes with "complete": true'],
    [{ malignancies: { complete: true, since: '2026-08-16' } }, 'test $.completeness.malignancies.since "2026-08-16" is not available for this list'],
  ])('%j is refused', (completeness, problem) => {
    expect(problemsOf(withChanges(none, (p) => (p.completeness = completeness))).join('\n')).toContain(problem);
  });
});

describe('a treated cancer (examples/im101-611-treated-breast-cancer.json)', () => {
  const treated = example('im101-611-treated-breast-cancer');
  test('the site and treatment are recorded; E7 counts the diagnosis date whatever the treatment', () => {
    expect(record(treated).malignancies).toEqual([expect.objectContaining({ site: 'breast', treatment: 'completed', treatmentEndDate: '2019-09-30' })]);
    expect(criterion('IM101-611', 'E7', treated).outcome).toBe('not_met');
    expect(criterion('IM101-611', 'E7', withChanges(treated, (p) => {
      // A cancer cannot resolve before it is diagnosed (an input error since issue 11): move both.
      p.malignancies[0].diagnosisDate = '2022-01-01';
      p.malignancies[0].resolvedDate = '2022-09-30';
    })).outcome).toBe('met');
  });
});

describe('dose units are checked against the dictionary', () => {
  const base = example('im101-611-eligible');
  test.each([
    ['mg/day', ''],
    ['mg', ''],
    ['mg/d', '(did you mean "mg/day"?)'],
    ['mg/wk', '(did you mean "mg/week"?)'],
    ['MG/DAY', '(did you mean "mg/day"?)'],
    ['tablets', 'is not a dose unit the criteria can use: write one of mg/day, mg/week'],
  ])('%s', (unit, problem) => {
    const problems = problemsOf(withChanges(base, (p) => (p.medications[0].doses[0].unit = unit)));
    if (!problem) expect(problems).toEqual([]);
    else {
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`test $.medications[0].doses[0].unit "${unit}" is not a dose unit the criteria can use`);
      expect(problems[0]).toContain(problem);
    }
  });
});
