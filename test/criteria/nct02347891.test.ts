// NCT02347891 (partial encoding) criterion by criterion.
import { describe, expect, test } from 'vitest';
import { loadTrial, openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { criterionEvaluator } from './helpers.js';

const check = criterionEvaluator('NCT02347891', 'nct02347891-eligible-reviewed.json');

describe('NCT02347891', () => {
  test('the trial declares itself partial and always carries the full-protocol review', () => {
    const trial = loadTrial(openCriteriaDir(), 'NCT02347891');
    expect(trial.meta.completeness).toBe('partial');
    expect(trial.meta.completenessNote).toMatch(/full protocol/);
    expect(check('P1', (p) => { delete p.reviews; }).outcome).toBe('needs_review');
  });

  test.each([
    ['19', '2007-11-16', 'met'],
    ['18: protocol check', '2008-11-16', 'needs_review'],
    ['17', '2009-11-16', 'not_met'],
  ])('I1 age %s', (_n, birthDate, outcome) => {
    expect(check('I1', (p) => { p.demographics.birthDate = birthDate; }).outcome).toBe(outcome);
  });

  test.each([
    ['definite DM', () => {}, 'met'],
    ['probable DM', (p: any) => { p.bohanPeter.biopsy = false; }, 'met'],
    ['possible DM', (p: any) => { p.bohanPeter.biopsy = false; p.bohanPeter.enzymes = false; }, 'not_met'],
    ['probable PM with anti-Jo-1', (p: any) => { p.bohanPeter.rash = false; p.bohanPeter.emg = true; p.bohanPeter.biopsy = false; p.antibodies.positive = ['jo1']; }, 'met'],
    ['definite PM without a myositis-specific antibody: committee', (p: any) => { p.bohanPeter.rash = false; p.bohanPeter.emg = true; p.antibodies.positive = ['ssa']; }, 'needs_review'],
    ['possible PM', (p: any) => { p.bohanPeter.rash = false; p.bohanPeter.biopsy = false; p.antibodies.positive = ['jo1']; }, 'not_met'],
    ['other causes not excluded', (p: any) => { p.bohanPeter.otherCausesExcluded = false; }, 'not_met'],
    // Bohan and Peter classify inclusion body myositis as PM: a chart that says IBM goes to the investigator.
    ['probable PM with anti-Jo-1, chart diagnosis inclusion body myositis: investigator', (p: any) => { p.bohanPeter.rash = false; p.bohanPeter.emg = true; p.bohanPeter.biopsy = false; p.antibodies.positive = ['jo1']; p.diagnosis.subtype = 'ibm'; }, 'needs_review'],
    ['chart diagnosis inclusion body myositis, investigator: not DM or PM', (p: any) => { p.diagnosis.subtype = 'ibm'; p.reviews.NCT02347891['I2-chart-diagnosis'] = { decision: 'no', by: 'Dr A', date: '2026-11-16' }; }, 'not_met'],
    ['chart diagnosis not recorded: not asked for', (p: any) => { delete p.diagnosis.subtype; }, 'met'],
    ['definite DM by the items, chart diagnosis drugInduced: investigator', (p: any) => { p.diagnosis.subtype = 'drugInduced'; }, 'needs_review'],
    ['definite DM by the items, chart diagnosis hivPm: investigator', (p: any) => { p.diagnosis.subtype = 'hivPm'; }, 'needs_review'],
    ['definite DM by the items, chart diagnosis otherNonIim: investigator', (p: any) => { p.diagnosis.subtype = 'otherNonIim'; }, 'needs_review'],
  ])('I2 %s', (_n, patch, outcome) => {
    expect(check('I2', patch).outcome).toBe(outcome);
  });

  test.each([
    ['ANA 1:80 only', { positive: [], anaTiter: 80 }, 'not_met'],
    ['ANA 1:160', { positive: [], anaTiter: 160 }, 'met'],
    ['anti-SSB', { positive: ['ssb'], anaTiter: 0 }, 'met'],
    ['anti-NXP-2 (p140)', { positive: ['nxp2'], anaTiter: 0 }, 'met'],
    ['no positive antibody, ANA not recorded', { positive: [] }, 'unknown'],
  ])('I3 %s', (_n, antibodies, outcome) => {
    expect(check('I3', (p) => { p.antibodies = antibodies; }).outcome).toBe(outcome);
  });

  // "any myositis-specific autoantibody (Jo-1, ..., p140)": examples or a closed list is not said, so a
  // myositis-specific antibody outside the parenthesis is one question (I3-msa-not-listed), asked only
  // when nothing else meets I3; anti-TIF1-γ is asked both ways ("p140" may name it, or the list is open).
  const decided = (answers: Record<string, string>) =>
    Object.fromEntries(Object.entries(answers).map(([id, decision]) => [id, { decision, by: 'Dr B', date: '2026-11-16' }]));
  test.each([
    ['anti-MDA5 only, ANA negative', ['mda5'], 0, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-SAE only', ['sae'], 0, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-HMGCR only', ['hmgcr'], 0, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-Zo only', ['zo'], 0, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-YRS only', ['yrs'], 0, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-MDA5 and anti-SAE: one question', ['mda5', 'sae'], 0, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-MDA5 with ANA 1:80 (not > 1:80): asked', ['mda5'], 80, {}, 'needs_review', ['I3-msa-not-listed']],
    ['anti-MDA5 with ANA 1:160: met without asking', ['mda5'], 160, {}, 'met', []],
    ['anti-MDA5 with anti-Jo-1: met without asking', ['mda5', 'jo1'], 0, {}, 'met', []],
    ['anti-MDA5 with anti-SSA: met without asking', ['mda5', 'ssa'], 0, {}, 'met', []],
    ['anti-SSA is not myositis-specific: nothing to ask', [], 0, {}, 'not_met', []],
    ['anti-MDA5, the list gives examples', ['mda5'], 0, { 'I3-msa-not-listed': 'yes' }, 'met', []],
    ['anti-MDA5, the list is closed', ['mda5'], 0, { 'I3-msa-not-listed': 'no' }, 'not_met', []],
    ['anti-TIF1-γ only: both readings asked', ['tif1g'], 0, {}, 'needs_review', ['I3-p140-tif1g', 'I3-msa-not-listed']],
    ['anti-TIF1-γ, "p140" means it', ['tif1g'], 0, { 'I3-p140-tif1g': 'yes' }, 'met', []],
    ['anti-TIF1-γ, the list gives examples', ['tif1g'], 0, { 'I3-msa-not-listed': 'yes' }, 'met', []],
    ['anti-TIF1-γ, "p140" does not mean it: still asked whether the list is open', ['tif1g'], 0, { 'I3-p140-tif1g': 'no' }, 'needs_review', ['I3-msa-not-listed']],
    ['anti-TIF1-γ, "p140" does not mean it, the list is closed', ['tif1g'], 0, { 'I3-p140-tif1g': 'no', 'I3-msa-not-listed': 'no' }, 'not_met', []],
    ['anti-TIF1-γ, "p140" means it, the list is closed', ['tif1g'], 0, { 'I3-p140-tif1g': 'yes', 'I3-msa-not-listed': 'no' }, 'met', []],
  ])('I3 %s', (_n, positive, anaTiter, answers, outcome, open) => {
    const r = check('I3', (p) => {
      p.antibodies = { positive, anaTiter };
      p.reviews.NCT02347891 = { ...p.reviews.NCT02347891, ...decided(answers) };
    });
    expect(r.outcome).toBe(outcome);
    expect(r.review.filter((x) => x.status === 'open').map((x) => x.id)).toEqual(open);
  });
  test('I3-msa-not-listed says where the antibodies are named: the default report does not list them', () => {
    const q = check('I3', (p) => { p.antibodies = { positive: ['mda5'], anaTiter: 0 }; }).review.find((x) => x.id === 'I3-msa-not-listed')?.question;
    expect(q).toMatch(/\(screen --explain shows which\)/);
    expect(q).not.toMatch(/evidence names/);
  });
  test('I3 with anti-MDA5 and the ANA titre not recorded: the ANA is collected before the question is asked', () => {
    const r = check('I3', (p) => { p.antibodies = { positive: ['mda5'] }; });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toContainEqual({ field: 'antibodies.anaTiter' });
    expect(r.review.filter((x) => x.status === 'open')).toEqual([]);
  });

  /** A patient whose medication list is this one course. */
  const only = (course: Record<string, unknown>) => (p: any) => {
    p.medications = [course];
  };
  test.each([
    ['prednisone failed after > 3 months', () => {}, 'met'],
    ['responders only', (p: any) => { p.medications.forEach((m: any) => (m.outcome = 'response')); }, 'not_met'],
    ['IVIG not tolerated, given exactly 3 months', only({ drug: 'ivig', start: '2025-01-10', stop: '2025-04-10', outcome: 'intolerance' }), 'met'],
    // A course of infusions acts between doses: one stopped less than 3 months after its first dose, the
    // first at least 3 months before screening (2026-11-16), goes to the investigator (I4-infusion-course).
    ['IVIG not tolerated, last dose a day short of 3 months after the first: investigator', only({ drug: 'ivig', start: '2025-01-10', stop: '2025-04-09', outcome: 'intolerance' }), 'needs_review'],
    ['rituximab failed, two infusions two weeks apart: investigator', only({ drug: 'rituximab', start: '2025-09-01', stop: '2025-09-15', outcome: 'failure' }), 'needs_review'],
    ['rituximab, investigator: 3 months of treatment', (p: any) => {
      p.medications = [{ drug: 'rituximab', start: '2025-09-01', stop: '2025-09-15', outcome: 'failure' }];
      p.reviews.NCT02347891['I4-infusion-course'] = { decision: 'yes', by: 'Dr A', date: '2026-11-16' };
    }, 'met'],
    ['rituximab, investigator: less than 3 months of treatment', (p: any) => {
      p.medications = [{ drug: 'rituximab', start: '2025-09-01', stop: '2025-09-15', outcome: 'failure' }];
      p.reviews.NCT02347891['I4-infusion-course'] = { decision: 'no', by: 'Dr A', date: '2026-11-16' };
    }, 'not_met'],
    ['rituximab, first dose exactly 3 months before screening: investigator', only({ drug: 'rituximab', start: '2026-08-16', stop: '2026-08-30', outcome: 'failure' }), 'needs_review'],
    ['rituximab, first dose 3 months minus a day before screening: not yet 3 months', only({ drug: 'rituximab', start: '2026-08-17', stop: '2026-08-31', outcome: 'failure' }), 'not_met'],
    ['rituximab that worked, two infusions', only({ drug: 'rituximab', start: '2025-09-01', stop: '2025-09-15', outcome: 'response' }), 'not_met'],
    ['cyclophosphamide failed, 3 monthly pulses (2 months first to last): investigator', only({ drug: 'cyclophosphamide', start: '2025-03-01', stop: '2025-05-01', outcome: 'failure' }), 'needs_review'],
    ['azathioprine (not an infusion) stopped after 2 months', only({ drug: 'azathioprine', start: '2025-03-01', stop: '2025-05-01', outcome: 'failure' }), 'not_met'],
    ['tocilizumab (not in the listing) stopped after 2 weeks', only({ drug: 'tocilizumab', start: '2025-09-01', stop: '2025-09-15', outcome: 'failure' }), 'not_met'],
    ['rituximab failed, last dose not recorded', only({ drug: 'rituximab', start: '2025-09-01', outcome: 'failure' }), 'unknown'],
    // A last dose still to come (the screening date is 2026-11-16): 46 days of prednisone so far, not 3 months.
    ['prednisone from 2026-10-01, last dose planned for 2027-03-01', only({ drug: 'prednisone', start: '2026-10-01', stop: '2027-03-01', outcome: 'failure', doses: [{ date: '2026-10-01', dose: 60, unit: 'mg/day' }] }), 'not_met'],
    ['prednisone from 2026-08-16, last dose planned for 2027-03-01: 3 months reached on the screening date', only({ drug: 'prednisone', start: '2026-08-16', stop: '2027-03-01', outcome: 'failure', doses: [{ date: '2026-08-16', dose: 60, unit: 'mg/day' }] }), 'met'],
    // A month end: 3 months from 2025-11-30 end on 2026-02-28, whether the course goes on or stops then.
    ['month end, still taken: prednisone since 2025-11-30, screening 2026-02-28', (p: any) => {
      p.referenceDates.screening = '2026-02-28';
      p.medications = [{ drug: 'prednisone', start: '2025-11-30', ongoing: true, outcome: 'failure', doses: [{ date: '2025-11-30', dose: 60, unit: 'mg/day' }] }];
    }, 'met'],
    ['month end, last dose on the screening date 2026-02-28', (p: any) => {
      p.referenceDates.screening = '2026-02-28';
      p.medications = [{ drug: 'prednisone', start: '2025-11-30', stop: '2026-02-28', outcome: 'failure', doses: [{ date: '2025-11-30', dose: 60, unit: 'mg/day' }] }];
    }, 'met'],
    ['month end, still taken from 2025-12-01: a day short by 2026-02-28', (p: any) => {
      p.referenceDates.screening = '2026-02-28';
      p.medications = [{ drug: 'prednisone', start: '2025-12-01', ongoing: true, outcome: 'failure', doses: [{ date: '2025-12-01', dose: 60, unit: 'mg/day' }] }];
    }, 'not_met'],
    ['tofacitinib is not in the listed agents', only({ drug: 'tofacitinib', start: '2025-01-10', stop: '2025-12-01', outcome: 'failure' }), 'not_met'],
  ])('I4 %s', (_n, patch, outcome) => {
    expect(check('I4', patch).outcome).toBe(outcome);
  });
});
