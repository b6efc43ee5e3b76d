// Bohan and Peter: one worked example per classification branch, plus three-valued behaviour.
import { describe, expect, test } from 'vitest';
import { bohanPeterCalculator, classifyBohanPeter, classCode } from '../../../src/engine/calculators/bohan-peter.js';
import { getPath } from '../../../src/engine/patient-record.js';

const items = (w: number, e: number, m: number, b: number, r: number) => ({ weakness: !!w, enzymes: !!e, emg: !!m, biopsy: !!b, rash: !!r });

describe('classifyBohanPeter', () => {
  test.each([
    [items(1, 1, 1, 1, 0), 'definite PM'],
    [items(1, 1, 0, 1, 0), 'probable PM'],
    [items(1, 1, 0, 0, 0), 'possible PM'],
    [items(1, 0, 0, 0, 0), 'none'],
    [items(1, 1, 1, 0, 1), 'definite DM'],
    [items(1, 1, 1, 1, 1), 'definite DM'],
    [items(1, 0, 1, 0, 1), 'probable DM'],
    [items(0, 0, 0, 1, 1), 'possible DM'],
    [items(0, 0, 0, 0, 1), 'none'],
  ])('%o -> %s', (input, expected) => {
    expect(classCode(classifyBohanPeter(input))).toBe(expected);
  });
});

const run = (patient: object, params: Record<string, unknown>) =>
  bohanPeterCalculator.evaluate({ get: (p) => getPath(patient, p), referenceDate: () => undefined }, bohanPeterCalculator.prepare(params));

describe('bohanPeter calculator', () => {
  test('definite DM meets "probable or definite DM"', () => {
    const r = run({ bohanPeter: { weakness: true, enzymes: true, emg: true, biopsy: false, rash: true } }, { subtypes: ['dm'], minCertainty: 'probable' });
    expect(r.outcome).toBe('met');
    expect(r.detail?.classification).toBe('definite DM');
  });
  test('possible DM does not meet "probable or definite DM"', () => {
    expect(run({ bohanPeter: { weakness: true, enzymes: false, emg: false, biopsy: false, rash: true } }, { subtypes: ['dm'], minCertainty: 'probable' }).outcome).toBe('not_met');
  });
  test('an unrecorded item that could change the answer leaves it unknown and names the item', () => {
    const r = run({ bohanPeter: { weakness: true, enzymes: true, biopsy: false, rash: true } }, { subtypes: ['dm'], minCertainty: 'definite' });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toEqual([{ field: 'bohanPeter.emg' }]);
    expect(r.detail?.classification).toBe('probable DM | definite DM');
  });
  test('an unrecorded item that cannot change the answer does not block it', () => {
    // Three of items 1-4 and the rash: definite DM whatever the EMG shows.
    expect(run({ bohanPeter: { weakness: true, enzymes: true, biopsy: true, rash: true } }, { subtypes: ['dm'], minCertainty: 'definite' }).outcome).toBe('met');
    // No rash recorded as absent and only one item: never PM or DM of any certainty... unless the rash is present.
    expect(run({ bohanPeter: { weakness: false, enzymes: false, emg: false, biopsy: false } }, {}).outcome).toBe('not_met');
  });
  test('params are checked', () => {
    expect(bohanPeterCalculator.checkParams?.({ minCertainty: 'likely' })).toHaveLength(1);
    expect(bohanPeterCalculator.checkParams?.({ subtypes: ['dm'] })).toEqual([]);
  });
});
