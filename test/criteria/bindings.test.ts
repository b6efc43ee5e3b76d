// The terminology bindings in criteria/fields.yaml: complete, consistent with the field they fill,
// and unambiguous (a code fills one place).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseDictionary } from '../../src/criteria/dictionary.js';
import { buildCodeIndex } from '../../src/fhir/code-index.js';
import { criteriaSet, ROOT } from '../helpers/screening.js';

const text = readFileSync(`${ROOT}criteria/fields.yaml`, 'utf8');

test('every lab and measurement binding reports in a unit the field accepts', () => {
  for (const [path, def] of criteriaSet.dictionary.fields) {
    if ((def.type !== 'lab' && def.type !== 'number') || !def.codes) continue;
    for (const b of def.codes) expect({ path, unit: b.unit }).toEqual({ path, unit: def.unit });
  }
});

test.each([
  ['a LOINC lab code', 'http://loinc.org|2157-6', { kind: 'field', path: 'labs.ck' }],
  ['a SNOMED CT diagnosis', 'http://snomed.info/sct|396230008', { kind: 'enumValue', path: 'diagnosis.subtype', value: 'dm' }],
  ['an ICD-10-CM diagnosis', 'http://hl7.org/fhir/sid/icd-10-cm|G72.41', { kind: 'enumValue', path: 'diagnosis.subtype', value: 'ibm' }],
  ['an RxNorm ingredient', 'http://www.nlm.nih.gov/research/umls/rxnorm|614391', { kind: 'recordValue', records: 'medications', item: 'drug', value: 'abatacept' }],
  ['a statin by ingredient', 'http://www.nlm.nih.gov/research/umls/rxnorm|83367', { kind: 'recordValue', records: 'medications', value: 'statin' }],
  ['evidence for two TB questions', 'http://snomed.info/sct|56717001', { kind: 'evidence', paths: ['infection.tbRisk', 'infection.activeTbTreatedWithin3Years'] }],
])('%s is indexed to what it fills', (_what, key, target) => {
  expect(buildCodeIndex(criteriaSet.dictionary).get(key)).toMatchObject(target);
});

test('a code bound to two fields is an error that names both', () => {
  const twice = text.replace('      - { system: loinc, code: 1761-6,', '      - { system: loinc, code: 2157-6,');
  expect(twice).not.toBe(text);
  expect(() => parseDictionary(twice, 'fields.yaml')).toThrow(/fields\.labs\.aldolase: loinc 2157-6 is already bound to fields\.labs\.ck/);
});

test('a binding without a display name is refused by the schema', () => {
  const bare = text.replace('{ system: loinc, code: 29463-7, display: Body weight, unit: kg }', '{ system: loinc, code: 29463-7, unit: kg }');
  expect(bare).not.toBe(text);
  expect(() => parseDictionary(bare, 'fields.yaml')).toThrow(/display/);
});
