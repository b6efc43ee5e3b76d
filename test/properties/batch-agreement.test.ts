// Batch and single-patient screening agree on random patients: a patient written as a CSV row
// (the documented column convention) and read back by the batch path screens exactly as the JSON.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { resolveHeader } from '../../src/batch/read-rows.js';
import { screenPatient } from '../../src/engine/evaluate.js';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { parseCsvRow } from '../../src/patient/csv-row.js';
import { fullPatient, removablePaths, withoutAll } from '../helpers/arbitrary-patient.js';
import { criteriaSet, record, trial } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;
const TRIALS = ['IM101-611', 'NCT04946669', 'NCT02347891'];
const summary = (r: ReturnType<typeof screenPatient>) => ({ verdict: r.verdict, criteria: r.criteria.map((c) => [c.id, c.outcome, c.missing, c.review.map((x) => x.id)]), missing: r.missing.map((m) => m.field) });

test('CSV row and JSON give the same screening (property, fixed seed)', () => {
  fc.assert(
    fc.property(fullPatient(dict).chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, dict), { maxLength: 30 }))), ([full, removals]) => {
      const patient = withoutAll(full, removals);
      // A record with every field removed ({}) cannot be written as CSV cells; the batch reader
      // refuses such a row with an error (tested in batch.test.ts) rather than guessing.
      const emptyRecord = [...dict.fields].some(([path, def]) => def.type === 'records' && Array.isArray(patient[path]) && patient[path].some((item: object) => Object.keys(item).length === 0));
      fc.pre(!emptyRecord);
      const { header, rows } = patientsToTable([patient], dict);
      const { header: csvHeader } = resolveHeader(header, dict, 'random.csv');
      const row = parseCsvRow(csvHeader, rows[0] as string[], dict);
      expect(row.ok, JSON.stringify(row.ok ? '' : row.problems)).toBe(true);
      if (!row.ok) return;
      const direct = record(patient);
      for (const id of TRIALS) {
        const dates = (r: typeof direct) => ({ referenceDates: r.referenceDates ?? {} });
        expect(summary(screenPatient(trial(id), dict, row.parsed.record, dates(row.parsed.record)))).toEqual(summary(screenPatient(trial(id), dict, direct, dates(direct))));
      }
    }),
    { seed: 611, numRuns: 60 },
  );
});
