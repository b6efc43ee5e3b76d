// Every JSON report the tool writes validates against the published schema/report.schema.json
// (checked by ajv, independently of zod) and round-trips through JSON unchanged.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { screenPatient } from '../../src/engine/evaluate.js';
import { toJsonReport } from '../../src/report/json.js';
import { toMultiJsonReport } from '../../src/report/multi-trial.js';
import { ReportSchema } from '../../src/report/report-schema.js';
import { fullPatient, removablePaths, withoutAll } from '../helpers/arbitrary-patient.js';
import { criteriaSet, record, ROOT, trial } from '../helpers/screening.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(`${ROOT}schema/report.schema.json`, 'utf8')));
const TRIALS = ['IM101-611', 'NCT04946669', 'NCT02347891'];
const tool = { name: 'trial-screen', version: '0.0.0-test' };

function check(report: unknown) {
  const copy = JSON.parse(JSON.stringify(report));
  expect(copy).toEqual(report);
  // (ajv only reads it: no defaults, coercion or removal asked for.)
  const ok = validate(copy);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}

const resultsFor = (patient: unknown) => {
  const r = record(patient);
  return TRIALS.map((id) => screenPatient(trial(id), criteriaSet.dictionary, r, { referenceDates: r.referenceDates ?? {} }));
};

describe('reports for every example', () => {
  const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json'));
  test.each(examples)('%s', (name) => {
    const results = resultsFor(JSON.parse(readFileSync(`${ROOT}examples/${name}`, 'utf8')));
    for (const r of results) {
      check(toJsonReport(r, { tool, referenceDateSources: { screening: 'patient file' } }));
      expect(ReportSchema.safeParse(toJsonReport(r, { tool })).success).toBe(true);
    }
    check(toMultiJsonReport(results, { tool }));
  });
});

test('reports for random patients (property, fixed seed)', () => {
  fc.assert(
    fc.property(fullPatient(criteriaSet.dictionary).chain((p) => fc.tuple(fc.constant(p), fc.subarray(removablePaths(p, criteriaSet.dictionary), { maxLength: 25 }))), ([full, removals]) => {
      const results = resultsFor(withoutAll(full, removals));
      for (const r of results) check(toJsonReport(r, { tool }));
      check(toMultiJsonReport(results, { tool }));
    }),
    { seed: 99, numRuns: 40 },
  );
});
