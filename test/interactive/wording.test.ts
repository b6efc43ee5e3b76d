// What the questionnaire shows names fields by their labels: no text it takes from the criteria
// files (a question, a label, a choice, a review question and its answers) spells a field's path
// or key as the patient file writes it ("otherName", "labs.ck").
import { expect, test } from 'vitest';
import { loadAllTrials, openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { walkRule, type Condition } from '../../src/rules/registry.js';

const set = openCriteriaDir();
const dict = set.dictionary;

/** Names a person would not write: dotted paths, and keys in camelCase (otherName, birthDate). */
const rawNames = new Set<string>();
for (const [path, def] of dict.fields) {
  if (path.includes('.')) rawNames.add(path);
  for (const key of [...path.split('.'), ...(def.type === 'records' ? Object.keys(def.item) : [])]) if (/[a-z][A-Z]/.test(key)) rawNames.add(key);
}

function rawNamesIn(text: string): string[] {
  return [...rawNames].filter((name) => new RegExp(`(^|[^\\w.])${name.replaceAll('.', '\\.')}($|[^\\w])`).test(text));
}

type Shown = { where: string; text: string };

function dictionaryTexts(): Shown[] {
  const out: Shown[] = [];
  const valueLabels = (where: string, values: Record<string, string | { label: string }>) => {
    for (const [v, l] of Object.entries(values)) out.push({ where: `${where} value ${v}`, text: typeof l === 'string' ? l : l.label });
  };
  for (const [path, def] of dict.fields) {
    for (const key of ['label', 'question', 'confirm'] as const) {
      const text = (def as Record<string, unknown>)[key];
      if (typeof text === 'string') out.push({ where: `${path} ${key}`, text });
    }
    if ('values' in def) valueLabels(path, def.values);
    if (def.type !== 'records') continue;
    for (const [name, item] of Object.entries(def.item)) {
      out.push({ where: `${path}.${name} label`, text: item.label });
      if (item.question) out.push({ where: `${path}.${name} question`, text: item.question });
      if ('values' in item) valueLabels(`${path}.${name}`, item.values);
    }
  }
  return out;
}

function reviewTexts(): Shown[] {
  const out: Shown[] = [];
  for (const trial of loadAllTrials(set)) {
    const rules: Condition[] = [...trial.criteria.map((c) => c.rule), ...Object.values(trial.definitions).map((d) => d.rule)];
    for (const rule of rules) {
      walkRule(rule, (node) => {
        if (node.kind !== 'review') return;
        for (const key of ['question', 'yesMeans', 'noMeans'] as const) {
          const text = node[key];
          if (text) out.push({ where: `${trial.meta.id} ${node.id} ${key}`, text });
        }
      });
    }
  }
  return out;
}

test('the check finds a raw name where there is one', () => {
  expect(rawNamesIn('Other (name it in otherName and give its class)')).toEqual(['otherName']);
  expect(rawNamesIn('labs.ck is recorded as unknown')).toEqual(['labs.ck']);
  expect(rawNamesIn('CK is recorded as unknown (e.g. a lab without its ULN)')).toEqual([]);
});

test('dictionary labels, questions and choices name no field by its path or key', () => {
  const found = dictionaryTexts().flatMap((s) => rawNamesIn(s.text).map((name) => `${s.where}: ${name}`));
  expect(found).toEqual([]);
});

test('review questions and what their answers mean name no field by its path or key', () => {
  const found = reviewTexts().flatMap((s) => rawNamesIn(s.text).map((name) => `${s.where}: ${name}`));
  expect(found).toEqual([]);
});
