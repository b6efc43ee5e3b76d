// A missing value's label is worded in the report layer from the screening's data and the
// dictionary; the engine's result holds no label (it once composed these words itself).
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { MissingEntry } from '../../src/engine/result.js';
import { missingLabel, missingPhrase } from '../../src/report/missing-label.js';
import { criteriaSet, example, ROOT, screenExample, withChanges } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;
const med = (index: number, field: string, name?: { key: string; value: string; otherName?: string }): MissingEntry => ({
  field: `medications[${index}].${field}`,
  record: { list: 'medications', index, ...(name ? { name } : {}) },
  criteria: [],
});

describe('missingLabel: each kind of path, with the dictionary and without', () => {
  test.each<[Omit<MissingEntry, 'criteria'>, string, string]>([
    [{ field: 'referenceDates.randomization' }, 'randomization date', 'randomization date'],
    [{ field: 'completeness.medications' }, 'confirmation that the medications list is complete', 'confirmation that the medications list is complete'],
    [{ field: 'labs.alt' }, 'ALT', 'labs.alt'],
    [{ field: 'labs.alt.uln' }, 'ALT upper limit of normal', 'labs.alt.uln'],
    [{ field: 'labs.alt.date' }, 'ALT date', 'labs.alt.date'],
    [med(1, 'outcome', { key: 'drug', value: 'methotrexate' }), 'Response to this drug of Methotrexate (medications #2)', 'outcome of methotrexate (medications #2)'],
    [med(0, 'stop', { key: 'drug', value: 'prednisone' }), 'date of last dose (or "ongoing": true) of Prednisone (medications #1)', 'date of last dose (or "ongoing": true) of prednisone (medications #1)'],
    // A record without a name is named by its number; a free-text name follows its enum label.
    [med(2, 'start'), 'Start date of #3 (medications #3)', 'start of #3 (medications #3)'],
    [med(0, 'start', { key: 'drug', value: 'azathioprine', otherName: 'Imurel' }), 'Start date of Azathioprine (Imurel) (medications #1)', 'start of azathioprine (Imurel) (medications #1)'],
    [{ field: 'no.such.path' }, 'no.such.path', 'no.such.path'],
  ])('%j', (m, withDict, bare) => {
    expect(missingLabel(m, dict)).toBe(withDict);
    expect(missingLabel(m)).toBe(bare);
  });

  test('missingPhrase adds what the value must hold', () => {
    expect(missingPhrase({ ...med(0, 'doses', { key: 'drug', value: 'prednisone' }), need: { kind: 'doseOn', date: '2026-05-03' } }, dict)).toBe('Dose history of Prednisone (medications #1): dose on 2026-05-03');
    expect(missingPhrase({ field: 'labs.alt', need: { kind: 'resultBetween', from: '2026-08-01', to: '2026-11-01' } }, dict)).toBe('ALT (a result from 2026-08-01 to 2026-11-01)');
  });
});

describe('the engine result names missing values only as data', () => {
  const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  // Each example as given, and with its medications' last doses taken out, so list records go missing too.
  const holes = (p: Record<string, any>) => {
    for (const m of p.medications ?? []) delete m.stop, delete m.ongoing;
  };
  test.each(examples)('%s', (name) => {
    const trialId = name.startsWith('im101') ? 'IM101-611' : name.slice(0, 11).toUpperCase();
    for (const p of [example(name), withChanges(example(name), holes)]) {
      for (const m of screenExample(trialId, p).missing) {
        expect(Object.keys(m).every((k) => ['field', 'need', 'record', 'criteria'].includes(k))).toBe(true);
        if (!m.record) continue;
        expect(m.field.startsWith(`${m.record.list}[${m.record.index}].`)).toBe(true);
        expect(Object.keys(m.record.name ?? {}).every((k) => ['key', 'value', 'otherName'].includes(k))).toBe(true);
      }
    }
  });

  test('a value inside a list record carries the list, the index and the name as recorded', () => {
    const p = withChanges(example('im101-611-eligible'), holes);
    const entry = screenExample('IM101-611', p).missing.find((m) => m.field === 'medications[0].stop');
    expect(entry?.record).toEqual({ list: 'medications', index: 0, name: { key: 'drug', value: p.medications[0].drug } });
    expect(entry && missingLabel(entry, dict)).toBe('date of last dose (or "ongoing": true) of Prednisone (medications #1)');
  });
});
