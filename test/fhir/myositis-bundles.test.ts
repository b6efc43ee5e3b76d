// The hand-built FHIR R4 bundles of four example patients (test/fixtures/fhir) import to the same
// values as the hand-written patient files, and, once a person has confirmed the imported lists and
// added what an EHR does not hold (scores, reviews, yes/no history), screen to the same outcomes.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { importFhirBundle, IMPORTED_LISTS } from '../../src/fhir/import-bundle.js';
import { criteriaSet, example, ROOT, screenExample } from '../helpers/screening.js';

const CASES = [
  { name: 'im101-611-eligible', trial: 'IM101-611', verdict: 'eligible' },
  { name: 'im101-611-excluded-rituximab', trial: 'IM101-611', verdict: 'ineligible' },
  { name: 'nct04946669-eligible', trial: 'NCT04946669', verdict: 'eligible' },
  { name: 'nct04946669-excluded-hepatitis', trial: 'NCT04946669', verdict: 'ineligible' },
] as const;

/** What the importer fills: these paths of the hand-written file must come out of the bundle. */
const MAPPED_FIELDS = ['demographics.birthDate', 'demographics.sex', 'demographics.weightKg', 'diagnosis.subtype', 'diagnosis.date', 'labs.ck', 'labs.aldolase', 'labs.ldh', 'labs.ast', 'labs.alt', 'infection.hbsagPositive', 'infection.antiHcvPositive'];
/** Medication facts an EHR record carries; the rest (outcome, recorded equivalents) a person adds. */
const MEDICATION_KEYS = ['drug', 'start', 'stop', 'ongoing', 'doses'];

function bundle(name: string): unknown {
  return JSON.parse(readFileSync(`${ROOT}test/fixtures/fhir/${name}.bundle.json`, 'utf8'));
}

function get(obj: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((o, k) => (o === undefined ? undefined : o[k]), obj);
}

function put(obj: Record<string, any>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = obj;
  for (const k of keys.slice(0, -1)) node = node[k] ??= {};
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe.each(CASES)('$name as a FHIR bundle', ({ name, trial, verdict }) => {
  const handWritten = example(name);
  const { patient: imported, notes } = importFhirBundle(bundle(name), criteriaSet.dictionary, { asOf: handWritten.referenceDates.screening });

  test('every value the EHR holds is imported exactly as the hand-written file has it', () => {
    for (const path of MAPPED_FIELDS) expect({ path, value: get(imported, path) }).toEqual({ path, value: get(handWritten, path) });
    const meds = (imported.medications as Record<string, unknown>[]).map((m) => Object.fromEntries(MEDICATION_KEYS.filter((k) => k in m).map((k) => [k, m[k]])));
    const expected = (handWritten.medications as Record<string, unknown>[]).map((m) => Object.fromEntries(MEDICATION_KEYS.filter((k) => k in m).map((k) => [k, m[k]])));
    expect(meds).toEqual(expected);
  });

  test('every imported value names its source, and every imported list is marked not known complete', () => {
    const provenance = imported.provenance as Record<string, string>;
    for (const path of MAPPED_FIELDS) if (get(handWritten, path) !== undefined) expect(provenance[path]).toMatch(/^(Patient|Observation|Condition)\//);
    (imported.medications as unknown[]).forEach((_, i) => expect(provenance[`medications[${i}]`]).toMatch(/^Medication(Request|Statement)\//));
    expect(imported.completeness).toEqual(Object.fromEntries(IMPORTED_LISTS.map((l) => [l, { complete: false }])));
  });

  test('the refuted diagnosis and the lab entered in error are ignored, with a note', () => {
    expect(notes.map((n) => `${n.resource}: ${n.message}`)).toEqual(expect.arrayContaining([expect.stringMatching(/ibm-refuted: verification status refuted: ignored/), expect.stringMatching(/ck-error: status entered-in-error/)]));
  });

  test(`with the lists confirmed and the non-EHR data added, it screens ${verdict} with the same outcome for every criterion`, () => {
    const patient = structuredClone(handWritten);
    for (const path of MAPPED_FIELDS) put(patient, path, get(imported, path));
    const extra = (handWritten.medications as Record<string, unknown>[]).map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !MEDICATION_KEYS.includes(k))));
    patient.medications = (imported.medications as Record<string, unknown>[]).map((m, i) => ({ ...m, ...extra[i] }));
    for (const list of IMPORTED_LISTS) patient[list] = imported[list];
    patient.provenance = imported.provenance;
    patient.completeness = Object.fromEntries(IMPORTED_LISTS.map((l) => [l, { complete: true, by: 'Site coordinator', date: '2026-11-16' }]));
    const fromBundle = screenExample(trial, patient);
    const fromFile = screenExample(trial, handWritten);
    expect(fromBundle.verdict).toBe(verdict);
    expect(fromBundle.criteria.map((c) => [c.id, c.outcome])).toEqual(fromFile.criteria.map((c) => [c.id, c.outcome]));
  });

  test('without the confirmation, absence-dependent criteria stay open: never eligible on an unconfirmed list', () => {
    const patient = structuredClone(handWritten);
    for (const path of MAPPED_FIELDS) put(patient, path, get(imported, path));
    for (const list of IMPORTED_LISTS) patient[list] = imported[list];
    patient.medications = imported.medications;
    patient.completeness = imported.completeness;
    const r = screenExample(trial, patient);
    expect(r.verdict).not.toBe('eligible');
    if (verdict === 'ineligible') expect(r.verdict).toBe('ineligible');
  });
});
