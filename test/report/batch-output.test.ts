// The CSV batch writer's row template (used by the native DuckDB path for rows that share a result)
// writes exactly what its row writer writes, for any row number, patient id and warnings.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { BatchRow } from '../../src/batch/batch-row.js';
import { csvRows } from '../../src/report/batch-output.js';

/** Text that CSV must quote or neutralise, often. */
const cell = fc.oneof(fc.string(), fc.constantFrom('', '=1+1', '-3', '@x', '+', 'a,b', 'say "hi"', 'line\nbreak', '\r', '\tx', 'a | b'));
const list = fc.array(cell, { maxLength: 3 });
const outcome = fc.constantFrom('met', 'not_met', 'unknown', 'needs_review' as const);

const rowArb: fc.Arbitrary<BatchRow> = fc.record({
  row: fc.nat(),
  patientId: fc.option(cell, { nil: null }),
  trial: fc.constantFrom('IM101-611', 'NCT04946669'),
  verdict: fc.constantFrom('eligible', 'ineligible', 'undetermined', 'error' as const),
  encoding: fc.constantFrom('complete', 'partial' as const),
  failed: list,
  unknown: list,
  review: list,
  missing: list,
  warnings: list,
  errors: list,
  outcomes: fc.option(fc.dictionary(fc.constantFrom('I1', 'I2', 'E1'), outcome), { nil: undefined }),
}).map((r) => {
  if (r.outcomes === undefined) delete (r as Partial<BatchRow>).outcomes;
  return r;
});

const wideColumns = [
  { trial: 'IM101-611', criterion: 'I1' },
  { trial: 'IM101-611', criterion: 'E1' },
  { trial: 'NCT04946669', criterion: 'I2' },
];

test.each([{}, { wideColumns }])('csv template(r)(n, id, warnings) is row(r with n, id, warnings) (%j)', (options) => {
  const writer = csvRows(options);
  const template = writer.template;
  expect(template).toBeDefined();
  fc.assert(
    fc.property(rowArb, fc.nat(), fc.option(cell, { nil: null }), list, (r, n, id, warnings) => {
      const line = (template as NonNullable<typeof template>)(r)(n, id, warnings);
      expect(line).toBe(writer.row({ ...r, row: n, patientId: id, warnings }));
    }),
    { numRuns: 300 },
  );
});
