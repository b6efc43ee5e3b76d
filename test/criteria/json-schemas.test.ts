// The committed schema/*.json must equal what the zod schemas generate now, and must accept the
// real criteria and example patient files (checked with an independent validator, ajv).
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, test } from 'vitest';
import { parseDictionary } from '../../src/criteria/dictionary.js';
import { buildJsonSchemas, formatJsonSchema } from '../../src/criteria/json-schemas.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');
const dict = parseDictionary(read('criteria/fields.yaml'), 'criteria/fields.yaml');
const generated = buildJsonSchemas(dict);

describe('schema/ is in sync with the zod schemas', () => {
  test.each(Object.keys(generated))('%s (run `npm run schemas` if this fails)', (name) => {
    expect(read(`schema/${name}`)).toBe(formatJsonSchema(generated[name] as Record<string, unknown>));
  });

  test('exactly the generated schema files are committed', () => {
    expect(readdirSync(new URL('schema/', root)).sort()).toEqual(Object.keys(generated).sort());
  });
});

describe('the schemas accept the real files and reject broken ones', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = (name: string) => ajv.compile(generated[name] as object);
  const criteriaFiles = readdirSync(new URL('criteria/', root)).filter((f) => f.endsWith('.yaml'));
  const schemaFor = (f: string) => (f === 'fields.yaml' ? 'fields.schema.json' : f === 'definitions.yaml' ? 'definitions.schema.json' : 'criteria.schema.json');

  test.each(criteriaFiles)('criteria/%s is valid and names its schema on line 1', (f) => {
    const text = read(`criteria/${f}`);
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=../schema/${schemaFor(f)}`);
    const v = validate(schemaFor(f));
    expect(v(parseYaml(text)), JSON.stringify(v.errors)).toBe(true);
  });

  const examples = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.json'));
  test.each(examples)('examples/%s is a valid patient file', (f) => {
    const data = JSON.parse(read(`examples/${f}`)) as { $schema?: string };
    expect(data.$schema).toBe('../schema/patient.schema.json');
    const v = validate('patient.schema.json');
    expect(v(data), JSON.stringify(v.errors)).toBe(true);
  });

  test.each([
    ['criteria.schema.json', { trial: { id: 'X' }, criteria: [{ id: 'I1', type: 'inclusion', title: 't', source: 's', rule: { kind: 'bogus' } }] }],
    ['criteria.schema.json', { trial: {}, criteria: [] }],
    ['fields.schema.json', { version: 1, sections: [], fields: {} }],
    ['patient.schema.json', { labs: { ck: { value: 'high' } } }],
    ['patient.schema.json', { demographics: { sex: 'unknownValue' } }],
    ['patient.schema.json', { referenceDates: { screening: '2026-01-01', extra: 1 } }],
  ])('%s rejects %j', (name, data) => {
    expect(validate(name)(data)).toBe(false);
  });
});
