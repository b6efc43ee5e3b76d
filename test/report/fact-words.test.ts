// A fact's name is worded in the report layer: the engine records a field under its label from the
// criteria files, or a value in a typed role, never a label it composed itself.
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BOHAN_PETER_ITEMS } from '../../src/engine/calculators/bohan-peter.js';
import { SONTHEIMER_ITEMS } from '../../src/engine/calculators/sontheimer-cadm.js';
import { enumLabel, recordItemField } from '../../src/criteria/dictionary-model.js';
import type { Fact, FactRole, Trace } from '../../src/engine/result.js';
import { factValue } from '../../src/report/describe.js';
import { itemWords, roleWords, wordedFact } from '../../src/report/fact-words.js';
import type { ItemDetail } from '../../src/rules/quantifier.js';
import { criteriaSet, example, ROOT, screenExample, withChanges } from '../helpers/screening.js';

describe('roleWords: each role in words', () => {
  test.each<[FactRole, string]>([
    [{ kind: 'uln', of: 'CK' }, 'CK ULN'],
    [{ kind: 'start' }, 'start'],
    [{ kind: 'lastDose' }, 'last dose'],
    [{ kind: 'ongoing' }, 'ongoing'],
    [{ kind: 'doseFrom', date: '2026-05-03' }, 'dose from 2026-05-03'],
    [{ kind: 'listComplete', list: 'Medications' }, 'Medications list confirmed complete'],
    [{ kind: 'referenceDate', name: 'consent' }, 'consent date'],
    [{ kind: 'bodyWeight' }, 'body weight'],
    [{ kind: 'imacsMeasure', measure: 'MMT-8', at: 'baseline' }, 'MMT-8 baseline'],
    [{ kind: 'imacsMeasure', measure: 'HAQ-DI', at: 'followUp' }, 'HAQ-DI follow-up'],
    [{ kind: 'prednisoneDose', drug: { index: 0, drug: 'prednisone' }, from: 'table' }, 'prednisone'],
    [{ kind: 'prednisoneDose', drug: { index: 1, drug: 'methylprednisolone' }, from: 'table', drugMgPerDay: 8 }, 'methylprednisolone 8 mg/day as prednisone'],
    [{ kind: 'prednisoneDose', drug: { index: 2, drug: 'other', otherName: 'Budesonide' }, from: 'recorded', ifStillTaken: true }, 'Budesonide (recorded prednisone equivalent) (if still taken)'],
    [{ kind: 'prednisoneDose', drug: { index: 5 }, from: 'recorded' }, '#6 (recorded prednisone equivalent)'],
    [{ kind: 'prednisoneDose', drug: { index: 0, drug: 'other' }, from: 'recorded' }, 'other (recorded prednisone equivalent)'],
    [{ kind: 'intoleranceCourse', drug: { index: 1, drug: 'methotrexate' }, start: '2025-01-01', partner: 'corticosteroid', months: 3 }, 'methotrexate (intolerance, 2025-01-01 to ?) together with a glucocorticoid for ≥ 3 months'],
    [{ kind: 'intoleranceCourse', drug: { index: 0, drug: 'prednisone' }, end: '2025-06-01', partner: 'immunosuppressant', months: 3 }, 'prednisone (intolerance, ? to 2025-06-01) together with an immunosuppressant for ≥ 3 months'],
    [{ kind: 'intoleranceCourse', drug: { index: 2 }, start: '2025-07-01', end: '2026-01-01', partner: 'corticosteroid', months: 3 }, '#3 (intolerance, 2025-07-01 to 2026-01-01) together with a glucocorticoid for ≥ 3 months'],
    // As recorded: a course still taken says so; a last dose after the screening date is shown as it is.
    [{ kind: 'intoleranceCourse', drug: { index: 1, drug: 'methotrexate' }, start: '2025-06-15', ongoing: true, partner: 'corticosteroid', months: 3 }, 'methotrexate (intolerance, from 2025-06-15, still taken) together with a glucocorticoid for ≥ 3 months'],
    [{ kind: 'combinedCourse', drug: { index: 1, drug: 'methotrexate' }, start: '2026-08-20', end: '2027-03-01', months: 3 }, 'methotrexate (2026-08-20 to 2027-03-01) together with a glucocorticoid for ≥ 3 months'],
    // Which immunosuppressive therapy a calculation takes, and a course whose class is not recorded.
    [{ kind: 'intoleranceCourse', drug: { index: 0, drug: 'prednisone' }, start: '2025-06-01', ongoing: true, partner: 'immunosuppressant', which: 'named', months: 3 }, 'prednisone (intolerance, from 2025-06-01, still taken) together with an immunosuppressant (not one the investigator decides about) for ≥ 3 months'],
    [{ kind: 'intoleranceCourse', drug: { index: 0, drug: 'prednisone' }, start: '2025-06-01', ongoing: true, partner: 'immunosuppressant', which: 'unnamed', months: 3 }, 'prednisone (intolerance, from 2025-06-01, still taken) together with an immunosuppressive therapy the investigator decides about for ≥ 3 months'],
    [{ kind: 'intoleranceCourse', drug: { index: 2 }, start: '2025-07-01', end: '2025-12-01', partner: 'either', months: 3 }, '#3 (intolerance, 2025-07-01 to 2025-12-01, its class not recorded) together with a glucocorticoid or an immunosuppressant for ≥ 3 months'],
    // A drug by its label from the criteria files where the engine gives one (a nurse read "mycophenolateMofetil").
    [{ kind: 'intoleranceCourse', drug: { index: 1, drug: 'mycophenolateMofetil', label: 'Mycophenolate mofetil' }, start: '2025-06-15', end: '2025-12-01', partner: 'corticosteroid', months: 3 }, 'Mycophenolate mofetil (intolerance, 2025-06-15 to 2025-12-01) together with a glucocorticoid for ≥ 3 months'],
    [{ kind: 'prednisoneDose', drug: { index: 3, drug: 'other', label: 'Other drug' }, from: 'recorded' }, 'Other drug (recorded prednisone equivalent)'],
    [{ kind: 'prednisoneDose', drug: { index: 3, drug: 'other', label: 'Other drug', otherName: 'Budesonide' }, from: 'recorded' }, 'Budesonide (recorded prednisone equivalent)'],
  ])('%j', (role, want) => expect(roleWords(role)).toBe(want));
});

describe('an intolerance course: its outcome in words', () => {
  const role: FactRole = { kind: 'intoleranceCourse', drug: { index: 1, drug: 'methotrexate' }, partner: 'corticosteroid', months: 3 };
  test.each<[Fact['value'], FactRole, string]>([
    [true, { ...role, partners: [{ index: 0, drug: 'prednisone' }] }, 'yes, with prednisone'],
    [true, { ...role, partners: [{ index: 0, drug: 'other', otherName: 'Budesonide' }, { index: 3 }] }, 'yes, with Budesonide and #4'],
    [true, { ...role, partners: [{ index: 0, drug: 'prednisone', label: 'Prednisone' }] }, 'yes, with Prednisone'],
    [null, role, 'not known (data missing)'],
    [false, role, 'no'],
    // Still taken: not intolerance ("side effects that require discontinuation"), said so.
    [false, { ...role, start: '2025-06-15', ongoing: true }, 'not counted: still taken at screening (intolerance means the drug was stopped)'],
  ])('%j', (value, r, want) => {
    const f: Fact = { field: 'medications[1]', role: r, value };
    expect(factValue(f)).toBe(want);
    expect(wordedFact(f).value).toBe(want);
  });
});

describe('itemWords: a list record in an explanation', () => {
  test.each<[ItemDetail, string]>([
    [{ list: 'medications', index: 1, name: { key: 'drug', value: 'methotrexate' }, label: 'Methotrexate', applies: 'met' }, 'Methotrexate'],
    [{ list: 'medications', index: 0, name: { key: 'drug', value: 'other', otherName: 'Tacrolimus XR' }, label: 'Other', applies: 'met' }, 'Other (Tacrolimus XR)'],
    [{ list: 'history.malignancies', index: 0, name: { key: 'name', value: 'basal cell' }, applies: 'met' }, 'basal cell'],
    [{ list: 'medications', index: 2, applies: 'unknown' }, '#3'],
  ])('%j', (d, want) => expect(itemWords(d)).toBe(want));
});

describe('the engine labels a fact only with a name from the criteria files', () => {
  const dict = criteriaSet.dictionary;
  const names = new Set<string>([...BOHAN_PETER_ITEMS.map((i) => i.label), ...Object.values(SONTHEIMER_ITEMS)]);
  for (const [path, def] of dict.fields) {
    names.add(def.label).add(path);
    if (def.type === 'records') for (const [key, item] of Object.entries(def.item)) names.add(item.label).add(key);
  }
  // A value (or a record's name) may be given by its enum value's label from the criteria files ("Methotrexate").
  const valueLabels = new Set<string>();
  for (const [, def] of dict.fields) {
    for (const d of def.type === 'records' ? Object.values(def.item) : [def]) if ('values' in d && d.values) for (const v of Object.keys(d.values)) valueLabels.add(enumLabel(d.values, v));
  }
  const facts = (t: Trace): Trace['facts'] => [...t.facts, ...(t.children ?? []).flatMap(facts)];
  const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  const nodes = (t: Trace): Trace[] => [t, ...(t.children ?? []).flatMap(nodes)];
  const strings = (x: unknown): string[] => (typeof x === 'string' ? [x] : x && typeof x === 'object' ? Object.values(x).flatMap(strings) : []);
  // Records without a name, a drug "other" and an intolerance course left open: the fallbacks ("#3") are the report's too.
  const unnamed = withChanges(example('nct04946669-intolerance'), (p) => {
    p.medications.push({ class: 'immunosuppressant', start: '2025-07-01', stop: '2026-01-01', outcome: 'intolerance' }, { drug: 'other', class: 'corticosteroid', start: '2025-01-01', ongoing: true, prednisoneEquivalentMgPerDay: 5 }, { drug: 'methotrexate', stop: '2025-12-01', outcome: 'intolerance' });
  });
  const cases: [string, string, Record<string, any>][] = [
    ...examples.map((name): [string, string, Record<string, any>] => [name, name.startsWith('im101') ? 'IM101-611' : name.slice(0, 11).toUpperCase(), example(name)]),
    ['unnamed records', 'NCT04946669', unnamed],
  ];
  test.each(cases)('%s', (_, trialId, patient) => {
    // A fact's value and a record's name are the patient's own (a value, a date) or data: no words.
    const recorded = new Set(strings(patient));
    const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
    for (const c of screenExample(trialId, patient).criteria) {
      for (const f of facts(c.trace)) {
        if ('label' in f) expect(names, `${c.id} ${f.field}`).toContain(f.label);
        // A calculator's drugs carry their labels from the criteria files, beside their codes.
        if ('role' in f && 'drug' in f.role) {
          for (const d of [f.role.drug, ...('partners' in f.role ? (f.role.partners ?? []) : [])]) {
            if (d.drug !== undefined) expect(d.label, `${c.id} ${f.field} drug ${d.drug}`).toBe(enumLabel((recordItemField(dict, 'medications', 'drug') as { values: Record<string, string> }).values, d.drug));
          }
        }
        for (const s of strings(f.value)) expect(recorded.has(s) || isDate(s) || valueLabels.has(s), `${c.id} ${f.field} value ${s}`).toBe(true);
      }
      for (const t of nodes(c.trace)) {
        if (t.kind !== 'item' || !t.detail) continue;
        const { name, label } = t.detail;
        expect(Object.keys(t.detail), `${c.id} item`).not.toContain('item');
        if (name) expect([name.value, name.otherName].filter((s) => s !== undefined).every((s) => recorded.has(s as string)), `${c.id} item ${name.value}`).toBe(true);
        if (label !== undefined) expect(valueLabels, `${c.id} item label`).toContain(label);
      }
    }
  });
});
