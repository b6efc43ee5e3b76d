// Where each record the reader kept came from in the file (origins, only when it joined records),
// and the renumbering of every record reference of a result to the file's positions.
import { describe, expect, test } from 'vitest';
import type { CriterionResult, ScreeningResult, Trace } from '../../src/engine/result.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { inFileNumbering } from '../../src/patient/record-origins.js';
import { missingLabel } from '../../src/report/missing-label.js';
import { criteriaSet } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;
const SCREENING = { screening: '2026-11-16', consent: '2026-11-16', randomization: '2026-12-01' };

const pred = { drug: 'prednisone', start: '2025-01-10', ongoing: true, doses: [{ date: '2025-01-10', dose: 10, unit: 'mg/day' }] };
const mtx = { drug: 'methotrexate', start: '2024-09-01' };
// Stopped on 2025-06-30 and continued at the same dose from 2025-07-01: one course.
const azaFirst = { drug: 'azathioprine', start: '2025-01-01', stop: '2025-06-30', doses: [{ date: '2025-01-01', dose: 100, unit: 'mg/day' }] };
const azaNext = { drug: 'azathioprine', start: '2025-07-01', stop: '2025-12-31', doses: [{ date: '2025-07-01', dose: 100, unit: 'mg/day' }] };
// Started inside azaFirst at another dose: kept as two records.
const azaOther = { drug: 'azathioprine', start: '2025-03-01', stop: '2025-05-01', doses: [{ date: '2025-03-01', dose: 150, unit: 'mg/day' }] };

describe('the reader says where each kept record came from, only when it joined some', () => {
  test.each([
    ['no two records of one drug', [pred, mtx], undefined],
    ['one course entered twice, first', [pred, pred, mtx], { medications: [[0, 1], [2]] }],
    ['one course entered twice, last', [mtx, pred, pred], { medications: [[0], [1, 2]] }],
    ['entered twice, apart', [pred, mtx, pred], { medications: [[0, 2], [1]] }],
    ['entered three times', [pred, pred, pred], { medications: [[0, 1, 2]] }],
    ['continued at the same dose from the next day', [mtx, azaFirst, azaNext], { medications: [[0], [1, 2]] }],
    ['overlapping at another dose: both kept', [azaFirst, azaOther], undefined],
    // Numbered by the record kept (the earlier one, whose fields the course carries), not the first in the file.
    ['continued, the continuation listed first', [azaNext, mtx, azaFirst], { medications: [[1], [2, 0]] }],
    ['continued, its response given on the continuation only', [{ ...azaNext, outcome: 'failure' }, azaFirst], { medications: [[1, 0]] }],
  ])('%s', (_, medications, origins) => {
    const parsed = parsePatientData({ id: 'P', referenceDates: SCREENING, medications: structuredClone(medications) }, 'p', dict);
    expect(parsed.origins).toEqual(origins);
    if (origins) expect((parsed.record.medications as unknown[]).length).toBe(origins.medications.length);
  });
});

const leaf = (t: Partial<Trace> & Pick<Trace, 'kind'>): Trace => ({ outcome: 'unknown', facts: [], missing: [], ...t }) as Trace;

/** A result naming records of the joined list [prednisone (file #1 and #2), methotrexate (file #3)] every way a result can. */
function joinedResult(): ScreeningResult {
  const takenFor = leaf({
    kind: 'takenFor',
    facts: [{ field: 'medications[1].start', role: { kind: 'start' }, value: '2024-09-01' }],
    missing: [{ field: 'medications[1].stop' }],
    detail: { atLeast: '12 weeks', before: 'randomization', since: '2026-09-08', date: '2026-12-01', chainStart: '2024-09-01', chainRecords: '0,1' },
  });
  const item = leaf({ kind: 'item', missing: takenFor.missing, detail: { list: 'medications', index: 1, name: { key: 'drug', value: 'methotrexate' }, label: 'Methotrexate', applies: 'met' }, children: [takenFor] });
  const calc = leaf({
    kind: 'calc',
    facts: [{ field: 'medications[0].doses', role: { kind: 'prednisoneDose', drug: { index: 0, drug: 'prednisone', label: 'Prednisone' }, from: 'table' }, value: 10, unit: 'mg/day' }, { field: 'medications[1]', role: { kind: 'combinedCourse', drug: { index: 1, drug: 'methotrexate' }, months: 3, partners: [{ index: 0, drug: 'prednisone' }] }, value: true }],
    missing: [{ field: 'medications[0].outcome' }],
    detail: { calculator: 'x', description: 'x' },
  });
  const trace = leaf({ kind: 'any', missing: [...item.missing, ...calc.missing], children: [leaf({ kind: 'exists', detail: { records: 'medications', total: 2 }, children: [item], missing: item.missing }), calc] });
  const criterion: CriterionResult = { id: 'I6', type: 'inclusion', title: 't', source: 's', outcome: 'unknown', effect: 'open', trace, missing: trace.missing, review: [] };
  return {
    trial: { id: 'T', nct: 'N', title: 't', version: '1', sha256: '', completeness: 'complete' },
    patientId: 'P',
    referenceDates: SCREENING,
    verdict: 'undetermined',
    criteria: [criterion],
    missing: [
      { field: 'medications[1].stop', record: { list: 'medications', index: 1, name: { key: 'drug', value: 'methotrexate' } }, criteria: ['I6'] },
      { field: 'medications[0].outcome', record: { list: 'medications', index: 0, name: { key: 'drug', value: 'prednisone' } }, criteria: ['I6'] },
      { field: 'labs.ck', criteria: ['I6'] },
    ],
    review: [],
    counts: { met: 0, not_met: 0, unknown: 1, needs_review: 0, failing: 0 },
  };
}

describe('inFileNumbering: every record reference names the file\'s record', () => {
  const origins = { medications: [[0, 1], [2]] };

  test('paths, items, chains, calculators\' drugs and the records of values to collect', () => {
    const r = inFileNumbering(joinedResult(), origins);
    const c = r.criteria[0] as CriterionResult;
    const exists = c.trace.children?.[0] as Trace;
    const item = exists.children?.[0] as Extract<Trace, { kind: 'item' }>;
    const taken = item.children?.[0] as Extract<Trace, { kind: 'takenFor' }>;
    const calc = c.trace.children?.[1] as Trace;
    expect(item.detail?.index).toBe(2);
    expect(taken.facts.map((f) => f.field)).toEqual(['medications[2].start']);
    expect(taken.missing).toEqual([{ field: 'medications[2].stop' }]);
    // The chain names every file record in it, the one joined into its first record too.
    expect(taken.detail).toMatchObject({ chainRecords: '0,1,2' });
    expect(calc.facts.map((f) => [f.field, 'role' in f && 'drug' in f.role ? f.role.drug.index : null])).toEqual([['medications[0].doses', 0], ['medications[2]', 2]]);
    expect(calc.facts[1]).toMatchObject({ role: { partners: [{ index: 0 }] } });
    // A fact of the joined prednisone may hold a value of either file record: it says it is joined.
    expect(calc.facts.map((f) => f.joinedWith)).toEqual([[1], undefined]);
    expect(taken.facts[0]?.joinedWith).toBeUndefined();
    expect(c.missing).toEqual([{ field: 'medications[2].stop' }, { field: 'medications[0].outcome' }]);
    expect(r.missing.map((m) => [m.field, m.record?.index, m.record?.joinedWith])).toEqual([['medications[2].stop', 2, undefined], ['medications[0].outcome', 0, [1]], ['labs.ck', undefined, undefined]]);
    expect(r.missing.map((m) => missingLabel(m, dict))).toEqual([
      'date of last dose (or "ongoing": true) of Methotrexate (medications #3)',
      'Response to this drug of Prednisone (medications #1, joined with #2)',
      'CK',
    ]);
  });

  test('batch\'s outcomes: the missing paths', () => {
    const summary = { verdict: 'undetermined' as const, criteria: [], missing: [{ field: 'medications[1].stop' }, { field: 'labs.ck' }], review: [] };
    expect(inFileNumbering(summary, origins).missing).toEqual([{ field: 'medications[2].stop' }, { field: 'labs.ck' }]);
  });

  test('without origins (nothing joined), the result itself', () => {
    const r = joinedResult();
    expect(inFileNumbering(r, undefined)).toBe(r);
  });
});
