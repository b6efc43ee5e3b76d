// fast-check arbitraries for valid patient files, generated from the data dictionary itself, so
// every field any trial uses is exercised with values across (and at the edges of) its range.
import fc from 'fast-check';
import { ageInYears } from '../../src/engine/dates.js';
import type { Dictionary } from '../../src/criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../../src/criteria/dictionary-schema.js';
import { fromDayNumber, toDayNumber } from '../../src/engine/dates.js';

const FROM = toDayNumber('1940-01-01');
const TO = toDayNumber('2026-11-16');
export const REFERENCE_DATES = { screening: '2026-11-16', consent: '2026-11-16', randomization: '2026-12-01' };

const date = (from = toDayNumber('2015-01-01'), to = TO) => fc.integer({ min: from, max: to }).map(fromDayNumber);
const anyDate = date(FROM, TO);

function leaf(def: FieldDef | ItemFieldDef): fc.Arbitrary<unknown> {
  switch (def.type) {
    case 'number':
    case 'integer': {
      const min = def.min ?? 0;
      const max = def.max ?? 1000;
      const n = def.type === 'integer' ? fc.integer({ min, max }) : fc.oneof(fc.constantFrom(min, max), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
      return n;
    }
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.string({ maxLength: 20 });
    case 'date':
      return def.label.toLowerCase().includes('birth') ? anyDate : date();
    case 'enum':
      return fc.constantFrom(...Object.keys(def.values));
    case 'enumList':
      return fc.uniqueArray(fc.constantFrom(...Object.keys(def.values)), { maxLength: 4 });
    case 'lab':
      return fc.record({ value: fc.double({ min: 0, max: 5000, noNaN: true, noDefaultInfinity: true }), unit: fc.constant(def.unit), uln: fc.double({ min: 1, max: 500, noNaN: true, noDefaultInfinity: true }), date: date() });
    case 'scale':
      return fc.constantFrom(...def.scales).chain((max) => fc.record({ score: fc.integer({ min: 0, max }), max: fc.constant(max) }));
    case 'doseHistory':
      return fc.constant([]);
    case 'records':
      return fc.array(record(def), { maxLength: 3 });
  }
}

function record(def: Extract<FieldDef, { type: 'records' }>): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, item] of Object.entries(def.item)) if (item.type !== 'doseHistory') parts[name] = leaf(item);
  // A date item that cannot precede another (resolved after diagnosed) is generated in order.
  const orders = Object.entries(def.item).flatMap(([name, item]) => (item.type === 'date' && item.notBefore ? [[name, item.notBefore] as const] : []));
  const base = fc.record(parts, { requiredKeys: [] }).map((r) => {
    for (const [later, earlier] of orders) {
      const a = r[later];
      const b = r[earlier];
      if (typeof a === 'string' && typeof b === 'string' && a < b) [r[later], r[earlier]] = [b, a];
    }
    return r;
  });
  if (def.kindOf !== 'medication') return base;
  // Medications: start <= stop, or ongoing; doses start on or after the start date, one per date.
  return fc
    .tuple(base, fc.integer({ min: toDayNumber('2020-01-01'), max: toDayNumber('2026-11-30') }), fc.option(fc.integer({ min: 0, max: 600 })), fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 3 }), fc.array(fc.constantFrom(5, 10, 15, 20), { minLength: 3, maxLength: 3 }))
    .map(([m, start, stopAfter, doseOffsets, doses]) => {
      const { stop: _s, ongoing: _o, start: _st, ...rest } = m;
      const med: Record<string, unknown> = { ...rest, start: fromDayNumber(start) };
      if (stopAfter === null) med.ongoing = true;
      else med.stop = fromDayNumber(start + stopAfter);
      med.doses = [0, ...doseOffsets.filter((d) => d > 0)].map((off, i) => ({ date: fromDayNumber(start + off), dose: doses[i % 3], unit: 'mg/day' }));
      // A known drug's class comes from the dictionary (a different one is a validation error).
      const drugDef = def.item.drug;
      const entry = drugDef?.type === 'enum' && typeof med.drug === 'string' ? drugDef.values[med.drug] : undefined;
      if (entry && typeof entry !== 'string' && entry.class) med.class = entry.class;
      if (med.drug === 'other' && med.class === undefined) med.class = 'other';
      // A recorded prednisone equivalent beside a dose history it contradicts is a contradictory
      // record (read as unknown); monotonicity is about consistent patients, so keep one of the two.
      if (med.class === 'corticosteroid' && Array.isArray(med.doses) && med.doses.length > 0) delete med.prednisoneEquivalentMgPerDay;
      return med;
    });
}

/** A complete, valid patient: every dictionary field present. */
export function fullPatient(dict: Dictionary, reviewIds: Record<string, string[]> = {}): fc.Arbitrary<Record<string, any>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [path, def] of dict.fields) parts[path] = leaf(def);
  const reviewArb = fc.record(
    Object.fromEntries(Object.entries(reviewIds).map(([trial, ids]) => [trial, fc.record(Object.fromEntries(ids.map((id) => [id, fc.record({ decision: fc.constantFrom('yes', 'no'), by: fc.constant('Dr R'), date: fc.constant('2026-11-16') })])), { requiredKeys: [] })])),
  );
  return fc.tuple(fc.record(parts), reviewArb).map(([flat, reviews]) => {
    const patient: Record<string, any> = { id: 'P', referenceDates: { ...REFERENCE_DATES }, reviews };
    for (const [path, value] of Object.entries(flat)) {
      const keys = path.split('.');
      let node = patient;
      for (const k of keys.slice(0, -1)) node = node[k] ??= {};
      node[keys[keys.length - 1] as string] = value;
    }
    // A stated age must agree with the date of birth (the patient file refuses a contradiction).
    const demo = patient.demographics;
    if (demo && typeof demo.birthDate === 'string' && typeof demo.ageOn === 'string') {
      if (demo.ageOn < demo.birthDate) delete demo.ageOn;
      else demo.ageYears = ageInYears(demo.birthDate, demo.ageOn);
    }
    return patient;
  });
}

/** Every removable piece of a patient: whole fields, list items' fields (labs go whole). */
export function removablePaths(patient: Record<string, any>, dict: Dictionary): string[][] {
  const out: string[][] = [];
  for (const [path, def] of dict.fields) {
    const keys = path.split('.');
    out.push(keys);
    if (def.type === 'records') {
      const list = keys.reduce<any>((n, k) => n?.[k], patient);
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        for (const name of Object.keys(item)) {
          // A stop date or ongoing flag is removable (then unknown); class is derived from drug.
          if (name !== 'class') out.push([...keys, String(i), name]);
        }
      });
    }
  }
  out.push(['referenceDates', 'randomization'], ['referenceDates', 'consent']);
  return out;
}

/** A copy of the patient without the pieces at `paths` (those there): copied once, not once per path. */
export function withoutAll(patient: Record<string, any>, paths: string[][]): Record<string, any> {
  const copy = structuredClone(patient);
  for (const path of paths) {
    let node: any = copy;
    for (const k of path.slice(0, -1)) {
      node = node?.[k];
      if (node === undefined) break;
    }
    if (node && typeof node === 'object') delete node[path[path.length - 1] as string];
  }
  return copy;
}
