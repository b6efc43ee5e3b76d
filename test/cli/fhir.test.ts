// End to end: `screen import fhir` and `screen bundle.json --trial X`, in-process and through the
// real bin (the importer is a lazily loaded bundle there), on the hand-built and Synthea bundles.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ReportSchema } from '../../src/report/report-schema.js';
import { ROOT } from '../helpers/screening.js';
import { runBin, runInProcess } from './run-cli.js';

const FIXTURES = 'test/fixtures/fhir';
const SYNTHEA = 'node_modules/cql-exec-fhir/test/fixtures/r4/Johnnie679_Hermiston71_2cd30bd6-3a87-4191-af90-6daa70f58f55.json';

describe('screen import fhir', () => {
  test('writes a valid patient file with provenance and unconfirmed lists; the summary goes to stderr', async () => {
    const r = await runInProcess(['import', 'fhir', `${FIXTURES}/im101-611-eligible.bundle.json`, '--as-of', '2026-11-16']);
    expect(r.code).toBe(0);
    const patient = JSON.parse(r.stdout);
    expect(patient.referenceDates).toEqual({ screening: '2026-11-16' });
    expect(patient.labs.ck).toEqual({ value: 1500, unit: 'U/L', uln: 200, date: '2026-11-16' });
    expect(patient.provenance['labs.ck']).toBe('Observation/im-001-ck');
    expect(patient.completeness.medications).toEqual({ complete: false });
    expect(r.stderr).toMatch(/^import: test\/fixtures\/fhir\/im101-611-eligible\.bundle\.json: \d+ notes/);
    expect(r.stderr).toContain('Encounter ×1: not used for screening');
    expect(r.stderr).not.toContain('warning');
  });

  test.each([
    { args: [`${FIXTURES}/nope.json`], error: /nope\.json: no such file/ },
    { args: ['node_modules/cql-exec-fhir/test/fixtures/r4/Condition_f201.json'], error: /Condition_f201\.json \$\.resourceType: expected a FHIR Bundle, got a Condition resource/ },
    { args: ['examples/im101-611-eligible.json'], error: /\$\.resourceType: expected a FHIR Bundle, got no resourceType/ },
    { args: [`${FIXTURES}/im101-611-eligible.bundle.json`, '--as-of', '2026-02-30'], error: /--as-of needs a real date/ },
    { args: ['node_modules/cql-exec-fhir/test/fixtures/stu3/Myron933_Ondricka197_a901d2b4-30a8-41b9-b94a-f44561d8f809.json'], error: /^screen: \S+Myron933\S+\.json \$\.entry\[4\]\.resource\.clinicalStatus: Condition "clinicalStatus" as a plain code \("active"\) is STU3\/DSTU2 \(R4 has a CodeableConcept\); trial-screen reads FHIR R4 only \(convert the bundle to R4\)\n$/ },
    { args: ['node_modules/cql-exec-fhir/test/fixtures/dstu2/Shawnee493_Osinski784_60d5c7b1-53ee-49ca-a33a-945004d6b84f.json'], error: /\$\.entry\[3\]\.resource\.resourceType: MedicationOrder is a DSTU2 resource, not R4/ },
  ])('exit 2 with a located one-line error: $error', async ({ args, error }) => {
    const r = await runInProcess(['import', 'fhir', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(error);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('the real bin imports a Synthea bundle from standard input', () => {
    const r = runBin(['import', 'fhir', '-', '--as-of', '2026-11-16'], { stdin: readFileSync(`${ROOT}${SYNTHEA}`, 'utf8') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).demographics).toMatchObject({ birthDate: '2009-03-20', sex: 'female' });
    expect(r.stderr).toMatch(/Claim ×\d+: not used for screening/);
  });
});

describe('screen import fhir: what it cannot read stays unknown, named in the summary', () => {
  const bundle = (...resources: Record<string, unknown>[]) => JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p1', birthDate: '1970-01-01', gender: 'female' } }, ...resources.map((resource) => ({ resource }))] });
  const hbsag = (id: string, date: string, value: Record<string, unknown>) => ({ resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '5195-3' }] }, effectiveDateTime: date, ...value });
  const rituximab = (extra: Record<string, unknown>) => ({ resourceType: 'MedicationRequest', id: 'rtx', status: 'active', intent: 'order', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '121191' }] }, authoredOn: '2026-06-01', ...extra });

  test.each([
    {
      defect: 'an unreadable latest HBsAg is not replaced by an older negative',
      stdin: bundle(hbsag('hbs-new', '2026-11-01', { valueString: 'Reactive' }), hbsag('hbs-old', '2020-01-01', { valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260385009' }] } })),
      check: (p: Record<string, any>) => expect(p.infection?.hbsagPositive).toBeUndefined(),
      summary: /Observation: the latest infection\.hbsagPositive result \(2026-11-01\) cannot be read.*\[Observation\/hbs-new\]/,
    },
    { defect: 'a do-not-perform rituximab order is not a drug given', stdin: bundle(rituximab({ doNotPerform: true })), check: (p: Record<string, any>) => expect(p.medications).toEqual([]), summary: /doNotPerform: an instruction not to give it; ignored \[MedicationRequest\/rtx\]/ },
    { defect: 'a rituximab plan is not a drug given', stdin: bundle(rituximab({ intent: 'plan' })), check: (p: Record<string, any>) => expect(p.medications).toEqual([]), summary: /intent plan: not an order; ignored/ },
    {
      defect: 'a mistyped coding leaves that resource out, located; the rest is imported',
      stdin: bundle({ resourceType: 'Observation', id: 'bad', status: 'final', code: { coding: { system: 'http://loinc.org', code: '2157-6' } } }, hbsag('h', '2026-11-01', { valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '10828004' }] } })),
      check: (p: Record<string, any>) => expect(p.infection.hbsagPositive).toBe(true),
      summary: /\$\.entry\[1\]\.resource\.code\.coding has the wrong type; not used \[Observation\/bad\]/,
    },
    {
      defect: 'an impossible body weight leaves the weight unknown; the import goes on',
      stdin: bundle({ resourceType: 'Observation', id: 'w', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, effectiveDateTime: '2026-11-01', valueQuantity: { value: -70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } }),
      check: (p: Record<string, any>) => expect(p.demographics).toEqual({ birthDate: '1970-01-01', sex: 'female' }),
      summary: /outside the possible range.*\[Observation\/w\]/,
    },
  ])('the real bin: $defect', ({ stdin, check, summary }) => {
    const r = runBin(['import', 'fhir', '-', '--as-of', '2026-11-16'], { stdin });
    expect(r.code).toBe(0);
    check(JSON.parse(r.stdout));
    expect(r.stderr).toMatch(summary);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('screen <bundle.json> --trial X', () => {
  test.each([
    { bundle: 'im101-611-excluded-rituximab', trial: 'IM101-611', exit: 1, verdict: 'ineligible' },
    { bundle: 'nct04946669-excluded-hepatitis', trial: 'NCT04946669', exit: 1, verdict: 'ineligible' },
    { bundle: 'im101-611-eligible', trial: 'IM101-611', exit: 3, verdict: 'undetermined' },
  ])('$bundle: $verdict (exit $exit), facts name their source record', async ({ bundle, trial, exit, verdict }) => {
    const r = await runInProcess([`${FIXTURES}/${bundle}.bundle.json`, '--trial', trial, '--as-of', '2026-11-16', '--randomization', '2026-12-01', '--format', 'json']);
    expect(r.code).toBe(exit);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.verdict).toBe(verdict);
    const facts = report.criteria.flatMap((c) => c.facts);
    expect(facts.find((f) => f.field === 'demographics.birthDate')?.source).toMatch(/^Patient\//);
    expect(facts.filter((f) => f.field.startsWith('medications[')).every((f) => /^Medication(Request|Statement)\//.test(f.source ?? ''))).toBe(true);
    expect(r.stderr).toMatch(/^import: /);
  });

  test('an STU3 statement that rituximab was not taken is refused (exit 2), never screened as a rituximab course', async () => {
    const stu3 = JSON.stringify({
      resourceType: 'Bundle', type: 'collection', entry: [
        { resource: { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' } },
        { resource: { resourceType: 'Condition', id: 'dm', code: { coding: [{ system: 'http://snomed.info/sct', code: '396230008' }] }, subject: { reference: 'Patient/p1' }, onsetDateTime: '2024-02-10' } },
        { resource: { resourceType: 'MedicationStatement', id: 'rtx', status: 'completed', taken: 'n', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '121191' }] }, subject: { reference: 'Patient/p1' }, effectivePeriod: { start: '2026-08-01', end: '2026-08-15' } } },
      ],
    });
    const r = await runInProcess(['-', '--trial', 'IM101-611', '--as-of', '2026-11-16', '--randomization', '2026-12-01', '--consent', '2026-11-10'], { stdin: stu3 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('screen: <stdin> $.entry[2].resource.taken: MedicationStatement "taken" is STU3 (R4 has status not-taken); trial-screen reads FHIR R4 only (convert the bundle to R4)\n');
  });

  test('a lone FHIR resource given as a patient file is refused, never read as an empty patient', async () => {
    const r = await runInProcess(['node_modules/cql-exec-fhir/test/fixtures/r4/Condition_f201.json', '--trial', 'IM101-611']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Condition_f201\.json \$\.resourceType: this is a FHIR Condition, not a patient file: import a Bundle with "screen import fhir/);
  });

  test('an imported file screens undetermined, naming the lists to confirm, until a person confirms them', async () => {
    const r = await runInProcess([`${FIXTURES}/im101-611-eligible.bundle.json`, '--trial', 'IM101-611', '--as-of', '2026-11-16']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('confirmation that the medications list is complete [Medications] — for I6, E2, E3, E4: Check that every record is entered, then confirm it in the patient file (under completeness, medications, complete: true)');
    expect(r.stdout).toContain('Imported values and their source records\n  - demographics.birthDate: Patient/im-001\n');
    expect(r.stdout).toContain('  - labs.ck: Observation/im-001-ck\n');
  });

  test('the real bin screens a Synthea bundle directly: no crash, sensible unknowns', () => {
    const r = runBin([SYNTHEA, '--trial', 'IM101-611', '--as-of', '2026-11-16', '--format', 'json']);
    expect(r.code).toBe(1); // born 2009: 17 at screening, so the age inclusion fails
    const report = JSON.parse(r.stdout);
    expect(report.criteria.find((c: { id: string }) => c.id === 'I1').outcome).toBe('not_met');
    expect(report.missing.map((m: { field: string }) => m.field)).toEqual(expect.arrayContaining(['completeness.medications', 'labs.ck.value']));
  });

  test('an ordinary patient file never loads the importer', async () => {
    const bundle = readFileSync(`${ROOT}dist/bundle/screen.cjs`, 'utf8');
    expect(bundle).not.toContain('not an RxNorm ingredient the dictionary binds');
    const importer = readFileSync(`${ROOT}dist/bundle/lazy-cli-fhir-input.cjs`, 'utf8');
    expect(importer).toContain('not an RxNorm ingredient the dictionary binds');
    // Only the importer: the imported patient is checked by the start-up bundle's parser and zod,
    // not by a second copy compiled again for every bundle screened.
    expect(importer).not.toContain('_zod');
    // About 40 kB of our own code: a second copy of a library would add hundreds.
    expect(importer.length).toBeLessThan(45_000);
  });
});

// What a bundle does not say decides nothing: each case imported through the real bin, the imported
// list put into a hand-written eligible patient, and that patient screened through the real bin.
describe('screen import fhir, then screen: the imported values decide only what they support', () => {
  const patient = { resourceType: 'Patient', id: 'p1', birthDate: '1975-03-14', gender: 'female' };
  const importBin = (bundle: Record<string, unknown>) => {
    const r = runBin(['import', 'fhir', '-', '--as-of', '2026-11-16'], { stdin: JSON.stringify(bundle) });
    expect(r.code).toBe(0);
    return { patient: JSON.parse(r.stdout) as Record<string, any>, summary: r.stderr };
  };
  /** The example screened through the real bin, with the values `change` gives for it put in place. */
  const screenBin = (example: string, trial: string, change: (file: Record<string, any>) => Record<string, unknown>) => {
    const original = JSON.parse(readFileSync(`${ROOT}examples/${example}.json`, 'utf8'));
    const file = { ...original, ...change(original) };
    const r = runBin(['-', '--trial', trial, '--format', 'json'], { stdin: JSON.stringify(file) });
    const report = JSON.parse(r.stdout);
    return { code: r.code, verdict: report.verdict, outcome: (id: string) => report.criteria.find((c: { id: string }) => c.id === id)?.outcome, missing: report.missing.map((m: { field: string }) => m.field) as string[] };
  };

  test('a cancer "resolved" at an export after the screening date, with no abatement date: whether it was active then stays unknown, and NCT04946669 E3 with it', () => {
    const cancer = { resourceType: 'Condition', id: 'ca', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] }, code: { coding: [{ system: 'http://snomed.info/sct', code: '363346000' }] }, subject: { reference: 'Patient/p1' }, onsetDateTime: '2018-01-01' };
    const { patient: imported, summary } = importBin({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-12-01T09:00:00Z', entry: [{ resource: patient }, { resource: cancer }] });
    expect(imported.malignancies).toEqual([{ type: 'other', diagnosisDate: '2018-01-01' }]);
    expect(summary).toContain('no abatement date, and resolved is its status at export on 2026-12-01: whether it was active on the screening date 2026-11-16 is unknown — record the resolution date [Condition/ca]');
    // Before, "active": false made E3 a question about a cancer no longer present; answered no, the patient was ELIGIBLE (exit 0).
    const s = screenBin('nct04946669-eligible', 'NCT04946669', () => ({ malignancies: imported.malignancies, reviews: { NCT04946669: { 'E3-malignancy': { decision: 'no', by: 'Dr A (PI)', date: '2026-11-16' } } } }));
    expect([s.code, s.verdict, s.outcome('E3')]).toEqual([3, 'undetermined', 'unknown']);
    expect(s.missing).toContain('malignancies[0].active');
  });

  const MRN = 'urn:oid:1.2.3.4.mrn';
  const rituximab = (subject: Record<string, unknown>) => ({ resourceType: 'MedicationStatement', id: 'rtx', status: 'completed', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '121191' }] }, effectivePeriod: { start: '2026-09-01', end: '2026-09-15' }, subject });
  const withRituximabOf = (imported: Record<string, any>) => screenBin('im101-611-eligible', 'IM101-611', (eligible) => ({ medications: [...eligible.medications, ...imported.medications] }));

  test('a rituximab course about MRN-999 under an empty identifier system, beside the Patient\'s reference, is set aside: IM101-611 stays eligible', () => {
    const { patient: imported, summary } = importBin({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...patient, identifier: [{ system: MRN, value: 'MRN-001' }] } }, { resource: rituximab({ reference: 'Patient/p1', identifier: { system: '', value: 'MRN-999' } }) }] });
    expect(imported.medications).toEqual([]);
    expect(summary).toContain('its identifier MRN-999 is none of Patient/p1\'s, but gives no system to compare them in: whether it is Patient/p1 is unknown, though its reference is Patient/p1; not used [MedicationStatement/rtx]');
    // Before, "" counted as a system the Patient does not list, so MRN-999 could not be compared and the course was used: INELIGIBLE (exit 1).
    const s = withRituximabOf(imported);
    expect([s.code, s.verdict]).toEqual([0, 'eligible']);
  });

  test('a rituximab course in an entry on another server, naming a relative Patient/p1, is that server\'s patient: set aside, IM101-611 stays eligible', () => {
    const { patient: imported, summary } = importBin({ resourceType: 'Bundle', type: 'collection', entry: [
      { fullUrl: 'https://ehr.example/fhir/Patient/p1', resource: patient },
      { fullUrl: 'https://other.example/fhir/MedicationStatement/rtx', resource: rituximab({ reference: 'Patient/p1' }) },
    ] });
    expect(imported.medications).toEqual([]);
    expect(summary).toContain('about another patient (Patient/p1 read against its fullUrl: https://other.example/fhir/Patient/p1), not https://ehr.example/fhir/Patient/p1: not used [MedicationStatement/rtx]');
    // Before, Patient/p1 was read against the Patient resource: another hospital's rituximab course made the patient INELIGIBLE (exit 1).
    const s = withRituximabOf(imported);
    expect([s.code, s.verdict]).toEqual([0, 'eligible']);
  });

  test('an Epic-style export on one server (the Patient with no fullUrl, a 70-character id with _, the Medication with a urn:uuid) is read whole', () => {
    const EHR = 'https://ehr.example/fhir/';
    const id = `e${'Ab_9'.repeat(17)}x`;
    const ck = { resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2157-6' }] }, effectiveDateTime: '2026-11-10', valueQuantity: { value: 900, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' }, referenceRange: [{ high: { value: 170, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } }], subject: { reference: 'Patient/p1' } };
    const { patient: imported, summary } = importBin({ resourceType: 'Bundle', type: 'collection', entry: [
      { resource: patient },
      { fullUrl: `${EHR}Observation/${id}`, resource: ck },
      { fullUrl: 'urn:uuid:00000000-0000-4000-8000-0000000000a1', resource: { resourceType: 'Medication', id: 'm1', code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6851' }] } } },
      { fullUrl: `${EHR}MedicationStatement/mtx`, resource: { resourceType: 'MedicationStatement', id: 'mtx', status: 'completed', medicationReference: { reference: 'Medication/m1' }, effectivePeriod: { start: '2026-09-01', end: '2026-09-15' }, subject: { reference: 'Patient/p1' } } },
    ] });
    // Before, the long id gave its entry no server (Patient/p1 set aside), and the Patient and the Medication, with no server address, matched nothing on ehr.example.
    expect(imported.labs).toEqual({ ck: { value: 900, unit: 'U/L', uln: 170, date: '2026-11-10' } });
    expect(imported.medications).toEqual([{ drug: 'methotrexate', start: '2026-09-01', stop: '2026-09-15' }]);
    expect(summary).not.toMatch(/not used|matches no single/);
  });

  test('a Medication/m1 named from an entry on the Patient\'s server is that server\'s, not another server\'s newer Medication/m1: the course is methotrexate, so IM101-611 E3 does not apply', () => {
    const EHR = 'https://ehr.example/fhir/';
    const medication = (base: string, versionId: string, rxnorm: string) => ({ fullUrl: `${base}Medication/m1`, resource: { resourceType: 'Medication', id: 'm1', meta: { versionId }, code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxnorm }] } } });
    const { patient: imported, summary } = importBin({ resourceType: 'Bundle', type: 'collection', entry: [
      { fullUrl: `${EHR}Patient/p1`, resource: patient },
      medication(EHR, '1', '6851'),
      medication('https://other.example/fhir/', '2', '121191'),
      { fullUrl: `${EHR}MedicationStatement/mtx`, resource: { resourceType: 'MedicationStatement', id: 'mtx', status: 'completed', medicationReference: { reference: 'Medication/m1' }, effectivePeriod: { start: '2026-09-01', end: '2026-09-15' }, subject: { reference: 'Patient/p1' } } },
    ] });
    expect(imported.medications).toEqual([{ drug: 'methotrexate', start: '2026-09-01', stop: '2026-09-15' }]);
    expect(summary).not.toContain('versions of this resource');
    // Before, Medication/m1 was looked up by id: the other server's newer rituximab replaced it, and the patient was INELIGIBLE (exit 1).
    // (This methotrexate record stops in I6's 12 weeks beside the example's methotrexate taken since 2024: kept as a second
    // record, not merged into the long one, so I6 asks the investigator about it.)
    const s = withRituximabOf(imported);
    expect([s.code, s.verdict, s.outcome('E3'), s.outcome('I6')]).toEqual([3, 'undetermined', 'not_met', 'needs_review']);
  });
});
