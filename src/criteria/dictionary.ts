// Loads the data dictionary from YAML text and checks it. Pure: takes text, never reads files.
import { own } from '../util/own.js';
import { CriteriaError } from '../errors.js';
import { DictionaryFile, type FieldDef, type ItemFieldDef } from './dictionary-schema.js';
import type { Problem } from '../errors.js';
import { buildDictionary, type Dictionary } from './dictionary-model.js';
import { parseYaml, toData, zodProblems } from './yaml-source.js';

export * from './dictionary-model.js';

export function parseDictionary(text: string, file: string): Dictionary {
  const src = parseYaml(text, file);
  const parsed = DictionaryFile.safeParse(toData(src));
  if (!parsed.success) throw new CriteriaError(zodProblems(src, parsed.error));
  const data = parsed.data;
  const sectionIds = new Set(data.sections.map((s) => s.id));
  // Consistency problems carry lint's rule code `dictionary` (zod's shape problems have none: `schema`).
  const problems: Problem[] = [];
  for (const [path, def] of Object.entries(data.fields)) {
    const section = path.split('.')[0] ?? path;
    if (!sectionIds.has(section)) problems.push({ location: file, code: 'dictionary', message: `fields.${path}: section "${section}" is not listed in sections` });
    if (def.type === 'records') {
      for (const [name, item] of Object.entries(def.item)) {
        if (item.type === 'date' && item.notBefore !== undefined && own(def.item, item.notBefore)?.type !== 'date') problems.push({ location: file, code: 'dictionary', message: `fields.${path}.item.${name}.notBefore: "${item.notBefore}" is not a date item of the same record` });
      }
    }
    if (def.type === 'records' && def.kindOf === 'medication') {
      for (const required of ['drug', 'class', 'start', 'stop', 'ongoing', 'doses']) {
        if (!Object.hasOwn(def.item, required)) problems.push({ location: file, code: 'dictionary', message: `fields.${path}: a medication record needs an item field "${required}"` });
      }
    }
  }
  problems.push(...duplicateBindings(data, file));
  if (problems.length) throw new CriteriaError(problems);
  return buildDictionary(data);
}

/** A code that fills two fields would make an import ambiguous: each code fills one place. */
function duplicateBindings(data: DictionaryFile, file: string): Problem[] {
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  const visit = (where: string, codes: { system: string; code: string; evidenceOnly?: boolean | undefined }[] | undefined) => {
    for (const b of codes ?? []) {
      if (b.evidenceOnly) continue;
      const key = `${b.system} ${b.code}`;
      const first = seen.get(key);
      if (first) problems.push({ location: file, code: 'dictionary', message: `${where}: ${key} is already bound to ${first}; a code fills one field` });
      else seen.set(key, where);
    }
  };
  for (const [path, def] of Object.entries(data.fields)) {
    const defs: [string, FieldDef | ItemFieldDef][] = def.type === 'records' ? Object.entries(def.item).map(([k, v]) => [`${path}.${k}`, v]) : [[path, def]];
    for (const [where, d] of defs) {
      if ('codes' in d) visit(`fields.${where}`, d.codes);
      if (d.type === 'enum' || d.type === 'enumList') for (const [value, entry] of Object.entries(d.values)) if (typeof entry !== 'string') visit(`fields.${where} value ${value}`, entry.codes);
    }
  }
  return problems;
}
