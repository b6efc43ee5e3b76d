// Per-criterion tables for IM101-611, each threshold tested on both sides of its boundary.
// The base patient (examples/im101-611-eligible.json) meets every criterion; each row changes
// one thing. Randomization is 2026-12-01, consent and screening 2026-11-16.
import { describe, expect, test } from 'vitest';
import type { Outcome } from '../../src/engine/logic.js';
import { criterion, example, screenExample, withChanges } from '../helpers/screening.js';

const base = example('im101-611-eligible');
type Row = [string, (p: Record<string, any>) => void, Outcome];

function table(id: string, rows: Row[], title = id) {
  describe(title, () => {
    test.each(rows)('%s', (_name, change, expected) => {
      expect(criterion('IM101-611', id, withChanges(base, change)).outcome).toBe(expected);
    });
  });
}

const noop = () => {};
/** Two of I3's six items met (PGA 2.5 cm, HAQ-DI 0.5), three not (MMT-8 130, SGA 1, MDAAT 0): the CK result decides item v. */
const enzymesDecide = (ck: Record<string, unknown>) => (p: any) => {
  p.assessments = { ...p.assessments, mmt8: { score: 130, max: 150 }, pga: 2.5, sga: 1, haqDi: 0.5, extramuscularGlobal: 0 };
  p.labs = { ck };
};
const mmt = (score: number, max = 150) => (p: any) => void (p.assessments.mmt8 = { score, max });

table('I1', [
  ['18th birthday on the screening date', (p) => void (p.demographics.birthDate = '2008-11-16'), 'met'],
  ['18th birthday the day after screening', (p) => void (p.demographics.birthDate = '2008-11-17'), 'not_met'],
  ['no birth date', (p) => void delete p.demographics.birthDate, 'unknown'],
  ['no screening date', (p) => void delete p.referenceDates.screening, 'unknown'],
]);

table('I2', [
  ['DM with rash and 3 of 4 items', noop, 'met'],
  ['DM with rash and exactly 2 of 4 items', (p) => void (p.bohanPeter = { weakness: true, enzymes: true, emg: false, biopsy: false, otherCausesExcluded: true }), 'met'],
  ['DM with rash and only 1 of 4 items', (p) => void (p.bohanPeter = { weakness: true, enzymes: false, emg: false, biopsy: false, otherCausesExcluded: true }), 'not_met'],
  ['DM with 1 item known, 2 unknown', (p) => void (p.bohanPeter = { weakness: true, enzymes: false, otherCausesExcluded: true }), 'unknown'],
  ['DM without a confirmed rash', (p) => void (p.diagnosis.rashConfirmed = false), 'not_met'],
  ['PM with a myositis-specific antibody', (p) => void Object.assign(p.diagnosis, { subtype: 'pm' }), 'met'],
  ['PM with only anti-RNP and no diagnostic biopsy', (p) => void (Object.assign(p.diagnosis, { subtype: 'pm', priorBiopsyDiagnostic: false }), (p.antibodies.positive = ['rnp'])), 'not_met'],
  ['PM with a diagnostic biopsy and no antibody', (p) => void (Object.assign(p.diagnosis, { subtype: 'pm', priorBiopsyDiagnostic: true }), (p.antibodies.positive = [])), 'met'],
  ['overlap myositis, principal manifestation', (p) => void Object.assign(p.diagnosis, { subtype: 'overlap', overlapMyositisPrincipal: true }), 'met'],
  ['overlap myositis, not the principal manifestation', (p) => void Object.assign(p.diagnosis, { subtype: 'overlap', overlapMyositisPrincipal: false }), 'not_met'],
  ['overlap myositis, principal manifestation not recorded', (p) => void Object.assign(p.diagnosis, { subtype: 'overlap' }), 'unknown'],
  ['inclusion body myositis', (p) => void (p.diagnosis.subtype = 'ibm'), 'not_met'],
  ['documentation not on file', (p) => void (p.diagnosis.documentationOnFile = false), 'not_met'],
  ['no diagnosis recorded', (p) => void delete p.diagnosis.subtype, 'unknown'],
  // Bohan and Peter's prerequisite: other causes of myopathy excluded.
  ['other causes of myopathy not excluded', (p) => void (p.bohanPeter.otherCausesExcluded = false), 'not_met'],
  ['other causes of myopathy excluded: not recorded', (p) => void delete p.bohanPeter.otherCausesExcluded, 'unknown'],
  ['PM with an antibody, other causes not excluded', (p) => void (Object.assign(p.diagnosis, { subtype: 'pm' }), (p.bohanPeter.otherCausesExcluded = false)), 'not_met'],
]);

table('I3', [
  ['MMT-8 135/150 (boundary, with 5 other items)', mmt(135), 'met'],
  ['MMT-8 136/150', mmt(136), 'not_met'],
  ['MMT-8 on the 0–80 scale is never compared', mmt(70, 80), 'unknown'],
  ['MMT-8 126: item i fails, 5 others still met', mmt(126), 'met'],
  [
    'exactly 3 of 6: MMT 125, PGA 2, SGA 2; the rest below',
    (p) => {
      p.assessments = { ...p.assessments, mmt8: { score: 125, max: 150 }, pga: 2, sga: 2, haqDi: 0.49, extramuscularGlobal: 1.9 };
      p.labs = { ck: { value: 259, unit: 'U/L', uln: 200, date: '2026-11-10' } };
    },
    'met',
  ],
  [
    '2 of 6 met, 4 just below their thresholds',
    (p) => {
      p.assessments = { ...p.assessments, mmt8: { score: 126, max: 150 }, pga: 1.9, sga: 2, haqDi: 0.5, extramuscularGlobal: 1.9 };
      p.labs = { ck: { value: 259, unit: 'U/L', uln: 200, date: '2026-11-10' }, aldolase: { value: 1, unit: 'U/L', uln: 7.6, date: '2026-11-10' }, ldh: { value: 100, unit: 'U/L', uln: 250, date: '2026-11-10' }, ast: { value: 10, unit: 'U/L', uln: 40, date: '2026-11-10' }, alt: { value: 10, unit: 'U/L', uln: 45, date: '2026-11-10' } };
    },
    'not_met',
  ],
  ['CK exactly 1.3 × ULN is the third item', enzymesDecide({ value: 260, unit: 'U/L', uln: 200, date: '2026-11-10' }), 'met'],
  [
    '2 met, the rest unknown: could still reach 3',
    (p) => {
      p.assessments = { mmt8: { score: 120, max: 150 }, pga: 3 };
      p.labs = {};
    },
    'unknown',
  ],
  ['CK in µkat/L is converted (5 µkat/L = 300 U/L vs ULN 3 µkat/L = 180 U/L)', enzymesDecide({ value: 5, unit: 'µkat/L', uln: 3, date: '2026-11-10' }), 'met'],
  ['CK 1.3 × ULN but dated 3 months and 1 day before screening: v is unknown, not met', enzymesDecide({ value: 260, unit: 'U/L', uln: 200, date: '2026-08-15' }), 'unknown'],
  ['CK 1.3 × ULN dated exactly 3 months before screening counts', enzymesDecide({ value: 260, unit: 'U/L', uln: 200, date: '2026-08-16' }), 'met'],
  ['CK 1.3 × ULN without a date is unknown', enzymesDecide({ value: 260, unit: 'U/L', uln: 200 }), 'unknown'],
  ['µkat/L at exactly 1.3 × ULN stays exact after conversion (1.17 / 0.9)', enzymesDecide({ value: 1.17, unit: 'µkat/L', uln: 0.9, date: '2026-11-10' }), 'met'],
  ['VAS in mm is converted: PGA 19 mm = 1.9 cm is below 2 cm', (p) => void (p.assessments = { mmt8: { score: 130, max: 150 }, pga: { value: 19, unit: 'mm' }, sga: 1, haqDi: 0.5, extramuscularGlobal: 0 }, (p.labs = {})), 'not_met'],
]);

/** No rash, a CK below 5 × ULN: only a procedure (or the committee) can show current activity. */
const skinBiopsy = (date: string, showsActiveDisease: boolean | undefined) => (p: any) => {
  p.assessments.activeRash = false;
  p.labs.ck.value = 300;
  p.procedures = [{ type: 'skinBiopsy', date, ...(showsActiveDisease === undefined ? {} : { showsActiveDisease }) }];
};
const answer = (id: string, decision: 'yes' | 'no') => (p: any) => void (p.reviews['IM101-611'][id] = { decision, by: 'Dr A', date: '2026-11-20' });

table('I4', [
  ['active rash', noop, 'met'],
  ['no rash, CK 1001/200 (> 5 × ULN)', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.value = 1001)), 'met'],
  ['no rash, CK exactly 5 × ULN: adjudication', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.value = 1000)), 'needs_review'],
  ['no rash, MRI 3 months before consent (boundary)', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.value = 300), (p.procedures = [{ type: 'mri', date: '2026-08-16', showsActiveDisease: true }])), 'met'],
  ['no rash, MRI 3 months and 1 day before consent', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.value = 300), (p.procedures = [{ type: 'mri', date: '2026-08-15', showsActiveDisease: true }])), 'needs_review'],
  ['no rash, recent EMG not showing active disease', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.value = 300), (p.procedures = [{ type: 'emg', date: '2026-10-01', showsActiveDisease: false }])), 'needs_review'],
  // "a recent ... biopsy" is read as a muscle biopsy: a recent skin biopsy showing active disease is evidence for the committee.
  ['no rash, a recent skin biopsy showing active disease: the committee decides', skinBiopsy('2026-10-01', true), 'needs_review'],
  ['no rash, skin biopsy 3 months before consent (boundary), committee confirmed', (p) => void (skinBiopsy('2026-08-16', true)(p), answer('I4-adjudication', 'yes')(p)), 'met'],
  ['no rash, recent skin biopsy showing active disease, committee declined', (p) => void (skinBiopsy('2026-10-01', true)(p), answer('I4-adjudication', 'no')(p)), 'not_met'],
  ['no rash, recent skin biopsy, whether it shows active disease not recorded: the committee, nothing to collect', skinBiopsy('2026-10-01', undefined), 'needs_review'],
  ['rash unknown, CK low: data first', (p) => void (delete p.assessments.activeRash, (p.labs.ck.value = 300)), 'unknown'],
  ['no rash, CK 7.5 × ULN but from 2019: not evidence of current activity', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.date = '2019-01-01')), 'unknown'],
  ['no rash, CK 7.5 × ULN dated 3 months before consent (boundary)', (p) => void ((p.assessments.activeRash = false), (p.labs.ck.date = '2026-08-16')), 'met'],
  [
    'committee confirmed',
    (p) => {
      p.assessments.activeRash = false;
      p.labs.ck.value = 300;
      p.reviews['IM101-611']['I4-adjudication'] = { decision: 'yes', by: 'Adjudication committee', date: '2026-11-20' };
    },
    'met',
  ],
  [
    'committee declined',
    (p) => {
      p.assessments.activeRash = false;
      p.labs.ck.value = 300;
      p.reviews['IM101-611']['I4-adjudication'] = { decision: 'no', by: 'Adjudication committee', date: '2026-11-20' };
    },
    'not_met',
  ],
]);

table('I5', [
  ['investigator confirmed', noop, 'met'],
  ['no decision recorded', (p) => void delete p.reviews['IM101-611']['I5-investigator'], 'needs_review'],
  ['investigator said no', (p) => void (p.reviews['IM101-611']['I5-investigator'].decision = 'no'), 'not_met'],
]);

const med = (drug: string, start: string, doses: [string, number][], extra: Record<string, unknown> = { ongoing: true }) => ({
  drug,
  start,
  ...extra,
  doses: doses.map(([date, dose]) => ({ date, dose, unit: 'mg' })),
});

/** A short prednisolone course (e.g. for asthma) on top of the stable background; the record does not say what it was for. */
const burst = (start: string, stop: string) => (p: any) => void p.medications.push({ drug: 'prednisolone', start, stop, doses: [{ date: start, dose: 30, unit: 'mg/day' }] });

table('I6', [
  ['prednisone + methotrexate, long stable', noop, 'met'],
  ['corticosteroid alone', (p) => void p.medications.splice(1, 1), 'met'],
  ['immunosuppressant alone', (p) => void p.medications.splice(0, 1), 'met'],
  ['nothing current', (p) => void (p.medications = []), 'not_met'],
  ['methotrexate started exactly 12 weeks before randomization', (p) => void (p.medications[1] = med('methotrexate', '2026-09-08', [['2026-09-08', 15]])), 'met'],
  // Started in the 12 weeks: the record does not say it is for IIM (with prednisone through the 12 weeks as background).
  ['methotrexate started 12 weeks minus 1 day before: was it for IIM? investigator', (p) => void (p.medications[1] = med('methotrexate', '2026-09-09', [['2026-09-09', 15]])), 'needs_review'],
  ['methotrexate alone, started 12 weeks minus 1 day before: no background either way', (p) => void (p.medications = [med('methotrexate', '2026-09-09', [['2026-09-09', 15]])]), 'not_met'],
  ['prednisone dose changed exactly 4 weeks before', (p) => void (p.medications[0].doses[1].date = '2026-11-03'), 'met'],
  ['prednisone dose changed 4 weeks minus 1 day before', (p) => void (p.medications[0].doses[1].date = '2026-11-04'), 'not_met'],
  ['a new entry with the same dose is not a change', (p) => void p.medications[0].doses.push({ date: '2026-11-20', dose: 10, unit: 'mg/day' }), 'met'],
  ['dose history missing', (p) => void delete p.medications[0].doses, 'unknown'],
  ['a later dose without a unit cannot be compared: unknown, not a change', (p) => void p.medications[0].doses.push({ date: '2026-11-20', dose: 10 }), 'unknown'],
  ['a later dose in another unit: unknown', (p) => void p.medications[0].doses.push({ date: '2026-11-20', dose: 70, unit: 'mg/week' }), 'unknown'],
  // The record does not say what a course started or stopped in the 12 weeks was for: whether it was a medication for IIM is asked.
  ['methotrexate stopped 2 weeks before randomization: was it for IIM? investigator', (p) => void (delete p.medications[1].ongoing, (p.medications[1].stop = '2026-11-17')), 'needs_review'],
  ['methotrexate stopped exactly 12 weeks before randomization: investigator', (p) => void (delete p.medications[1].ongoing, (p.medications[1].stop = '2026-09-08')), 'needs_review'],
  ['methotrexate stopped 12 weeks and 1 day before randomization', (p) => void (delete p.medications[1].ongoing, (p.medications[1].stop = '2026-09-07')), 'met'],
  ['a 5-day prednisolone course stopped 6 weeks before randomization: investigator', burst('2026-10-15', '2026-10-19'), 'needs_review'],
  ['a prednisolone course stopped on the first day of the 12 weeks: investigator', burst('2026-09-04', '2026-09-08'), 'needs_review'],
  ['a prednisolone course stopped the day before the 12 weeks', burst('2026-09-03', '2026-09-07'), 'met'],
  ['a prednisolone course stopped the day before randomization: investigator', burst('2026-11-26', '2026-11-30'), 'needs_review'],
  ['the stopped course was not for IIM (investigator)', (p) => void (burst('2026-10-15', '2026-10-19')(p), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['the stopped course was for IIM (investigator)', (p) => void (burst('2026-10-15', '2026-10-19')(p), answer('I6-same-medications', 'no')(p)), 'not_met'],
  ['a prednisolone course started 3 days before randomization and still taken (review case E): investigator', (p) => void p.medications.push(med('prednisolone', '2026-11-28', [['2026-11-28', 40]])), 'needs_review'],
  ['the same course, not for IIM (investigator)', (p) => void (p.medications.push(med('prednisolone', '2026-11-28', [['2026-11-28', 40]])), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['a prednisolone course ending the day after randomization (review case F2): investigator', burst('2026-11-26', '2026-12-02'), 'needs_review'],
  // Taken at randomization, a course started in the 12 weeks meets the allowed list, the ban on combinations and the azathioprine rule whatever it is for.
  ['mycophenolate mofetil started 7 weeks before beside prednisone alone: investigator', (p) => void (p.medications.splice(1, 1), p.medications.push(med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]]))), 'needs_review'],
  ['a second immunosuppressant (mycophenolate) started 7 weeks before and still taken: a combination', (p) => void p.medications.push(med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]])), 'not_met'],
  ['the same, answered not for IIM: still a combination', (p) => void (p.medications.push(med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['a second immunosuppressant stopped before randomization is no combination: investigator', (p) => void p.medications.push(med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]], { stop: '2026-11-30' })), 'needs_review'],
  ['cyclophosphamide started 7 weeks before beside prednisone alone, answered not for IIM: not allowed', (p) => void (p.medications.splice(1, 1), p.medications.push(med('cyclophosphamide', '2026-10-13', [['2026-10-13', 500]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['tofacitinib started 7 weeks before beside prednisone alone, answered not for IIM: not allowed', (p) => void (p.medications.splice(1, 1), p.medications.push(med('tofacitinib', '2026-10-13', [['2026-10-13', 10]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['azathioprine started 7 weeks before beside prednisone alone, answered not for IIM: not 24 weeks', (p) => void (p.medications.splice(1, 1), p.medications.push(med('azathioprine', '2026-10-13', [['2026-10-13', 100]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['a course started with no start date, its dose changed 3 weeks before: background or new course? data first', (p) => void p.medications.push({ drug: 'prednisolone', ongoing: true, doses: [{ date: '2025-01-10', dose: 10, unit: 'mg' }, { date: '2026-11-10', dose: 40, unit: 'mg' }] }), 'unknown'],
  // What fails whatever a course was for still fails without the question.
  ['a stopped course, and the prednisone dose changed 4 weeks minus 1 day before', (p) => void (burst('2026-10-15', '2026-10-19')(p), (p.medications[0].doses[1].date = '2026-11-04')), 'not_met'],
  ['methotrexate alone, replaced by mycophenolate mofetil 7 weeks before randomization: no background either way', (p) => void (p.medications = [med('methotrexate', '2024-09-01', [['2024-09-01', 15]], { stop: '2026-10-12' }), med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]])]), 'not_met'],
  // Beside prednisone through the 12 weeks, a switch is asked about: if neither drug was for IIM, prednisone alone is the background.
  ['methotrexate replaced by mycophenolate mofetil 7 weeks before randomization (review case A2): investigator', (p) => void (p.medications[1] = med('methotrexate', '2024-09-01', [['2024-09-01', 15]], { stop: '2026-10-12' }), p.medications.push(med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]]))), 'needs_review'],
  ['the same switch, for IIM (investigator)', (p) => void (p.medications[1] = med('methotrexate', '2024-09-01', [['2024-09-01', 15]], { stop: '2026-10-12' }), p.medications.push(med('mycophenolateMofetil', '2026-10-13', [['2026-10-13', 1000]])), answer('I6-same-medications', 'no')(p)), 'not_met'],
  ['prednisone replaced by prednisolone 7 weeks before randomization (review case K): investigator', (p) => void (p.medications[0] = med('prednisone', '2025-01-10', [['2025-01-10', 10]], { stop: '2026-10-12' }), p.medications.push(med('prednisolone', '2026-10-13', [['2026-10-13', 10]]))), 'needs_review'],
  ['prednisone stopped 7 weeks before randomization and nothing taken at randomization', (p) => void (p.medications = [med('prednisone', '2025-01-10', [['2025-01-10', 10]], { stop: '2026-10-12' })]), 'not_met'],
  ['a stopped course, the rest of I6 unknown (dose history missing): data first', (p) => void (burst('2026-10-15', '2026-10-19')(p), delete p.medications[0].doses), 'unknown'],
  ['methotrexate with a last dose recorded on the randomization date: is it continued? investigator', (p) => void (delete p.medications[1].ongoing, (p.medications[1].stop = '2026-12-01')), 'needs_review'],
  ['methotrexate with a planned last dose after randomization: investigator', (p) => void (delete p.medications[1].ongoing, (p.medications[1].stop = '2027-01-01')), 'needs_review'],
  ['mycophenolic acid instead of mofetil: the investigator decides', (p) => void (p.medications[1] = med('mycophenolicAcid', '2024-01-01', [['2024-01-01', 720]])), 'needs_review'],
  ['methotrexate + mycophenolate: combination', (p) => void p.medications.push(med('mycophenolateMofetil', '2024-01-01', [['2024-01-01', 1000]])), 'not_met'],
  ['cyclophosphamide is not an allowed background', (p) => void (p.medications[1] = med('cyclophosphamide', '2024-01-01', [['2024-01-01', 500]])), 'not_met'],
  ['a stopped immunosuppressant does not count', (p) => void p.medications.push(med('mycophenolateMofetil', '2023-01-01', [['2023-01-01', 1000]], { stop: '2024-01-01' })), 'met'],
  ['azathioprine 24 weeks, stable 12 weeks (boundaries)', (p) => void (p.medications[1] = med('azathioprine', '2026-06-16', [['2026-06-16', 50], ['2026-09-08', 100]])), 'met'],
  ['azathioprine 24 weeks minus 1 day', (p) => void (p.medications[1] = med('azathioprine', '2026-06-17', [['2026-06-17', 100]])), 'not_met'],
  ['azathioprine dose changed 12 weeks minus 1 day before', (p) => void (p.medications[1] = med('azathioprine', '2026-01-01', [['2026-01-01', 50], ['2026-09-09', 100]])), 'not_met'],
  ['stop date not recorded and not marked ongoing', (p) => void delete p.medications[1].ongoing, 'unknown'],
  ['no randomization date', (p) => void delete p.referenceDates.randomization, 'unknown'],
  ['medication list not recorded', (p) => void delete p.medications, 'unknown'],
]);

// Records of one drug (randomization 2026-12-01: 12 weeks before is 2026-09-08, 24 weeks 2026-06-16).
// Adjacent records at the same dose are one course; any other overlap is two records, and a second
// record starting or stopping in the 12 weeks goes to the investigator (I6-same-medications). The
// weeks taken are counted across records of the drug without a break between them (takenFor).
const split = (stop: string, start: string, first: number, next: number | undefined, from = '2026-01-01') => (p: any) =>
  void p.medications.splice(1, 1, med('azathioprine', from, [[from, first]], { stop }), next === undefined ? { drug: 'azathioprine', start, ongoing: true } : med('azathioprine', start, [[start, next]]));
/** Azathioprine 100 mg since 2024-01-01 in place of methotrexate, and a second azathioprine record. */
const secondAzathioprine = (start: string, dose: number, extra: Record<string, unknown> = { ongoing: true }) => (p: any) =>
  void p.medications.splice(1, 1, med('azathioprine', '2024-01-01', [['2024-01-01', 100]]), med('azathioprine', start, [[start, dose]], extra));
/** A second prednisone record (10 mg, as the background's current dose) beside the one taken since 2025-01-10. */
const secondPrednisone = (start: string, extra: Record<string, unknown> = { ongoing: true }) => (p: any) => void p.medications.push(med('prednisone', start, [[start, 10]], extra));
table('I6', [
  ['azathioprine split, the next record on the stop day, same dose: one course of 24 weeks', split('2026-06-30', '2026-06-30', 100, 100), 'met'],
  ['azathioprine split, the next record the day after the stop, same dose: one course of 24 weeks', split('2026-06-30', '2026-07-01', 100, 100), 'met'],
  ['azathioprine split with 1 day between the records: the last record is not 24 weeks', split('2026-06-30', '2026-07-02', 100, 100), 'not_met'],
  ['azathioprine split with 2 days between the records', split('2026-06-30', '2026-07-03', 100, 100), 'not_met'],
  ['azathioprine split at a dose change (before the 12 weeks): two records, 24 weeks by the chain of them, the current dose stable', split('2026-06-30', '2026-07-01', 100, 150), 'met'],
  ['azathioprine split, the next dose not recorded: 24 weeks by the chain, its dose to collect', split('2026-06-30', '2026-07-01', 100, undefined), 'unknown'],
  ['azathioprine 150 mg overlapping the 100 mg record by 10 days: 24 weeks by the chain', (p) => void p.medications.splice(1, 1, med('azathioprine', '2026-01-01', [['2026-01-01', 100]], { stop: '2026-07-10' }), med('azathioprine', '2026-07-01', [['2026-07-01', 150]])), 'met'],
  ['azathioprine in 3 records without a break, the first from exactly 24 weeks before', (p) => void p.medications.splice(1, 1, med('azathioprine', '2026-06-16', [['2026-06-16', 50]], { stop: '2026-07-15' }), med('azathioprine', '2026-07-16', [['2026-07-16', 100]], { stop: '2026-08-15' }), med('azathioprine', '2026-08-16', [['2026-08-16', 150]])), 'met'],
  ['the same, the first from 24 weeks minus 1 day before', (p) => void p.medications.splice(1, 1, med('azathioprine', '2026-06-17', [['2026-06-17', 50]], { stop: '2026-07-15' }), med('azathioprine', '2026-07-16', [['2026-07-16', 100]], { stop: '2026-08-15' }), med('azathioprine', '2026-08-16', [['2026-08-16', 150]])), 'not_met'],
  ['azathioprine split at a dose change, the earlier stop not recorded: the link is unknown', (p) => void p.medications.splice(1, 1, med('azathioprine', '2026-01-01', [['2026-01-01', 100]], {}), med('azathioprine', '2026-07-01', [['2026-07-01', 150]])), 'unknown'],
  ['azathioprine split at a dose change, the earlier start not recorded: the link is unknown', (p) => void p.medications.splice(1, 1, { drug: 'azathioprine', stop: '2026-06-30' }, med('azathioprine', '2026-07-01', [['2026-07-01', 150]])), 'unknown'],
  ['methotrexate to 2026-06-30, then azathioprine: different drugs are never chained', (p) => void p.medications.splice(1, 1, med('methotrexate', '2026-01-01', [['2026-01-01', 20]], { stop: '2026-06-30' }), med('azathioprine', '2026-07-01', [['2026-07-01', 150]])), 'not_met'],
  ['azathioprine split, the joined course started exactly 24 weeks before', split('2026-08-31', '2026-09-01', 100, 100, '2026-06-16'), 'met'],
  ['azathioprine split, the joined course started 24 weeks minus 1 day before', split('2026-08-31', '2026-09-01', 100, 100, '2026-06-17'), 'not_met'],
  ['a second prednisone record started in the 12 weeks, overlapping the background: investigator', secondPrednisone('2026-11-01'), 'needs_review'],
  ['the same, started 12 weeks minus 1 day before: investigator', secondPrednisone('2026-09-09'), 'needs_review'],
  ['the same, started exactly 12 weeks before: through the 12 weeks, its own dose stable', secondPrednisone('2026-09-08'), 'met'],
  ['the same, started in the last 4 weeks: investigator (a course for something else, or a change of dose), not a failed stable dose', secondPrednisone('2026-11-20'), 'needs_review'],
  ['the same, started in the last 4 weeks, not for IIM (investigator)', (p) => void (secondPrednisone('2026-11-20')(p), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['the same, started in the 12 weeks, the same course entered twice or not for IIM (investigator)', (p) => void (secondPrednisone('2026-11-01')(p), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['the same, started in the 12 weeks, a change of dose for IIM in the 4 weeks (investigator)', (p) => void (secondPrednisone('2026-11-01')(p), answer('I6-same-medications', 'no')(p)), 'not_met'],
  ['a second prednisone record stopped in the 12 weeks, inside the background: investigator', secondPrednisone('2025-06-01', { stop: '2026-11-20' }), 'needs_review'],
  // (5 days both records cover may be both doses at once: two records, not one course renewed.)
  ['prednisone renewed 5 days before the earlier record stops, at the same dose: investigator', (p) => void p.medications.splice(0, 1, med('prednisone', '2025-01-10', [['2025-01-10', 40], ['2026-06-01', 10]], { stop: '2026-10-05' }), med('prednisone', '2026-10-01', [['2026-10-01', 10]])), 'needs_review'],
  ['prednisone renewed the day after the earlier record stops, at the same dose: one course', (p) => void p.medications.splice(0, 1, med('prednisone', '2025-01-10', [['2025-01-10', 40], ['2026-06-01', 10]], { stop: '2026-09-30' }), med('prednisone', '2026-10-01', [['2026-10-01', 10]])), 'met'],
  ['prednisone renewed on the day the earlier record stops, at the same dose: one course', (p) => void p.medications.splice(0, 1, med('prednisone', '2025-01-10', [['2025-01-10', 40], ['2026-06-01', 10]], { stop: '2026-10-01' }), med('prednisone', '2026-10-01', [['2026-10-01', 10]])), 'met'],
  ['prednisone renewed 5 days before the earlier record stops, at another dose: investigator', (p) => void p.medications.splice(0, 1, med('prednisone', '2025-01-10', [['2025-01-10', 40], ['2026-06-01', 10]], { stop: '2026-10-05' }), med('prednisone', '2026-10-01', [['2026-10-01', 7.5]])), 'needs_review'],
  ['a second prednisone record with the same dates: the course entered twice', (p) => void p.medications.push(structuredClone(p.medications[0])), 'met'],
  ['a second methotrexate record started in the 12 weeks: not a combination, investigator', (p) => void p.medications.push(med('methotrexate', '2026-10-13', [['2026-10-13', 20]])), 'needs_review'],
  ['a second azathioprine record started 20 weeks before beside one of 2 years: 24 weeks by the first, each dose stable 12 weeks', (p) => void p.medications.splice(1, 1, med('azathioprine', '2024-01-01', [['2024-01-01', 100]]), med('azathioprine', '2026-07-14', [['2026-07-14', 50]])), 'met'],
  // A second azathioprine record started in the 12 weeks beside one taken through them at one dose
  // (the review's case): entered twice, a second course or a change of dose, which the record does
  // not say, so I6-same-medications asks (of azathioprine: no change in the 12 weeks).
  ['a second azathioprine record started in the 12 weeks, another dose: investigator', secondAzathioprine('2026-10-13', 50), 'needs_review'],
  ['a second azathioprine record started in the 12 weeks, the same dose: investigator', secondAzathioprine('2026-10-01', 100), 'needs_review'],
  ['the same, started 12 weeks minus 1 day before: investigator', secondAzathioprine('2026-09-09', 100), 'needs_review'],
  ['the same, started exactly 12 weeks before: its own dose stable 12 weeks', secondAzathioprine('2026-09-08', 100), 'met'],
  ['the same, answered the same course or no change in the 12 weeks (investigator)', (p) => void (secondAzathioprine('2026-10-01', 100)(p), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['the same, answered a change of the medications for IIM (investigator)', (p) => void (secondAzathioprine('2026-10-01', 100)(p), answer('I6-same-medications', 'no')(p)), 'not_met'],
  ['the same, the dose of the earlier record changed in the 12 weeks: not stable whatever the answer', (p) => void (secondAzathioprine('2026-10-01', 100)(p), p.medications[1].doses.push({ date: '2026-09-09', dose: 150, unit: 'mg' }), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['a second azathioprine record started and stopped in the 12 weeks: investigator', secondAzathioprine('2026-10-01', 100, { stop: '2026-11-01' }), 'needs_review'],
  ['azathioprine 100 mg to 2026-09-30, then 150 mg: a dose change in the 12 weeks, whatever the answer', (p) => void (p.medications.splice(1, 1, med('azathioprine', '2024-01-01', [['2024-01-01', 100]], { stop: '2026-09-30' }), med('azathioprine', '2026-10-01', [['2026-10-01', 150]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['a second methotrexate record at another dose started in the 12 weeks: investigator', (p) => void p.medications.push(med('methotrexate', '2026-10-01', [['2026-10-01', 10]])), 'needs_review'],
  ['a second methotrexate record started and stopped in the 12 weeks: investigator', (p) => void p.medications.push(med('methotrexate', '2026-10-01', [['2026-10-01', 20]], { stop: '2026-11-01' })), 'needs_review'],
  // Every record of a background drug taken at randomization whose chain reaches 12 weeks is read
  // for its own dose history (a change in the 4 weeks fails, whatever the answer) and its last dose.
  ['a second methotrexate record from 2026-10-01 at 25, 30 mg from 2026-11-20, beside the one since 2024: a change in the 4 weeks, whatever the answer', (p) => void (p.medications.push(med('methotrexate', '2026-10-01', [['2026-10-01', 25], ['2026-11-20', 30]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['methotrexate to 2026-09-30, then 25 mg, 30 mg from 2026-11-20: a change in the 4 weeks, whatever the answer', (p) => void (p.medications.splice(1, 1, med('methotrexate', '2024-09-01', [['2024-09-01', 20]], { stop: '2026-09-30' }), med('methotrexate', '2026-10-01', [['2026-10-01', 25], ['2026-11-20', 30]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['the same, 30 mg from 2026-11-03 (the 4 weeks\' first day): stable', (p) => void (p.medications.splice(1, 1, med('methotrexate', '2024-09-01', [['2024-09-01', 20]], { stop: '2026-09-30' }), med('methotrexate', '2026-10-01', [['2026-10-01', 25], ['2026-11-03', 30]])), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['a second methotrexate record started in the 4 weeks at the same dose, unchanged: investigator, not a failed stable dose', (p) => void p.medications.push(med('methotrexate', '2026-11-10', [['2026-11-10', 20]])), 'needs_review'],
  ['the same, answered the same course entered twice (investigator)', (p) => void (p.medications.push(med('methotrexate', '2026-11-10', [['2026-11-10', 20]])), answer('I6-same-medications', 'yes')(p)), 'met'],
  ['the same, its dose changed after its start: a change in the 4 weeks, whatever the answer', (p) => void (p.medications.push(med('methotrexate', '2026-11-10', [['2026-11-10', 20], ['2026-11-20', 25]])), answer('I6-same-medications', 'yes')(p)), 'not_met'],
  ['the same, its first dose recorded after its start: the dose from its start to collect', (p) => void (p.medications.push(med('methotrexate', '2026-11-10', [['2026-11-15', 20]])), answer('I6-same-medications', 'yes')(p)), 'unknown'],
  ['methotrexate to 2026-09-30, then 25 mg to 2026-12-10 (after randomization), answered: the investigator decides whether the background continues', (p) => void (p.medications.splice(1, 1, med('methotrexate', '2024-09-01', [['2024-09-01', 20]], { stop: '2026-09-30' }), med('methotrexate', '2026-10-01', [['2026-10-01', 25]], { stop: '2026-12-10' })), answer('I6-same-medications', 'yes')(p)), 'needs_review'],
  ['the same, answered that the background ends (investigator)', (p) => void (p.medications.splice(1, 1, med('methotrexate', '2024-09-01', [['2024-09-01', 20]], { stop: '2026-09-30' }), med('methotrexate', '2026-10-01', [['2026-10-01', 25]], { stop: '2026-12-10' })), answer('I6-same-medications', 'yes')(p), answer('I6-background-ending', 'no')(p)), 'not_met'],
  ['a decision recorded under the retired I6-stopped-course is not used: the new question stays open', (p) => void (p.medications.push(med('methotrexate', '2026-10-13', [['2026-10-13', 20]])), answer('I6-stopped-course', 'yes')(p)), 'needs_review'],
], 'I6 (records of one drug)');

table('E1', [
  ['dermatomyositis', noop, 'not_met'],
  ['inclusion body myositis', (p) => void (p.diagnosis.subtype = 'ibm'), 'met'],
  ['drug-induced', (p) => void (p.diagnosis.subtype = 'drugInduced'), 'met'],
  ['PM with HIV', (p) => void (p.diagnosis.subtype = 'hivPm'), 'met'],
  ['unknown diagnosis', (p) => void delete p.diagnosis.subtype, 'unknown'],
]);

table('E2', [
  ['penicillamine last dose exactly 3 months before screening', (p) => void p.medications.push(med('penicillamine', '2026-01-01', [['2026-01-01', 250]], { stop: '2026-08-16' })), 'met'],
  ['penicillamine last dose 3 months and 1 day before', (p) => void p.medications.push(med('penicillamine', '2026-01-01', [['2026-01-01', 250]], { stop: '2026-08-15' })), 'not_met'],
  ['zidovudine ongoing', (p) => void p.medications.push(med('zidovudine', '2026-01-01', [['2026-01-01', 300]])), 'met'],
  ['penicillamine started between screening and randomization', (p) => void p.medications.push(med('penicillamine', '2026-11-20', [['2026-11-20', 250]])), 'met'],
  ['penicillamine stopped 3 months before randomization (2 months 15 days before screening)', (p) => void p.medications.push(med('penicillamine', '2026-01-01', [['2026-01-01', 250]], { stop: '2026-09-01' })), 'met'],
  ['zidovudine, stop not recorded', (p) => void p.medications.push(med('zidovudine', '2026-01-01', [['2026-01-01', 300]], {})), 'unknown'],
]);

const rtx = (stop: string) => (p: any) => void p.medications.push(med('rituximab', '2025-01-01', [['2025-01-01', 1000]], { stop }));
table('E3', [
  ['no rituximab', noop, 'not_met'],
  ['rituximab exactly 6 months before randomization', rtx('2026-06-01'), 'met'],
  ['rituximab 6 months and 1 day before, B cells documented', (p) => void (rtx('2026-05-31')(p), (p.labs.bCellsPresent = true)), 'not_met'],
  ['rituximab earlier, B cells not documented', (p) => void (rtx('2026-01-31')(p), (p.labs.bCellsPresent = false)), 'met'],
  ['rituximab earlier, B cells not recorded', rtx('2026-01-31'), 'unknown'],
]);

table('E4', [
  ['tocilizumab exactly 3 months before randomization', (p) => void p.medications.push(med('tocilizumab', '2026-01-01', [['2026-01-01', 162]], { stop: '2026-09-01' })), 'met'],
  ['tocilizumab 3 months and 1 day before', (p) => void p.medications.push(med('tocilizumab', '2026-01-01', [['2026-01-01', 162]], { stop: '2026-08-31' })), 'not_met'],
  ['IVIG 2 months before', (p) => void p.medications.push(med('ivig', '2026-01-01', [['2026-01-01', 2]], { stop: '2026-10-01' })), 'met'],
  ['rituximab is E3, not E4', rtx('2026-10-01'), 'not_met'],
]);

table('E6', [
  ['MDI 7 (boundary)', (p) => void (p.assessments.mdi = 7), 'not_met'],
  ['MDI 7.5', (p) => void (p.assessments.mdi = 7.5), 'met'],
  ['cardiac involvement', (p) => void (p.history.cardiacInvolvement = true), 'met'],
  ['MDI unknown, others no', (p) => void delete p.assessments.mdi, 'unknown'],
]);

const malignancy = (m: Record<string, unknown>) => (p: any) => void (p.malignancies = [m]);
table('E7', [
  ['breast cancer 2 years before myositis (boundary)', malignancy({ type: 'other', diagnosisDate: '2021-05-02' }), 'met'],
  ['breast cancer 2 years and 1 day before', malignancy({ type: 'other', diagnosisDate: '2021-05-01' }), 'not_met'],
  ['cancer 1 year after myositis', malignancy({ type: 'other', diagnosisDate: '2024-05-02' }), 'met'],
  ['basal cell carcinoma within 2 years: investigator decides', malignancy({ type: 'basalCellSkin', diagnosisDate: '2023-01-01' }), 'needs_review'],
  ['malignancy list not recorded', (p) => void delete p.malignancies, 'unknown'],
]);

table('E8', [
  ['anti-TIF1-γ, diagnosed exactly 1 year before randomization', (p) => void ((p.antibodies.positive = ['tif1g']), (p.diagnosis.date = '2025-12-01')), 'not_met'],
  ['anti-TIF1-γ, diagnosed 1 year minus 1 day before', (p) => void ((p.antibodies.positive = ['tif1g']), (p.diagnosis.date = '2025-12-02')), 'met'],
  ['recent diagnosis without anti-TIF1-γ', (p) => void (p.diagnosis.date = '2026-10-01'), 'not_met'],
  ['anti-TIF1-γ, diagnosis date unknown', (p) => void ((p.antibodies.positive = ['tif1g']), delete p.diagnosis.date), 'unknown'],
]);

table('E12', [
  ['none', noop, 'not_met'],
  ['colon cancer resolved exactly 5 years before screening', malignancy({ type: 'other', diagnosisDate: '2019-01-01', active: false, resolvedDate: '2021-11-16' }), 'met'],
  ['colon cancer resolved 5 years and 1 day before', malignancy({ type: 'other', diagnosisDate: '2019-01-01', active: false, resolvedDate: '2021-11-15' }), 'not_met'],
  ['present malignancy', malignancy({ type: 'other', diagnosisDate: '2010-01-01', active: true }), 'met'],
  ['cured non-metastatic basal cell carcinoma last year', malignancy({ type: 'basalCellSkin', diagnosisDate: '2025-06-01', active: false, resolvedDate: '2025-07-01', cured: true, metastatic: false }), 'not_met'],
  ['basal cell carcinoma, cure not documented', malignancy({ type: 'basalCellSkin', diagnosisDate: '2025-06-01', active: false, resolvedDate: '2025-07-01', metastatic: false }), 'unknown'],
  ['old cancer, resolution date unknown', malignancy({ type: 'other', diagnosisDate: '2015-01-01', active: false }), 'unknown'],
]);

table('P1', [
  ['confirmed', noop, 'met'],
  ['not recorded', (p) => void delete p.reviews['IM101-611']['P1-protocol'], 'needs_review'],
]);

describe('verdicts', () => {
  test('a failing criterion makes the patient ineligible even when others are unknown', () => {
    const p = withChanges(base, (x) => {
      x.assessments.mmt8 = { score: 140, max: 150 };
      delete x.infection;
    });
    const r = screenExample('IM101-611', p);
    expect(r.verdict).toBe('ineligible');
    expect(r.missing.map((m) => m.field)).toContain('infection.tbRisk');
  });
  test('a criterion lists no open question whose premise the data contradicts (JSON too)', () => {
    const r = screenExample('IM101-611', base);
    expect(r.criteria.flatMap((c) => c.review.filter((x) => x.status === 'open'))).toEqual([]);
    expect(r.criteria.find((c) => c.id === 'I5')?.review.map((x) => x.status)).toEqual(['confirmed']);
  });
  test('open review items are listed only for open criteria', () => {
    const r = screenExample('IM101-611', base);
    expect(r.verdict).toBe('eligible');
    expect(r.review).toEqual([]);
    const r2 = screenExample('IM101-611', withChanges(base, (x) => void delete x.reviews));
    expect(r2.verdict).toBe('undetermined');
    expect(r2.review.map((x) => x.id)).toEqual(['I5-investigator', 'P1-protocol']);
  });
  test('every criterion quotes its source', () => {
    for (const c of screenExample('IM101-611', base).criteria) expect(c.source.length).toBeGreaterThan(10);
  });
});
