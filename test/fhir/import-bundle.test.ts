// The importer's rules, one small bundle per row: what it fills, what it leaves unknown and why.
import { describe, expect, test } from 'vitest';
import { importFhirBundle } from '../../src/fhir/import-bundle.js';
import { formatImportSummary } from '../../src/fhir/import-summary.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';

const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';
const q = (value: number, unit: string) => ({ value, unit, system: UCUM, code: unit });
const code = (system: string, c: string) => ({ coding: [{ system, code: c }] });
const status = (c: string) => ({ coding: [{ code: c }] });
const ck = (extra: Record<string, unknown>) => ({ resourceType: 'Observation', id: 'ck', status: 'final', code: code(LOINC, '2157-6'), effectiveDateTime: '2026-11-10T08:00:00Z', valueQuantity: q(900, 'U/L'), referenceRange: [{ high: q(200, 'U/L') }], ...extra });
const condition = (id: string, c: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Condition', id, code: code(SCT, c), onsetDateTime: '2024-02-03', ...extra });
const medRequest = (id: string, rxnorm: string, start: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', medicationCodeableConcept: code(RX, rxnorm),
  dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start } } }, doseAndRate: [{ doseQuantity: q(20, 'mg') }] }], ...extra,
});

function imported(resources: Record<string, unknown>[], asOf?: string) {
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p', birthDate: '1970-01-01', gender: 'female' } }, ...resources.map((resource) => ({ resource }))] };
  return importFhirBundle(bundle, criteriaSet.dictionary, asOf ? { asOf } : {});
}

function at(obj: unknown, path: string): unknown {
  return path.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
}

describe('what each resource fills, and what stays unknown with a note', () => {
  test.each([
    { rule: 'lab with the reporting lab\'s range: value, unit, ULN, date', resources: [ck({})], path: 'labs.ck', value: { value: 900, unit: 'U/L', uln: 200, date: '2026-11-10' } },
    { rule: 'lab in µkat/L: kept as written, converted by the patient schema', resources: [ck({ valueQuantity: q(15, 'ukat/L'), referenceRange: [{ high: q(3.3, 'ukat/L') }] })], path: 'labs.ck', value: { value: 15, unit: 'ukat/L', uln: 3.3, date: '2026-11-10' } },
    { rule: 'lab with no reference range: no ULN, not imported', resources: [ck({ referenceRange: undefined })], path: 'labs.ck', value: undefined, note: /ULN is unknown/ },
    { rule: 'lab in a unit the dictionary cannot convert', resources: [ck({ valueQuantity: q(9, 'mg/dL') })], path: 'labs.ck', value: undefined, note: /unit "mg\/dL" cannot be converted to U\/L/ },
    { rule: 'lab with a comparator is not an exact number', resources: [ck({ valueQuantity: { ...q(5, 'U/L'), comparator: '<' } })], path: 'labs.ck', value: undefined, note: /"< 5", not an exact number/ },
    { rule: 'two different reference ranges', resources: [ck({ referenceRange: [{ high: q(200, 'U/L') }, { high: q(170, 'U/L') }] })], path: 'labs.ck', value: undefined, note: /several different reference ranges/ },
    { rule: 'range in another unit than the value', resources: [ck({ referenceRange: [{ high: q(3.3, 'ukat/L') }] })], path: 'labs.ck', value: undefined, note: /reference range is in ukat\/L/ },
    { rule: 'a preliminary result is not used', resources: [ck({ status: 'preliminary' })], path: 'labs.ck', value: undefined, note: /status preliminary/ },
    { rule: 'the latest of several results is used', resources: [ck({ id: 'old', effectiveDateTime: '2026-01-01' }), ck({ id: 'new', valueQuantity: q(400, 'U/L') })], path: 'labs.ck.value', value: 400, note: /an earlier labs.ck result; the latest \(2026-11-10\) is used/ },
    { rule: 'two different results on the same latest day stay unknown', resources: [ck({ id: 'a' }), ck({ id: 'b', valueQuantity: q(400, 'U/L') })], path: 'labs.ck', value: undefined, note: /different labs.ck results on 2026-11-10/ },
    { rule: 'a result after the screening date is not used', resources: [ck({ effectiveDateTime: '2026-11-17' })], asOf: '2026-11-16', path: 'labs.ck', value: undefined, note: /after the screening date 2026-11-16/ },
    { rule: 'on the screening date it is used (boundary)', resources: [ck({ effectiveDateTime: '2026-11-16T23:59:00-05:00' })], asOf: '2026-11-16', path: 'labs.ck.date', value: '2026-11-16' },
    { rule: 'body weight in pounds (UCUM [lb_av])', resources: [{ resourceType: 'Observation', id: 'w', status: 'final', code: code(LOINC, '29463-7'), effectiveDateTime: '2026-11-01', valueQuantity: q(150, '[lb_av]') }], path: 'demographics.weightKg', value: { value: 150, unit: 'lb' } },
    { rule: 'HBsAg coded positive', resources: [{ resourceType: 'Observation', id: 'h', status: 'final', code: code(LOINC, '5195-3'), effectiveDateTime: '2026-11-01', valueCodeableConcept: code(SCT, '10828004') }], path: 'infection.hbsagPositive', value: true },
    { rule: 'anti-HCV by interpretation NEG', resources: [{ resourceType: 'Observation', id: 'h', status: 'final', code: code(LOINC, '16128-1'), effectiveDateTime: '2026-11-01', interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'NEG' }] }] }], path: 'infection.antiHcvPositive', value: false },
    { rule: 'a free-text serology result stays unknown', resources: [{ resourceType: 'Observation', id: 'h', status: 'final', code: code(LOINC, '16128-1'), effectiveDateTime: '2026-11-01', valueString: 'reactive?' }], path: 'infection.antiHcvPositive', value: undefined, note: /not a coded positive or negative/ },
    { rule: 'confirmed dermatomyositis: subtype and onset date', resources: [condition('dm', '396230008', { verificationStatus: status('confirmed') })], path: 'diagnosis', value: { subtype: 'dm', date: '2024-02-03' } },
    { rule: 'no onset: the recorded date, said so', resources: [condition('dm', '396230008', { onsetDateTime: undefined, recordedDate: '2024-03-01' })], path: 'diagnosis.date', value: '2024-03-01', note: /date recorded \(2024-03-01\) is taken as the diagnosis date/ },
    { rule: 'a provisional diagnosis is not imported', resources: [condition('dm', '396230008', { verificationStatus: status('provisional') })], path: 'diagnosis', value: undefined, note: /provisional: not a confirmed diagnosis/ },
    { rule: 'an entered-in-error diagnosis is ignored', resources: [condition('dm', '396230008', { verificationStatus: status('entered-in-error') })], path: 'diagnosis', value: undefined, note: /entered-in-error: ignored/ },
    { rule: 'two different myositis diagnoses stay for a person', resources: [condition('dm', '396230008'), condition('pm', '31384009')], path: 'diagnosis', value: undefined, note: /different myositis diagnoses \(dm, pm\)/ },
    { rule: 'ICD-10-CM inclusion body myositis', resources: [{ ...condition('ibm', 'x'), code: code('http://hl7.org/fhir/sid/icd-10-cm', 'G72.41') }], path: 'diagnosis.subtype', value: 'ibm' },
    { rule: 'interstitial lung disease is evidence, never the answer', resources: [condition('ild', '233703007', { clinicalStatus: status('active') })], path: 'history', value: undefined, note: /history.ildUncontrolledOrRapid is for a person to decide/ },
    { rule: 'a resolved basal cell carcinoma', resources: [condition('bcc', '254701007', { clinicalStatus: status('resolved'), abatementDateTime: '2025-01-05' })], path: 'malignancies[0]', value: { type: 'basalCellSkin', diagnosisDate: '2024-02-03', active: false, resolvedDate: '2025-01-05' } },
    { rule: 'an active malignancy', resources: [condition('ca', '363346000', { clinicalStatus: status('active') })], path: 'malignancies[0]', value: { type: 'other', diagnosisDate: '2024-02-03', active: true } },
    { rule: 'a completed EMG', resources: [{ resourceType: 'Procedure', id: 'emg', status: 'completed', code: code(SCT, '42803009'), performedDateTime: '2026-10-01T10:00:00Z' }], path: 'procedures', value: [{ type: 'emg', date: '2026-10-01' }], note: /showsActiveDisease is for a person/ },
    { rule: 'a procedure not done is not imported', resources: [{ resourceType: 'Procedure', id: 'mri', status: 'not-done', code: code(SCT, '113091000'), performedDateTime: '2026-10-01' }], path: 'procedures', value: [], note: /status not-done/ },
    { rule: 'a prescription: daily dose in mg/day, ongoing', resources: [medRequest('m1', '8640', '2026-01-01')], path: 'medications', value: [{ drug: 'prednisone', start: '2026-01-01', ongoing: true, doses: [{ date: '2026-01-01', dose: 20, unit: 'mg/day' }] }] },
    { rule: 'twice daily counts twice', resources: [medRequest('m1', '8640', '2026-01-01', { dosageInstruction: [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd', boundsPeriod: { start: '2026-01-01' } } }, doseAndRate: [{ doseQuantity: q(5, 'mg') }] }] })], path: 'medications[0].doses[0]', value: { date: '2026-01-01', dose: 10, unit: 'mg/day' } },
    { rule: 'a dose in tablets is not a dose history', resources: [medRequest('m1', '8640', '2026-01-01', { dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: '2026-01-01' } } }, doseAndRate: [{ doseQuantity: q(2, '{tbl}') }] }] })], path: 'medications[0]', value: { drug: 'prednisone', start: '2026-01-01', ongoing: true }, note: /dose history left unknown/ },
    { rule: 'a dose change the next day continues the course', resources: [medRequest('a', '8640', '2026-01-01', { status: 'stopped', dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: '2026-01-01', end: '2026-02-28' } } }, doseAndRate: [{ doseQuantity: q(20, 'mg') }] }] }), medRequest('b', '8640', '2026-03-01')], path: 'medications.length', value: 1 },
    { rule: 'a gap of more than a day starts a new course', resources: [medRequest('a', '8640', '2026-01-01', { status: 'stopped', dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: '2026-01-01', end: '2026-02-27' } } }, doseAndRate: [{ doseQuantity: q(20, 'mg') }] }] }), medRequest('b', '8640', '2026-03-01')], path: 'medications', value: [{ drug: 'prednisone', start: '2026-01-01', stop: '2026-02-27', doses: [{ date: '2026-01-01', dose: 20, unit: 'mg/day' }] }, { drug: 'prednisone', start: '2026-03-01', ongoing: true, doses: [{ date: '2026-03-01', dose: 20, unit: 'mg/day' }] }] },
    { rule: 'stopped without an end date: last dose unknown', resources: [medRequest('a', '8640', '2026-01-01', { status: 'stopped' })], path: 'medications[0]', value: { drug: 'prednisone', start: '2026-01-01', doses: [{ date: '2026-01-01', dose: 20, unit: 'mg/day' }] }, note: /no end date: the date of the last dose is unknown/ },
    { rule: 'an ingredient through a Medication resource', resources: [{ resourceType: 'Medication', id: 'mtx', ingredient: [{ itemCodeableConcept: code(RX, '6851') }] }, { resourceType: 'MedicationStatement', id: 's', status: 'active', medicationReference: { reference: 'Medication/mtx' }, effectivePeriod: { start: '2025-05-01' } }], path: 'medications[0].drug', value: 'methotrexate' },
    { rule: 'a clinical-drug code is not guessed into an ingredient', resources: [medRequest('m1', '312617', '2026-01-01')], path: 'medications', value: [], note: /not an RxNorm ingredient the dictionary binds/ },
    { rule: 'a cancelled order is ignored', resources: [medRequest('m1', '121191', '2026-01-01', { status: 'cancelled' })], path: 'medications', value: [], note: /status cancelled: ignored/ },
    { rule: 'the prescribing date as start, said so', resources: [medRequest('m1', '6851', '2026-01-01', { authoredOn: '2025-12-20', dosageInstruction: [{ text: 'weekly' }] })], path: 'medications[0].start', value: '2025-12-20', note: /date prescribed \(2025-12-20\) is taken as the start/ },
  ])('$rule', ({ resources, asOf, path, value, note }) => {
    const r = imported(resources, asOf);
    expect(at(r.patient, path)).toEqual(value);
    if (note) expect(r.notes.map((n) => n.message)).toEqual(expect.arrayContaining([expect.stringMatching(note)]));
    // Whatever was imported is a valid patient file.
    expect(() => parsePatientData(r.patient, 'imported', criteriaSet.dictionary)).not.toThrow();
  });
});

describe('patient and bundle', () => {
  test.each([
    { birthDate: '1970', gender: 'female', path: 'demographics.birthDate', note: /"1970" is not a full date/ },
    { birthDate: '1970-01-01', gender: 'unknown', path: 'demographics.sex', note: /gender unknown: sex left unknown/ },
  ])('$path stays unknown for $birthDate / $gender', ({ birthDate, gender, path, note }) => {
    const r = importFhirBundle({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', id: 'p', birthDate, gender } }] }, criteriaSet.dictionary);
    expect(at(r.patient, path)).toBeUndefined();
    expect(r.notes.map((n) => n.message)).toEqual(expect.arrayContaining([expect.stringMatching(note)]));
  });

  test.each([
    { bundle: { resourceType: 'Patient' }, error: /\$\.resourceType: expected a FHIR Bundle, got a Patient resource/ },
    { bundle: [], error: /expected a FHIR Bundle/ },
    { bundle: { resourceType: 'Bundle', entry: {} }, error: /\$\.entry: must be a list/ },
    { bundle: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient' } }, { fullUrl: 'x' }] }, error: /\$\.entry\[1\]\.resource: must be a FHIR resource/ },
    { bundle: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', id: 'a' } }, { resource: { resourceType: 'Patient', id: 'b' } }] }, error: /2 Patient resources; import one patient's bundle at a time/ },
  ])('refused: $error', ({ bundle, error }) => {
    expect(() => importFhirBundle(bundle, criteriaSet.dictionary)).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ message: expect.anything() })] }));
    try {
      importFhirBundle(bundle, criteriaSet.dictionary);
    } catch (e) {
      const p = (e as { problems: { location: string; message: string }[] }).problems[0];
      expect(`${p?.location}: ${p?.message}`).toMatch(error);
    }
  });

  test('the summary groups notes by resource type, code and reason, with one example id', () => {
    const text = formatImportSummary(
      [
        { resource: 'Observation/a', code: 'LOINC 8302-2 Body Height', message: 'no dictionary field is bound to this code' },
        { resource: 'Observation/b', code: 'LOINC 8302-2 Body Height', message: 'no dictionary field is bound to this code' },
        { resource: 'Claim ×3', message: 'not used for screening' },
      ],
      'b.json',
    );
    expect(text).toBe('import: b.json: 3 notes (resource, code, why)\n  Observation ×2 LOINC 8302-2 Body Height: no dictionary field is bound to this code [Observation/a, …]\n  Claim ×3: not used for screening\n');
  });
});
