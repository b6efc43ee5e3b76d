// Properties of the FHIR importer on random lab observations (fixed seed): a lab is imported with
// exactly the value, unit and ULN the record states, or not at all; never a different number.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { importFhirBundle } from '../../src/fhir/import-bundle.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';

const UNITS = ['U/L', 'ukat/L', 'IU/L', 'mg/dL', 'U/mL'];
const FACTOR: Record<string, number> = { 'U/L': 1, 'ukat/L': 60 };
const quantity = (value: number, unit: string) => ({ value, unit, system: 'http://unitsofmeasure.org', code: unit });

const observation = fc.record({
  value: fc.double({ min: 0, max: 1e5, noNaN: true }),
  unit: fc.constantFrom(...UNITS),
  highs: fc.array(fc.record({ value: fc.double({ min: 0.01, max: 1e4, noNaN: true }), unit: fc.constantFrom(...UNITS) }), { maxLength: 2 }),
  comparator: fc.constantFrom(undefined, '<', '>='),
  status: fc.constantFrom('final', 'amended', 'preliminary', 'entered-in-error'),
});

test('a lab is imported exactly as the record states it, or left unknown with a note', () => {
  fc.assert(
    fc.property(observation, (o) => {
      const resource = {
        resourceType: 'Observation', id: 'o', status: o.status, code: { coding: [{ system: 'http://loinc.org', code: '2157-6' }] }, effectiveDateTime: '2026-11-10',
        valueQuantity: { ...quantity(o.value, o.unit), ...(o.comparator ? { comparator: o.comparator } : {}) },
        referenceRange: o.highs.map((h) => ({ high: quantity(h.value, h.unit) })),
      };
      const r = importFhirBundle({ resourceType: 'Bundle', entry: [{ resource }] }, criteriaSet.dictionary);
      const lab = (r.patient.labs as Record<string, any> | undefined)?.ck;
      const exact = ['final', 'amended'].includes(o.status) && !o.comparator && o.unit in FACTOR && o.highs.length > 0 && o.highs.every((h) => h.unit === o.unit && h.value === o.highs[0]?.value);
      if (!exact) {
        expect(lab).toBeUndefined();
        expect(r.notes.some((n) => n.resource === 'Observation/o')).toBe(true);
        return;
      }
      expect(lab).toEqual({ value: o.value, unit: o.unit, uln: o.highs[0]?.value, date: '2026-11-10' });
      const { record } = parsePatientData(r.patient, 'p', criteriaSet.dictionary);
      const ck = (record.labs as Record<string, any>).ck;
      expect(ck.value).toBeCloseTo(o.value * (FACTOR[o.unit] as number), 6);
      expect(ck.uln).toBeCloseTo((o.highs[0]?.value as number) * (FACTOR[o.unit] as number), 6);
      expect(r.patient.provenance).toEqual({ 'labs.ck': 'Observation/o' });
    }),
    { seed: 17, numRuns: 300 },
  );
});
