// A fact's name is worded in the report layer: the engine records a field under its label from the
// criteria files, or a value in a typed role, never a label it composed itself.
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BOHAN_PETER_ITEMS } from '../../src/engine/calculators/bohan-peter.js';
import { SONTHEIMER_ITEMS } from '../../src/engine/calculators/sontheimer-cadm.js';
import type { FactRole, Trace } from '../../src/engine/result.js';
import { roleWords } from '../../src/report/fact-words.js';
import { criteriaSet, example, ROOT, screenExample } from '../helpers/screening.js';

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
    [{ kind: 'prednisoneDose', drug: 'prednisone', from: 'table' }, 'prednisone'],
    [{ kind: 'prednisoneDose', drug: 'methylprednisolone', from: 'table', drugMgPerDay: 8 }, 'methylprednisolone 8 mg/day as prednisone'],
    [{ kind: 'prednisoneDose', drug: 'budesonide', from: 'recorded', ifStillTaken: true }, 'budesonide (recorded prednisone equivalent) (if still taken)'],
    [{ kind: 'intoleranceCourse', drug: 'methotrexate', start: '2025-01-01', partner: 'corticosteroid', months: 3 }, 'methotrexate (intolerance, 2025-01-01 to ?) together with a glucocorticoid for ≥ 3 months'],
    [{ kind: 'intoleranceCourse', drug: 'prednisone', end: '2025-06-01', partner: 'immunosuppressant', months: 3 }, 'prednisone (intolerance, ? to 2025-06-01) together with an immunosuppressant for ≥ 3 months'],
  ])('%j', (role, want) => expect(roleWords(role)).toBe(want));
});

describe('the engine labels a fact only with a name from the criteria files', () => {
  const dict = criteriaSet.dictionary;
  const names = new Set<string>([...BOHAN_PETER_ITEMS.map((i) => i.label), ...Object.values(SONTHEIMER_ITEMS)]);
  for (const [path, def] of dict.fields) {
    names.add(def.label).add(path);
    if (def.type === 'records') for (const [key, item] of Object.entries(def.item)) names.add(item.label).add(key);
  }
  const facts = (t: Trace): Trace['facts'] => [...t.facts, ...(t.children ?? []).flatMap(facts)];
  const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  test.each(examples)('%s', (name) => {
    const trialId = name.startsWith('im101') ? 'IM101-611' : name.slice(0, 11).toUpperCase();
    for (const c of screenExample(trialId, example(name)).criteria) {
      for (const f of facts(c.trace)) if ('label' in f) expect(names, `${c.id} ${f.field}`).toContain(f.label);
    }
  });
});
