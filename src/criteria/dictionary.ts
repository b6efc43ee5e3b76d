// Loads and indexes the data dictionary. Pure: takes text, never reads files.
import { CriteriaError } from '../errors.js';
import { DictionaryFile, type FieldDef, type ItemFieldDef } from './dictionary-schema.js';
import { parseYaml, toData, zodProblems } from './yaml-source.js';

export type Dictionary = {
  version: number;
  sections: { id: string; title: string }[];
  fields: ReadonlyMap<string, FieldDef>;
  /** Drug value -> class, from the medication enum's {label, class} entries. */
  drugClasses: ReadonlyMap<string, string>;
};

export function parseDictionary(text: string, file: string): Dictionary {
  const src = parseYaml(text, file);
  const parsed = DictionaryFile.safeParse(toData(src));
  if (!parsed.success) throw new CriteriaError(zodProblems(src, parsed.error));
  const data = parsed.data;
  const sectionIds = new Set(data.sections.map((s) => s.id));
  const problems = [];
  const drugClasses = new Map<string, string>();
  for (const [path, def] of Object.entries(data.fields)) {
    const section = path.split('.')[0] ?? path;
    if (!sectionIds.has(section)) problems.push({ location: file, message: `fields.${path}: section "${section}" is not listed in sections` });
    if (def.type === 'records' && def.kindOf === 'medication') {
      for (const required of ['drug', 'class', 'start', 'stop', 'ongoing', 'doses']) {
        if (!(required in def.item)) problems.push({ location: file, message: `fields.${path}: a medication record needs an item field "${required}"` });
      }
      const drug = def.item.drug;
      if (drug?.type === 'enum') {
        for (const [value, entry] of Object.entries(drug.values)) {
          if (typeof entry !== 'string' && entry.class) drugClasses.set(value, entry.class);
        }
      }
    }
  }
  if (problems.length) throw new CriteriaError(problems);
  return { version: data.version, sections: data.sections, fields: new Map(Object.entries(data.fields)), drugClasses };
}

export function recordItemField(dict: Dictionary, records: string, name: string): ItemFieldDef | undefined {
  const def = dict.fields.get(records);
  return def?.type === 'records' ? def.item[name] : undefined;
}

export function fieldLabel(dict: Dictionary, path: string, scope?: string): string {
  if (scope) {
    const item = recordItemField(dict, scope, path);
    if (item) return item.label;
  }
  return dict.fields.get(path)?.label ?? path;
}
