// The criteria loader and the patient parser only ever fail with our user-facing errors, whatever
// the input: random YAML/JSON documents, random text, and random damage to the real files.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { expect, test } from 'vitest';
import { parseTrial } from '../../src/criteria/load-trial.js';
import { isScreenError } from '../../src/errors.js';
import { parsePatientText } from '../../src/patient/parse.js';
import { criteriaSet, ROOT } from '../helpers/screening.js';

const real = readFileSync(`${ROOT}criteria/IM101-611.yaml`, 'utf8');
const example = readFileSync(`${ROOT}examples/im101-611-eligible.json`, 'utf8');

function onlyOurErrors(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(isScreenError(e), `threw ${(e as Error)?.stack ?? String(e)}`).toBe(true);
  }
}

const damaged = (text: string) =>
  fc
    .array(fc.tuple(fc.nat(text.length), fc.nat(20), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 4 })
    .map((edits) => edits.reduce((t, [at, cut, insert]) => t.slice(0, at) + insert + t.slice(at + cut), text));

const opts = { seed: 4242, numRuns: 150 };

test('random YAML documents', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => onlyOurErrors(() => parseTrial(stringify(v), 'x.yaml', criteriaSet.dictionary, criteriaSet.shared))), opts);
});

test('random text as YAML', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => onlyOurErrors(() => parseTrial(t, 'x.yaml', criteriaSet.dictionary, criteriaSet.shared))), opts);
});

// (150 parses of the whole file: about 4 s alone, past the default 20 s on a loaded machine. Not
// fewer: the kinds of error the damage reaches still grow at 400 runs, by 10 every 25.)
test('random damage to the IM101-611 criteria file', () => {
  fc.assert(fc.property(damaged(real), (t) => onlyOurErrors(() => parseTrial(t, 'x.yaml', criteriaSet.dictionary, criteriaSet.shared))), opts);
}, 60_000);

test('random JSON values and damaged patient files', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => onlyOurErrors(() => parsePatientText(JSON.stringify(v), 'p.json', criteriaSet.dictionary))), opts);
  fc.assert(fc.property(damaged(example), (t) => onlyOurErrors(() => parsePatientText(t, 'p.json', criteriaSet.dictionary))), opts);
});
