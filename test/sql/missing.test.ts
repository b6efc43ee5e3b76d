// The query's `missing` column read back: every kind of need, as missingText words it, decodes to
// the entry it came from, so --engine duckdb writes what --engine js writes.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { Missing } from '../../src/engine/result.js';
import { missingText } from '../../src/report/missing-words.js';
import { decodeMissing } from '../../src/sql/missing.js';

test.each<Missing>([
  { field: 'labs.ck.value' },
  { field: 'medications[12].stop' },
  { field: 'labs.alt', need: { kind: 'resultBetween', from: '2026-08-01', to: '2026-11-16' } },
  { field: 'assessments.mmt8', need: { kind: 'scale', max: 150 } },
  { field: 'imacs.followUp.mmt8', need: { kind: 'scale', max: 80.5, asBaseline: true } },
  { field: 'medications[0].doses', need: { kind: 'doseOn', date: '2026-02-28' } },
  { field: 'medications[3].doses', need: { kind: 'sameUnit' } },
  { field: 'medications[1].doses', need: { kind: 'doseAmount', date: '2024-02-29' } },
])('$field (%#) decodes from its own words', (m) => {
  expect(decodeMissing(missingText(m))).toEqual([m]);
});

test('a list keeps its order; an empty or NULL cell is no entry', () => {
  const list: Missing[] = [{ field: 'b' }, { field: 'a', need: { kind: 'sameUnit' } }, { field: 'c' }];
  expect(decodeMissing(list.map(missingText).join(';'))).toEqual(list);
  expect(decodeMissing('')).toEqual([]);
  expect(decodeMissing(null)).toEqual([]);
});

test('any path and date survive the round trip', () => {
  const path = fc.stringMatching(/^[a-z][A-Za-z]{0,8}(\.[a-z][A-Za-z]{0,8}|\[\d{1,2}\]){0,3}$/);
  const date = fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const need = fc.oneof(
    fc.constant(undefined),
    fc.record({ kind: fc.constant('resultBetween' as const), from: date, to: date }),
    fc.record({ kind: fc.constant('scale' as const), max: fc.integer({ min: 1, max: 1000 }) }),
    fc.record({ kind: fc.constant('doseOn' as const), date }),
    fc.record({ kind: fc.constant('doseAmount' as const), date }),
  );
  fc.assert(
    fc.property(fc.array(fc.record({ field: path, need }), { minLength: 1, maxLength: 4 }), (xs) => {
      const list = xs.map((x) => (x.need ? { field: x.field, need: x.need } : { field: x.field })) as Missing[];
      expect(decodeMissing(list.map(missingText).join(';'))).toEqual(list);
    }),
    { seed: 16, numRuns: 200 },
  );
});
