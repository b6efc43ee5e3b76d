// The deciding facts (reason.ts) on hand-built results, their words, and numbers shown next to a
// threshold: never rounded onto or across it (property test over random value, ULN, threshold).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { CriterionResult, Trace } from '../../src/engine/result.js';
import { formatAgainst } from '../../src/report/precise-number.js';
import { reasonOf } from '../../src/report/reason.js';
import { EMPTY_LIST, factWords, reasonWords } from '../../src/report/reason-words.js';
import { criterion as screenCriterion, example, withChanges } from '../helpers/screening.js';

function criterion(type: 'inclusion' | 'exclusion', trace: Trace, effect: CriterionResult['effect'], extra: Partial<CriterionResult> = {}): CriterionResult {
  return { id: 'X1', type, title: 'Test', source: 'src', outcome: trace.outcome, effect, trace, missing: trace.missing, review: [], ...extra };
}

const mmt8 = (score: number, outcome: 'met' | 'not_met'): Trace => ({
  kind: 'compare',
  outcome,
  facts: [{ field: 'assessments.mmt8', label: 'MMT-8 total', value: score, unit: '/150' }],
  missing: [],
  detail: { op: '<=', threshold: 135, unit: 'points', scaleMax: 150 },
});

const ck = (value: number, uln: number, outcome: 'met' | 'not_met', limit = 5 * uln): Trace => ({
  kind: 'labUln',
  outcome,
  facts: [
    { field: 'labs.ck.value', label: 'CK', value, unit: 'U/L' },
    { field: 'labs.ck.uln', label: 'CK ULN', value: uln, unit: 'U/L' },
  ],
  missing: [],
  detail: { op: '>', times: 5, ratio: Number((value / uln).toFixed(2)), limit, date: '2026-11-16' },
});

describe('reason: the deciding facts', () => {
  test('a failing inclusion names the value and the threshold it needs', () => {
    const r = reasonOf(criterion('inclusion', { kind: 'all', outcome: 'not_met', facts: [], missing: [], children: [mmt8(140, 'not_met'), { ...mmt8(118, 'met') }] }, 'fails'));
    expect(r.facts).toHaveLength(1);
    expect(r.facts[0]).toMatchObject({ field: 'assessments.mmt8', value: 140, unit: '/150', threshold: { op: '<=', value: 135, unit: 'points', scaleMax: 150 }, sense: 'needs', side: 1 });
    expect(factWords(r.facts[0]!)).toBe('MMT-8 total 140/150, needs ≤ 135 points');
  });

  test('under an exclusion, and under "not", the sense flips', () => {
    const is: Trace = { kind: 'is', outcome: 'not_met', facts: [{ field: 'history.ild', label: 'Uncontrolled ILD', value: false }], missing: [], detail: { expected: true } };
    expect(reasonOf(criterion('exclusion', is, 'passes')).facts[0]?.sense).toBe('excludes');
    const negated: Trace = { kind: 'not', outcome: 'met', facts: [], missing: [], children: [is] };
    expect(reasonOf(criterion('inclusion', negated, 'passes')).facts[0]?.sense).toBe('excludes');
    expect(reasonOf(criterion('exclusion', negated, 'fails')).facts[0]?.sense).toBe('needs');
    // Ruling out reads the same under an inclusion as under an exclusion: "fails if", never
    // "excludes if" on an inclusion (a new-user run-through: NCT04946669 I3).
    expect(factWords(reasonOf(criterion('inclusion', negated, 'passes')).facts[0]!)).toBe('Uncontrolled ILD: no (fails if yes)');
    expect(factWords(reasonOf(criterion('exclusion', is, 'passes')).facts[0]!)).toBe('Uncontrolled ILD: no (fails if yes)');
  });

  // A stated age (a referral letter's "54 years", no birth date) decides the rule; the record said
  // "age: not recorded" beside the decision before (found by a new-user run-through).
  test.each([
    [{ ageLow: 54, ageHigh: 55, statedAge: 54, statedOn: '2026-10-01' }, 'met', 'age 54 or 55 on 2026-11-16 (stated as 54 on 2026-10-01; no date of birth), needs ≥ 18'],
    [{ ageLow: 16, ageHigh: 16, statedAge: 16, statedOn: '2026-11-16' }, 'not_met', 'age 16 on 2026-11-16 (stated as 16 on 2026-11-16; no date of birth), needs ≥ 18'],
    [{ age: 54 }, 'met', 'age 54 on 2026-11-16, needs ≥ 18'],
  ] as const)('an age rule decided from %o reads as it was decided', (detail, outcome, words) => {
    const stated = 'statedAge' in detail;
    const t: Trace = {
      kind: 'age',
      outcome,
      facts: stated ? [{ field: 'demographics.ageYears', label: 'Age in whole years, as stated (no date of birth)', value: detail.statedAge }, { field: 'demographics.ageOn', label: 'Date the age was stated', value: detail.statedOn }] : [{ field: 'demographics.birthDate', label: 'Date of birth', value: '1972-05-01' }],
      missing: [],
      detail: { op: '>=', years: 18, at: 'screening', on: '2026-11-16', ...detail },
    };
    const r = reasonOf(criterion('inclusion', t, outcome === 'met' ? 'passes' : 'fails'));
    expect(r.facts[0]).toMatchObject({ kind: 'age', field: stated ? 'demographics.ageYears' : 'demographics.birthDate', date: '2026-11-16', threshold: { op: '>=', value: 18 } });
    expect(factWords(r.facts[0]!)).toBe(words);
  });

  test('an open criterion is explained by what it needs, with labels', () => {
    const t: Trace = { kind: 'compare', outcome: 'unknown', facts: [], missing: [{ field: 'assessments.mmt8' }], detail: { op: '<=', threshold: 135, unit: null } };
    const r = reasonOf(criterion('inclusion', t, 'open'), () => 'MMT-8 total');
    expect(r.facts).toEqual([]);
    expect(r.missing).toEqual([{ field: 'assessments.mmt8', label: 'MMT-8 total' }]);
    expect(reasonWords(r).parts).toEqual(['no data: MMT-8 total']);
  });

  test.each([
    [0, EMPTY_LIST],
    [undefined, 'not recorded'],
  ])('a list with %s records reads "%s"', (total, words) => {
    const t: Trace = { kind: 'exists', outcome: total === undefined ? 'unknown' : 'not_met', facts: [{ field: 'malignancies', label: 'Malignancies', value: null }], missing: [], detail: { records: 'malignancies', label: 'Malignancies', ...(total === undefined ? {} : { total }) }, children: [] };
    const r = reasonOf(criterion('exclusion', t, total === undefined ? 'open' : 'passes'));
    if (total === undefined) expect(r.facts).toEqual([]);
    else expect(factWords(r.facts[0]!)).toBe(`Malignancies: ${words}`);
  });

  test('a record that counts is shown by what it was compared on, not by a date being recorded', () => {
    // NCT04946669 I5: methotrexate stopped after 169 days ("Date of last dose: recorded" is only the guard).
    const r = reasonOf(screenCriterion('NCT04946669', 'I5', example('nct04946669-intolerance')));
    const words = r.facts.map((f) => factWords(f));
    expect(words[0]).toBe('Methotrexate: start 2025-06-15, last dose 2025-12-01; 169 days from first to last dose; rule: stopped, first dose at least 3 months before the screening date 2026-11-16 and last dose at least 3 months after the first');
    expect(words.some((w) => /: recorded/.test(w))).toBe(false);
  });

  test('collapsed facts are counted, never dropped silently', () => {
    const leaves = [1, 2, 3, 4].map((i): Trace => ({ kind: 'is', outcome: 'met', facts: [{ field: `f${i}`, label: `Item ${i}`, value: true }], missing: [], detail: { expected: true } }));
    const r = reasonOf(criterion('inclusion', { kind: 'all', outcome: 'met', facts: [], missing: [], children: leaves }, 'passes'));
    expect(reasonWords(r, 1)).toEqual({ parts: ['Item 1: yes'], hidden: 3 });
  });
});

describe('numbers next to their threshold', () => {
  test.each([
    [1001, 200, 'met', '5.005'],
    [1000, 200, 'not_met', '5'],
    [999, 200, 'not_met', '4.995'],
    [1500, 200, 'met', '7.5'],
  ] as const)('CK %s U/L with ULN %s against > 5 × ULN shows %s × ULN', (value, uln, outcome, shown) => {
    const r = reasonOf(criterion('inclusion', ck(value, uln, outcome), outcome === 'met' ? 'passes' : 'fails'));
    expect(factWords(r.facts[0]!)).toContain(`= ${shown} × ULN`);
  });

  test('the engine decides the side: a ratio equal at 12 digits shows as equal', () => {
    // 93.60000000000001 / 18.72 is not exactly 5 in floating point, but the engine compared 93.6 with 93.6.
    const r = reasonOf(criterion('inclusion', ck(93.60000000000001, 18.72, 'not_met', 93.6), 'fails'));
    expect(factWords(r.facts[0]!)).toContain('= 5 × ULN');
  });

  test('property: a value shown against a threshold is never rounded onto or across it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e6, noNaN: true }), fc.double({ min: 0.001, max: 1e5, noNaN: true }), fc.integer({ min: 1, max: 200 }), (value, uln, tenths) => {
        const times = tenths / 10;
        const ratio = value / uln;
        const side = ratio > times ? 1 : ratio < times ? -1 : 0;
        const shown = Number(formatAgainst(ratio, times));
        expect(Math.sign(shown - times)).toBe(side);
      }),
      { seed: 14, numRuns: 2000 },
    );
  });

  test('property: values near a threshold keep their side at any scale', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), (threshold, delta) => {
        const value = threshold + delta;
        const side = value > threshold ? 1 : value < threshold ? -1 : 0;
        expect(Math.sign(Number(formatAgainst(value, threshold)) - threshold)).toBe(side);
      }),
      { seed: 1414, numRuns: 2000 },
    );
  });
});

describe('a list that every record decides', () => {
  const notRefractory = example('nct02347891-not-refractory');

  test('failing "none of them": each record says why it does not count, after the count', () => {
    const r = reasonOf(screenCriterion('NCT02347891', 'I4', notRefractory));
    expect(r.effect).toBe('fails');
    expect(r.facts.map((f) => [f.kind, f.record ?? '', f.field])).toEqual([
      ['records', '', 'medications'],
      ['in', 'Prednisone', 'medications[0].outcome'],
      ['in', 'Methotrexate', 'medications[1].outcome'],
    ]);
    expect(reasonWords(r, 3).parts).toEqual([
      'none of 2 recorded medications matches (Prednisone, Methotrexate)',
      'Prednisone: Response to this drug: Responded (needs one of Treatment failure (inadequate response), Intolerance (side effects))',
      'Methotrexate: Response to this drug: Responded (needs one of Treatment failure (inadequate response), Intolerance (side effects))',
    ]);
  });

  test('every record is explained, and the text counts what it leaves out', () => {
    const many = withChanges(notRefractory, (p) => {
      // Twelve drugs (a drug repeated with overlapping dates would be merged into one course).
      const drugs = ['prednisone', 'prednisolone', 'methylprednisolone', 'methotrexate', 'azathioprine', 'mycophenolateMofetil', 'tacrolimus', 'cyclosporine', 'leflunomide', 'cyclophosphamide', 'ivig', 'rituximab'];
      p.medications = drugs.map((drug) => ({ drug, start: '2025-06-01', ongoing: true, outcome: 'response' }));
    });
    const r = reasonOf(screenCriterion('NCT02347891', 'I4', many));
    expect(r.facts[0]).toMatchObject({ kind: 'records', value: 12 });
    expect(r.facts[0]?.records).toHaveLength(12);
    expect(new Set(r.facts.slice(1).map((f) => f.record)).size).toBe(12);
    const words = reasonWords(r, 3);
    expect(words.parts.length + words.hidden).toBe(13);
  });

  test('a record that does not count keeps its class where that is its reason', () => {
    // NCT04946669 I3 needs a glucocorticoid course among others: hydroxychloroquine is not one.
    const hcq = withChanges(example('nct04946669-eligible'), (p) => {
      p.medications = [{ drug: 'hydroxychloroquine', start: '2025-10-01', ongoing: true, outcome: 'failure' }];
    });
    const r = reasonOf(screenCriterion('NCT04946669', 'I3', hcq));
    expect(r.effect).toBe('fails');
    const own = r.facts.filter((f) => f.record === 'Hydroxychloroquine');
    expect(own.map((f) => f.field)).toContain('medications[0].class');
    expect(own.map((f) => factWords(f, true))).toContain('Hydroxychloroquine: Drug class: Antimalarial (needs one of Corticosteroid (glucocorticoid))');
  });

  test('a record failing several ways at once (none of the alternatives of an "any of") is left to the count: no way reads as the requirement', () => {
    // Hydroxychloroquine is neither a glucocorticoid nor a listed drug, and it was started 6 weeks ago;
    // methotrexate stopped after 50 days is neither still taken nor taken for 3 months.
    const p = withChanges(notRefractory, (x) => {
      x.medications = [
        { drug: 'hydroxychloroquine', start: '2026-10-01', ongoing: true, outcome: 'failure' },
        { drug: 'methotrexate', start: '2025-03-01', stop: '2025-04-20', outcome: 'intolerance' },
      ];
    });
    const r = reasonOf(screenCriterion('NCT02347891', 'I4', p));
    expect(r.effect).toBe('fails');
    expect(r.facts).toHaveLength(1);
    expect(factWords(r.facts[0]!, true)).toBe('none of 2 recorded medications matches (Hydroxychloroquine, Methotrexate)');
  });

  test('below a part that fails every way it could, no list explains its records', () => {
    // NCT04946669 I5: a named immunosuppressant, or (for the investigator) rituximab, IVIG or a JAK
    // inhibitor; hydroxychloroquine is neither, and "needs one of Rituximab, IVIG …" would read as the rule.
    const hcq = withChanges(example('nct04946669-eligible'), (p) => {
      p.medications = [{ drug: 'hydroxychloroquine', start: '2025-10-01', ongoing: true, outcome: 'failure' }];
    });
    const r = reasonOf(screenCriterion('NCT04946669', 'I5', hcq));
    expect(r.effect).toBe('fails');
    expect(r.facts.every((f) => f.record === undefined)).toBe(true);
  });

  test('a passing "none of them" (an exclusion that does not apply) keeps to the count', () => {
    const r = reasonOf(screenCriterion('IM101-611', 'E2', example('im101-611-eligible')));
    expect(r.effect).toBe('passes');
    expect(r.facts).toHaveLength(1);
    expect(factWords(r.facts[0]!)).toBe('none of 2 recorded medications matches (Prednisone, Methotrexate)');
  });

  test('"each of" names only the records its filter lets through: the others are not said to qualify', () => {
    // No current immunosuppressant (prednisone is a glucocorticoid, rituximab was stopped): IM101-611 I6's "every immunosuppressant taken at randomization ... is one of the five allowed" concerns neither.
    const p = withChanges(example('im101-611-eligible'), (x) => {
      x.medications = [x.medications[0], { drug: 'rituximab', start: '2026-08-01', stop: '2026-08-15' }];
    });
    const r = reasonOf(screenCriterion('IM101-611', 'I6', p));
    const fact = r.facts.find((f) => f.note === 'every immunosuppressant taken at randomization is one of the five allowed');
    expect(fact).toMatchObject({ kind: 'records', value: 0, records: [], notConcerned: ['Prednisone', 'Rituximab'] });
    expect(factWords(fact!)).toBe('every immunosuppressant taken at randomization is one of the five allowed: none of 2 recorded medications is one it applies to (Prednisone, Rituximab)');
  });

  test('a record failing "each of" says why: its drug, even where the drug is its name', () => {
    // Cyclophosphamide is an immunosuppressant, but not one of IM101-611 I6's five allowed.
    const p = withChanges(example('im101-611-eligible'), (x) => {
      x.medications[1].drug = 'cyclophosphamide';
    });
    const r = reasonOf(screenCriterion('IM101-611', 'I6', p));
    expect(r.effect).toBe('fails');
    expect(r.facts.length).toBeGreaterThan(0);
    expect(factWords(r.facts[0]!, true)).toMatch(/^Cyclophosphamide: Drug: Cyclophosphamide \(needs one of Methotrexate, Azathioprine/);
  });

  test('a Bohan and Peter class that depends on items not recorded is said in words, not as "probable DM | definite DM"', () => {
    // Rash, weakness and enzymes, the biopsy not recorded: probable DM, or definite with a biopsy.
    const p = withChanges(example('nct02347891-possible-dm'), (x) => {
      x.bohanPeter = { rash: true, weakness: true, enzymes: true, emg: false, otherCausesExcluded: true };
    });
    const facts = reasonOf(screenCriterion('NCT02347891', 'I2', p)).facts.filter((f) => f.kind === 'calc');
    expect(facts.map((f) => f.value)).toContain('probable DM or definite DM, depending on the items not recorded');
    expect(facts.some((f) => String(f.value).includes('|'))).toBe(false);
  });

  test('a list label inside a sentence keeps its acronyms', () => {
    expect(factWords({ kind: 'records', outcome: 'not_met', sense: 'needs', field: 'procedures', label: 'Biopsies, MRI and EMG', value: 1, records: ['MRI'] })).toBe('none of 1 recorded biopsies, MRI and EMG matches (MRI)');
    expect(factWords({ kind: 'records', outcome: 'not_met', sense: 'needs', field: 'medications', label: 'Medications', value: 2, records: ['A', 'B'] })).toBe('none of 2 recorded medications matches (A, B)');
  });
});

test('a paired-course "no" resting on intolerance recorded for a course still taken says so, in the report people sign', () => {
  const responder = { pga: 2, sga: 2, mmt8: { score: 140, max: 150 }, haqDi: 0.5, enzyme: { value: 300, unit: 'U/L', uln: 200 }, extramuscularGlobal: 1 };
  const p = withChanges(example('nct04946669-eligible'), (x: any) => {
    x.medications[0].outcome = 'response';
    x.medications[1].outcome = 'intolerance';
    x.imacs.followUp = responder;
  });
  const words = reasonOf(screenCriterion('NCT04946669', 'I3', p)).facts.map((f) => factWords(f)).join(' | ');
  expect(words).toContain('no: the intolerance recorded is for a course still taken at screening, which does not count (intolerance means the drug was stopped)');
});
