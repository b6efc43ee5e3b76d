// Prednisone-equivalent dose per kg per day: the 1 mg/kg boundary, what counts as current, and
// three-valued results when a dose or stop date is not recorded.
import { describe, expect, test } from 'vitest';
import { compareDoseRange, prednisoneEquivalentPerKgCalculator } from '../../../src/engine/calculators/prednisone-equivalent.js';
import { getPath } from '../../../src/engine/patient-record.js';

const pred = (dose: number, extra: object = {}) => ({ drug: 'prednisone', class: 'corticosteroid', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose, unit: 'mg/day' }], ...extra });
const run = (weightKg: number | undefined, medications: unknown, date: string | null = '2026-11-16') =>
  prednisoneEquivalentPerKgCalculator.evaluate(
    { get: (p) => getPath({ demographics: weightKg === undefined ? {} : { weightKg }, medications }, p), referenceDate: () => date ?? undefined },
    prednisoneEquivalentPerKgCalculator.prepare({ op: '<', mgPerKgPerDay: 1 }),
  );

describe('prednisoneEquivalentPerKg', () => {
  test.each([
    [60, [pred(59.9)], 'met'],
    [60, [pred(60)], 'not_met'], // exactly 1 mg/kg/day
    [68, [pred(67.99)], 'met'],
    [60, [pred(40), { ...pred(20), drug: 'prednisolone' }], 'not_met'], // the sum of two glucocorticoids counts
    [60, [pred(80, { ongoing: false, stop: '2026-11-15' })], 'met'], // stopped before screening
    [60, [], 'met'], // no glucocorticoid: 0 mg/kg/day
    [60, [{ drug: 'methotrexate', class: 'immunosuppressant', start: '2026-01-01', ongoing: true }], 'met'],
  ])('%d kg, %j -> %s', (w, meds, expected) => {
    expect(run(w, meds).outcome).toBe(expected);
  });

  test('a recorded prednisone-equivalent dose is used for steroids outside the table only', () => {
    const r = run(60, [{ drug: 'other', otherName: 'budesonide', class: 'corticosteroid', start: '2026-01-01', ongoing: true, prednisoneEquivalentMgPerDay: 50 }]);
    expect(r.outcome).toBe('met');
    expect(r.detail?.totalMgPerDay).toBe(50);
    // methylprednisolone is in the table: without its doses the hand-typed equivalent is not used
    const m = run(60, [{ drug: 'methylprednisolone', class: 'corticosteroid', start: '2026-01-01', ongoing: true, prednisoneEquivalentMgPerDay: 50 }]);
    expect(m.outcome).toBe('unknown');
    expect(m.missing).toEqual([{ field: 'medications[0].doses' }]);
  });
  // The standard table, one case per drug: exactly 60 mg prednisone-equivalent at 60 kg is 1 mg/kg/day
  // (not < 1), and the smallest step below it qualifies.
  test.each([
    ['prednisone', 60, 59.9],
    ['prednisolone', 60, 59.9],
    ['methylprednisolone', 48, 47.9], // 4 mg = 5 mg prednisone
    ['dexamethasone', 9, 8.99], // 0.75 mg = 5 mg prednisone
    ['hydrocortisone', 240, 239], // 20 mg = 5 mg prednisone
    ['deflazacort', 72, 71.9], // 6 mg = 5 mg prednisone (1.2 : 1)
  ])('%s: %d mg/day at 60 kg is 1 mg/kg/day prednisone-equivalent; %d mg/day is below', (drug, atLimit, below) => {
    const med = (dose: number) => [{ drug, class: 'corticosteroid', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose, unit: 'mg/day' }] }];
    const at = run(60, med(atLimit));
    expect(at.outcome).toBe('not_met');
    expect(at.detail?.totalMgPerDay).toBe(60);
    expect(run(60, med(below)).outcome).toBe('met');
  });
  test('a steroid outside the table without a recorded equivalent is unknown, not guessed', () => {
    const r = run(60, [{ drug: 'other', otherName: 'budesonide', class: 'corticosteroid', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose: 9, unit: 'mg/day' }] }]);
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toEqual([{ field: 'medications[0].prednisoneEquivalentMgPerDay' }]);
  });
  test('a dose in another unit is not converted: the dose history in mg/day is what to collect', () => {
    const r = run(60, [{ drug: 'methylprednisolone', class: 'corticosteroid', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose: 500, unit: 'mg/pulse' }] }]);
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toEqual([{ field: 'medications[0].doses' }]);
  });
  test('for a drug in the table the dose history decides: a hand-typed equivalent is ignored', () => {
    const med = { drug: 'methylprednisolone', class: 'corticosteroid', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose: 40, unit: 'mg/day' }] };
    expect(run(60, [{ ...med, prednisoneEquivalentMgPerDay: 50 }]).detail?.totalMgPerDay).toBe(50);
    expect(run(60, [{ ...med, prednisoneEquivalentMgPerDay: 10 }]).detail?.totalMgPerDay).toBe(50);
    expect(run(60, [{ ...med, doses: [{ date: '2026-01-01', dose: 48, unit: 'mg/day' }], prednisoneEquivalentMgPerDay: 40 }]).outcome).toBe('not_met');
  });
  test('an unknown stop date with a dose already over the limit is still decided', () => {
    expect(run(60, [pred(70, { ongoing: undefined })]).outcome).toBe('unknown');
    expect(run(60, [pred(70), pred(5, { ongoing: undefined, drug: 'prednisolone' })]).outcome).toBe('not_met');
  });
  test('weight, date and medication list are required', () => {
    expect(run(undefined, [pred(10)]).missing).toEqual([{ field: 'demographics.weightKg' }]);
    expect(run(60, undefined).missing).toEqual([{ field: 'medications' }]);
    expect(run(60, [], null).missing).toEqual([{ field: 'referenceDates.screening' }]);
  });
  test.each([
    [0, 59, '<', 'met'],
    [0, Infinity, '<', 'unknown'],
    [61, Infinity, '<', 'not_met'],
    [60, 60, '<=', 'met'],
  ] as const)('range [%d, %d] %s 60 mg', (lo, hi, op, expected) => {
    expect(compareDoseRange(lo, hi, 60, op, 1)).toBe(expected);
  });
});

test('the current dose of the history is used; a hand-typed equivalent counts only outside the table', async () => {
  const { prednisoneEquivalentMgPerDay } = await import('../../../src/engine/calculators/prednisone-equivalent.js');
  const med = { drug: 'prednisone', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose: 40, unit: 'mg/day' }, { date: '2026-10-01', dose: 10, unit: 'mg/day' }] };
  expect(prednisoneEquivalentMgPerDay(med, '2026-11-16')).toBe(10);
  expect(prednisoneEquivalentMgPerDay({ ...med, prednisoneEquivalentMgPerDay: 40 }, '2026-11-16')).toBe(10);
  expect(prednisoneEquivalentMgPerDay({ drug: 'methylprednisolone', prednisoneEquivalentMgPerDay: 25 }, '2026-11-16')).toBeUndefined();
  expect(prednisoneEquivalentMgPerDay({ drug: 'other', prednisoneEquivalentMgPerDay: 25 }, '2026-11-16')).toBe(25);
});
