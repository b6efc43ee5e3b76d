// Property: no JSON bundle crashes the importer. A bundle with any one element replaced by any JSON
// value (or removed) is imported into a valid patient file, or refused with a located
// PatientDataError — never another exception (which the CLI reports as an internal error, exit 70).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { PatientDataError } from '../../src/errors.js';
import { importFhirBundle } from '../../src/fhir/import-bundle.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { criteriaSet } from '../helpers/screening.js';

const base = JSON.parse(readFileSync(new URL('../fixtures/fhir/im101-611-eligible.bundle.json', import.meta.url), 'utf8')) as unknown;

/** Every path to an element of the bundle (object keys and list positions). */
function paths(node: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (node === null || typeof node !== 'object') return [at];
  const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  return [at, ...keys.flatMap((k) => paths((node as Record<string | number, unknown>)[k], [...at, k]))];
}
const ALL = paths(base).filter((p) => p.length > 0);

function damaged(path: (string | number)[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, [null], {}, [], '', 0, -1, 1e308, '2026-02-30', 'final', { coding: {} }, { coding: [null] }));

test('a damaged bundle is imported into a valid patient file, or refused with a located error', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...ALL), json, fc.boolean()), { minLength: 1, maxLength: 3 }), (damages) => {
      let bundle = base;
      for (const [path, value, remove] of damages) {
        const before = bundle;
        try {
          bundle = damaged.call(null, path, value, remove);
          void before;
        } catch {
          return; // an earlier damage removed the path's parent
        }
      }
      let patient: Record<string, unknown>;
      try {
        patient = importFhirBundle(bundle, criteriaSet.dictionary, { asOf: '2026-11-16' }).patient;
      } catch (e) {
        expect(e).toBeInstanceOf(PatientDataError);
        expect((e as PatientDataError).problems[0]?.location).toMatch(/^\$/);
        return;
      }
      try {
        parsePatientData(patient, 'imported', criteriaSet.dictionary, { pruned: true, referenceDates: { screening: '2026-11-16' } });
      } catch (e) {
        // Issue 11's plausible ranges apply to imported values too: an absurd value (a damaged
        // reference range of 1e308) is refused by the patient check with a located problem,
        // which is what `screen import fhir` and `screen bundle.json` then report (exit 2).
        expect(e).toBeInstanceOf(PatientDataError);
        for (const p of (e as PatientDataError).problems) {
          expect(p.location).toMatch(/^imported \$/);
          expect(p.message).toMatch(/outside the plausible range/);
        }
      }
    }),
    { seed: 1710, numRuns: 150 },
  );
});
