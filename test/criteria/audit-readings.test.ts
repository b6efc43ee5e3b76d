// The readings an independent clinical audit disputed (issue 12), each as patients that differ by
// one fact from a shipped example, with the boundary to the day where there is one.
import { describe, expect, test } from 'vitest';
import type { Trace } from '../../src/engine/result.js';
import { decisionMeaning, describeNode } from '../../src/report/describe.js';
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
    expect(r.missing).toContain('labs.ck.value');
    expect(openIds(r)).toEqual(['I4-adjudication']);
  });
});

const malignancy = (extra: object) => ({ type: 'other', diagnosisDate: '2026-06-01', active: true, metastatic: false, ...extra });

describe('2. NCT04946669: a recorded present cancer never passes', () => {
  test.each([
    ['no malignancy recorded', [], 'not_met'],
    ['a present cancer excludes (E3 "such as tumor")', [malignancy({})], 'met'],
    ['a cancer no longer present goes to the investigator', [malignancy({ active: false, resolvedDate: '2020-01-01', cured: true })], 'needs_review'],
    ['a present basal cell skin carcinoma goes to the investigator', [malignancy({ type: 'basalCellSkin' })], 'needs_review'],
    ['whether it is present is not recorded: unknown', [malignancy({ active: undefined })], 'unknown'],
  ])('%s', (_n, malignancies, outcome) => {
    expect(aba('E3', (p) => { p.malignancies = malignancies; }).outcome).toBe(outcome);
  });
  test('without the malignancy list E3 is unknown and asks for it', () => {
    const r = aba('E3', (p) => { delete p.malignancies; });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toContain('malignancies');
  });
});

// A clear responder: all six IMACS measures improved by at least 20% under glucocorticoid + methotrexate.
const responder = (p: any) => {
  p.imacs.followUp = { pga: 4, sga: 5, mmt8: { score: 132, max: 150 }, haqDi: 1.1, enzyme: { value: 1500, unit: 'U/L', uln: 200 }, extramuscularGlobal: 3 };
  p.medications.forEach((m: any) => (m.outcome = 'response'));
};
const azathioprine = (stop: string) => ({ drug: 'azathioprine', start: '2025-03-01', stop, outcome: 'intolerance' });

describe('3. NCT04946669 I3: intolerance must concern the 3-month treatment', () => {
  test.each([
    ['a two-week azathioprine course stopped for intolerance', '2025-03-14', 'not_met'],
    ['azathioprine stopped for intolerance one day short of 3 months', '2025-05-31', 'not_met'],
    ['azathioprine stopped for intolerance after exactly 3 months', '2025-06-01', 'met'],
  ])('responder with %s', (_n, stop, outcome) => {
    expect(aba('I3', (p) => { responder(p); p.medications.push(azathioprine(stop)); }).outcome).toBe(outcome);
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
    ['deflazacort', 71.9, 72],
  ])('%s %d mg/day qualifies, %d mg/day (= 1 mg/kg/day) does not', (drug, below, atLimit) => {
    expect(aba('I4', glucocorticoid(drug, below)).outcome).toBe('met');
    expect(aba('I4', glucocorticoid(drug, atLimit)).outcome).toBe('not_met');
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
    // Stopped the day before randomization (2026-12-01): not taken at randomization, so not asked.
    expect(im('I6', hcq('2024-01-01', '2026-11-30')).outcome).toBe('met');
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

describe('9. NCT02347891: the listing\'s own antibody list', () => {
  test.each([
    ['anti-MDA5 only (not in the listing)', ['mda5'], 'not_met'],
    ['anti-Jo-1', ['jo1'], 'met'],
    ['p140 (anti-NXP-2)', ['nxp2'], 'met'],
    ['anti-HMGCR only', ['hmgcr'], 'not_met'],
  ])('I3 %s, ANA negative', (_n, positive, outcome) => {
    expect(bel('I3', (p) => { p.antibodies = { positive, anaTiter: 0 }; }).outcome).toBe(outcome);
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
