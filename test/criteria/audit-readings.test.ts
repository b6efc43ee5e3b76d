// The readings an independent clinical audit disputed (issue 12), each as patients that differ by
// one fact from a shipped example, with the boundary to the day where there is one.
import { describe, expect, test } from 'vitest';
import type { ScreeningResult, Trace } from '../../src/engine/result.js';
import { decisionMeaning, describeNode } from '../../src/report/describe.js';
import { recordedDecisions } from '../../src/report/printable.js';
import { trial } from '../helpers/screening.js';
import { criterionEvaluator } from './helpers.js';

const im = criterionEvaluator('IM101-611', 'im101-611-eligible.json');
const aba = criterionEvaluator('NCT04946669', 'nct04946669-eligible.json');
const bel = criterionEvaluator('NCT02347891', 'nct02347891-eligible-reviewed.json');
const openIds = (r: { review: { id: string; status: string }[] }) => r.review.filter((x) => x.status === 'open').map((x) => x.id);

// IM101-611 eligible example: consent and screening 2026-11-16; no rash, no procedure in these patients.
const noRashOrProcedure = (p: any) => {
  p.assessments.activeRash = false;
  p.procedures = [];
};

describe('1. IM101-611 I4 (iii): the CK of the screening period counts', () => {
  test.each([
    ['CK 7.5 × ULN drawn on the screening day, after consent', '2026-11-16', '2026-11-20', 'met'],
    ['the same CK drawn 3 months before consent (first day of the window)', '2026-11-16', '2026-08-16', 'met'],
    ['the same CK drawn a day earlier: too old, so unknown', '2026-11-16', '2026-08-15', 'unknown'],
    ['the same CK drawn on the screening date, 3 weeks after consent', '2026-10-26', '2026-11-16', 'met'],
    ['the same CK drawn a day after the screening date: outside the window, unknown', '2026-11-16', '2026-11-21', 'unknown'],
  ])('%s', (_n, consent, ckDate, outcome) => {
    const r = im('I4', (p) => {
      noRashOrProcedure(p);
      p.referenceDates = { ...p.referenceDates, consent, screening: '2026-11-20' };
      p.labs.ck = { value: 1500, unit: 'U/L', uln: 200, date: ckDate };
    });
    expect(r.outcome).toBe(outcome);
    // Open or not, the adjudication question is listed whenever the CK does not settle I4.
    expect(openIds(r)).toEqual(outcome === 'met' ? [] : ['I4-adjudication']);
  });
  test('CK exactly 5 × ULN at screening does not count (> 5 ×); the adjudication is then asked', () => {
    const r = im('I4', (p) => { noRashOrProcedure(p); p.labs.ck = { value: 1000, unit: 'U/L', uln: 200, date: '2026-11-16' }; });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toEqual(['I4-adjudication']);
  });
  test('while the CK is missing, I4 is open and the adjudication question is still listed', () => {
    const r = im('I4', (p) => { noRashOrProcedure(p); delete p.labs.ck; });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toContainEqual({ field: 'labs.ck.value' });
    expect(openIds(r)).toEqual(['I4-adjudication']);
  });
});

describe('1b. IM101-611 I4 (ii): "a recent ... biopsy" is a muscle biopsy; a skin biopsy is evidence for the committee', () => {
  // Consent 2026-11-16: "recent" is from 2026-08-16. No rash and a CK of 1.5 × ULN, so only ii or the committee.
  const skin = (date: string, showsActiveDisease?: boolean) => (p: any) => {
    noRashOrProcedure(p);
    p.labs.ck.value = 300;
    p.procedures = [{ type: 'skinBiopsy', date, ...(showsActiveDisease === undefined ? {} : { showsActiveDisease }) }];
  };
  const decided = (id: string, decision: 'yes' | 'no') => (p: any) => void (p.reviews['IM101-611'][id] = { decision, by: 'Dr A', date: '2026-11-20' });
  test.each([
    ['a skin biopsy showing active disease on the first day of the window (the audit patient\'s kind)', skin('2026-08-16', true), 'needs_review', ['I4-adjudication']],
    ['the same skin biopsy a day earlier', skin('2026-08-15', true), 'needs_review', ['I4-adjudication']],
    ['a recent skin biopsy not showing active disease', skin('2026-10-01', false), 'needs_review', ['I4-adjudication']],
    ['a recent skin biopsy, its finding not recorded: nothing to collect for it, the committee decides', skin('2026-10-01'), 'needs_review', ['I4-adjudication']],
    ['a recent muscle biopsy showing active disease: item ii, nothing to ask', (p: any) => { skin('2026-10-01', true)(p); p.procedures[0].type = 'muscleBiopsy'; }, 'met', []],
    // A reading of "biopsy" recorded under the question this branch once had decides nothing: the committee's "no" stands.
    ['a skin biopsy read as item ii by an investigator, the committee declined: not met', (p: any) => { skin('2026-10-01', true)(p); decided('I4-skin-biopsy', 'yes')(p); decided('I4-adjudication', 'no')(p); }, 'not_met', []],
  ])('%s', (_n, patch, outcome, open) => {
    const r = im('I4', patch);
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(open);
  });
  test('the committee\'s "no" is in the report', () => {
    const r = im('I4', (p: any) => { skin('2026-10-01', true)(p); decided('I4-adjudication', 'no')(p); });
    expect(r.review).toContainEqual(expect.objectContaining({ id: 'I4-adjudication', status: 'rejected' }));
    expect(r.missing).toEqual([]);
  });
});

const malignancy = (extra: object) => ({ type: 'other', diagnosisDate: '2026-06-01', active: true, metastatic: false, ...extra });

describe('2. NCT04946669: a recorded present cancer never passes', () => {
  test.each([
    ['no malignancy recorded', [], 'not_met'],
    ['a present cancer excludes (E3 "such as tumor")', [malignancy({})], 'met'],
    ['a cancer no longer present goes to the investigator', [malignancy({ active: false, resolvedDate: '2026-07-01', cured: true })], 'needs_review'],
    ['a present basal cell skin carcinoma goes to the investigator', [malignancy({ type: 'basalCellSkin' })], 'needs_review'],
    ['whether it is present is not recorded: unknown', [malignancy({ active: undefined })], 'unknown'],
  ])('%s', (_n, malignancies, outcome) => {
    expect(aba('E3', (p) => { p.malignancies = malignancies; }).outcome).toBe(outcome);
  });
  test('without the malignancy list E3 is unknown and asks for it', () => {
    const r = aba('E3', (p) => { delete p.malignancies; });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toContainEqual({ field: 'malignancies' });
  });
});

// A clear responder: all six IMACS measures improved by at least 20% under glucocorticoid + methotrexate.
const responder = (p: any) => {
  p.imacs.followUp = { pga: 4, sga: 5, mmt8: { score: 132, max: 150 }, haqDi: 1.1, enzyme: { value: 1500, unit: 'U/L', uln: 200 }, extramuscularGlobal: 3 };
  p.medications.forEach((m: any) => (m.outcome = 'response'));
};
const azathioprine = (start: string, stop: string) => ({ drug: 'azathioprine', start, stop, outcome: 'intolerance' });

// Prednisone runs from 2025-06-01 (ongoing); azathioprine counts only while given together with it.
describe('3. NCT04946669 I3: intolerance must concern the 3-month combined treatment', () => {
  test.each([
    ['a two-week azathioprine course stopped for intolerance', '2025-06-01', '2025-06-14', 'not_met'],
    ['azathioprine with prednisone one day short of 3 months', '2025-06-01', '2025-08-31', 'not_met'],
    ['azathioprine with prednisone for exactly 3 months', '2025-06-01', '2025-09-01', 'met'],
    ['3 months of azathioprine ending the day prednisone starts (together 1 day)', '2025-03-01', '2025-06-01', 'not_met'],
    ['3 months of azathioprine in 2010, long before any glucocorticoid', '2010-01-01', '2010-04-01', 'not_met'],
    ['azathioprine overlapping prednisone for 3 months, started before it', '2025-03-01', '2025-09-01', 'met'],
  ])('responder with %s', (_n, start, stop, outcome) => {
    expect(aba('I3', (p) => { responder(p); p.medications.push(azathioprine(start, stop)); }).outcome).toBe(outcome);
  });
  test('an intolerant course without its last dose recorded is unknown and asks for it', () => {
    const r = aba('I3', (p) => { responder(p); p.medications.push({ drug: 'azathioprine', start: '2025-06-01', outcome: 'intolerance' }); });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toContainEqual({ field: 'medications[2].stop' });
  });
  test.each([
    ['2025-10-01', 'met'],
    ['2025-09-30', 'not_met'],
  ])('a glucocorticoid stopped for intolerance on %s, given with methotrexate from 2025-07-01: %s', (stop, outcome) => {
    const r = aba('I3', (p) => {
      responder(p);
      p.medications.push({ drug: 'methylprednisolone', start: '2025-07-01', stop, outcome: 'intolerance' });
    });
    expect(r.outcome).toBe(outcome);
  });
  test('intolerance to a drug of another class (a statin) does not count', () => {
    expect(aba('I3', (p) => { responder(p); p.medications.push({ drug: 'statin', start: '2024-01-01', stop: '2025-01-01', outcome: 'intolerance' }); }).outcome).toBe('not_met');
  });
});

// Measures in order pga, sga, mmt8, haqDi, enzyme, extramuscularGlobal. Three improved; three rise from a
// baseline of 0 (no percent change): counted as worsened they make "more than 2 deteriorated".
const zeroBaselines = (p: any, haqBaseline = 0) => {
  p.imacs.baseline = { pga: 6, sga: 0, mmt8: { score: 100, max: 150 }, haqDi: haqBaseline, enzyme: { value: 2000, unit: 'U/L', uln: 200 }, extramuscularGlobal: 0 };
  p.imacs.followUp = { pga: 4, sga: 0.5, mmt8: { score: 120, max: 150 }, haqDi: haqBaseline + 0.125, enzyme: { value: 1500, unit: 'U/L', uln: 200 }, extramuscularGlobal: 0.1 };
  p.medications.forEach((m: any) => (m.outcome = 'response'));
};

describe('4. NCT04946669 I3: a zero baseline does not decide refractoriness on its own', () => {
  test('three rises from 0 would make a responder a "failure": the investigator decides', () => {
    const r = aba('I3', (p) => zeroBaselines(p));
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toEqual(['I3-imacs-reading']);
  });
  test.each([
    ['HAQ-DI 0.5 -> 0.625 (25%, not > 25%): only two zero baselines, not a failure either way', 0.5, 'not_met'],
    ['HAQ-DI 0.4 -> 0.525 (31% worse): still decided only by the zero baselines', 0.4, 'needs_review'],
  ])('%s', (_n, haq, outcome) => {
    expect(aba('I3', (p) => zeroBaselines(p, haq)).outcome).toBe(outcome);
  });
  test.each([
    ['yes', 'met'],
    ['no', 'not_met'],
  ])('the investigator answers %s', (decision, outcome) => {
    const r = aba('I3', (p) => {
      zeroBaselines(p);
      p.reviews = { NCT04946669: { 'I3-imacs-reading': { decision, by: 'Dr A', date: '2026-11-16' } } };
    });
    expect(r.outcome).toBe(outcome);
  });
});

const glucocorticoid = (drug: string, dose: number) => (p: any) => {
  p.medications[0] = { drug, start: '2025-06-01', ongoing: true, outcome: 'failure', doses: [{ date: '2025-06-01', dose, unit: 'mg/day' }] };
};

describe('5. NCT04946669 I4: glucocorticoids converted with the standard table (60 kg: limit 60 mg prednisone)', () => {
  test.each([
    ['prednisone', 59.9, 60],
    ['prednisolone', 59.9, 60],
    ['methylprednisolone', 47.9, 48],
    ['dexamethasone', 8.99, 9],
    ['hydrocortisone', 239, 240],
  ])('%s %d mg/day qualifies, %d mg/day (= 1 mg/kg/day) does not', (drug, below, atLimit) => {
    expect(aba('I4', glucocorticoid(drug, below)).outcome).toBe('met');
    expect(aba('I4', glucocorticoid(drug, atLimit)).outcome).toBe('not_met');
  });
  // Deflazacort read at 1.14 and 2.77 mg per mg prednisone: 60 mg prednisone = 68.4 or 166.2 mg.
  test.each([
    [68.3, 'met'],
    [68.4, 'needs_review'],
    [72, 'needs_review'], // = 1 mg/kg/day at the conventional 1.2 : 1
    [166.1, 'needs_review'],
    [166.2, 'not_met'],
  ])('deflazacort %d mg/day: %s', (dose, outcome) => {
    const r = aba('I4', glucocorticoid('deflazacort', dose));
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(outcome === 'needs_review' ? ['I4-deflazacort-ratio'] : []);
  });
  test.each([
    ['methylprednisolone with a hand-typed 40 mg equivalent and no doses: unknown, asks for the doses', { prednisoneEquivalentMgPerDay: 40 }, 'unknown'],
    ['methylprednisolone 48 mg/day with a hand-typed 40 mg equivalent: the table decides', { prednisoneEquivalentMgPerDay: 40, doses: [{ date: '2025-06-01', dose: 48, unit: 'mg/day' }] }, 'not_met'],
  ])('%s', (_n, extra, outcome) => {
    const r = aba('I4', (p) => { p.medications[0] = { drug: 'methylprednisolone', start: '2025-06-01', ongoing: true, outcome: 'failure', ...extra }; });
    expect(r.outcome).toBe(outcome);
    if (outcome === 'unknown') expect(r.missing).toEqual([{ field: 'medications[0].doses' }]);
    expect(r.review).toEqual([]); // no deflazacort: the ratio question is not raised
  });
});

describe('6. drug classes the sources do not decide go to the investigator', () => {
  test('NCT04946669 I6: a JAK inhibitor does not escape the washout question', () => {
    const r = aba('I6', (p) => { p.medications.push({ drug: 'tofacitinib', start: '2025-01-01', stop: '2025-06-01' }); });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toEqual(['I6-washout']);
    expect(aba('I6').outcome).toBe('met');
  });
  test('IM101-611 I6: hydroxychloroquine is not invisible to "corticosteroids alone"', () => {
    const hcq = (start: string, stop?: string) => (p: any) => { p.medications.push({ drug: 'hydroxychloroquine', start, ...(stop ? { stop } : { ongoing: true }) }); };
    const r = im('I6', hcq('2024-01-01'));
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toEqual(['I6-antimalarial']);
  });
  // Randomization 2026-12-01: the 12 weeks before it start on 2026-09-08.
  test.each([
    ['hydroxychloroquine stopped the day before randomization', { drug: 'hydroxychloroquine', stop: '2026-11-30' }, 'needs_review'],
    ['hydroxychloroquine stopped on the first day of the 12 weeks', { drug: 'hydroxychloroquine', stop: '2026-09-08' }, 'needs_review'],
    ['hydroxychloroquine stopped the day before the 12 weeks', { drug: 'hydroxychloroquine', stop: '2026-09-07' }, 'met'],
    ['dapsone ("other", class other) taken at randomization', { drug: 'other', otherName: 'dapsone', class: 'other', ongoing: true }, 'needs_review'],
    ['a statin (named, class other) taken at randomization', { drug: 'statin', ongoing: true }, 'met'],
  ])('IM101-611 I6: %s', (_n, med, outcome) => {
    const r = im('I6', (p) => { p.medications.push({ start: '2024-01-01', ...med }); });
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(outcome === 'needs_review' ? ['I6-antimalarial'] : []);
  });
  test.each([
    ['rituximab', 'rituximab'],
    ['IVIG', 'ivig'],
  ])('NCT04946669 I3: %s as the only "immunosuppressive therapy" goes to the investigator', (_n, drug) => {
    const r = aba('I3', (p) => { p.medications[1] = { drug, start: '2025-06-15', ongoing: true, outcome: 'failure' }; });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toContain('I3-rituximab-ivig');
  });
});

// The only immunosuppressive therapy: the example's methotrexate (medications[1]) replaced.
const only = (drug: object) => (p: any) => {
  p.medications[1] = { start: '2025-06-15', ongoing: true, outcome: 'failure', doses: [{ date: '2025-06-15', dose: 10, unit: 'mg/day' }], ...drug };
};

describe('2b/4b. NCT04946669: JAK inhibitors and unnamed immunosuppressants are asked about, never counted silently', () => {
  const jak = (extra: object) => (p: any) => { p.medications.push({ start: '2025-01-01', stop: '2025-06-01', ...extra }); };
  test.each([
    ['no such drug', {}, 'met', []],
    ['upadacitinib (dictionary)', { drug: 'upadacitinib' }, 'needs_review', ['I6-washout']],
    ['ruxolitinib (dictionary)', { drug: 'ruxolitinib' }, 'needs_review', ['I6-washout']],
    ['filgotinib (dictionary)', { drug: 'filgotinib' }, 'needs_review', ['I6-washout']],
    ['upadacitinib as "other", class immunosuppressant', { drug: 'other', otherName: 'upadacitinib', class: 'immunosuppressant' }, 'needs_review', ['I6-washout']],
    ['an unnamed "other" biologic', { drug: 'other', otherName: 'anifrolumab', class: 'biologic' }, 'needs_review', ['I6-washout']],
    ['an unnamed "other" drug of class other (dapsone)', { drug: 'other', otherName: 'dapsone', class: 'other' }, 'met', []],
  ])('I6 with %s', (_n, extra, outcome, ids) => {
    const r = aba('I6', Object.keys(extra).length ? jak(extra) : () => {});
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(ids);
  });

  // I3 asks whether the investigator counts the therapy; I5 uses that same decision and asks only
  // about its stable dose.
  const etc = { i3: ['I3-rituximab-ivig'], i5: ['I3-rituximab-ivig', 'I5-etcetera-stable-dose'] };
  test.each([
    ['methotrexate (named by the record)', { drug: 'methotrexate' }, 'met', 'met', { i3: [], i5: [] }],
    ['tofacitinib', { drug: 'tofacitinib' }, 'needs_review', 'needs_review', etc],
    ['upadacitinib as "other", class immunosuppressant', { drug: 'other', otherName: 'upadacitinib', class: 'immunosuppressant' }, 'needs_review', 'needs_review', etc],
    ['rituximab', { drug: 'rituximab' }, 'needs_review', 'needs_review', etc],
    ['IVIG', { drug: 'ivig' }, 'needs_review', 'needs_review', etc],
    // Every biologic and immune globulin is asked about too, never failed silently ("etc.").
    ['SCIG', { drug: 'scig' }, 'needs_review', 'needs_review', etc],
    ['tocilizumab', { drug: 'tocilizumab' }, 'needs_review', 'needs_review', etc],
    ['an unnamed "other" biologic', { drug: 'other', otherName: 'anifrolumab', class: 'biologic' }, 'needs_review', 'needs_review', etc],
  ])('I3 and I5 with %s as the only immunosuppressive therapy', (_n, drug, i3, i5, ids) => {
    const r3 = aba('I3', only(drug));
    const r5 = aba('I5', only(drug));
    expect([r3.outcome, r5.outcome]).toEqual([i3, i5]);
    // (rituximab and IVIG are not class immunosuppressant, so I3 also asks whether they were combined)
    expect(openIds(r3).filter((id) => id !== 'I3-combined-3-months')).toEqual(ids.i3);
    expect(openIds(r5)).toEqual(ids.i5);
  });
  test.each([
    // methotrexate stopped on 2025-12-01, given with prednisone (from 2025-06-01, still taken) for over 5 months
    ['a stopped course the dates show was given with the glucocorticoid for 3 months: settled, not asked', { stop: '2025-12-01' }, 'met', []],
    ['a course of 9 months given with it for 2 days less than 3 months: asked', { start: '2024-12-01', stop: '2025-08-30', doses: [{ date: '2024-12-01', dose: 15, unit: 'mg/week' }] }, 'needs_review', ['I3-combined-3-months']],
    ['a course whose last dose is not recorded: its date asked for', {}, 'unknown', []],
  ])('I3, the glucocorticoid and the immunosuppressant given together: %s', (_n, dates, outcome, ids) => {
    const r = aba('I3', (p) => {
      const { ongoing: _o, ...mtx } = p.medications[1];
      p.medications[1] = { ...mtx, ...dates };
    });
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(ids);
    if (outcome === 'unknown') expect(JSON.stringify(r)).toContain('medications[1].stop');
  });
  test('I3: a JAK inhibitor is never silently the immunosuppressant given with the glucocorticoid (a named one given alone, years before)', () => {
    const r = aba('I3', (p) => {
      p.medications = [p.medications[0], { drug: 'tofacitinib', start: '2025-06-01', ongoing: true }, { drug: 'methotrexate', start: '2019-01-01', stop: '2019-12-31', outcome: 'failure' }];
    });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toContain('I3-combined-3-months');
  });
  test.each([
    ['tofacitinib', { drug: 'tofacitinib' }],
    ['an "other" immunosuppressant', { drug: 'other', otherName: 'hydroxyurea', class: 'immunosuppressant' }],
    ['rituximab', { drug: 'rituximab' }],
    ['IVIG', { drug: 'ivig' }],
  ])('I3: intolerance to %s given with the glucocorticoid is the investigator\'s to count, never counted silently', (_n, drug) => {
    // IMACS improved (no failure), the named immunosuppressant a responder: only the intolerance could make the patient refractory.
    const r = aba('I3', (p) => {
      responder(p);
      p.medications.push({ ...drug, start: '2025-07-01', stop: '2025-12-01', outcome: 'intolerance' });
    });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toContain('I3-intolerance-unnamed');
  });
  test.each([
    ['no drug and no class', {}],
    ['"other" without its class', { drug: 'other', otherName: 'X' }],
  ])('I3: a course stopped for intolerance with %s may be the combined treatment: unknown, its drug or class asked for, never "no"', (_n, drug) => {
    const r = aba('I3', (p) => {
      responder(p);
      p.medications.push({ ...drug, start: '2025-07-01', stop: '2025-12-01', outcome: 'intolerance' });
    });
    expect(r.outcome).toBe('unknown');
    expect(JSON.stringify(r.missing)).toMatch(/medications\[2\]\.(drug|class)/);
  });
  test.each([
    ['the glucocorticoid', 0],
    ['the immunosuppressant', 1],
  ])('I3: intolerance recorded on %s still taken is not intolerance ("require discontinuation"): not counted, and said so', (_n, k) => {
    const r = aba('I3', (p) => {
      responder(p);
      p.medications[k].outcome = 'intolerance';
    });
    expect(r.outcome).toBe('not_met');
    expect(JSON.stringify(r.trace)).toContain('"ongoing":true');
  });
  test.each([
    ['a last dose after screening: still taken then, not counted', { stop: '2026-12-01' }, 'not_met', undefined],
    ['"stop": null (not recorded): unknown, its last dose asked for, never an internal error', { stop: null }, 'unknown', 'medications[1].stop'],
  ])('I3: methotrexate stopped for intolerance, %s', (_n, end, outcome, asked) => {
    const r = aba('I3', (p) => {
      responder(p);
      const { ongoing: _o, ...mtx } = p.medications[1];
      p.medications[1] = { ...mtx, ...end, outcome: 'intolerance' };
    });
    expect(r.outcome).toBe(outcome);
    if (asked) expect(JSON.stringify(r.missing)).toContain(asked);
  });
  test('I3: a course stopped with its response not recorded may have been stopped for intolerance: unknown, the response asked for, never a silent "no"', () => {
    // IMACS responder; tofacitinib stopped after 5.5 months with prednisone, why not recorded.
    const r = aba('I3', (p) => {
      responder(p);
      p.medications.push({ drug: 'tofacitinib', start: '2025-06-15', stop: '2025-12-01' });
    });
    expect(r.outcome).toBe('unknown');
    expect(JSON.stringify(r.missing)).toContain('medications[2].outcome');
  });
});

// One decision whether a biologic, an immune globulin, a JAK inhibitor or an unnamed
// immunosuppressant counts as an immunosuppressive therapy of the record (I3-rituximab-ivig), read
// by I3 (the therapy, and intolerance to it) and by I5: no combination of recorded decisions can
// count it for one and not for the other.
describe('2c. NCT04946669: whether an "etc." therapy counts is one decision, for I3 and I5', () => {
  /** A recorded decision, or '-' for none recorded. */
  type D = 'yes' | 'no' | '-';
  const decided = (decisions: Record<string, D>) => (p: any) => {
    const entries = Object.entries(decisions).filter(([, d]) => d !== '-');
    p.reviews = { NCT04946669: Object.fromEntries(entries.map(([id, decision]) => [id, { decision, by: 'Dr A', date: '2026-11-16' }])) };
  };
  // The example's methotrexate (a responder, IMACS improved) and rituximab given with prednisone
  // from 2025-07-01 to 2025-12-01, stopped for intolerance: only that intolerance could make I3 met.
  const rituximabIntolerance = (p: any) => {
    responder(p);
    p.medications.push({ drug: 'rituximab', start: '2025-07-01', stop: '2025-12-01', outcome: 'intolerance' });
  };
  // The question that builds on the decision: for I3 whether intolerance to rituximab counts, for
  // I5 whether tofacitinib (10 mg/day since 2025-06-15, the only immunosuppressive therapy) was at a
  // stable dose. Both follow one table: "not counted" leaves the criterion unmet whatever the other
  // answer, and the other question is then not asked.
  const followUps = [
    ['I3', 'I3-intolerance-unnamed', rituximabIntolerance],
    ['I5', 'I5-etcetera-stable-dose', only({ drug: 'tofacitinib' })],
  ] as const;
  // The last column: the recorded decisions the printed record says are not used, as they change
  // nothing (the trace leaves them out).
  type Q = 'counted' | 'then';
  const table: [D, D, string, Q[], Q[]][] = [
    ['-', '-', 'needs_review', ['counted', 'then'], []],
    ['no', '-', 'not_met', [], []],
    // The contradiction: "not an immunosuppressive therapy of the record", yet counted through the other answer.
    ['no', 'yes', 'not_met', [], ['then']],
    // (either "no" alone leaves it unmet: both decide)
    ['no', 'no', 'not_met', [], []],
    ['-', 'yes', 'needs_review', ['counted'], []],
    ['-', 'no', 'not_met', [], []],
    ['yes', '-', 'needs_review', ['then'], []],
    ['yes', 'yes', 'met', [], []],
    ['yes', 'no', 'not_met', [], ['counted']],
  ];
  test.each(followUps.flatMap(([criterion, then, setup]) => table.map(([counted, answer, outcome, asks, unused]) => [criterion, counted, then, answer, outcome, asks, unused, setup] as const)))(
    '%s: I3-rituximab-ivig %s, %s %s -> %s, asks %j, not used %j',
    (criterion, counted, then, answer, outcome, asks, unused, setup) => {
      const id = (q: Q) => (q === 'counted' ? 'I3-rituximab-ivig' : then);
      const r = aba(criterion, (p) => {
        setup(p);
        decided({ 'I3-rituximab-ivig': counted, [then]: answer })(p);
      });
      expect(r.outcome).toBe(outcome);
      expect(openIds(r)).toEqual(asks.map(id));
      // What each recorded answer means is true whatever the other answer is: none concludes the
      // criterion met (": I5 met", ": refractory") beside a criterion that is not.
      const concludesMet = new RegExp(`: (${criterion} met|refractory)\\b`);
      for (const d of r.review.filter((x) => x.status !== 'open')) {
        const meaning = decisionMeaning({ ...d, decision: d.status === 'confirmed' ? 'yes' : 'no' });
        if (r.outcome !== 'met') expect(meaning, d.id).not.toMatch(concludesMet);
      }
      const printed = recordedDecisions({ criteria: [r] } as unknown as ScreeningResult);
      expect(printed.filter((line) => line.includes(', not used (')).map((line) => /^\w+ \(([^)]+)\)/.exec(line)?.[1])).toEqual(unused.map(id));
    },
  );

  test.each(['yes', 'no'] as const)('a decision "%s" recorded under the retired I5-rituximab-ivig answers nothing: I5 asks both questions', (decision) => {
    const r = aba('I5', (p) => {
      only({ drug: 'tofacitinib' })(p);
      decided({ 'I5-rituximab-ivig': decision })(p);
    });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toEqual(['I3-rituximab-ivig', 'I5-etcetera-stable-dose']);
  });

  // Every combination of the other decisions I3 and I5 read, for a patient where the rituximab
  // intolerance and stable dose are all that is left to meet them (methotrexate a responder, its
  // dose raised on 2026-10-01, no earlier stable dose): "not counted" leaves both unmet.
  const answers: D[] = ['-', 'yes', 'no'];
  const combinations = answers.flatMap((a) => answers.flatMap((b) => answers.map((c) => [a, b, c] as const)));
  test.each(combinations)('rituximab not counted; intolerance counted %s, given together %s, stable dose %s: neither I3 nor I5 met', (intolerance, together, stable) => {
    const patch = (p: any) => {
      rituximabIntolerance(p);
      p.medications[1].doses.push({ date: '2026-10-01', dose: 25, unit: 'mg/week' });
      decided({ 'I3-rituximab-ivig': 'no', 'I3-intolerance-unnamed': intolerance, 'I3-combined-3-months': together, 'I5-etcetera-stable-dose': stable, 'I5-earlier-stable-dose': 'no' })(p);
    };
    expect([aba('I3', patch).outcome, aba('I5', patch).outcome]).toEqual(['not_met', 'not_met']);
    // With the therapy counted, the same answers can meet them: the decision is what decides.
    if (intolerance === 'yes' || stable === 'yes') {
      const counted = (p: any) => { patch(p); p.reviews.NCT04946669['I3-rituximab-ivig'].decision = 'yes'; };
      expect([aba('I3', counted).outcome, aba('I5', counted).outcome]).toContain('met');
    }
  });
});

describe('7. NCT04946669 I1: only definite (or probable, with review) DM is "confirmed"', () => {
  test.each([
    ['definite DM (rash + 3 items)', (_p: any) => {}, 'met'],
    ['probable DM (rash + 2 items): review', (p: any) => { p.bohanPeter.biopsy = false; }, 'needs_review'],
    ['possible DM (rash + 1 item): not met, no review', (p: any) => { p.bohanPeter.biopsy = false; p.bohanPeter.enzymes = false; }, 'not_met'],
  ])('%s', (_n, patch, outcome) => {
    const r = aba('I1', patch);
    expect(r.outcome).toBe(outcome);
    if (outcome === 'not_met') expect(r.review).toEqual([]);
  });
});

describe('7b. NCT04946669 I1: Bohan and Peter classify only once other causes are excluded', () => {
  test.each([
    ['definite DM, other causes excluded', true, 'met'],
    ['definite DM, other causes not excluded', false, 'not_met'],
    ['definite DM, exclusion of other causes not recorded', undefined, 'unknown'],
  ])('%s', (_n, excluded, outcome) => {
    const r = aba('I1', (p) => { p.bohanPeter.otherCausesExcluded = excluded; });
    expect(r.outcome).toBe(outcome);
    if (outcome === 'unknown') expect(r.missing).toContainEqual({ field: 'bohanPeter.otherCausesExcluded' });
  });
});

// Four measures improved; only MMT-8 moves the wrong way (baseline 110 on the 0-150 scale).
const mmtDrop = (mmt: number) => (p: any) => {
  p.imacs.followUp = { pga: 4, sga: 5, mmt8: { score: mmt, max: 150 }, haqDi: 1.1, enzyme: { value: 1500, unit: 'U/L', uln: 200 }, extramuscularGlobal: 4 };
  p.medications.forEach((m: any) => (m.outcome = 'response'));
};

describe('8. NCT04946669 I3: the IMACS rule that MMT may not worsen', () => {
  test.each([
    ['MMT-8 110 -> 82.5 (exactly 25% worse, not > 25%): improvement under both readings', 82.5, 'not_met'],
    ['MMT-8 110 -> 82 (25.5% worse): the readings disagree, the investigator decides', 82, 'needs_review'],
  ])('%s', (_n, mmt, outcome) => {
    expect(aba('I3', mmtDrop(mmt)).outcome).toBe(outcome);
  });
});

describe('9. NCT02347891: the listing\'s antibody list, and the antibodies it does not name', () => {
  // Whether the parenthesis closes "any myositis-specific autoantibody" or gives examples is not said
  // (second audit): an unnamed myositis-specific antibody is asked about, never failed silently.
  test.each([
    ['anti-MDA5 only (not named by the listing): the investigator decides', ['mda5'], 'needs_review', ['I3-msa-not-listed']],
    ['anti-Jo-1', ['jo1'], 'met', []],
    ['p140 (anti-NXP-2)', ['nxp2'], 'met', []],
    ['anti-HMGCR only: the investigator decides', ['hmgcr'], 'needs_review', ['I3-msa-not-listed']],
    ['anti-TIF1-γ (p155/140) only: which antibody "p140" means, and whether the list is closed, are not settled', ['tif1g'], 'needs_review', ['I3-p140-tif1g', 'I3-msa-not-listed']],
  ])('I3 %s, ANA negative', (_n, positive, outcome, open) => {
    const r = bel('I3', (p) => { p.antibodies = { positive, anaTiter: 0 }; });
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(open);
  });
  test.each([
    ['anti-HMGCR', ['hmgcr'], 'needs_review'],
    ['anti-Jo-1', ['jo1'], 'met'],
  ])('I2 probable PM with %s', (_n, positive, outcome) => {
    const r = bel('I2', (p) => {
      p.bohanPeter = { weakness: true, enzymes: true, emg: true, biopsy: false, rash: false, otherCausesExcluded: true };
      p.antibodies = { positive, anaTiter: 0 };
    });
    expect(r.outcome).toBe(outcome);
    if (outcome === 'needs_review') expect(openIds(r)).toEqual(['I2-pm-adjudication']);
  });
});

describe('9b. IM101-611 I6: a course started or stopped in the 12 weeks that the record cannot tie to IIM is asked about, never failed silently', () => {
  // Randomization 2026-12-01 (the 12 weeks start on 2026-09-08); prednisone + methotrexate stable.
  const answerNotForIim = (p: any) => { p.reviews['IM101-611']['I6-same-medications'] = { decision: 'yes', by: 'Dr A', date: '2026-11-16' }; };
  const prednisolone = (start: string, stop?: string) => ({ drug: 'prednisolone', class: 'corticosteroid', start, ...(stop ? { stop } : { ongoing: true }), doses: [{ date: start, dose: 30, unit: 'mg/day' }] });
  test.each([
    ['a 5-day prednisolone course 6 weeks before randomization (the audit patient)', prednisolone('2026-10-15', '2026-10-19'), 'needs_review', ['I6-same-medications']],
    ['the same course ending on the first day of the 12 weeks', prednisolone('2026-09-04', '2026-09-08'), 'needs_review', ['I6-same-medications']],
    ['the same course ending the day before the 12 weeks', prednisolone('2026-09-03', '2026-09-07'), 'met', []],
    ['a course started 3 days before randomization and still taken then', prednisolone('2026-11-28'), 'needs_review', ['I6-same-medications']],
    ['a course ending the day after randomization', prednisolone('2026-11-26', '2026-12-02'), 'needs_review', ['I6-same-medications']],
    ['a course started on the first day of the 12 weeks is background: nothing to ask', prednisolone('2026-09-08'), 'met', []],
    ['a course started the day after is asked about', prednisolone('2026-09-09'), 'needs_review', ['I6-same-medications']],
  ])('%s', (_n, course, outcome, open) => {
    const r = im('I6', (p) => { p.medications.push(course); });
    expect(r.outcome).toBe(outcome);
    expect(openIds(r)).toEqual(open);
  });
  test('the question says it covers stopped courses and started ones still taken, and points to where they are named', () => {
    const q = im('I6', (p) => { p.medications.push(prednisolone('2026-11-28')); }).review.find((x) => x.id === 'I6-same-medications')?.question;
    expect(q).toMatch(/stopped in the 12 weeks before randomization, or\s+started in them and is still taken at randomization/);
    expect(q).toMatch(/\(screen --explain shows which\)/);
  });
  test.each([
    ['a dose of the background changed 4 weeks minus 1 day before, beside a new course', (p: any) => { p.medications.push(prednisolone('2026-11-28')); p.medications[0].doses[1].date = '2026-11-04'; }],
    ['nothing taken through the 12 weeks: only a course started in them', (p: any) => { p.medications = [prednisolone('2026-10-13')]; }],
    ['nothing taken at randomization: prednisone stopped 7 weeks before (review case B)', (p: any) => { p.medications = [{ ...p.medications[0], ongoing: undefined, stop: '2026-10-15' }]; }],
    // Taken at randomization, a course started in the 12 weeks is held to the allowed list, the ban on combinations and the azathioprine rule (re-review).
    ...(['cyclophosphamide', 'tofacitinib'] as const).map((drug): [string, (p: any) => void] => [
      `${drug} started 2026-10-01 and still taken, beside prednisone, answered "not for IIM"`,
      (p) => { p.medications = [p.medications[0], { drug, start: '2026-10-01', ongoing: true, doses: [{ date: '2026-10-01', dose: 10, unit: 'mg' }] }]; answerNotForIim(p); },
    ]),
    ['azathioprine started 2026-10-01 and still taken beside methotrexate + prednisone, answered "not for IIM": two immunosuppressants', (p: any) => { p.medications.push({ drug: 'azathioprine', start: '2026-10-01', ongoing: true, doses: [{ date: '2026-10-01', dose: 100, unit: 'mg/day' }] }); answerNotForIim(p); }],
    ['methotrexate replaced by azathioprine 2026-10-15 (review case A), answered "not for IIM": azathioprine under 24 weeks', (p: any) => { p.medications[1] = { ...p.medications[1], ongoing: undefined, stop: '2026-10-15' }; p.medications.push({ drug: 'azathioprine', start: '2026-10-15', ongoing: true, doses: [{ date: '2026-10-15', dose: 100, unit: 'mg/day' }] }); answerNotForIim(p); }],
  ])('fails whatever the course was for, without the question: %s', (_n, patch) => {
    const r = im('I6', patch);
    expect(r.outcome).toBe('not_met');
    expect(openIds(r)).toEqual([]);
  });
  test('while the rest of I6 is unknown the question waits', () => {
    const r = im('I6', (p) => { p.medications.push(prednisolone('2026-10-15', '2026-10-19')); delete p.medications[1].doses; });
    expect(r.outcome).toBe('unknown');
    expect(openIds(r)).toEqual([]);
  });
});

describe('10. the Sontheimer calculator states what it does not check', () => {
  test('NCT04946669 I1 CADM asks the investigator about the 2002 exclusions', () => {
    const r = aba('I1', (p) => {
      p.bohanPeter = { weakness: false, enzymes: false, emg: false, biopsy: false, rash: true };
      p.diagnosis.sontheimerSkinMonths = 6;
      p.diagnosis.skinBiopsyConfirmed = true;
    });
    expect(r.outcome).toBe('needs_review');
    expect(openIds(r)).toEqual(['I1-cadm-exclusions']);
    expect(JSON.stringify(r.trace)).toContain('2 or more consecutive months within the first 6 months');
  });
});

describe('11. IM101-611 I2 "juvenile myositis subjects above the age of 18" (screening 2026-11-16)', () => {
  const juvenile = (birthDate: string) => (p: any) => {
    p.diagnosis.subtype = 'juvenile';
    p.diagnosis.priorBiopsyDiagnostic = true;
    p.demographics.birthDate = birthDate;
  };
  test.each([
    ['juvenile myositis, 19th birthday on the screening date', juvenile('2007-11-16'), 'met'],
    ['juvenile myositis, a day short of 19 (aged 18): the protocol decides', juvenile('2007-11-17'), 'needs_review'],
    ['dermatomyositis aged 18: I2 has no age condition', (p: any) => { p.demographics.birthDate = '2007-11-17'; }, 'met'],
  ])('%s', (_n, patch, outcome) => {
    const r = im('I2', patch);
    expect(r.outcome).toBe(outcome);
    if (outcome === 'needs_review') expect(openIds(r)).toEqual(['I2-juvenile-age-18']);
  });
});

describe('E7 (IM101-611): the question never asserts the 2-year premise', () => {
  const skin = (p: any) => { p.malignancies = [{ type: 'basalCellSkin', active: false, cured: true, metastatic: false }]; };
  test('with the diagnosis date missing, the question is listed and worded as a condition', () => {
    const r = im('E7', skin);
    expect(r.outcome).toBe('unknown');
    const [item] = r.review.filter((x) => x.status === 'open');
    expect(item?.id).toBe('E7-skin-or-in-situ');
    expect(item?.question).toMatch(/^A basal or squamous cell skin carcinoma or cervical carcinoma in situ is recorded\. If it was diagnosed within 2 years/);
  });
  test('a "no" settles E7 without the dates and reads as "exclusion does not apply"', () => {
    const r = im('E7', (p) => {
      skin(p);
      p.reviews = { 'IM101-611': { 'E7-skin-or-in-situ': { decision: 'no', by: 'Dr A', date: '2026-11-16' } } };
    });
    expect(r.outcome).toBe('not_met');
    expect(r.review[0]?.noMeans).toBe('exclusion does not apply for this carcinoma');
  });
});

describe('recorded review decisions read as what they mean', () => {
  const reviewNodes = (t: Trace): Trace[] => [...(t.kind === 'review' ? [t] : []), ...(t.children ?? []).flatMap(reviewNodes)];
  test.each([
    ['no', 'investigator: exclusion does not apply for this carcinoma (answered "no" by Dr A on 2026-11-16)'],
    ['yes', 'investigator: counts as cancer, so the exclusion applies if the dates are within 2 years (answered "yes" by Dr A on 2026-11-16)'],
  ])('IM101-611 E7 answered %s', (decision, words) => {
    const r = im('E7', (p) => {
      p.malignancies = [{ type: 'basalCellSkin', active: false, cured: true, metastatic: false }];
      p.reviews = { 'IM101-611': { 'E7-skin-or-in-situ': { decision, by: 'Dr A', date: '2026-11-16' } } };
    });
    const [node] = reviewNodes(r.trace);
    const line = describeNode(node as Trace);
    expect(line.endsWith(words)).toBe(true);
    expect(line).not.toMatch(/not confirmed/);
  });
  test('a review without yesMeans/noMeans shows the bare answer, never "not confirmed"', () => {
    expect(decisionMeaning({ by: 'investigator', decision: 'no' })).toBe('investigator answered no');
  });
  test('every review item of every shipped trial says what yes and no mean', () => {
    const reviews = (x: unknown): Record<string, unknown>[] =>
      Array.isArray(x) ? x.flatMap(reviews) : x && typeof x === 'object' ? [...((x as { kind?: unknown }).kind === 'review' ? [x as Record<string, unknown>] : []), ...Object.values(x).flatMap(reviews)] : [];
    const all = ['IM101-611', 'NCT04946669', 'NCT02347891'].flatMap((id) => reviews(trial(id).criteria));
    expect(all.length).toBeGreaterThan(15);
    for (const r of all) {
      expect(typeof r.yesMeans, String(r.id)).toBe('string');
      expect(typeof r.noMeans, String(r.id)).toBe('string');
    }
  });
});

// A biologic or immune globulin course stopped less than 3 months after its first dose (a rituximab
// cycle: two infusions two weeks apart), the first at least 3 months before screening: the record
// cannot show how long such treatment lasts, so the investigator judges (I3-infusion-course), then
// whether it counts at all (I3-rituximab-ivig). Before, it failed I3 and I5 by its dates with no
// question (a clinical audit's case).
describe('2d. NCT04946669: a short biologic or immune globulin course is asked about, never failed by its dates', () => {
  const course = (drug: string, start: string, stop: string) => (p: any) => {
    p.medications[1] = { drug, start, stop, outcome: 'failure' };
  };
  const decide = (decisions: Record<string, 'yes' | 'no'>) => (p: any) => {
    p.reviews = { NCT04946669: Object.fromEntries(Object.entries(decisions).map(([id, decision]) => [id, { decision, by: 'Dr A', date: '2026-11-16' }])) };
  };
  test.each([
    // [drug, first dose, last dose, decisions, I3 open questions or outcome]
    ['rituximab', '2025-09-01', '2025-09-15', {}, ['I3-infusion-course', 'I3-rituximab-ivig']],
    ['ivig', '2026-06-01', '2026-08-01', {}, ['I3-infusion-course', 'I3-rituximab-ivig']],
    // First dose less than 3 months before screening (2026-11-16): not 3 months of anything yet.
    ['rituximab', '2026-08-17', '2026-08-31', {}, 'not_met'],
    // First dose exactly 3 months before screening: asked.
    ['rituximab', '2026-08-16', '2026-08-30', {}, ['I3-infusion-course', 'I3-rituximab-ivig']],
    // Last dose 3 months after the first: the dates decide, as before (only whether it counts is asked).
    ['rituximab', '2025-09-01', '2025-12-01', {}, ['I3-rituximab-ivig']],
    ['rituximab', '2025-09-01', '2025-09-15', { 'I3-infusion-course': 'no' }, 'not_met'],
    ['rituximab', '2025-09-01', '2025-09-15', { 'I3-infusion-course': 'yes' }, ['I3-rituximab-ivig']],
    ['rituximab', '2025-09-01', '2025-09-15', { 'I3-infusion-course': 'yes', 'I3-rituximab-ivig': 'no' }, 'not_met'],
    // A drug the list names (methotrexate) stopped early is not an infusion course: not asked.
    ['methotrexate', '2025-09-01', '2025-09-15', {}, 'not_met'],
  ] as const)('%s from %s to %s, decisions %j: I3 %j', (drug, start, stop, decisions, want) => {
    const r = aba('I3', (p) => {
      course(drug, start, stop)(p);
      decide(decisions)(p);
    });
    if (typeof want === 'string') expect(r.outcome).toBe(want);
    else expect(openIds(r).filter((id) => id === 'I3-infusion-course' || id === 'I3-rituximab-ivig')).toEqual(want);
  });
  test('counted for 3 months and as a therapy of the record, I5 asks only its stable dose', () => {
    const r = aba('I5', (p) => {
      course('rituximab', '2025-09-01', '2025-09-15')(p);
      decide({ 'I3-infusion-course': 'yes', 'I3-rituximab-ivig': 'yes' })(p);
    });
    expect(openIds(r)).toEqual(['I5-etcetera-stable-dose']);
  });
});

// Cyclophosphamide is named in the record's list, so its courses are measured first to last dose;
// intravenous pulses (monthly: 3 pulses span 2 months) act between doses, so a stopped course whose
// first dose was at least 3 months before screening but whose last came less than 3 months after it
// goes to the investigator (I3-cyclophosphamide-course, for I3 and I5), unless every recorded dose is
// in mg/day (oral, taken daily: its dates are the time it was taken). Before, it failed I3 and I5
// with no question.
describe('2e. NCT04946669: a short cyclophosphamide pulse course is asked about; oral daily cyclophosphamide is judged by its dates', () => {
  const pulses = (unit: string, dates: string[]) => dates.map((date) => ({ date, dose: unit === 'g' ? 1 : 750, unit }));
  const course = (start: string, stop: string, doses?: unknown[]) => (p: any) => {
    p.medications[1] = { drug: 'cyclophosphamide', start, stop, outcome: 'failure', ...(doses ? { doses } : {}) };
  };
  const decide = (decisions: Record<string, 'yes' | 'no'>) => (p: any) => {
    p.reviews = { NCT04946669: Object.fromEntries(Object.entries(decisions).map(([id, decision]) => [id, { decision, by: 'Dr A', date: '2026-11-16' }])) };
  };
  const monthly = ['2025-09-01', '2025-10-01', '2025-11-01'];
  test.each([
    // [case, first dose, last dose, doses, decisions, I3 and I5 outcomes, whether I3-cyclophosphamide-course is listed open in I3 and I5]
    ['3 monthly pulses in g', '2025-09-01', '2025-11-01', pulses('g', monthly), {}, ['needs_review', 'needs_review'], [true, true]],
    ['3 monthly pulses in mg/m²', '2025-09-01', '2025-11-01', pulses('mg/m²', monthly), {}, ['needs_review', 'needs_review'], [true, true]],
    // (I5 also needs the dose history for its stable dose: unknown until given, and asks for it first.)
    ['no dose history (oral or IV cannot be told)', '2025-09-01', '2025-11-01', undefined, {}, ['needs_review', 'unknown'], [true, false]],
    ['oral, daily doses in mg/day for 2 months', '2025-09-01', '2025-11-01', [{ date: '2025-09-01', dose: 100, unit: 'mg/day' }], {}, ['not_met', 'not_met'], [false, false]],
    // First dose exactly 3 months before screening (2026-11-16): asked; a day later: not 3 months of anything yet.
    ['pulses, the first exactly 3 months before screening', '2026-08-16', '2026-10-16', pulses('g', ['2026-08-16', '2026-09-16', '2026-10-16']), {}, ['needs_review', 'needs_review'], [true, true]],
    ['pulses, the first 3 months less a day before screening', '2026-08-17', '2026-10-17', pulses('g', ['2026-08-17', '2026-09-17', '2026-10-17']), {}, ['not_met', 'not_met'], [false, false]],
    // Last dose 3 months after the first: the dates decide, as for any named immunosuppressant.
    ['4 monthly pulses, 3 months first to last', '2025-09-01', '2025-12-01', pulses('g', [...monthly, '2025-12-01']), {}, ['met', 'needs_review'], [false, false]],
    ['pulses, investigator: less than 3 months of treatment', '2025-09-01', '2025-11-01', pulses('g', monthly), { 'I3-cyclophosphamide-course': 'no' }, ['not_met', 'not_met'], [false, false]],
    // Counted as 3 months, the combined 3 months with the glucocorticoid and the stable dose are still asked.
    ['pulses, investigator: 3 months of treatment', '2025-09-01', '2025-11-01', pulses('g', monthly), { 'I3-cyclophosphamide-course': 'yes' }, ['needs_review', 'needs_review'], [false, false]],
    ['pulses, 3 months of treatment, given together, an earlier stable dose', '2025-09-01', '2025-11-01', pulses('g', monthly), { 'I3-cyclophosphamide-course': 'yes', 'I3-combined-3-months': 'yes', 'I5-earlier-stable-dose': 'yes' }, ['met', 'met'], [false, false]],
  ] as const)('%s (%s to %s)', (_name, start, stop, doses, decisions, outcomes, asked) => {
    const patch = (p: any) => {
      course(start, stop, doses as unknown[] | undefined)(p);
      decide(decisions)(p);
    };
    const [i3, i5] = [aba('I3', patch), aba('I5', patch)];
    expect([i3.outcome, i5.outcome]).toEqual(outcomes);
    expect([i3, i5].map((r) => openIds(r).includes('I3-cyclophosphamide-course'))).toEqual(asked);
  });
  test('the question says what the record shows and what an oral daily course would mean', () => {
    const q = aba('I3', course('2025-09-01', '2025-11-01', pulses('g', monthly))).review.find((x) => x.id === 'I3-cyclophosphamide-course')?.question ?? '';
    expect(q).toMatch(/dose history does not show daily doses \(mg\/day\)/);
    expect(q).toMatch(/taken orally every day, its\s+dates are the time it was taken/);
  });
});

// While the short-course question (I3-infusion-course) is open, the questions that follow it must not
// state that the therapy was given for 3 months.
describe('2f. NCT04946669: the questions after a short course presume nothing', () => {
  const rituximabCycle = (p: any) => {
    p.medications[1] = { drug: 'rituximab', start: '2025-09-01', stop: '2025-09-15', outcome: 'failure' };
  };
  test('I3-rituximab-ivig and I5-etcetera-stable-dose do not say the therapy was given for at least 3 months', () => {
    const questions = [aba('I3', rituximabCycle), aba('I5', rituximabCycle)].flatMap((r) => r.review.filter((x) => x.status === 'open'));
    expect(questions.map((x) => x.id)).toEqual(['I3-infusion-course', 'I3-rituximab-ivig', 'I3-combined-3-months', 'I3-infusion-course', 'I3-rituximab-ivig', 'I5-etcetera-stable-dose']);
    for (const x of questions.filter((q) => q.id === 'I3-rituximab-ivig' || q.id === 'I5-etcetera-stable-dose')) {
      expect(x.question, x.id).not.toMatch(/given for\s+at least 3 months/);
      expect(x.question, x.id).toMatch(/I3-infusion-course/);
    }
  });
});
