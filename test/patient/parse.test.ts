import { describe, expect, test } from 'vitest';
import { PatientDataError } from '../../src/errors.js';
import { parsePatientText } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;
const parse = (value: unknown) => parsePatientText(typeof value === 'string' ? value : JSON.stringify(value), 'p.json', dict);

function problems(value: unknown): string[] {
  try {
    parse(value);
  } catch (e) {
    if (e instanceof PatientDataError) return e.problems.map((p) => `${p.location}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('errors name the JSON path', () => {
  test.each([
    [{ assessments: { pga: 'high' } }, 'p.json $.assessments.pga: expected a number or {"value": number, "unit": string}, got string "high"'],
    [{ assessments: { mmt8: { score: 400, max: 150 } } }, 'p.json $.assessments.mmt8.score: 400 is above the scale maximum'],
    [{ assessments: { mmt8: { score: 40, max: 100 } } }, 'p.json $.assessments.mmt8.max: 100 must be one of 150, 80'],
    [{ assessments: { haqDi: '1' } }, 'p.json $.assessments.haqDi: expected number, got string "1"'],
    [{ assessments: { sga: -1 } }, 'p.json $.assessments.sga: must be at least 0 (got -1)'],
    [{ demographics: { birthDate: '2026-02-30' } }, 'p.json $.demographics.birthDate: "2026-02-30" is not a real calendar date'],
    [{ demographics: { birthDate: '30/01/1970' } }, 'p.json $.demographics.birthDate: "30/01/1970" must be a date written YYYY-MM-DD'],
    [{ labs: { ck: { value: 1500, unit: 'U/L' } } }, "p.json $.labs.ck.uln: is required with a value: '× ULN' rules use the reporting lab's upper limit of normal"],
    [{ labs: { ck: { value: 15, unit: 'mg/dL', uln: 2 } } }, 'p.json $.labs.ck.unit: must be one of "U/L", "µkat/L", "ukat/L", got "mg/dL"'],
    [{ diagnosis: { subtype: 'dermatomyositis' } }, 'p.json $.diagnosis.subtype: must be one of'],
    // A label, which CSV accepts: the code it stands for (any case; in record items and lists too).
    [{ diagnosis: { subtype: 'Dermatomyositis' } }, 'p.json $.diagnosis.subtype: must be one of "dm", "cadm", "pm", "imnm", "overlap", "antisynthetase", "juvenile", "ibm", "drugInduced", "hivPm", "otherNonIim", got "Dermatomyositis" (that is the label of "dm": a patient file takes the code)'],
    [{ medications: [{ drug: 'PREDNISONE' }] }, 'p.json $.medications[0].drug: must be one of "prednisone", '],
    [{ antibodies: { positive: ['anti-Mi-2'] } }, 'p.json $.antibodies.positive[0]: must be one of'],
    [{ medications: [{ drug: 'methotrexate', start: '2026-01-01', stop: '2025-01-01' }] }, 'p.json $.medications[0].stop: "2025-01-01" is before the start date'],
    [{ medications: [{ drug: 'methotrexate', ongoing: true, stop: '2025-01-01' }] }, 'p.json $.medications[0].ongoing: true is true but a stop date is given'],
    [{ reviews: { 'IM101-611': { P1: { decision: 'maybe', by: 'x', date: '2026-01-01' } } } }, 'p.json $.reviews["IM101-611"].P1.decision: must be one of "yes", "no"'],
    [[], 'p.json: expected a JSON object describing one patient, got an array'],
    [{ medications: [{ drug: 'methotrexate', class: 'biologic' }] }, 'p.json $.medications[0].class: "biologic" contradicts the drug, which is a immunosuppressant'],
  ])('%j', (value, expected) => {
    const found = problems(value);
    expect(found.some((p) => p.startsWith(expected)), `got ${JSON.stringify(found)}`).toBe(true);
  });

  test.each([
    [{ medications: [{ drug: 'PREDNISONE' }] }, '(did you mean "prednisone"? codes are written exactly)'],
    [{ medications: [{ drug: 'Mycophenolate mofetil' }] }, '(that is the label of "mycophenolateMofetil": a patient file takes the code)'],
    [{ diagnosis: { subtype: 'DM' } }, '(did you mean "dm"? codes are written exactly)'],
    [{ antibodies: { positive: ['anti-Mi-2'] } }, '(that is the label of "mi2": a patient file takes the code)'],
    [{ diagnosis: { subtype: 'dermatomyosits' } }, '"dermatomyosits"'],
  ])('a label in place of a code: %j', (value, end) => {
    const found = problems(value);
    expect(found.some((p) => p.endsWith(end)), `got ${JSON.stringify(found)}`).toBe(true);
  });

  test('syntax errors give line and column', () => {
    expect(problems('{\n  "id": "x",\n  "labs": {,}\n}')[0]).toMatch(/^p\.json:3:\d+: invalid JSON/);
  });
  test('an empty file says so', () => {
    expect(problems('  \n')).toEqual(['p.json: the file is empty: expected a patient JSON object']);
  });
  test('long values are truncated in messages', () => {
    const msg = problems({ assessments: { pga: 'x'.repeat(500) } })[0] ?? '';
    expect(msg).toContain("…");
    expect(msg.length).toBeLessThan(160);
  });
});

describe('normalisation', () => {
  test('units are converted to the canonical unit and the original is kept', () => {
    const { record } = parse({ labs: { ck: { value: 5, unit: 'µkat/L', uln: 3 } }, assessments: { pga: { value: 25, unit: 'mm' } }, demographics: { weightKg: { value: 154, unit: 'lb' } } });
    expect(record.labs).toEqual({ ck: { value: 300, uln: 180, unit: 'U/L', original: { value: 5, uln: 3, unit: 'µkat/L' } } });
    expect((record.assessments as any).pga).toBe(2.5);
    expect((record.demographics as any).weightKg).toBeCloseTo(69.85, 2);
  });
  test('drug class is filled in from the dictionary', () => {
    const { record } = parse({ medications: [{ drug: 'rituximab', start: '2025-01-01', stop: '2025-01-15' }] });
    expect((record.medications as any)[0].class).toBe('biologic');
  });
  test('null means not recorded', () => {
    const { record } = parse({ assessments: { pga: null } });
    expect((record.assessments as any).pga).toBeNull();
  });
});

describe('warnings', () => {
  test('unknown keys are warned about with a suggestion, and ignored', () => {
    const { record, warnings } = parse({ assessments: { pgaa: 3 }, labz: {} });
    expect(warnings.map((w) => `${w.location}: ${w.message}`)).toEqual([
      'p.json $.assessments.pgaa: unknown key, ignored (did you mean "pga"?)',
      'p.json $.labz: unknown key, ignored (did you mean "labs"?)',
    ]);
    expect(record.assessments).toEqual({});
  });
  test.each([
    ['{"__proto__": {"polluted": true}}', 'p.json $.__proto__'],
    ['{"constructor": {"x": 1}}', 'p.json $.constructor'],
    ['{"assessments": {"prototype": 1}}', 'p.json $.assessments.prototype'],
    ['{"reviews": {"IM101-611": {"toString": {"decision": "yes", "by": "A", "date": "2026-11-16"}}}}', 'p.json $.reviews["IM101-611"].toString'],
  ])('a key that names a built-in object property is refused: %s', (text, location) => {
    expect(() => parse(text)).toThrow(PatientDataError);
    try {
      parse(text);
    } catch (e) {
      expect((e as PatientDataError).problems).toEqual([{ location, message: expect.stringContaining('cannot be used as a key') }]);
    }
    expect(({} as any).polluted).toBeUndefined();
  });
  test('dates after the screening date inside records are flagged too', () => {
    const { warnings } = parse({ referenceDates: { screening: '2026-11-16' }, medications: [{ drug: 'penicillamine', start: '2026-11-20', ongoing: true }] });
    expect(warnings.map((w) => `${w.location}: ${w.message}`)).toEqual(['p.json $.medications[0].start: 2026-11-20 is after the screening date 2026-11-16']);
  });
  test('dates after the screening date are flagged', () => {
    const { warnings } = parse({ referenceDates: { screening: '2026-11-16' }, diagnosis: { date: '2026-12-01' } });
    expect(warnings[0]?.message).toBe('2026-12-01 is after the screening date 2026-11-16');
  });
});

describe('null is not recorded, as absent, everywhere', () => {
  test('two courses of one drug, one with "start": null: no internal error, not merged on a date it does not have', () => {
    const r = parse({ medications: [{ drug: 'rituximab', start: null, stop: '2025-07-10' }, { drug: 'rituximab', start: '2025-01-10', stop: '2025-03-01' }] });
    expect((r.record.medications as unknown[]).length).toBe(2);
  });
});

describe('records of one drug: joined into one course only when the join hides nothing', () => {
  // An earlier record stopping 2026-06-30 at 100 mg/day, and a later one; joined when the later
  // starts no later than the day after with the same first dose, dated on its start.
  const dose = (date: string, amount?: number, unit = 'mg/day') => ({ date, ...(amount === undefined ? {} : { dose: amount }), unit });
  const earlier = { drug: 'azathioprine', start: '2025-01-01', stop: '2026-06-30', outcome: 'intolerance', doses: [dose('2025-01-01', 50), dose('2025-03-01', 100)] };
  const later = (start: string, doses: unknown[] | undefined, extra: Record<string, unknown> = { ongoing: true }) => ({ drug: 'azathioprine', start, ...extra, ...(doses ? { doses } : {}) });
  const read = (meds: unknown[]) => {
    const { record, warnings } = parse({ medications: meds });
    return { meds: record.medications as Record<string, unknown>[], warnings: warnings.map((w) => w.message) };
  };
  test.each([
    // [case, the later record, records after reading, warning starts with]
    ['starts on the stop day, same dose: one course', later('2026-06-30', [dose('2026-06-30', 100)]), 1, 'continues azathioprine of $.medications[0] at the same dose'],
    ['starts the day after the stop, same dose: one course', later('2026-07-01', [dose('2026-07-01', 100)]), 1, 'continues azathioprine of $.medications[0] at the same dose'],
    ['starts 2 days after the stop (1 day without a record): two records', later('2026-07-02', [dose('2026-07-02', 100)]), 2, undefined],
    ['starts 3 days after the stop: two records', later('2026-07-03', [dose('2026-07-03', 100)]), 2, undefined],
    ['the day after, another dose: two records', later('2026-07-01', [dose('2026-07-01', 150)]), 2, undefined],
    ['the day after, another unit: two records', later('2026-07-01', [dose('2026-07-01', 100, 'mg/week')]), 2, undefined],
    ['the day after, no dose recorded: two records', later('2026-07-01', undefined), 2, undefined],
    ['the day after, a dose without an amount: two records', later('2026-07-01', [dose('2026-07-01')]), 2, undefined],
    ['the day after, its first dose dated after its start: two records', later('2026-07-01', [dose('2026-07-15', 100)]), 2, undefined],
    ['on the stop day, another dose: overlapping, two records', later('2026-06-30', [dose('2026-06-30', 150)]), 2, 'overlaps azathioprine of $.medications[0] with another start, stop or dose: kept as two records'],
    // (Days both records cover may be both doses at once: never read as one course renewed.)
    ['starts inside the earlier one, same dose: overlapping, two records', later('2026-06-01', [dose('2026-06-01', 100)]), 2, 'overlaps azathioprine of $.medications[0] with another start, stop or dose'],
    ['starts the day before the stop, same dose: overlapping, two records', later('2026-06-29', [dose('2026-06-29', 100)]), 2, 'overlaps azathioprine of $.medications[0] with another start, stop or dose'],
    ['the day after, same dose, another response: two records', later('2026-07-01', [dose('2026-07-01', 100)], { ongoing: true, outcome: 'failure' }), 2, 'meets azathioprine of $.medications[0] in its dates and dose but records another outcome: kept as two records'],
    ['starts inside the earlier one, same dose, but ends before it: overlapping, two records', later('2026-06-01', [dose('2026-06-01', 100)], { stop: '2026-06-29' }), 2, 'overlaps azathioprine of $.medications[0]'],
    ['starts inside the earlier one, which changes its dose after that start: overlapping, two records', later('2025-02-01', [dose('2025-02-01', 50)]), 2, 'overlaps azathioprine of $.medications[0]'],
    ['starts inside the earlier one, another dose: overlapping, two records', later('2026-06-01', [dose('2026-06-01', 150)]), 2, 'overlaps azathioprine of $.medications[0]'],
    ['the same dates entered twice: one course', { ...earlier, doses: [dose('2025-03-01', 100)] }, 1, 'repeats azathioprine of $.medications[0] with the same dates'],
    ['the same start, an earlier stop: overlapping, two records', later('2025-01-01', [dose('2025-01-01', 50)], { stop: '2026-05-01' }), 2, 'overlaps azathioprine of $.medications[0]'],
  ])('%s', (_case, next, count, warning) => {
    const r = read([structuredClone(earlier), next]);
    expect(r.meds).toHaveLength(count);
    if (warning === undefined) expect(r.warnings).toEqual([]);
    else expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`^${warning.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))]);
  });
  test('a joined course keeps the earliest start, the latest end and both dose histories, whichever record is listed first', () => {
    const r = read([later('2026-07-01', [dose('2026-07-01', 100)]), structuredClone(earlier)]);
    expect(r.meds).toEqual([{ drug: 'azathioprine', class: 'immunosuppressant', outcome: 'intolerance', start: '2025-01-01', ongoing: true, doses: [dose('2025-01-01', 50), dose('2025-03-01', 100), dose('2026-07-01', 100)] }]);
  });
  test('three records continued at the same dose are one course, in any order', () => {
    const a = { drug: 'prednisone', start: '2025-01-01', stop: '2025-06-30', doses: [dose('2025-01-01', 10)] };
    const b = { drug: 'prednisone', start: '2025-07-01', stop: '2025-12-31', doses: [dose('2025-07-01', 10)] };
    const c = { drug: 'prednisone', start: '2026-01-01', ongoing: true, doses: [dose('2026-01-01', 10)] };
    for (const order of [[a, b, c], [c, a, b], [b, c, a]]) {
      const r = read(structuredClone(order));
      expect(r.meds.map((m) => [m.start, m.stop, m.ongoing])).toEqual([['2025-01-01', undefined, true]]);
      expect(r.warnings).toHaveLength(2);
    }
  });
  test('a field one record leaves empty is filled from the other; one both give differently keeps them two', () => {
    // Budesonide ("other": its class and prednisone equivalent are the file's): 10 mg/day
    // equivalent until 2026-03-31, then recorded at 70 from the next day at the same 9 mg.
    const budesonide = (start: string, end: Record<string, unknown>, more: Record<string, unknown>) => ({ drug: 'other', otherName: 'Budesonide', start, ...end, doses: [dose(start, 9)], ...more });
    const before = budesonide('2026-01-01', { stop: '2026-03-31' }, { class: 'corticosteroid', prednisoneEquivalentMgPerDay: 10 });
    const joined = read([budesonide('2026-04-01', { ongoing: true }, { outcome: 'failure' }), structuredClone(before)]);
    expect(joined.meds).toEqual([{ drug: 'other', otherName: 'Budesonide', start: '2026-01-01', ongoing: true, doses: [dose('2026-01-01', 9), dose('2026-04-01', 9)], class: 'corticosteroid', prednisoneEquivalentMgPerDay: 10, outcome: 'failure' }]);
    const kept = read([budesonide('2026-04-01', { ongoing: true }, { class: 'corticosteroid', prednisoneEquivalentMgPerDay: 70 }), structuredClone(before)]);
    expect(kept.meds.map((m) => m.prednisoneEquivalentMgPerDay)).toEqual([70, 10]);
    expect(kept.warnings).toEqual([expect.stringMatching(/^meets other:budesonide of \$\.medications\[0\] in its dates and dose but records another prednisoneEquivalentMgPerDay: kept as two records/)]);
    const reclassed = read([budesonide('2026-04-01', { ongoing: true }, { class: 'immunosuppressant' }), structuredClone(before)]);
    expect(reclassed.warnings).toEqual([expect.stringMatching(/ but records another class: kept as two records/)]);
    // The name is compared as written (a drug named in other words is not the file's to read as one).
    const renamed = read([budesonide('2026-04-01', { ongoing: true }, { otherName: 'budesonide' }), structuredClone(before)]);
    expect(renamed.meds).toHaveLength(2);
  });
  test('a different response recorded on each record is not joined', () => {
    const r = read([{ ...structuredClone(earlier), outcome: 'intolerance' }, later('2026-07-01', [dose('2026-07-01', 100)], { ongoing: true, outcome: 'response' })]);
    expect(r.meds).toHaveLength(2);
  });
});
