// The importer's rules, one small bundle per row: what it fills, what it leaves unknown and why.
import { describe, expect, test } from 'vitest';
import { importFhirBundle } from '../../src/fhir/import-bundle.js';
import { formatImportSummary } from '../../src/fhir/import-summary.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet, example, screenExample } from '../helpers/screening.js';

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

function imported(resources: Record<string, unknown>[], asOf?: string, bundleExtra: Record<string, unknown> = {}) {
  const bundle = { resourceType: 'Bundle', type: 'collection', ...bundleExtra, entry: [{ resource: { resourceType: 'Patient', id: 'p', birthDate: '1970-01-01', gender: 'female' } }, ...resources.map((resource) => ({ resource }))] };
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
    { rule: 'body weight in pounds (UCUM [lb_av])', resources: [{ resourceType: 'Observation', id: 'w', status: 'final', code: code(LOINC, '29463-7'), effectiveDateTime: '2026-11-01', valueQuantity: q(150, '[lb_av]') }], asOf: '2026-11-16', path: 'demographics.weightKg', value: { value: 150, unit: 'lb' } },
    { rule: 'HBsAg coded positive', resources: [{ resourceType: 'Observation', id: 'h', status: 'final', code: code(LOINC, '5195-3'), effectiveDateTime: '2026-11-01', valueCodeableConcept: code(SCT, '10828004') }], path: 'infection.hbsagPositive', value: true },
    { rule: 'anti-HCV by interpretation NEG', resources: [{ resourceType: 'Observation', id: 'h', status: 'final', code: code(LOINC, '16128-1'), effectiveDateTime: '2026-11-01', interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'NEG' }] }] }], path: 'infection.antiHcvPositive', value: false },
    { rule: 'a free-text serology result stays unknown', resources: [{ resourceType: 'Observation', id: 'h', status: 'final', code: code(LOINC, '16128-1'), effectiveDateTime: '2026-11-01', valueString: 'reactive?' }], path: 'infection.antiHcvPositive', value: undefined, note: /not a coded positive or negative/ },
    { rule: 'confirmed dermatomyositis: subtype and onset date', resources: [condition('dm', '396230008', { verificationStatus: status('confirmed') })], path: 'diagnosis', value: { subtype: 'dm', date: '2024-02-03' } },
    { rule: 'no onset: the date recorded is not the diagnosis date', resources: [condition('dm', '396230008', { onsetDateTime: undefined, recordedDate: '2024-03-01' })], path: 'diagnosis', value: { subtype: 'dm' }, note: /^no onset date; recorded 2024-03-01: the diagnosis date is left unknown — record it$/ },
    { rule: 'a provisional diagnosis is not imported', resources: [condition('dm', '396230008', { verificationStatus: status('provisional') })], path: 'diagnosis', value: undefined, note: /provisional: not a confirmed diagnosis/ },
    { rule: 'an entered-in-error diagnosis is ignored', resources: [condition('dm', '396230008', { verificationStatus: status('entered-in-error') })], path: 'diagnosis', value: undefined, note: /entered-in-error: ignored/ },
    { rule: 'two different myositis diagnoses stay for a person', resources: [condition('dm', '396230008'), condition('pm', '31384009')], path: 'diagnosis', value: undefined, note: /different myositis diagnoses \(dm, pm\)/ },
    { rule: 'ICD-10-CM inclusion body myositis', resources: [{ ...condition('ibm', 'x'), code: code('http://hl7.org/fhir/sid/icd-10-cm', 'G72.41') }], path: 'diagnosis.subtype', value: 'ibm' },
    { rule: 'interstitial lung disease is evidence, never the answer', resources: [condition('ild', '233703007', { clinicalStatus: status('active') })], path: 'history', value: undefined, note: /history.ildUncontrolledOrRapid is for a person to decide/ },
    // The status is the one at export: a person deciding about tuberculosis at screening is told so.
    { rule: 'resolved tuberculosis is evidence, its status the one at export', resources: [condition('tb', '56717001', { clinicalStatus: status('resolved') })], path: 'infection', value: undefined, note: /^on the record \(resolved at export\) since 2024-02-03: infection.tbRisk and infection.activeTbTreatedWithin3Years are for a person to decide$/ },
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
    // Not R4: the same names read differently in STU3 and DSTU2.
    ...[
      { resource: { resourceType: 'MedicationStatement', id: 'm', status: 'completed', taken: 'n' }, error: '$.entry[1].resource.taken: MedicationStatement "taken" is STU3 (R4 has status not-taken); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { resourceType: 'MedicationStatement', id: 'm', status: 'completed', wasNotTaken: true }, error: '$.entry[1].resource.wasNotTaken: MedicationStatement "wasNotTaken" is DSTU2 (R4 has status not-taken); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { resourceType: 'MedicationOrder', id: 'm', status: 'active' }, error: '$.entry[1].resource.resourceType: MedicationOrder is a DSTU2 resource, not R4; trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { resourceType: 'ProcedureRequest', id: 'x' }, error: '$.entry[1].resource.resourceType: ProcedureRequest is a STU3/DSTU2 resource, not R4; trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { ...condition('dm', '396230008'), clinicalStatus: 'active' }, error: '$.entry[1].resource.clinicalStatus: Condition "clinicalStatus" as a plain code ("active") is STU3/DSTU2 (R4 has a CodeableConcept); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { resourceType: 'AllergyIntolerance', id: 'a', verificationStatus: 'confirmed' }, error: '$.entry[1].resource.verificationStatus: AllergyIntolerance "verificationStatus" as a plain code ("confirmed") is STU3/DSTU2 (R4 has a CodeableConcept); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { resourceType: 'Procedure', id: 'bx', status: 'completed', notDone: true }, error: '$.entry[1].resource.notDone: Procedure "notDone" is STU3 (R4 has status not-done); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { resourceType: 'Procedure', id: 'bx', status: 'completed', notPerformed: true }, error: '$.entry[1].resource.notPerformed: Procedure "notPerformed" is DSTU2 (R4 has status not-done); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
      { resource: { ...condition('dm', '396230008'), patient: { reference: 'Patient/a' } }, error: '$.entry[1].resource.patient: Condition "patient" is DSTU2 (R4 has subject); trial-screen reads FHIR R4 only (convert the bundle to R4)' },
    ].map(({ resource, error }) => ({ bundle: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', id: 'a' } }, { resource }] }, error: new RegExp(`^${error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })),
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

// The reviewer's defects, one row each: the importer never guesses.
const hbsag = (id: string, date: string, extra: Record<string, unknown>) => ({ resourceType: 'Observation', id, status: 'final', code: code(LOINC, '5195-3'), effectiveDateTime: date, ...extra });
const POS = { valueCodeableConcept: code(SCT, '10828004') };
const NEG = { valueCodeableConcept: code(SCT, '260385009') };
const weight = (id: string, value: number, unit: string) => ({ resourceType: 'Observation', id, status: 'final', code: code(LOINC, '29463-7'), effectiveDateTime: '2026-11-01', valueQuantity: q(value, unit) });
const dosed = (dosageInstruction: unknown[]) => medRequest('m1', '8640', '2026-01-01', { dosageInstruction });
const daily = (repeat: Record<string, unknown>, dose = 10, extra: Record<string, unknown> = {}) => ({ timing: { repeat: { boundsPeriod: { start: '2026-01-01' }, ...repeat } }, doseAndRate: [{ doseQuantity: q(dose, 'mg') }], ...extra });
const withEnd = (status: string, end: string) => medRequest('m1', '8640', '2026-01-01', { status, dosageInstruction: [daily({ frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: '2026-01-01', end } })] });
const range = (high: unknown, extra: Record<string, unknown> = {}) => ({ high, ...extra });

describe('never guessing: what cannot be read faithfully stays unknown, with a note naming the resource', () => {
  test.each([
    // D1: the latest result decides, even when it cannot be read.
    { rule: 'D1 the latest HBsAg is free text: unknown, not the older negative', resources: [hbsag('old', '2025-01-01', NEG), hbsag('new', '2026-10-01', { valueString: 'Reactive' })], path: 'infection.hbsagPositive', value: undefined, note: /the latest infection.hbsagPositive result \(2026-10-01\) cannot be read: infection.hbsagPositive left unknown; 1 older result is not used/, resource: 'Observation/new' },
    { rule: 'D1 the latest CK has a comparator: unknown, not the older value', resources: [ck({ id: 'old', effectiveDateTime: '2026-01-01' }), ck({ id: 'new', valueQuantity: { ...q(5000, 'U/L'), comparator: '>' } })], path: 'labs.ck', value: undefined, note: /latest labs.ck result \(2026-11-10\) cannot be read/ },
    { rule: 'D1 the latest weight in grams: unknown, not the older kg', resources: [{ ...weight('old', 70, 'kg'), effectiveDateTime: '2025-01-01' }, weight('new', 70000, 'g')], path: 'demographics.weightKg', value: undefined, note: /latest demographics.weightKg result \(2026-11-01\) cannot be read/ },
    { rule: 'D1 an older unreadable result does not hide a newer readable one', resources: [hbsag('old', '2025-01-01', { valueString: 'Reactive' }), hbsag('new', '2026-10-01', POS)], path: 'infection.hbsagPositive', value: true },
    // D2: not an order of a drug given.
    { rule: 'D2 doNotPerform is not a drug given', resources: [medRequest('m1', '121191', '2026-01-01', { doNotPerform: true })], path: 'medications', value: [], note: /doNotPerform: an instruction not to give it; ignored/, resource: 'MedicationRequest/m1' },
    ...['plan', 'proposal', 'option'].map((intent) => ({ rule: `D2 intent ${intent} is not an order`, resources: [medRequest('m1', '121191', '2026-01-01', { intent })], path: 'medications', value: [], note: new RegExp(`intent ${intent}: not an order; ignored`) })),
    { rule: 'D2 intent original-order is an order', resources: [medRequest('m1', '121191', '2026-01-01', { intent: 'original-order' })], path: 'medications[0].drug', value: 'rituximab' },
    // D3 / D4: a recorded end against the screening date.
    { rule: 'D3 active, but ended before the screening date: not ongoing, stop = end', resources: [withEnd('active', '2026-06-30')], asOf: '2026-11-16', path: 'medications[0]', value: { drug: 'prednisone', start: '2026-01-01', stop: '2026-06-30', doses: [{ date: '2026-01-01', dose: 10, unit: 'mg/day' }] }, note: /status active, but it ended on 2026-06-30, before the screening date/ },
    { rule: 'D3 active, ending after the screening date: ongoing (a planned end)', resources: [withEnd('active', '2027-06-30')], asOf: '2026-11-16', path: 'medications[0].ongoing', value: true },
    { rule: 'D3 active with an end and no screening date: whether still taken is unknown', resources: [withEnd('active', '2026-06-30')], path: 'medications[0]', value: { drug: 'prednisone', start: '2026-01-01', doses: [{ date: '2026-01-01', dose: 10, unit: 'mg/day' }] }, note: /no screening date: whether it is still taken is unknown/ },
    { rule: 'D3 a statement active with a past effectivePeriod.end', resources: [{ resourceType: 'MedicationStatement', id: 's', status: 'active', medicationCodeableConcept: code(RX, '6851'), effectivePeriod: { start: '2025-01-01', end: '2026-03-01' } }], asOf: '2026-11-16', path: 'medications[0]', value: { drug: 'methotrexate', start: '2025-01-01', stop: '2026-03-01' } },
    { rule: 'D4 completed with a planned end after the screening date: last dose unknown', resources: [withEnd('completed', '2027-01-31')], asOf: '2026-11-16', path: 'medications[0]', value: { drug: 'prednisone', start: '2026-01-01', doses: [{ date: '2026-01-01', dose: 10, unit: 'mg/day' }] }, note: /a planned end, not the last dose; the date of the last dose is unknown/ },
    { rule: 'D4 stopped on the screening date: that is the last dose (boundary)', resources: [withEnd('stopped', '2026-11-16')], asOf: '2026-11-16', path: 'medications[0].stop', value: '2026-11-16' },
    // D5: doses that need interpreting.
    { rule: 'D5 two dosage instructions: dose unknown', resources: [dosed([daily({ frequency: 1, periodUnit: 'd' }), daily({ frequency: 1, periodUnit: 'd' }, 5)])], path: 'medications[0].doses', value: undefined, note: /several dosage instructions: dose history left unknown/ },
    { rule: 'D5 a taper (sequenced instructions): dose unknown', resources: [dosed([daily({ frequency: 1, periodUnit: 'd' }, 40, { sequence: 1 }), daily({ frequency: 1, periodUnit: 'd' }, 20, { sequence: 2 })])], path: 'medications[0].doses', value: undefined, note: /a taper/ },
    { rule: 'D5 two doseAndRate entries: dose unknown', resources: [dosed([{ ...daily({ frequency: 1, periodUnit: 'd' }), doseAndRate: [{ doseQuantity: q(10, 'mg') }, { doseQuantity: q(5, 'mg') }] }])], path: 'medications[0].doses', value: undefined, note: /several doses in one instruction/ },
    { rule: 'D5 a timing code (BID) without a frequency: dose unknown', resources: [dosed([{ ...daily({ period: 1, periodUnit: 'd' }), timing: { code: { text: 'BID' }, repeat: { period: 1, periodUnit: 'd' } } }])], path: 'medications[0].doses', value: undefined, note: /timing code \(BID\) without an explicit frequency/ },
    { rule: 'D5 two times of day, no frequency: exactly twice a day', resources: [dosed([daily({ period: 1, periodUnit: 'd', timeOfDay: ['08:00:00', '20:00:00'] })])], path: 'medications[0].doses[0]', value: { date: '2026-01-01', dose: 20, unit: 'mg/day' } },
    { rule: 'D5 when [MORN, EVE] with frequency 2: twice a day', resources: [dosed([daily({ frequency: 2, period: 1, periodUnit: 'd', when: ['MORN', 'EVE'] })])], path: 'medications[0].doses[0].dose', value: 20 },
    { rule: 'D5 times of day that contradict the frequency: unknown', resources: [dosed([daily({ frequency: 1, period: 1, periodUnit: 'd', timeOfDay: ['08:00:00', '20:00:00'] })])], path: 'medications[0].doses', value: undefined, note: /do not agree with the frequency/ },
    { rule: 'D5 methotrexate on Monday and Thursday: twice a week', resources: [medRequest('m1', '6851', '2026-01-01', { dosageInstruction: [daily({ period: 1, periodUnit: 'wk', dayOfWeek: ['mon', 'thu'] })] })], path: 'medications[0].doses[0]', value: { date: '2026-01-01', dose: 20, unit: 'mg/week' } },
    { rule: 'D5 as needed: dose unknown', resources: [dosed([daily({ frequency: 1, periodUnit: 'd' }, 10, { asNeededBoolean: true })])], path: 'medications[0].doses', value: undefined, note: /taken as needed/ },
    // D6: an allow-list of statuses.
    ...['retracted', 'partial', 'final ', undefined].map((st) => ({ rule: `D6 status ${String(st)} is not a final result`, resources: [ck({ status: st })], path: 'labs.ck', value: undefined, note: new RegExp(`status ${st === undefined ? 'not given' : st}: not a final result`) })),
    { rule: 'D6 corrected is final', resources: [ck({ status: 'corrected' })], path: 'labs.ck.value', value: 900 },
    // D7: another patient.
    { rule: 'D7 an observation about another patient is not used', resources: [ck({ subject: { reference: 'Patient/other' } })], path: 'labs.ck', value: undefined, note: /about another patient \(Patient\/other\), not Patient\/p: not used/, resource: 'Observation/ck' },
    { rule: 'D7 a rituximab order for another patient is not used', resources: [medRequest('m1', '121191', '2026-01-01', { subject: { reference: 'urn:uuid:someone-else' } })], path: 'medications', value: [], note: /about another patient/ },
    { rule: 'D7 a server URL, and the Patient has no server address to match it: not used', resources: [ck({ subject: { reference: 'https://ehr.example/fhir/Patient/p' } })], path: 'labs.ck', value: undefined, note: /^names its patient by a server address \(https:\/\/ehr.example\/fhir\/Patient\/p\), and Patient\/p has none in the bundle/ },
    // D8: copies of one resource.
    { rule: 'D8 two different copies with no version: neither is used', resources: [ck({}), ck({ status: 'entered-in-error' })], path: 'labs.ck', value: undefined, note: /2 different copies of this resource and nothing says which is current: not used/, resource: 'Observation/ck' },
    { rule: 'D8 the newest versionId is used', resources: [ck({ meta: { versionId: '2' }, valueQuantity: q(400, 'U/L') }), ck({ meta: { versionId: '1' } })], path: 'labs.ck.value', value: 400, note: /2 versions of this resource: the newest is used/ },
    { rule: 'D8 the newest version is entered-in-error: not used', resources: [ck({ meta: { versionId: '1' } }), ck({ meta: { versionId: '10' }, status: 'entered-in-error' })], path: 'labs.ck', value: undefined },
    { rule: 'D8 identical copies are one', resources: [ck({}), ck({})], path: 'labs.ck.value', value: 900 },
    { rule: 'D8 an OperationOutcome warns the bundle may be partial', resources: [{ resourceType: 'OperationOutcome', id: 'oo', issue: [{ severity: 'warning', code: 'incomplete' }] }], path: 'labs', value: undefined, note: /the bundle may be incomplete/ },
    // D9: the HL7 coding, wherever it is.
    { rule: 'D9 verification status: the HL7 coding second, after a local one', resources: [condition('dm', '396230008', { verificationStatus: { coding: [{ system: 'urn:local', code: 'C' }, { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }] } })], path: 'diagnosis', value: undefined, note: /verification status refuted: ignored/ },
    { rule: 'D9 verification status only in a local code system: not imported', resources: [condition('dm', '396230008', { verificationStatus: { coding: [{ system: 'urn:local', code: 'confirmed' }] } })], path: 'diagnosis', value: undefined, note: /whether it is confirmed is unknown; not imported/ },
    { rule: 'D9 clinical status: the HL7 coding second', resources: [condition('ca', '363346000', { clinicalStatus: { coding: [{ system: 'urn:local', code: 'A' }, { system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } })], path: 'malignancies[0].active', value: true },
    // D11: one impossible value leaves that field unknown, the rest is imported.
    { rule: 'D11 ULN 0', resources: [ck({ referenceRange: [range(q(0, 'U/L'))] }), hbsag('h', '2026-10-01', POS)], path: 'labs.ck', value: undefined, note: /upper limit 0 is not a positive number/, resource: 'Observation/ck', also: { path: 'infection.hbsagPositive', value: true } },
    { rule: 'D11 weight -70 kg', resources: [weight('w', -70, 'kg')], path: 'demographics.weightKg', value: undefined, note: /-70 kg is outside the possible range/, resource: 'Observation/w' },
    { rule: 'D11 weight 1e400 (Infinity)', resources: [weight('w', Number.POSITIVE_INFINITY, 'kg')], path: 'demographics.weightKg', value: undefined, note: /not a finite number/ },
    { rule: 'D11 a negative lab value', resources: [ck({ valueQuantity: q(-5, 'U/L') })], path: 'labs.ck', value: undefined, note: /negative/ },
    // D12: which range is the ULN.
    { rule: 'D12 a range with no unit', resources: [ck({ referenceRange: [range({ value: 200 })] })], path: 'labs.ck', value: undefined, note: /the reference range has no unit/ },
    { rule: 'D12 a range for one sex is not used, the general one is', resources: [ck({ referenceRange: [range(q(170, 'U/L'), { appliesTo: [code(SCT, '248152002')] }), range(q(200, 'U/L'))] })], path: 'labs.ck.uln', value: 200, note: /subgroup \(appliesTo\)/ },
    { rule: 'D12 only a range for one sex: ULN unknown', resources: [ck({ referenceRange: [range(q(170, 'U/L'), { appliesTo: [code(SCT, '248152002')] })] })], path: 'labs.ck', value: undefined, note: /ULN is unknown/ },
    { rule: 'D12 a therapeutic range is not the ULN', resources: [ck({ referenceRange: [range(q(500, 'U/L'), { type: code('http://terminology.hl7.org/CodeSystem/referencerange-meaning', 'therapeutic') })] })], path: 'labs.ck', value: undefined, note: /ULN is unknown/ },
    { rule: 'D12 a range typed normal is the ULN', resources: [ck({ referenceRange: [range(q(200, 'U/L'), { type: code('http://terminology.hl7.org/CodeSystem/referencerange-meaning', 'normal') })] })], path: 'labs.ck.uln', value: 200 },
    // D13: the whole dateTime is checked.
    ...['2026-11-10garbage', '2026-11-10T25:00:00Z', '2026-11-10T08:00', '2026-11-10T08:00:00', '2026-02-30'].map((d) => ({ rule: `D13 "${d}" is not a FHIR dateTime`, resources: [ck({ effectiveDateTime: d })], path: 'labs.ck', value: undefined, note: /not a valid FHIR date: not used/ })),
    { rule: 'D13 a dateTime with fractional seconds and an offset is valid', resources: [ck({ effectiveDateTime: '2026-11-10T08:00:00.123+14:00' })], path: 'labs.ck.date', value: '2026-11-10' },
    // Bindings added after verification.
    { rule: 'HBsAg by immunoassay (LOINC 5196-1)', resources: [{ ...hbsag('h', '2026-10-01', POS), code: code(LOINC, '5196-1') }], path: 'infection.hbsagPositive', value: true },
    { rule: 'anti-HCV by immunoassay (LOINC 13955-0)', resources: [{ ...hbsag('h', '2026-10-01', NEG), code: code(LOINC, '13955-0') }], path: 'infection.antiHcvPositive', value: false },
    ...['M33.12', 'M33.21', 'M33.22', 'M33.29'].map((icd) => ({ rule: `ICD-10-CM ${icd}`, resources: [{ ...condition('c', 'x'), code: code('http://hl7.org/fhir/sid/icd-10-cm', icd) }], path: 'diagnosis.subtype', value: icd === 'M33.12' ? 'dm' : 'pm' })),
  ] as { rule: string; resources: Record<string, unknown>[]; asOf?: string; path: string; value: unknown; note?: RegExp; resource?: string; also?: { path: string; value: unknown } }[])('$rule', ({ resources, asOf, path, value, note, resource, also }) => {
    const r = imported(resources, asOf);
    expect(at(r.patient, path)).toEqual(value);
    if (note) expect(r.notes.map((n) => n.message)).toEqual(expect.arrayContaining([expect.stringMatching(note)]));
    if (resource) expect(r.notes.filter((n) => note?.test(n.message)).map((n) => n.resource)).toContain(resource);
    if (also) expect(at(r.patient, also.path)).toEqual(also.value);
    expect(() => parsePatientData(r.patient, 'imported', criteriaSet.dictionary)).not.toThrow();
  });

  test.each([
    { damage: 'coding as an object', resource: ck({ code: { coding: { system: LOINC, code: '2157-6' } } }), path: '$.entry[1].resource.code.coding' },
    { damage: 'coding: [null]', resource: ck({ code: { coding: [null] } }), path: '$.entry[1].resource.code.coding[0]' },
    { damage: 'referenceRange as an object', resource: ck({ referenceRange: { high: q(200, 'U/L') } }), path: '$.entry[1].resource.referenceRange' },
    { damage: 'interpretation as an object', resource: hbsag('ck', '2026-10-01', { interpretation: { coding: [] } }), path: '$.entry[1].resource.interpretation' },
    { damage: 'a value as a string', resource: ck({ valueQuantity: { value: '900', unit: 'U/L' } }), path: '$.entry[1].resource.valueQuantity.value' },
    { damage: 'ingredient as an object', resource: { resourceType: 'Medication', id: 'ck', ingredient: { itemCodeableConcept: code(RX, '6851') } }, path: '$.entry[1].resource.ingredient' },
    { damage: 'dosageInstruction timing as a string', resource: medRequest('ck', '8640', '2026-01-01', { dosageInstruction: [{ timing: 'daily' }] }), path: '$.entry[1].resource.dosageInstruction[0].timing' },
  ])('D10 $damage: the resource is left out with a note naming the JSON path', ({ resource, path }) => {
    const r = imported([resource]);
    expect(r.notes).toContainEqual({ resource: `${resource.resourceType}/ck`, message: `${path} has the wrong type; not used` });
  });

  test.each([
    { bundle: { resourceType: 'Bundle', type: 'history', entry: [] }, error: /\$\.type: a history bundle holds past versions/ },
    { bundle: { resourceType: 'Bundle', entry: [{ resource: ck({ subject: { reference: 'Patient/a' } }) }, { resource: ck({ id: 'x', subject: { reference: 'Patient/b' } }) }] }, error: /no Patient resource, and the resources are about 2 different patients/ },
    // The same relative Patient/a in entries on two servers names two records.
    { bundle: { resourceType: 'Bundle', entry: [{ fullUrl: 'https://a.example/fhir/Observation/ck', resource: ck({ subject: { reference: 'Patient/a' } }) }, { fullUrl: 'https://b.example/fhir/Observation/x', resource: ck({ id: 'x', subject: { reference: 'Patient/a' } }) }] }, error: /no Patient resource, and the resources are about 2 different patients/ },
  ])('D7/D8 refused: $error', ({ bundle, error }) => {
    expect(() => importFhirBundle(bundle, criteriaSet.dictionary)).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ location: expect.stringMatching(/^\$/) })] }));
    try {
      importFhirBundle(bundle, criteriaSet.dictionary);
    } catch (e) {
      const p = (e as { problems: { location: string; message: string }[] }).problems[0];
      expect(`${p?.location}: ${p?.message}`).toMatch(error);
    }
  });

  test('D8 a searchset with a next page warns that the bundle may be partial', () => {
    const r = importFhirBundle({ resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: 'https://ehr.example/fhir/Observation?page=2' }], entry: [] }, criteriaSet.dictionary);
    expect(r.notes).toContainEqual({ resource: 'Bundle', message: expect.stringMatching(/links to a next page\): the bundle may be incomplete/) });
  });
});

// The run-through's defects: each wrong call, with the value imported, the note, and the verdict.
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const resolvedCancer = (id: string, extra: Record<string, unknown>) => ({ resourceType: 'Condition', id, clinicalStatus: { coding: [{ system: CLINICAL, code: 'resolved' }] }, code: code(SCT, '363346000'), ...extra });
/** The imported patient as screened on the run-through's dates, optionally with the malignancy list confirmed. */
function screened(trialId: string, r: ReturnType<typeof imported>, confirm: string[] = []) {
  const patient = structuredClone(r.patient) as Record<string, any>;
  patient.referenceDates = { screening: '2026-11-16', consent: '2026-11-10', randomization: '2026-12-01' };
  for (const list of confirm) patient.completeness[list] = { complete: true, by: 'Dr A (PI)', date: '2026-11-16' };
  const result = screenExample(trialId, patient);
  return { verdict: result.verdict, outcome: (id: string) => result.criteria.find((c) => c.id === id)?.outcome };
}
const messages = (r: ReturnType<typeof imported>) => r.notes.map((n) => `${n.resource}: ${n.message}`);
/** NCT04946669's eligible example with the imported malignancy list (and the investigator's E3 decision, if any). */
function withImportedCancer(r: ReturnType<typeof imported>, decision?: 'yes' | 'no') {
  const patient = example('nct04946669-eligible');
  patient.malignancies = r.patient.malignancies;
  if (decision) patient.reviews = { NCT04946669: { 'E3-malignancy': { decision, by: 'Dr A (PI)', date: '2026-11-16' } } };
  const result = screenExample('NCT04946669', patient);
  return { e3: result.criteria.find((c) => c.id === 'E3')?.outcome, verdict: result.verdict };
}

describe('Condition dates: never the date recorded, never a partial date completed', () => {
  test('a resolved cancer with onset "2010", abatement "2011" and recorded 2024: both dates unknown, noted; E7 and E12 open, not failed', () => {
    const r = imported([condition('dm', '396230008', { onsetDateTime: '2024-02-10' }), resolvedCancer('ca1', { onsetDateTime: '2010', abatementDateTime: '2011', recordedDate: '2024-03-01' })], '2026-11-16');
    expect(r.patient.malignancies).toEqual([{ type: 'other', active: false }]);
    expect(messages(r)).toEqual(expect.arrayContaining([
      'Condition/ca1: onset "2010" is only a year; recorded 2024-03-01: the diagnosis date is left unknown — record it',
      'Condition/ca1: abatement "2011" is only a year: the resolution date is left unknown — record it',
    ]));
    const s = screened('IM101-611', r, ['malignancies']);
    expect([s.outcome('E7'), s.outcome('E12')]).toEqual(['unknown', 'unknown']);
    expect(s.verdict).not.toBe('ineligible');
  });

  test('a resolved cancer with no dates but the one recorded, the abatement as text: neither date, nor whether it was active at screening', () => {
    const r = imported([resolvedCancer('ca2', { abatementString: 'years ago', recordedDate: '2024-03-01' })]);
    expect(r.patient.malignancies).toEqual([{ type: 'other' }]);
    expect(messages(r)).toEqual(expect.arrayContaining([
      'Condition/ca2: no onset date; recorded 2024-03-01: the diagnosis date is left unknown — record it',
      'Condition/ca2: abatement given as text ("years ago"), and resolved is its status at export (no Bundle.timestamp says when): whether it was active on the screening date (not given) is unknown — record the resolution date',
    ]));
  });

  test('myositis with onset "2021", recorded 2024-01-10, cancer 2020-06-01: diagnosis date unknown, E7 open instead of passed', () => {
    const r = imported([condition('dm', '396230008', { onsetDateTime: '2021', recordedDate: '2024-01-10' }), resolvedCancer('ca', { onsetDateTime: '2020-06-01', abatementDateTime: '2021-01-15' })], '2026-11-16');
    expect(r.patient.diagnosis).toEqual({ subtype: 'dm' });
    expect(messages(r)).toContain('Condition/dm: onset "2021" is only a year; recorded 2024-01-10: the diagnosis date is left unknown — record it');
    expect(screened('IM101-611', r, ['malignancies']).outcome('E7')).toBe('unknown');
  });

  test('a partial onset recorded after the screening date: the recorded date decides nothing; the diagnosis is kept, its date unknown', () => {
    const r = imported([condition('dm', '396230008', { onsetDateTime: '2021', recordedDate: '2026-12-01' })], '2026-11-16');
    expect(r.patient.diagnosis).toEqual({ subtype: 'dm' });
    expect(messages(r)).toEqual(['Condition/dm: onset "2021" is only a year; recorded 2026-12-01: the diagnosis date is left unknown — record it']);
  });

  test('an active cancer with onset "2027-03", after the screening date, is set aside, not present at screening; E12 not met by it', () => {
    const r = imported([condition('dm', '396230008'), { ...condition('ca', '363346000', { onsetDateTime: '2027-03' }), clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] } }], '2026-11-16');
    expect(r.patient.malignancies).toEqual([]);
    expect(messages(r)).toContain('Condition/ca: onset "2027-03", after the screening date 2026-11-16; not used');
    expect(screened('IM101-611', r, ['malignancies']).outcome('E12')).toBe('not_met');
  });

  test('an onset "2026-11" that may be before the screening date is kept, its date unknown; whether it was present then is for a person', () => {
    const r = imported([{ ...condition('ca', '363346000', { onsetDateTime: '2026-11' }), clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] } }], '2026-11-16');
    expect(r.patient.malignancies).toEqual([{ type: 'other' }]);
    expect(messages(r)).toContain('Condition/ca: active, onset "2026-11": nothing places it on or before the screening date 2026-11-16; whether it was present then is for a person');
  });

  test.each([
    ['recorded after the screening date, no onset: not placed then, present left unknown', { recordedDate: '2026-12-01' }, undefined],
    ['recorded on the screening date, no onset: present', { recordedDate: '2026-11-16' }, true],
    ['onset "2026-10", wholly before the screening date: present', { onsetDateTime: '2026-10', recordedDate: '2026-12-01' }, true],
  ])('an active cancer %s', (_n, dates, active) => {
    const { onsetDateTime: _none, ...undated } = condition('ca', '363346000');
    const r = imported([condition('dm', '396230008'), { ...undated, ...dates, clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] } }], '2026-11-16');
    expect(r.patient.malignancies).toEqual([{ type: 'other', ...(active ? { active } : {}) }]);
    // A cancer first recorded after screening made the patient INELIGIBLE (E3, "such as tumor"): now unknown.
    expect(screened('NCT04946669', r, ['malignancies']).outcome('E3')).toBe(active ? 'met' : 'unknown');
  });

  test.each([
    { rule: 'on 2027-01-15', abatement: '2027-01-15', when: 'on 2027-01-15' },
    { rule: 'in "2027"', abatement: '2027', when: 'in "2027"' },
  ])('a cancer resolved $rule, after the screening date, was not resolved then: active unknown; E12 open', ({ abatement, when }) => {
    const r = imported([condition('dm', '396230008'), resolvedCancer('ca', { onsetDateTime: '2018-01-01', abatementDateTime: abatement })], '2026-11-16');
    expect(r.patient.malignancies).toEqual([{ type: 'other', diagnosisDate: '2018-01-01' }]);
    expect(messages(r)).toContain(`Condition/ca: resolved ${when}, after the screening date 2026-11-16: whether it was active then is for a person`);
    expect(screened('IM101-611', r, ['malignancies']).outcome('E12')).toBe('unknown');
  });

  // clinicalStatus is the status at export: without a resolution date it says nothing of the
  // screening date, unless the export (Bundle.timestamp, an instant) is not after it.
  test.each([
    { rule: 'no abatement date, no Bundle.timestamp', dates: {}, active: undefined, note: 'no abatement date, and resolved is its status at export (no Bundle.timestamp says when): whether it was active on the screening date 2026-11-16 is unknown — record the resolution date' },
    { rule: 'no abatement date, exported after the screening date', dates: {}, timestamp: '2026-12-01T09:00:00Z', active: undefined, note: 'no abatement date, and resolved is its status at export on 2026-12-01: whether it was active on the screening date 2026-11-16 is unknown — record the resolution date' },
    { rule: 'no abatement date, exported the day after as written', dates: {}, timestamp: '2026-11-17T00:30:00+01:00', active: undefined, note: /status at export on 2026-11-17: whether it was active/ },
    // A Bundle.timestamp that is there but not an instant is named as such, not as missing.
    { rule: 'no abatement date, a timestamp that is not an instant (no time)', dates: {}, timestamp: '2026-11-10', active: undefined, note: /^no abatement date, and resolved is its status at export \(Bundle.timestamp "2026-11-10" is not a valid instant\): / },
    { rule: 'no abatement date, a timestamp with no zone', dates: {}, timestamp: '2026-11-10T08:00:00', active: undefined, note: 'no abatement date, and resolved is its status at export (Bundle.timestamp "2026-11-10T08:00:00" is not a valid instant): whether it was active on the screening date 2026-11-16 is unknown — record the resolution date' },
    { rule: 'no abatement date, a timestamp on an impossible date', dates: {}, timestamp: '2026-02-30T08:00:00Z', active: undefined, note: /\(Bundle.timestamp "2026-02-30T08:00:00Z" is not a valid instant\)/ },
    { rule: 'no abatement date, exported on the screening date (boundary)', dates: {}, timestamp: '2026-11-16T23:00:00-05:00', active: false, note: 'no abatement date: the resolution date is left unknown — record it; resolved at export on 2026-11-16, not after the screening date' },
    { rule: 'no abatement date, exported before the screening date', dates: {}, timestamp: '2026-11-10T08:00:00Z', active: false },
    { rule: 'in remission, no abatement date', dates: {}, status: 'remission', active: undefined, note: /^no abatement date, and remission is its status at export/ },
    { rule: 'inactive, an abatement period without an end', dates: { abatementPeriod: { start: '2019-01-01' } }, status: 'inactive', active: undefined, note: /^abatement period without an end, and inactive is its status at export/ },
    { rule: 'abatement as text', dates: { abatementString: 'last year' }, active: undefined, note: /^abatement given as text \("last year"\), and resolved is its status/ },
    { rule: 'abatement "2026-11", which may be after the screening date', dates: { abatementDateTime: '2026-11' }, active: undefined, note: /^abatement "2026-11" is only a year and month, and resolved is its status at export/ },
    { rule: 'abatement "2026-11", exported before the screening date', dates: { abatementDateTime: '2026-11' }, timestamp: '2026-11-10T08:00:00Z', active: false },
    { rule: 'abatement "2026-10", wholly before the screening date', dates: { abatementDateTime: '2026-10' }, active: false, note: 'abatement "2026-10" is only a year and month: the resolution date is left unknown — record it' },
    { rule: 'abatement on the screening date (boundary)', dates: { abatementDateTime: '2026-11-16' }, timestamp: '2026-12-01T09:00:00Z', active: false, resolvedDate: '2026-11-16' },
  ] as { rule: string; dates: Record<string, unknown>; status?: string; timestamp?: string; active?: boolean; resolvedDate?: string; note?: string | RegExp }[])('a resolved cancer, $rule: active $active', ({ dates, status, timestamp, active, resolvedDate, note }) => {
    const cancer = resolvedCancer('ca', { onsetDateTime: '2018-01-01', ...dates, ...(status ? { clinicalStatus: { coding: [{ system: CLINICAL, code: status }] } } : {}) });
    const r = imported([condition('dm', '396230008'), cancer], '2026-11-16', timestamp ? { timestamp } : {});
    expect(r.patient.malignancies).toEqual([{ type: 'other', diagnosisDate: '2018-01-01', ...(active !== undefined ? { active } : {}), ...(resolvedDate ? { resolvedDate } : {}) }]);
    const caNotes = messages(r).filter((m) => m.startsWith('Condition/ca: ')).map((m) => m.slice('Condition/ca: '.length));
    if (typeof note === 'string') expect(caNotes).toContain(note);
    else if (note) expect(caNotes.some((m) => note.test(m)), caNotes.join('\n')).toBe(true);
    // NCT04946669 E3: a cancer no longer present goes to the investigator; one whose presence at screening is unknown stays unknown.
    expect(withImportedCancer(r).e3).toBe(active === false ? 'needs_review' : 'unknown');
  });

  test('a resolved cancer with no abatement date and no screening date: active unknown, the screening date named', () => {
    const r = imported([resolvedCancer('ca', { onsetDateTime: '2018-01-01' })], undefined, { timestamp: '2026-11-10T08:00:00Z' });
    expect(r.patient.malignancies).toEqual([{ type: 'other', diagnosisDate: '2018-01-01' }]);
    expect(messages(r)).toContain('Condition/ca: no abatement date, and resolved is its status at export on 2026-11-10: whether it was active on the screening date (not given) is unknown — record the resolution date');
  });

  test('a cancer resolved a week after screening, exported later with no abatement date: NCT04946669 E3 open, not cleared by an investigator\'s "no longer present" decision', () => {
    const r = imported([resolvedCancer('ca', { onsetDateTime: '2018-01-01' })], '2026-11-16', { timestamp: '2026-12-01T09:00:00Z' });
    // Before, active: false made E3 a question about a cancer "no longer present"; answered no, the patient was eligible.
    expect(withImportedCancer(r, 'no')).toEqual({ e3: 'unknown', verdict: 'undetermined' });
  });

  test.each([
    { rule: 'a year and month is not a day', conditions: [condition('dm', '396230008', { onsetDateTime: '2024-02' })], date: undefined, note: 'Condition/dm: onset "2024-02" is only a year and month: the diagnosis date is left unknown — record it' },
    { rule: 'an onset given as an age', conditions: [condition('dm', '396230008', { onsetDateTime: undefined, onsetAge: { value: 48, unit: 'a' } })], date: undefined, note: 'Condition/dm: onset given as an age: the diagnosis date is left unknown — record it' },
    { rule: 'a partial onset that may be earlier leaves the full one in doubt', conditions: [condition('a', '396230008', { onsetDateTime: '2024-02-03' }), condition('b', '396230008', { onsetDateTime: '2024' })], date: undefined, note: 'Condition/b: onset "2024" is only a year: the diagnosis date (the onset 2024-02-03 of Condition/a may not be the first) is left unknown — record it' },
    { rule: 'a record of the same diagnosis with no onset leaves the first onset in doubt', conditions: [condition('a', '396230008'), condition('b', '396230008', { onsetDateTime: undefined })], date: undefined, note: 'Condition/b: no onset date: the diagnosis date (the onset 2024-02-03 of Condition/a may not be the first) is left unknown — record it' },
    { rule: 'a partial onset that cannot be earlier does not (both conditions are the source)', conditions: [condition('a', '396230008', { onsetDateTime: '2021-03-05' }), condition('b', '396230008', { onsetDateTime: '2024-02' })], date: '2021-03-05', source: 'Condition/a, Condition/b' },
  ] as { rule: string; conditions: Record<string, unknown>[]; date?: string; note?: string; source?: string }[])('diagnosis date: $rule', ({ conditions, date, note, source }) => {
    const r = imported(conditions);
    expect(r.patient.diagnosis).toEqual({ subtype: 'dm', ...(date ? { date } : {}) });
    if (note) expect(messages(r)).toContain(note);
    if (source) expect(at(r.patient, 'provenance')).toMatchObject({ 'diagnosis.subtype': source, 'diagnosis.date': 'Condition/a' });
  });
});

describe('one patient: a subject given by identifier must be one of the Patient\'s', () => {
  const MRN = 'urn:oid:1.2.3.4.mrn';
  const withIdentifiers = (...resources: Record<string, unknown>[]) => patientAt('https://ehr.example/fhir/Patient/p1', ...resources);
  /** The Patient p1 (MRN-001) at this fullUrl, with these resources. */
  const patientAt = (fullUrl: string | undefined, ...resources: Record<string, unknown>[]) =>
    importFhirBundle({ resourceType: 'Bundle', type: 'collection', entry: [{ ...(fullUrl ? { fullUrl } : {}), resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female', identifier: [{ system: MRN, value: 'MRN-001' }] } }, ...resources.map((resource) => ({ resource }))] }, criteriaSet.dictionary, { asOf: '2026-11-16' });
  const ownCk = ck({ id: 'ck-own', effectiveDateTime: '2026-11-01', valueQuantity: q(420, 'U/L'), referenceRange: [{ high: q(170, 'U/L') }], subject: { reference: 'Patient/p1' } });
  const ckOf = (subject: unknown) => ck({ id: 'ck-x', effectiveDateTime: '2026-11-12', valueQuantity: q(6000, 'U/L'), referenceRange: [{ high: q(170, 'U/L') }], subject });

  test('a CK about MRN-999 is set aside and listed; IM101-611 I4 is no longer met by it', () => {
    const r = withIdentifiers(condition('dm', '396230008'), ownCk, ckOf({ identifier: { system: MRN, value: 'MRN-999' } }));
    expect(r.patient.labs).toEqual({ ck: { value: 420, unit: 'U/L', uln: 170, date: '2026-11-01' } });
    expect(messages(r)).toContain('Observation/ck-x: about another patient (identifier urn:oid:1.2.3.4.mrn|MRN-999), not Patient/p1: not used');
    expect(screened('IM101-611', r).outcome('I4')).toBe('unknown');
  });

  test('a CK whose subject is Patient/p1 by reference but MRN-999 by identifier is set aside; IM101-611 I4 is not met by it', () => {
    const r = withIdentifiers(condition('dm', '396230008'), ownCk, ckOf({ reference: 'Patient/p1', identifier: { system: MRN, value: 'MRN-999' } }));
    expect(r.patient.labs).toEqual({ ck: { value: 420, unit: 'U/L', uln: 170, date: '2026-11-01' } });
    expect(messages(r)).toContain('Observation/ck-x: about another patient (identifier urn:oid:1.2.3.4.mrn|MRN-999), not Patient/p1, though its reference is Patient/p1: not used');
    expect(screened('IM101-611', r).outcome('I4')).toBe('unknown');
  });

  test('a CK on another server, when the Patient\'s fullUrl is a urn:uuid, is set aside; IM101-611 I4 is not met by it', () => {
    const r = patientAt('urn:uuid:00000000-0000-4000-8000-000000000000', condition('dm', '396230008'), ownCk, ckOf({ reference: 'http://other.example.com/fhir/Patient/p1' }));
    expect(r.patient.labs).toEqual({ ck: { value: 420, unit: 'U/L', uln: 170, date: '2026-11-01' } });
    expect(messages(r)).toContain('Observation/ck-x: names its patient by a server address (http://other.example.com/fhir/Patient/p1), and Patient/p1 has none in the bundle (its fullUrl is not an http(s) address) to match it: not used');
    expect(screened('IM101-611', r).outcome('I4')).toBe('unknown');
  });

  test.each([
    { rule: 'urn:uuid fullUrl: the relative reference', fullUrl: 'urn:uuid:0a', reference: 'Patient/p1', used: true },
    { rule: 'urn:uuid fullUrl: the fullUrl itself', fullUrl: 'urn:uuid:0a', reference: 'urn:uuid:0a', used: true },
    { rule: 'urn:uuid fullUrl: another urn:uuid', fullUrl: 'urn:uuid:0a', reference: 'urn:uuid:0b', used: false },
    { rule: 'no fullUrl: a server URL', fullUrl: undefined, reference: 'https://ehr.example/fhir/Patient/p1', used: false },
    { rule: 'the host in capitals is the same server', fullUrl: 'http://ehr.example.org/fhir/Patient/p1', reference: 'http://EHR.Example.org/fhir/Patient/p1', used: true },
    { rule: 'the scheme in capitals is the same server', fullUrl: 'http://ehr.example.org/fhir/Patient/p1', reference: 'HTTP://ehr.example.org/fhir/Patient/p1', used: true },
    { rule: 'https is not http', fullUrl: 'http://ehr.example.org/fhir/Patient/p1', reference: 'https://ehr.example.org/fhir/Patient/p1', used: false },
    { rule: 'the path is case-sensitive', fullUrl: 'http://ehr.example.org/fhir/Patient/p1', reference: 'http://ehr.example.org/FHIR/Patient/p1', used: false },
    { rule: 'a relative path that is not Patient/<id>', fullUrl: 'http://ehr.example.org/fhir/Patient/p1', reference: 'other/Patient/p1', used: false },
  ])('reference $reference with fullUrl $fullUrl: used $used', ({ fullUrl, reference, used }) => {
    const r = patientAt(fullUrl, ckOf({ reference }));
    expect(at(r.patient, 'labs.ck.value')).toEqual(used ? 6000 : undefined);
    if (!used) expect(messages(r).some((m) => m.startsWith('Observation/ck-x: ') && m.endsWith(': not used'))).toBe(true);
  });

  test.each([
    { rule: 'the Patient\'s reference and its own identifier', subject: { reference: 'Patient/p1', identifier: { system: MRN, value: 'MRN-001' } }, used: true },
    { rule: 'another reference with the Patient\'s identifier', subject: { reference: 'Patient/p2', identifier: { system: MRN, value: 'MRN-001' } }, used: false, note: 'about another patient (Patient/p2), not Patient/p1: not used' },
    { rule: 'the Patient\'s own identifier', subject: { identifier: { system: MRN, value: 'MRN-001' } }, used: true },
    { rule: 'its value with no system', subject: { identifier: { value: 'MRN-001' } }, used: true },
    { rule: 'a versioned reference to the Patient', subject: { reference: 'Patient/p1/_history/3' }, used: true },
    { rule: 'a versioned server URL of the Patient', subject: { reference: 'https://ehr.example/fhir/Patient/p1/_history/3' }, used: true },
    { rule: 'the same value in another system', subject: { identifier: { system: 'urn:other', value: 'MRN-001' } }, used: false, note: 'names its patient only by identifier (urn:other|MRN-001), and Patient/p1 has no identifier in that system to match it: not used' },
    // An identifier in a system the Patient does not list says nothing against a reference that names the Patient.
    { rule: 'the Patient\'s reference and an identifier in another system', subject: { reference: 'Patient/p1', identifier: { system: 'http://enterprise.example/empi', value: 'E-999' } }, used: true },
    // An empty system is no system: the rule for an identifier without one applies.
    // Set aside, but not said to be another patient's: whether MRN-999 is in the Patient's MRN system is not known.
    { rule: 'the Patient\'s reference and another value with an empty system', subject: { reference: 'Patient/p1', identifier: { system: '', value: 'MRN-999' } }, used: false, note: 'its identifier MRN-999 is none of Patient/p1\'s, but gives no system to compare them in: whether it is Patient/p1 is unknown, though its reference is Patient/p1; not used' },
    { rule: 'another value with an empty system', subject: { identifier: { system: '', value: 'MRN-999' } }, used: false, note: 'its identifier MRN-999 is none of Patient/p1\'s, but gives no system to compare them in: whether it is Patient/p1 is unknown; not used' },
    { rule: 'the Patient\'s value with an empty system', subject: { identifier: { system: '', value: 'MRN-001' } }, used: true },
    { rule: 'a name only', subject: { display: 'Jane Doe' }, used: false, note: 'names its patient only by name ("Jane Doe"), not by reference or identifier: whether it is Patient/p1 is unknown; not used' },
    { rule: 'an empty subject', subject: {}, used: false, note: 'names its patient by nothing, not by reference or identifier: whether it is Patient/p1 is unknown; not used' },
  ])('$rule: used $used', ({ subject, used, note }) => {
    const r = withIdentifiers(ckOf(subject));
    expect(at(r.patient, 'labs.ck.value')).toEqual(used ? 6000 : undefined);
    if (note) expect(messages(r)).toContain(`Observation/ck-x: ${note}`);
  });

  test('a URL on another server is another record, even with the same id', () => {
    const bundle = (subject: unknown) => ({ resourceType: 'Bundle', entry: [
      { fullUrl: 'http://ehr.example.org/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } },
      { fullUrl: 'http://ehr.example.org/fhir/MedicationStatement/rtx', resource: { resourceType: 'MedicationStatement', id: 'rtx', status: 'completed', medicationCodeableConcept: code(RX, '121191'), effectivePeriod: { start: '2026-09-01', end: '2026-09-15' }, subject } },
    ] });
    const other = importFhirBundle(bundle({ reference: 'http://other-ehr.example.org/fhir/Patient/p1' }), criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(other.patient.medications).toEqual([]);
    expect(messages(other)).toContain('MedicationStatement/rtx: about another patient (http://other-ehr.example.org/fhir/Patient/p1), not http://ehr.example.org/fhir/Patient/p1: not used');
    for (const reference of ['Patient/p1', 'http://ehr.example.org/fhir/Patient/p1', 'http://ehr.example.org/fhir/Patient/p1/_history/2']) {
      expect(importFhirBundle(bundle({ reference }), criteriaSet.dictionary, { asOf: '2026-11-16' }).patient.medications, reference).toHaveLength(1);
    }
  });

  test.each([
    // Whether MRN-001, in no system, is in the MRN system is not known: MRN-999 there is not known to be another patient's.
    { rule: 'the Patient\'s reference and another value in a system', subject: { reference: 'Patient/p1', identifier: { system: MRN, value: 'MRN-999' } }, used: false, note: 'its identifier urn:oid:1.2.3.4.mrn|MRN-999 is none of Patient/p1\'s, but Patient/p1 has one with no system to compare them in: whether it is Patient/p1 is unknown, though its reference is Patient/p1; not used' },
    { rule: 'the Patient\'s reference and an enterprise identifier', subject: { reference: 'Patient/p1', identifier: { system: 'http://enterprise.example/empi', value: 'E-1' } }, used: false, note: 'its identifier http://enterprise.example/empi|E-1 is none of Patient/p1\'s, but Patient/p1 has one with no system to compare them in: whether it is Patient/p1 is unknown, though its reference is Patient/p1; not used' },
    { rule: 'another value in a system', subject: { identifier: { system: MRN, value: 'MRN-999' } }, used: false, note: 'its identifier urn:oid:1.2.3.4.mrn|MRN-999 is none of Patient/p1\'s, but Patient/p1 has one with no system to compare them in: whether it is Patient/p1 is unknown; not used' },
    { rule: 'the Patient\'s value in a system', subject: { identifier: { system: MRN, value: 'MRN-001' } }, used: true },
  ])('a Patient identifier with an empty system is one without a system: $rule, used $used', ({ subject, used, note }) => {
    const bundle = { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female', identifier: [{ system: '', value: 'MRN-001' }] } }, { resource: ckOf(subject) }] };
    const r = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(at(r.patient, 'labs.ck.value')).toEqual(used ? 6000 : undefined);
    if (note) expect(messages(r)).toContain(`Observation/ck-x: ${note}`);
  });

  test('a CK about MRN-999 under an empty system, beside the Patient\'s reference, is set aside; IM101-611 I4 is not met by it', () => {
    const r = withIdentifiers(condition('dm', '396230008'), ownCk, ckOf({ reference: 'Patient/p1', identifier: { system: '', value: 'MRN-999' } }));
    expect(r.patient.labs).toEqual({ ck: { value: 420, unit: 'U/L', uln: 170, date: '2026-11-01' } });
    expect(screened('IM101-611', r).outcome('I4')).toBe('unknown');
  });

  // R4 Bundle, resolving references in bundles: a relative [type]/[id] is read against the base of
  // the fullUrl of the entry that holds it; with a urn:uuid fullUrl, or none, it has no base.
  const EHR = 'https://ehr.example/fhir/';
  test.each([
    { rule: 'an entry on another server: its Patient/p1 is that server\'s', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://other.example/fhir/Observation/9', used: false, note: `about another patient (Patient/p1 read against its fullUrl: https://other.example/fhir/Patient/p1), not ${EHR}Patient/p1: not used` },
    { rule: 'an entry under another base on the same host', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://ehr.example/fhir2/Observation/9', used: false },
    { rule: 'an entry on the Patient\'s server', patientUrl: `${EHR}Patient/p1`, entryUrl: `${EHR}Observation/9`, used: true },
    { rule: 'an entry on the Patient\'s server, its host in capitals', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://EHR.example/fhir/Observation/9', used: true },
    { rule: 'an entry on the Patient\'s server, a versioned fullUrl', patientUrl: `${EHR}Patient/p1`, entryUrl: `${EHR}Observation/9/_history/2`, used: true },
    { rule: 'an entry with a urn:uuid fullUrl: no base, as written', patientUrl: `${EHR}Patient/p1`, entryUrl: 'urn:uuid:00000000-0000-4000-8000-000000000009', used: true },
    { rule: 'an entry with no fullUrl: no base, as written', patientUrl: `${EHR}Patient/p1`, entryUrl: undefined, used: true },
    { rule: 'both urn:uuid, as today', patientUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001', entryUrl: 'urn:uuid:00000000-0000-4000-8000-000000000009', used: true },
    // The Patient's own fullUrl is read the same way as the entry's: its version, a trailing slash and the host's case say nothing of who it is; the path's case does.
    { rule: 'an entry on the Patient\'s server, both fullUrls versioned', patientUrl: `${EHR}Patient/p1/_history/1`, entryUrl: `${EHR}Observation/9/_history/1`, used: true },
    { rule: 'an entry on the Patient\'s server, the Patient\'s fullUrl ending in /', patientUrl: `${EHR}Patient/p1/`, entryUrl: `${EHR}Observation/9`, used: true },
    { rule: 'an entry on the Patient\'s server, the Patient\'s host in capitals and port 443', patientUrl: 'https://EHR.Example:443/fhir/Patient/p1/_history/4', entryUrl: `${EHR}Observation/9`, used: true },
    { rule: 'an entry on the Patient\'s server, the Patient\'s path in capitals', patientUrl: 'https://ehr.example/FHIR/Patient/p1/_history/1', entryUrl: `${EHR}Observation/9`, used: false },
    { rule: 'an entry on another server, the Patient\'s fullUrl versioned', patientUrl: `${EHR}Patient/p1/_history/1`, entryUrl: 'https://other.example/fhir/Observation/9', used: false, note: `about another patient (Patient/p1 read against its fullUrl: https://other.example/fhir/Patient/p1), not ${EHR}Patient/p1: not used` },
    // An entry's fullUrl is read as an identity before its base is taken: a trailing /, a query or a fragment does not hide its server.
    { rule: 'an entry on another server, its fullUrl ending in /', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://other.example/fhir/Observation/9/', used: false, note: `about another patient (Patient/p1 read against its fullUrl: https://other.example/fhir/Patient/p1), not ${EHR}Patient/p1: not used` },
    { rule: 'an entry on another server, its fullUrl with a query', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://other.example/fhir/Observation/9?_format=json', used: false, note: `about another patient (Patient/p1 read against its fullUrl: https://other.example/fhir/Patient/p1), not ${EHR}Patient/p1: not used` },
    { rule: 'an entry on another server, its fullUrl with a fragment', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://other.example/fhir/Observation/9#x', used: false },
    { rule: 'an entry on another server at its root', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://other.example/Observation/9', used: false, note: `about another patient (Patient/p1 read against its fullUrl: https://other.example/Patient/p1), not ${EHR}Patient/p1: not used` },
    { rule: 'an entry on the Patient\'s server, its fullUrl with a query', patientUrl: `${EHR}Patient/p1`, entryUrl: `${EHR}Observation/9?_format=json`, used: true },
    // Any id has a server, not only one of the spec's syntax: EHRs send ids longer than 64 characters, or with `_`.
    { rule: 'an entry on another server, an id longer than 64 characters', patientUrl: `${EHR}Patient/p1`, entryUrl: `https://other.example/fhir/Observation/${'a'.repeat(65)}`, used: false, note: `about another patient (Patient/p1 read against its fullUrl: https://other.example/fhir/Patient/p1), not ${EHR}Patient/p1: not used` },
    { rule: 'an entry on the Patient\'s server, an id longer than 64 characters', patientUrl: `${EHR}Patient/p1`, entryUrl: `${EHR}Observation/${'a'.repeat(65)}`, used: true },
    { rule: 'an entry on the Patient\'s server, an id with _', patientUrl: `${EHR}Patient/p1`, entryUrl: `${EHR}Observation/ck_x`, used: true },
    // An http(s) fullUrl that is not [base]/[type]/[id], beside another server, gives no server to read a relative reference against.
    { rule: 'an entry whose fullUrl has no type', patientUrl: `${EHR}Patient/p1`, entryUrl: 'https://other.example/fhir/9', used: false, note: 'names its patient by Patient/p1, relative to a fullUrl (https://other.example/fhir/9) that is not [base]/[type]/[id]: whether it is Patient/p1 is unknown; not used' },
    // With every entry on one server, the Patient is ours whatever its fullUrl: no other server's Patient/p1 is in the bundle.
    { rule: 'an entry on a server, the Patient with a urn:uuid', patientUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001', entryUrl: `${EHR}Observation/9`, used: true },
    { rule: 'an entry on a server, the Patient with no fullUrl', patientUrl: undefined, entryUrl: `${EHR}Observation/9`, used: true },
  ])('a relative Patient/p1 in $rule: used $used', ({ patientUrl, entryUrl, used, note }) => {
    const bundle = { resourceType: 'Bundle', entry: [
      { ...(patientUrl ? { fullUrl: patientUrl } : {}), resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } },
      { ...(entryUrl ? { fullUrl: entryUrl } : {}), resource: ckOf({ reference: 'Patient/p1' }) },
    ] };
    const r = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(at(r.patient, 'labs.ck.value')).toEqual(used ? 6000 : undefined);
    if (note) expect(messages(r)).toContain(`Observation/ck-x: ${note}`);
    if (!used) expect(screened('IM101-611', r).outcome('I4')).toBe('unknown');
  });

  // Only with entries on two servers does a base say whose Patient/p1 it is: then a Patient with no
  // server address cannot be matched by one read against an entry's server.
  test.each([
    { rule: 'the Patient with a urn:uuid', patientUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001' },
    { rule: 'the Patient with no fullUrl', patientUrl: undefined },
  ])('entries on two servers, $rule: a relative Patient/p1 on either is not taken as the Patient', ({ patientUrl }) => {
    const bundle = { resourceType: 'Bundle', entry: [
      { ...(patientUrl ? { fullUrl: patientUrl } : {}), resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } },
      { fullUrl: `${EHR}Observation/ck-x`, resource: ckOf({ reference: 'Patient/p1' }) },
      { fullUrl: 'https://other.example/fhir/Condition/dm', resource: condition('dm', '396230008', { subject: { reference: 'Patient/p1' } }) },
    ] };
    const r = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(at(r.patient, 'labs.ck.value')).toBeUndefined();
    expect(at(r.patient, 'diagnosis.subtype')).toBeUndefined();
    expect(messages(r)).toContain(`Observation/ck-x: names its patient by a server address (Patient/p1 read against its fullUrl: ${EHR}Patient/p1), and Patient/p1 has none in the bundle (its fullUrl is not an http(s) address) to match it: not used`);
  });

  test('no Patient, entries on one server with and without fullUrls: one patient, not refused', () => {
    const bundle = { resourceType: 'Bundle', entry: [
      { fullUrl: `${EHR}Observation/ck-x`, resource: ckOf({ reference: 'Patient/p1' }) },
      { resource: condition('dm', '396230008', { subject: { reference: 'Patient/p1' } }) },
    ] };
    const r = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(at(r.patient, 'labs.ck.value')).toBe(6000);
    expect(at(r.patient, 'diagnosis.subtype')).toBe('dm');
  });

  test('an entry whose fullUrl is not [base]/[type]/[id] is still read when it names the Patient by server address', () => {
    const bundle = { resourceType: 'Bundle', entry: [
      { fullUrl: `${EHR}Patient/p1`, resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } },
      { fullUrl: `https://other.example/fhir/Observation/${'a'.repeat(65)}`, resource: ckOf({ reference: `${EHR}Patient/p1` }) },
    ] };
    expect(at(importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' }).patient, 'labs.ck.value')).toBe(6000);
  });

  test.each([
    { rule: 'its server address', reference: `${EHR}Patient/p1`, used: true },
    { rule: 'its server address, versioned', reference: `${EHR}Patient/p1/_history/1`, used: true },
    { rule: 'its server address ending in /', reference: `${EHR}Patient/p1/`, used: true },
    { rule: 'another patient on its server', reference: `${EHR}Patient/p2`, used: false },
  ])('the Patient at a versioned fullUrl, an entry with no fullUrl naming $rule: used $used', ({ reference, used }) => {
    const bundle = { resourceType: 'Bundle', entry: [
      { fullUrl: `${EHR}Patient/p1/_history/1`, resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } },
      { resource: condition('dm', '396230008', { subject: { reference } }) },
    ] };
    const r = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(at(r.patient, 'diagnosis.subtype')).toEqual(used ? 'dm' : undefined);
  });

  test('a Patient with no identifier cannot be matched by one; its reference still names it', () => {
    const r = imported([ckOf({ identifier: { value: 'MRN-001' } })]);
    expect(r.patient.labs).toBeUndefined();
    expect(messages(r)).toContain('Observation/ck-x: names its patient only by identifier (MRN-001), and Patient/p has no identifier to match it: not used');
    // Before, every resource giving both was dropped: the identifier cannot be compared, the reference is the Patient's.
    const both = imported([ckOf({ reference: 'Patient/p', identifier: { value: 'MRN-001' } })]);
    expect(at(both.patient, 'labs.ck.value')).toBe(6000);
  });
});

// A resource is who it is on its server: base, type and id (a urn:uuid as is). Another server's
// Observation/9 or Medication/m1 is another resource, and a reference is read against the entry that holds it.
describe('one resource per server: the same type and id on another server is another resource', () => {
  const EHR = 'https://ehr.example/fhir/';
  const OTHER = 'https://other.example/fhir/';
  const patient = { fullUrl: `${EHR}Patient/p1`, resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } };
  const bundleOf = (...entry: Record<string, unknown>[]) => importFhirBundle({ resourceType: 'Bundle', type: 'collection', entry: [patient, ...entry] }, criteriaSet.dictionary, { asOf: '2026-11-16' });
  const ckAt = (fullUrl: string | undefined, id: string, value: number, date: string, versionId?: string) => ({
    ...(fullUrl ? { fullUrl } : {}),
    resource: ck({ id, ...(versionId ? { meta: { versionId } } : {}), effectiveDateTime: date, valueQuantity: q(value, 'U/L'), referenceRange: [{ high: q(170, 'U/L') }], subject: { reference: 'Patient/p1' } }),
  });

  test.each([
    // Before, the other server's Observation/9 (versionId 2) replaced ours as its newer version, was then set aside as another patient's, and the older CK (300) was used.
    { rule: 'another server\'s newer version of Observation/9 does not replace ours', other: ckAt(`${OTHER}Observation/9`, '9', 6000, '2026-11-12', '2'), value: 420, note: `Observation/9: about another patient (Patient/p1 read against its fullUrl: ${OTHER}Patient/p1), not ${EHR}Patient/p1: not used` },
    { rule: 'a newer version of Observation/9 on our server does', other: ckAt(`${EHR}Observation/9/_history/2`, '9', 500, '2026-11-12', '2'), value: 500, note: 'Observation/9: 2 versions of this resource: the newest is used' },
    { rule: 'an older version of Observation/9 on our server does not', other: ckAt(`${EHR}Observation/9`, '9', 500, '2026-11-12', '0'), value: 420, note: 'Observation/9: 2 versions of this resource: the newest is used' },
    // With every entry on one server, copies are versions of one resource whatever their fullUrls.
    { rule: 'on one server, a newer copy of Observation/9 with no fullUrl does', other: ckAt(undefined, '9', 500, '2026-11-12', '2'), value: 500, note: 'Observation/9: 2 versions of this resource: the newest is used' },
    { rule: 'on one server, a newer copy of Observation/9 with a urn:uuid does', other: ckAt('urn:uuid:00000000-0000-4000-8000-0000000000c9', '9', 500, '2026-11-12', '2'), value: 500, note: 'Observation/9: 2 versions of this resource: the newest is used' },
  ])('$rule', ({ other, value, note }) => {
    const r = bundleOf(ckAt(`${EHR}Observation/old`, 'old', 300, '2026-01-01'), ckAt(`${EHR}Observation/9`, '9', 420, '2026-11-01', '1'), other);
    expect(at(r.patient, 'labs.ck.value')).toBe(value);
    expect(messages(r)).toContain(note);
  });

  const medication = (fullUrl: string | undefined, rxnorm: string, versionId: string) => ({ ...(fullUrl ? { fullUrl } : {}), resource: { resourceType: 'Medication', id: 'm1', meta: { versionId }, code: code(RX, rxnorm) } });
  const METHOTREXATE = medication(`${EHR}Medication/m1`, '6851', '1');
  const RITUXIMAB = medication(`${OTHER}Medication/m1`, '121191', '2');
  const statementAt = (fullUrl: string | undefined, reference: string) => ({
    ...(fullUrl ? { fullUrl } : {}),
    resource: { resourceType: 'MedicationStatement', id: 's1', status: 'completed', medicationReference: { reference }, effectivePeriod: { start: '2026-09-01', end: '2026-09-15' }, subject: { reference: 'Patient/p1' } },
  });
  const UNKNOWN_DRUG = 'MedicationStatement/s1: medicationReference Medication/m1 matches no single Medication in the bundle: the drug is unknown; not imported';
  test.each([
    // Before, Medication/m1 was looked up by id: the other server's rituximab replaced our methotrexate, and IM101-611 E3 (rituximab within 6 months) was met: INELIGIBLE.
    { rule: 'Medication/m1 in an entry on our server is ours', entries: [METHOTREXATE, RITUXIMAB, statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1')], drug: 'methotrexate' },
    { rule: 'listed the other way round', entries: [RITUXIMAB, METHOTREXATE, statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1')], drug: 'methotrexate' },
    { rule: 'versioned, on our server', entries: [METHOTREXATE, RITUXIMAB, statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1/_history/3')], drug: 'methotrexate' },
    { rule: 'the other server\'s, by its address', entries: [METHOTREXATE, RITUXIMAB, statementAt(`${EHR}MedicationStatement/s1`, `${OTHER}Medication/m1`)], drug: 'rituximab' },
    { rule: 'ours by its address, the host in capitals', entries: [METHOTREXATE, RITUXIMAB, statementAt(undefined, 'https://EHR.example/fhir/Medication/m1')], drug: 'methotrexate' },
    { rule: 'Medication/m1 only on the other server', entries: [RITUXIMAB, statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1')], drug: undefined, note: UNKNOWN_DRUG },
    // With no base, a relative reference names any Medication of that id: with one on each server, it names none for certain.
    { rule: 'Medication/m1 in an entry with no fullUrl, one on each server', entries: [METHOTREXATE, RITUXIMAB, statementAt(undefined, 'Medication/m1')], drug: undefined, note: UNKNOWN_DRUG },
    { rule: 'Medication/m1 in an entry with no fullUrl, one in the bundle', entries: [METHOTREXATE, statementAt(undefined, 'Medication/m1')], drug: 'methotrexate' },
    { rule: 'a urn:uuid', entries: [medication('urn:uuid:00000000-0000-4000-8000-0000000000a1', '6851', '1'), RITUXIMAB, statementAt(undefined, 'urn:uuid:00000000-0000-4000-8000-0000000000a1')], drug: 'methotrexate' },
    // With every entry on one server, Medication/m1 is found by type and id whatever its fullUrl, as that server finds it.
    { rule: 'on one server, the Medication with no fullUrl', entries: [medication(undefined, '6851', '1'), statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1')], drug: 'methotrexate' },
    { rule: 'on one server, the Medication with a urn:uuid', entries: [medication('urn:uuid:00000000-0000-4000-8000-0000000000a1', '6851', '1'), statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1')], drug: 'methotrexate' },
    { rule: 'on one server, the Medication with no fullUrl, named by our address', entries: [medication(undefined, '6851', '1'), statementAt(`${EHR}MedicationStatement/s1`, `${EHR}Medication/m1`)], drug: 'methotrexate' },
    // On two servers, a Medication with no server address is not the one our server's entry names.
    { rule: 'on two servers, the Medication with no fullUrl', entries: [medication(undefined, '6851', '1'), RITUXIMAB, statementAt(`${EHR}MedicationStatement/s1`, 'Medication/m1')], drug: undefined, note: UNKNOWN_DRUG },
  ])('$rule: $drug', ({ entries, drug, note }) => {
    const r = bundleOf(...entries);
    expect(at(r.patient, 'medications[0].drug')).toBe(drug);
    if (note) expect(messages(r)).toContain(note);
    expect(screened('IM101-611', r, ['medications']).outcome('E3')).toBe(drug === 'rituximab' ? 'met' : 'not_met');
  });

  // Before, a contained Medication was not read: the drug was dropped with a note calling it "not an RxNorm ingredient the dictionary binds".
  const containing = (reference: string, ...contained: Record<string, unknown>[]) => { const s = statementAt(`${EHR}MedicationStatement/s1`, reference); return { ...s, resource: { ...s.resource, contained } }; };
  const CONTAINED_UNKNOWN = 'MedicationStatement/s1: medicationReference #med matches no single Medication contained in it: the drug is unknown; not imported';
  test.each([
    { rule: 'a contained Medication (#med) is read', entries: [containing('#med', { resourceType: 'Medication', id: 'med', code: code(RX, '121191') })], drug: 'rituximab' },
    { rule: 'by its ingredient', entries: [containing('#med', { resourceType: 'Medication', id: 'med', ingredient: [{ itemCodeableConcept: code(RX, '6851') }] })], drug: 'methotrexate' },
    { rule: 'not the bundle\'s Medication of the same id', entries: [medication(`${EHR}Medication/med`, '121191', '1'), containing('#med', { resourceType: 'Medication', id: 'med', code: code(RX, '6851') })], drug: 'methotrexate' },
    { rule: 'another contained id', entries: [containing('#med', { resourceType: 'Medication', id: 'other', code: code(RX, '121191') })], drug: undefined, note: CONTAINED_UNKNOWN },
    { rule: 'a contained resource of another type', entries: [containing('#med', { resourceType: 'Substance', id: 'med', code: code(RX, '121191') })], drug: undefined, note: CONTAINED_UNKNOWN },
    { rule: 'two contained Medications of that id', entries: [containing('#med', { resourceType: 'Medication', id: 'med', code: code(RX, '121191') }, { resourceType: 'Medication', id: 'med', code: code(RX, '6851') })], drug: undefined, note: CONTAINED_UNKNOWN },
  ])('$rule: $drug', ({ entries, drug, note }) => {
    const r = bundleOf(...entries);
    expect(at(r.patient, 'medications[0].drug')).toBe(drug);
    if (note) expect(messages(r)).toContain(note);
    expect(screened('IM101-611', r, ['medications']).outcome('E3')).toBe(drug === 'rituximab' ? 'met' : 'not_met');
  });

  // Only contained Medications are read, so only they are shape-checked: a contained Organization's `type` (a list) or a Coverage's `period` is valid R4 the importer never reads.
  test.each([
    { rule: 'a prescription with a contained Organization (type: a list) and Coverage (period)', extra: { contained: [{ resourceType: 'Organization', id: 'org', type: [{ text: 'Clinic' }] }, { resourceType: 'Coverage', id: 'cov', status: 'active', period: { start: '2026-01-01' } }, { resourceType: 'Medication', id: 'med', code: code(RX, '121191') }] }, drug: 'rituximab' },
    { rule: 'contained written as an object (not read)', extra: { contained: { resourceType: 'Medication', id: 'med', code: code(RX, '121191') } }, drug: undefined },
  ])('$rule: $drug', ({ extra, drug }) => {
    const request = { fullUrl: `${EHR}MedicationRequest/r1`, resource: { resourceType: 'MedicationRequest', id: 'r1', status: 'active', intent: 'order', authoredOn: '2026-09-01', medicationReference: { reference: '#med' }, subject: { reference: 'Patient/p1' }, ...extra } };
    const r = bundleOf(request);
    expect(at(r.patient, 'medications[0].drug')).toBe(drug);
    expect(messages(r).join('\n')).not.toContain('wrong type');
  });

  test('a Patient with a contained Organization (type: a list) is read', () => {
    const r = importFhirBundle({ resourceType: 'Bundle', type: 'collection', entry: [{ ...patient, resource: { ...patient.resource, contained: [{ resourceType: 'Organization', id: 'org', type: [{ text: 'Clinic' }] }] } }] }, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(at(r.patient, 'demographics.birthDate')).toBe('1975-03-14');
  });

  test.each([
    { rule: 'a contained Medication', contained: [{ resourceType: 'Medication', id: 'med', code: code(RX, '121191') }], says: 'MedicationAdministration/a1: a drug given on 2026-10-01' },
    // Administrations are not shape-checked: a contained list of the wrong shape is read as none, and the infusion is still named, by its display.
    { rule: 'contained an object', contained: {}, says: 'MedicationAdministration/a1: a drug given on 2026-10-01' },
    { rule: 'a contained Medication with a null ingredient', contained: [{ resourceType: 'Medication', id: 'med', ingredient: [null] }], says: 'MedicationAdministration/a1: a drug given on 2026-10-01' },
  ])('an infusion given (MedicationAdministration) naming $rule is named with its date', ({ contained, says }) => {
    const r = bundleOf({ fullUrl: `${EHR}MedicationAdministration/a1`, resource: { resourceType: 'MedicationAdministration', id: 'a1', status: 'completed', contained, medicationReference: { reference: '#med', display: 'rituximab infusion' }, effectiveDateTime: '2026-10-01', subject: { reference: 'Patient/p1' } } });
    expect(messages(r).join('\n')).toContain(says);
    expect(messages(r).join('\n')).not.toContain('could not be read');
  });

  test('a contained Medication of the wrong shape: the resource is skipped with the path of what is wrong', () => {
    const r = bundleOf(containing('#med', { resourceType: 'Medication', id: 'med', code: { coding: { system: RX, code: '121191' } } }));
    expect(at(r.patient, 'medications[0].drug')).toBeUndefined();
    expect(messages(r).join('\n')).toContain('$.entry[1].resource.contained[0].code.coding');
  });
});

describe('serology: a result that contradicts itself stays unknown; every result considered is listed', () => {
  const INTERP = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
  const interp = (c: string) => ({ interpretation: [{ coding: [{ system: INTERP, code: c }] }] });
  const hcv = (id: string, extra: Record<string, unknown>) => ({ ...hbsag(id, '2026-11-01', extra), code: code(LOINC, '16128-1') });

  test.each([
    { rule: 'value Negative, interpretation POS', extra: { ...NEG, ...interp('POS') }, says: 'value SNOMED CT 260385009: negative; interpretation POS: positive' },
    { rule: 'two codings of the value disagree', extra: { valueCodeableConcept: { coding: [{ system: SCT, code: '260385009' }, { system: SCT, code: '10828004' }] } }, says: 'value SNOMED CT 260385009: negative; value SNOMED CT 10828004: positive' },
    { rule: 'valueBoolean false, interpretation POS', extra: { valueBoolean: false, ...interp('POS') }, says: 'valueBoolean false: negative; interpretation POS: positive' },
  ])('HBsAg $rule: unknown, noted', ({ extra, says }) => {
    const r = imported([hbsag('hbs', '2026-11-01', extra)]);
    expect(at(r.patient, 'infection.hbsagPositive')).toBeUndefined();
    expect(messages(r)).toContain(`Observation/hbs: the result says both positive and negative (${says}); left unknown — check the result with the lab`);
  });

  test('value and interpretation that agree are read', () => {
    expect(at(imported([hbsag('hbs', '2026-11-01', { ...POS, ...interp('POS') })]).patient, 'infection.hbsagPositive')).toBe(true);
  });

  // Every statement must be one the importer reads, and all must agree; NCT04946669 E5 (HBsAg or anti-HCV positive) was decided on each of these.
  const antiHcvNegative = hcv('hcv', NEG);
  const valueCoding = (system: string, c: string, extra: Record<string, unknown> = {}) => ({ valueCodeableConcept: { coding: [{ system, code: c }], ...extra } });
  const UNREAD = 'not every statement of the result reads as positive or negative';
  const BOTH = 'the result says both positive and negative';
  test.each([
    { rule: 'valueString "POSITIVE", interpretation NEG', extra: { valueString: 'POSITIVE', ...interp('NEG') }, note: `${BOTH} (valueString "POSITIVE": positive; interpretation NEG: negative)` },
    { rule: 'value Negative, interpretation DET', extra: { ...NEG, ...interp('DET') }, note: `${BOTH} (value SNOMED CT 260385009: negative; interpretation DET: positive)` },
    { rule: 'LOINC answer LA6576-8 Positive, interpretation NEG', extra: { ...valueCoding(LOINC, 'LA6576-8'), ...interp('NEG') }, note: `${BOTH} (value LOINC LA6576-8: positive; interpretation NEG: negative)` },
    { rule: 'SNOMED 260373001 Detected, interpretation NEG', extra: { ...valueCoding(SCT, '260373001'), ...interp('NEG') }, note: `${BOTH} (value SNOMED CT 260373001: positive; interpretation NEG: negative)` },
    { rule: 'text "Reactive" over a Negative coding', extra: valueCoding(SCT, '260385009', { text: 'Reactive' }), note: `${BOTH} (value SNOMED CT 260385009: negative; value text "Reactive": positive)` },
    { rule: 'a coding whose display names the other answer', extra: { valueCodeableConcept: { coding: [{ system: SCT, code: '260385009', display: 'Positive' }] } }, note: `${BOTH} (value SNOMED CT 260385009 Positive: negative; value display "Positive": positive)` },
    { rule: 'value Negative, interpretation A (abnormal)', extra: { ...NEG, ...interp('A') }, note: `${UNREAD} (value SNOMED CT 260385009: negative; interpretation A: not read)` },
    { rule: 'value Negative, interpretation H', extra: { ...NEG, ...interp('H') }, note: `${UNREAD} (value SNOMED CT 260385009: negative; interpretation H: not read)` },
    { rule: 'value Negative, interpretation IND', extra: { ...NEG, ...interp('IND') }, note: `${UNREAD} (value SNOMED CT 260385009: negative; interpretation IND: indeterminate)` },
    { rule: 'value Positive, interpretation L', extra: { ...POS, ...interp('L') }, note: `${UNREAD} (value SNOMED CT 10828004: positive; interpretation L: not read)` },
    { rule: 'a local coding beside Negative', extra: { valueCodeableConcept: { coding: [{ system: SCT, code: '260385009' }, { system: 'urn:lab', code: 'R' }] } }, note: `${UNREAD} (value SNOMED CT 260385009: negative; value urn:lab R: not read)` },
    { rule: 'a quantity with interpretation NEG', extra: { valueQuantity: { value: 0.2, unit: 'S/CO' }, ...interp('NEG') }, note: `${UNREAD} (valueQuantity {"value":0.2,"unit":"S/CO"}: not read; interpretation NEG: negative)` },
    { rule: 'only free text', extra: { valueString: 'Negative' }, note: 'the result is not a coded positive or negative (valueString "Negative": negative)' },
  ])('HBsAg $rule: unknown, each statement quoted; E5 open, not decided', ({ extra, note }) => {
    const r = imported([hbsag('hbs', '2026-11-01', extra), antiHcvNegative], '2026-11-16');
    expect(at(r.patient, 'infection')).toEqual({ antiHcvPositive: false });
    expect(messages(r)).toContain(`Observation/hbs: ${note}; left unknown — check the result with the lab`);
    expect(screened('NCT04946669', r).outcome('E5')).toBe('unknown');
  });

  test.each([
    { rule: 'LOINC LA6577-6 Negative with text "Negative" and interpretation NEG', extra: { ...valueCoding(LOINC, 'LA6577-6', { text: 'Negative' }), ...interp('NEG') }, value: false },
    { rule: 'SNOMED 260415000 Not detected with interpretation ND', extra: { ...valueCoding(SCT, '260415000'), ...interp('ND') }, value: false },
    { rule: 'SNOMED 260373001 Detected, display "Detected (qualifier value)"', extra: { valueCodeableConcept: { coding: [{ system: SCT, code: '260373001', display: 'Detected (qualifier value)' }] } }, value: true },
    { rule: 'valueString "Non-reactive" with interpretation NEG', extra: { valueString: 'Non-reactive', ...interp('NEG') }, value: false },
  ])('read when every statement is read and all agree: $rule', ({ extra, value }) => {
    const r = imported([hbsag('hbs', '2026-11-01', extra), antiHcvNegative], '2026-11-16');
    expect(at(r.patient, 'infection.hbsagPositive')).toBe(value);
    expect(screened('NCT04946669', r).outcome('E5')).toBe(value ? 'met' : 'not_met');
  });

  test('a positive anti-HCV on the same day as an unreadable one is listed, and the field stays unknown', () => {
    const r = imported([hcv('hcv-string', { valueString: 'Reactive' }), hcv('hcv-quant', interp('POS'))]);
    expect(at(r.patient, 'infection.antiHcvPositive')).toBeUndefined();
    expect(messages(r)).toEqual(expect.arrayContaining([
      'Observation/hcv-string: the result is not a coded positive or negative (valueString "Reactive": positive); left unknown — check the result with the lab',
      'Observation/hcv-quant: another infection.antiHcvPositive result on 2026-11-01 (positive), the same day as one that cannot be read (Observation/hcv-string): infection.antiHcvPositive left unknown',
    ]));
  });

  test('when the latest results disagree, the older ones are listed too', () => {
    const r = imported([hbsag('a', '2026-11-01', POS), hbsag('b', '2026-11-01', NEG), hbsag('old', '2025-01-01', NEG)]);
    expect(at(r.patient, 'infection.hbsagPositive')).toBeUndefined();
    expect(messages(r)).toEqual(expect.arrayContaining([
      'Observation/a, Observation/b: different infection.hbsagPositive results on 2026-11-01 (positive, negative); left unknown',
      'Observation/old: an earlier infection.hbsagPositive result (2025-01-01); the latest results (2026-11-01) disagree, so this one is not used in its place',
    ]));
  });
});

describe('body weight: only a current one (3 months before the screening date at most)', () => {
  const dated = (id: string, value: number, date: string) => ({ ...weight(id, value, 'kg'), effectiveDateTime: date });

  test('a 2012 weight of 38 kg is not today\'s: unknown, noted; NCT04946669 I4 (dose < 1 mg/kg/day) open instead of failed', () => {
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [
      { resource: { resourceType: 'Patient', id: 'p1', birthDate: '1998-05-02', gender: 'female' } },
      { resource: condition('dm', '396230008', { onsetDateTime: '2025-01-10' }) },
      { resource: dated('wt-2012', 38, '2012-06-01') },
      { resource: medRequest('pred', '8640', '2026-09-01', { authoredOn: '2026-09-01', dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: { start: '2026-09-01' } } }, doseAndRate: [{ doseQuantity: q(40, 'mg') }] }] }) },
    ] };
    const r = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' });
    expect(r.patient.demographics).toEqual({ birthDate: '1998-05-02', sex: 'female' });
    expect(messages(r)).toContain('Observation/wt-2012: body weight 38 kg on 2012-06-01 is more than 3 months before the screening date 2026-11-16: demographics.weightKg left unknown — record a current weight');
    const s = screened('NCT04946669', r);
    expect(s.outcome('I4')).toBe('unknown');
    expect(s.verdict).not.toBe('ineligible');
  });

  test.each([
    { rule: '3 months to the day before: current', weights: [dated('w', 70, '2026-08-16')], asOf: '2026-11-16', value: 70 },
    { rule: 'a day more: not current', weights: [dated('w', 70, '2026-08-15')], asOf: '2026-11-16', value: undefined, note: 'Observation/w: body weight 70 kg on 2026-08-15 is more than 3 months before the screening date 2026-11-16: demographics.weightKg left unknown — record a current weight' },
    { rule: 'an older one is listed too', weights: [dated('w', 70, '2026-01-15'), dated('old', 72, '2025-01-15')], asOf: '2026-11-16', value: undefined, note: 'Observation/old: an earlier demographics.weightKg result (2025-01-15); older still, not used' },
    { rule: 'no screening date: whether it is current cannot be told', weights: [dated('w', 70, '2026-11-01')], value: undefined, note: 'Observation/w: body weight 70 kg on 2026-11-01, and no screening date (--as-of) to tell whether it is current: demographics.weightKg left unknown — give the screening date, or record a current weight' },
  ] as { rule: string; weights: Record<string, unknown>[]; asOf?: string; value?: number; note?: string }[])('$rule', ({ weights, asOf, value, note }) => {
    const r = imported(weights, asOf);
    expect(at(r.patient, 'demographics.weightKg')).toEqual(value);
    if (note) expect(messages(r)).toContain(note);
  });
});

describe('medications: a partial start and a drug given are named, not lost', () => {
  const statement = (id: string, rxnorm: string, extra: Record<string, unknown>) => ({ resourceType: 'MedicationStatement', id, status: 'active', medicationCodeableConcept: code(RX, rxnorm), ...extra });
  const weekly = { timing: { repeat: { frequency: 1, period: 1, periodUnit: 'wk' } }, doseAndRate: [{ doseQuantity: q(15, 'mg') }] };

  test('methotrexate since "2025", 15 mg a week: start and dose history unknown, each noted', () => {
    const r = imported([statement('mtx', '6851', { effectivePeriod: { start: '2025' }, dosage: [weekly] })], '2026-11-16');
    expect(r.patient.medications).toEqual([{ drug: 'methotrexate', ongoing: true }]);
    expect(messages(r)).toEqual(expect.arrayContaining([
      'MedicationStatement/mtx: effective start "2025" is not a full date: the start is left unknown — record it',
      'MedicationStatement/mtx: a methotrexate dose of 15 mg/week with no start date cannot be placed in a dose history: dose history left unknown',
    ]));
  });

  test('a rituximab statement dated "2026-09" says so', () => {
    const r = imported([statement('rtx', '121191', { status: 'completed', effectiveDateTime: '2026-09' })], '2026-11-16');
    expect(r.patient.medications).toEqual([{ drug: 'rituximab' }]);
    expect(messages(r)).toContain('MedicationStatement/rtx: effective date "2026-09" is not a full date: the start is left unknown — record it');
  });

  // IM101-611 I6 (same background for 12 weeks, dose stable for 4) was met on a dose dated from the prescription.
  const prednisone = (id: string, bounds: Record<string, string>, dose: number, extra: Record<string, unknown> = {}) => medRequest(id, '8640', '', { dosageInstruction: [daily({ frequency: 1, period: 1, periodUnit: 'd', boundsPeriod: bounds }, dose)], ...extra });
  const background = [
    prednisone('pred-1', { start: '2025-01-10', end: '2026-05-31' }, 40, { status: 'stopped', authoredOn: '2025-01-10' }),
    medRequest('mtx', '6851', '2024-09-01', { dosageInstruction: [{ timing: { repeat: { frequency: 1, period: 1, periodUnit: 'wk', boundsPeriod: { start: '2024-09-01' } } }, doseAndRate: [{ doseQuantity: q(15, 'mg') }] }] }),
  ];

  test('a dosage start "2026-10" is not replaced by the date prescribed (2026-06-01): start unknown, one note; I6 open instead of met', () => {
    const r = imported([...background, prednisone('pred-2', { start: '2026-10' }, 10, { authoredOn: '2026-06-01' })], '2026-11-16');
    expect(r.patient.medications).toEqual([
      { drug: 'prednisone', start: '2025-01-10', stop: '2026-05-31', doses: [{ date: '2025-01-10', dose: 40, unit: 'mg/day' }] },
      { drug: 'prednisone', ongoing: true },
      { drug: 'methotrexate', start: '2024-09-01', ongoing: true, doses: [{ date: '2024-09-01', dose: 15, unit: 'mg/week' }] },
    ]);
    const about = messages(r).filter((m) => m.startsWith('MedicationRequest/pred-2: '));
    expect(about).toEqual([
      'MedicationRequest/pred-2: dosage start "2026-10" is not a full date: the start is left unknown — record it',
      'MedicationRequest/pred-2: a prednisone dose of 10 mg/day with no start date cannot be placed in a dose history: dose history left unknown',
    ]);
    expect(screened('IM101-611', r, ['medications']).outcome('I6')).toBe('unknown');
  });

  test('with the full start the same bundle meets I6 (the check above is about the date alone)', () => {
    const r = imported([...background, prednisone('pred-2', { start: '2026-06-01' }, 10, { authoredOn: '2026-06-01' })], '2026-11-16');
    expect(screened('IM101-611', r, ['medications']).outcome('I6')).toBe('met');
  });

  test.each([
    { rule: 'a partial authoredOn with no start given', request: prednisone('p', {}, 10, { authoredOn: '2026-06' }), note: 'no dosage start, and the date prescribed "2026-06" is not a full date: the start is left unknown — record it' },
    { rule: 'a taper with one partial start', request: medRequest('p', '8640', '', { authoredOn: '2026-01-01', dosageInstruction: [daily({ boundsPeriod: { start: '2026-01-05' } }, 40, { sequence: 1 }), daily({ boundsPeriod: { start: '2025-12' } }, 20, { sequence: 2 })] }), note: 'dosage start "2025-12" is not a full date: the start is left unknown — record it' },
  ])('$rule: the start stays unknown, named', ({ request, note }) => {
    const r = imported([request], '2026-11-16');
    expect(r.patient.medications).toEqual([{ drug: 'prednisone', ongoing: true }]);
    expect(messages(r)).toContain(`MedicationRequest/p: ${note}`);
    expect(messages(r).join('\n')).not.toContain('taken as the start');
  });

  test.each([
    { rule: 'a request whose dosage start is "2026-12"', resource: prednisone('p', { start: '2026-12' }, 10), start: 'start "2026-12"' },
    { rule: 'a request with no start, prescribed in "2027"', resource: prednisone('p', {}, 10, { authoredOn: '2027' }), start: 'start "2027"' },
    { rule: 'a statement effective from "2026-12"', resource: { resourceType: 'MedicationStatement', id: 'p', status: 'active', medicationCodeableConcept: code(RX, '8640'), effectivePeriod: { start: '2026-12' } }, start: 'start "2026-12"' },
  ])('$rule, after the screening date, is set aside', ({ resource, start }) => {
    const r = imported([resource], '2026-11-16');
    expect(r.patient.medications).toEqual([]);
    expect(messages(r)).toContain(`${resource.resourceType}/p: ${start}, after the screening date 2026-11-16; not used`);
  });

  test('a dispensing dated "2026-10" names that date', () => {
    const r = imported([{ resourceType: 'MedicationDispense', id: 'd', status: 'completed', medicationCodeableConcept: code(RX, '121191'), whenHandedOver: '2026-10' }]);
    expect(r.notes).toContainEqual({ resource: 'MedicationDispense/d', code: 'RxNorm 121191', message: 'a drug dispensed on "2026-10" (not a full date; status completed): dispensings are not read for screening; check that the medication list holds it' });
  });

  test('a rituximab infusion given (MedicationAdministration) is named with its drug and date, not only counted', () => {
    const r = imported([{ resourceType: 'MedicationAdministration', id: 'rtx-adm', status: 'completed', medicationCodeableConcept: { coding: [{ system: RX, code: '121191', display: 'rituximab' }] }, effectiveDateTime: '2026-07-15T10:00:00Z', dosage: { dose: q(1000, 'mg') } }], '2026-11-16');
    expect(r.notes).toContainEqual({ resource: 'MedicationAdministration/rtx-adm', code: 'RxNorm 121191 rituximab', message: 'a drug given on 2026-07-15 (status completed): administrations are not read for screening; check that the medication list holds it' });
    const summary = formatImportSummary(r.notes, 'b.json');
    expect(summary).toContain('  MedicationAdministration RxNorm 121191 rituximab: a drug given on 2026-07-15 (status completed): administrations are not read for screening; check that the medication list holds it [MedicationAdministration/rtx-adm]\n');
    expect(summary).not.toContain('MedicationAdministration ×1');
  });

  test('a dispensing with damaged elements is still named, never a crash', () => {
    const r = imported([{ resourceType: 'MedicationDispense', id: 'd', status: 7, medicationCodeableConcept: { coding: { code: 1 } }, whenHandedOver: 5 }]);
    expect(r.notes).toContainEqual({ resource: 'MedicationDispense/d', message: 'a drug dispensed: dispensings are not read for screening; check that the medication list holds it' });
  });
});
