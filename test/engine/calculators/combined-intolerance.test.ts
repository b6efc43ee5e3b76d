// Overlap of two courses for at least N months, three-valued: an unknown last dose is bounded by the
// course start and the reference date, so some overlaps are decided even without it.
import { describe, expect, test } from 'vitest';
import { combinedTreatmentCalculator, overlapAtLeast } from '../../../src/engine/calculators/combined-intolerance.js';
import { wordedFact } from '../../../src/report/fact-words.js';

const date = '2026-11-16';
test.each([
  [{ start: '2025-06-01', end: '2025-09-01' }, { start: '2025-06-01', end: date }, 'met'], // exactly 3 months together
  [{ start: '2025-06-01', end: '2025-08-31' }, { start: '2025-06-01', end: date }, 'not_met'],
  [{ start: '2025-03-01', end: '2025-06-01' }, { start: '2025-06-01', end: date }, 'not_met'], // one day together
  [{ start: '2025-06-01' }, { start: '2025-06-01', end: date }, 'unknown'], // last dose not recorded
  [{ start: '2026-10-01' }, { start: '2025-06-01', end: date }, 'not_met'], // even taken up to the date: < 3 months
  [{ start: '2025-01-01', end: '2025-12-01' }, { start: '2025-06-01' }, 'unknown'],
  [{ end: '2025-12-01' }, { start: '2025-06-01', end: date }, 'unknown'], // start not recorded
])('%j with %j: %s', (a, b, outcome) => {
  expect(overlapAtLeast(a, b, 3, date)).toBe(outcome);
  expect(overlapAtLeast(b, a, 3, date)).toBe(outcome);
});

// combinedTreatment (NCT04946669 I3, "given together for at least 3 months"): from the courses' dates,
// a named immunosuppressant with a glucocorticoid; it only ever settles the question (met).
describe('combinedTreatment', () => {
  const calc = combinedTreatmentCalculator;
  const run = (meds: Record<string, unknown>[], notDrugs = ['other', 'tofacitinib']) => {
    const params = calc.prepare({ months: 3, at: 'screening', notDrugs });
    const patient: Record<string, unknown> = { medications: meds };
    return calc.evaluate({ get: (p) => patient[p], referenceDate: () => date }, params);
  };
  const steroid = { drug: 'prednisone', class: 'corticosteroid', start: '2025-06-01', ongoing: true };
  test.each([
    // methotrexate stopped after 5 months, all of them with prednisone: the dates settle it.
    [{ drug: 'methotrexate', class: 'immunosuppressant', start: '2025-06-15', stop: '2025-12-01' }, 'met', ['prednisone']],
    [{ drug: 'methotrexate', class: 'immunosuppressant', start: '2025-06-15', stop: '2025-09-14' }, 'not_met', undefined], // a day short of 3 months
    [{ drug: 'methotrexate', class: 'immunosuppressant', start: '2025-06-15', stop: '2025-09-15' }, 'met', ['prednisone']], // exactly 3 months
    [{ drug: 'methotrexate', class: 'immunosuppressant', start: '2025-06-15' }, 'unknown', undefined], // last dose not recorded
    // A JAK inhibitor or an "other" immunosuppressant is the investigator's to count: never settled here.
    [{ drug: 'tofacitinib', class: 'immunosuppressant', start: '2025-06-15', ongoing: true }, 'not_met', undefined],
    [{ drug: 'other', otherName: 'X', class: 'immunosuppressant', start: '2025-06-15', ongoing: true }, 'not_met', undefined],
    [{ class: 'immunosuppressant', start: '2025-06-15', ongoing: true }, 'not_met', undefined], // drug not recorded
  ])('%j with prednisone from 2025-06-01: %s', (med, outcome, partners) => {
    const r = run([steroid, med]);
    expect(r.outcome).toBe(outcome);
    const fact = r.facts[0];
    if (partners) expect(fact?.value).toBe(true);
    if (outcome === 'unknown') expect(r.missing).toEqual([{ field: 'medications[1].stop' }]);
  });
  test('the fact reads as the course and whom it was given with', () => {
    const r = run([steroid, { drug: 'methotrexate', class: 'immunosuppressant', start: '2025-06-15', stop: '2025-12-01' }]);
    expect(r.facts.map(wordedFact)).toEqual([{ field: 'medications[1]', label: 'methotrexate (2025-06-15 to 2025-12-01) together with a glucocorticoid for ≥ 3 months', value: 'yes, with prednisone' }]);
  });
});
