// collectFieldRefs: the fields, record item fields, reference dates and review items a rule reads.
import { describe, expect, test } from 'vitest';
import { openCriteriaDir, loadTrial } from '../../src/criteria/criteria-dir.js';
import { collectFieldRefs } from '../../src/criteria/field-refs.js';
import type { Condition } from '../../src/criteria/rule-schema.js';

describe('collectFieldRefs', () => {
  test.each<[string, Condition, { fields: string[]; records?: Record<string, string[]>; dates?: string[] }]>([
    ['compare', { kind: 'compare', field: 'assessments.pga', op: '>=', value: 2 }, { fields: ['assessments.pga'] }],
    ['age reads the birth date, the stated age and its date, and a reference date', { kind: 'age', op: '>=', years: 18, at: 'screening' }, { fields: ['demographics.birthDate', 'demographics.ageYears', 'demographics.ageOn'], dates: ['screening'] }],
    ['nested not/any', { kind: 'not', of: { kind: 'any', of: [{ kind: 'is', field: 'a.b', value: true }, { kind: 'in', field: 'c.d', values: ['x'] }] } }, { fields: ['a.b', 'c.d'] }],
    ['interval with a field and a reference date', { kind: 'interval', from: { field: 'diagnosis.date' }, to: { ref: 'randomization' }, op: '<', duration: { years: 1 }, absolute: false }, { fields: ['diagnosis.date'], dates: ['randomization'] }],
    [
      'bare names inside a quantifier are record fields; medication operators read start/stop/ongoing/doses',
      { kind: 'exists', records: 'medications', where: { kind: 'all', of: [{ kind: 'in', field: 'drug', values: ['x'] }, { kind: 'lastDoseWithin', within: { months: 3 }, before: 'screening' }, { kind: 'is', field: 'labs.bCellsPresent', value: true }] } },
      { fields: ['medications', 'labs.bCellsPresent'], records: { medications: ['drug', 'start', 'stop', 'ongoing', 'doses'] }, dates: ['screening'] },
    ],
    ['an unknown calculator reads nothing', { kind: 'calc', calculator: 'x' }, { fields: [] }],
    [
      'a calculator reads its declared inputs and the reference date of its params (screening when not given)',
      { kind: 'calc', calculator: 'combinedIntolerance', params: { at: 'consent' } },
      { fields: ['medications'], records: { medications: ['drug', 'otherName', 'class', 'start', 'stop', 'ongoing', 'outcome'] }, dates: ['consent'] },
    ],
    [
      'prednisoneEquivalentPerKg without `at` reads the screening date',
      { kind: 'calc', calculator: 'prednisoneEquivalentPerKg', params: { mgPerKg: 0.5 } },
      { fields: ['demographics.weightKg', 'medications'], records: { medications: ['drug', 'otherName', 'class', 'start', 'stop', 'ongoing', 'doses', 'prednisoneEquivalentMgPerDay'] }, dates: ['screening'] },
    ],
  ])('%s', (_name, rule, want) => {
    const refs = collectFieldRefs([rule]);
    expect([...refs.fields]).toEqual(want.fields);
    expect(Object.fromEntries([...refs.recordFields].map(([k, v]) => [k, [...v]]))).toEqual(want.records ?? {});
    expect([...refs.referenceDates]).toEqual(want.dates ?? []);
  });

  test('follows ref definitions once, and lists review items', () => {
    const defs = { d: { rule: { kind: 'compare', field: 'labs.x', op: '>', value: 1 } as Condition } };
    const refs = collectFieldRefs([
      { kind: 'any', of: [{ kind: 'ref', definition: 'd' }, { kind: 'ref', definition: 'd' }, { kind: 'review', id: 'R1', by: 'investigator', question: 'Q?' }] },
    ], defs);
    expect([...refs.fields]).toEqual(['labs.x']);
    expect(refs.reviews).toEqual([{ id: 'R1', by: 'investigator', question: 'Q?' }]);
  });

  test('IM101-611: every field it reads is in the dictionary', () => {
    const set = openCriteriaDir();
    const trial = loadTrial(set, 'IM101-611');
    const refs = collectFieldRefs(trial.criteria.map((c) => c.rule), trial.definitions);
    for (const f of refs.fields) expect(set.dictionary.fields.has(f), f).toBe(true);
    expect(refs.fields).toContain('labs.aldolase'); // only through the shared definition
    expect([...refs.referenceDates].sort()).toEqual(['consent', 'randomization', 'screening']);
    expect(refs.reviews.map((r) => r.id)).toEqual(['I2-juvenile-age-18', 'I4-adjudication', 'I5-investigator', 'I6-mycophenolic-acid', 'I6-antimalarial', 'I6-same-medications', 'I6-background-ending', 'E7-skin-or-in-situ', 'P1-protocol']);
    expect([...(refs.recordFields.get('malignancies') ?? [])].sort()).toEqual(['active', 'cured', 'diagnosisDate', 'metastatic', 'resolvedDate', 'type']);
  });
});
