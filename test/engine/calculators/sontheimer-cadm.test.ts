// Revised Sontheimer CADM: each condition's branch, the 6-month boundary, and the reported form.
import { describe, expect, test } from 'vitest';
import { sontheimerCadm, sontheimerCadmCalculator, sontheimerForm } from '../../../src/engine/calculators/sontheimer-cadm.js';
import { getPath } from '../../../src/engine/patient-record.js';

describe('sontheimerCadm', () => {
  test.each([
    [{ skinMonths: 6, skinBiopsyConfirmed: true, clinicalWeakness: false }, 'met'],
    [{ skinMonths: 5.9, skinBiopsyConfirmed: true, clinicalWeakness: false }, 'not_met'],
    [{ skinMonths: 24, skinBiopsyConfirmed: false, clinicalWeakness: false }, 'not_met'],
    [{ skinMonths: 24, skinBiopsyConfirmed: true, clinicalWeakness: true }, 'not_met'],
    [{ skinBiopsyConfirmed: true, clinicalWeakness: false }, 'unknown'],
    [{ skinBiopsyConfirmed: true, clinicalWeakness: true }, 'not_met'],
  ])('%o -> %s', (inputs, expected) => {
    expect(sontheimerCadm(inputs)).toBe(expected);
  });

  test.each([
    [[false, false, false], 'amyopathic'],
    [[true, false, undefined], 'hypomyopathic'],
    [[false, undefined, false], null],
  ])('form of %o is %s', (subclinical, form) => {
    expect(sontheimerForm(subclinical)).toBe(form);
  });

  test('the calculator reads the dictionary fields and names the missing one', () => {
    const patient = { diagnosis: { sontheimerSkinMonths: 12 }, bohanPeter: { weakness: false, enzymes: false, emg: false, biopsy: false } };
    const r = sontheimerCadmCalculator.evaluate({ get: (p) => getPath(patient, p), referenceDate: () => undefined }, sontheimerCadmCalculator.prepare({}));
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toEqual([{ field: 'diagnosis.skinBiopsyConfirmed' }]);
    expect(r.detail?.form).toBe('amyopathic');
  });
});
