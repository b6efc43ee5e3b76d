// The in-memory data dictionary and lookups on it. Type-only imports keep this module free of
// zod and yaml, so the engine and the fast start-up path can use it without loading them.
import type { DictionaryFile, FieldDef, ItemFieldDef } from './dictionary-schema.js';

export type Dictionary = {
  version: number;
  sections: { id: string; title: string }[];
  fields: ReadonlyMap<string, FieldDef>;
  /** Drug value -> class, from the medication enum's {label, class} entries. */
  drugClasses: ReadonlyMap<string, string>;
};

/** Index validated dictionary data. */
export function buildDictionary(data: DictionaryFile): Dictionary {
  const drugClasses = new Map<string, string>();
  for (const def of Object.values(data.fields)) {
    if (def.type !== 'records' || def.kindOf !== 'medication') continue;
    const drug = def.item.drug;
    if (drug?.type !== 'enum') continue;
    for (const [value, entry] of Object.entries(drug.values)) {
      if (typeof entry !== 'string' && entry.class) drugClasses.set(value, entry.class);
    }
  }
  return { version: data.version, sections: data.sections, fields: new Map(Object.entries(data.fields)), drugClasses };
}

export function recordItemField(dict: Dictionary, records: string, name: string): ItemFieldDef | undefined {
  const def = dict.fields.get(records);
  return def?.type === 'records' && Object.hasOwn(def.item, name) ? def.item[name] : undefined;
}

export function fieldLabel(dict: Dictionary, path: string, scope?: string): string {
  if (scope) {
    const item = recordItemField(dict, scope, path);
    if (item) return item.label;
  }
  return dict.fields.get(path)?.label ?? path;
}

export function enumLabel(values: Record<string, string | { label: string; class?: string | undefined }>, key: string): string {
  const v = Object.hasOwn(values, key) ? values[key] : undefined;
  if (v === undefined) return key;
  return typeof v === 'string' ? v : v.label;
}
