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

/** Terminology systems a binding may name: id -> the FHIR system URI and the name people use. */
export const CODE_SYSTEMS = {
  loinc: { uri: 'http://loinc.org', name: 'LOINC' },
  rxnorm: { uri: 'http://www.nlm.nih.gov/research/umls/rxnorm', name: 'RxNorm' },
  snomed: { uri: 'http://snomed.info/sct', name: 'SNOMED CT' },
  icd10cm: { uri: 'http://hl7.org/fhir/sid/icd-10-cm', name: 'ICD-10-CM' },
} as const;

type BindingLike = { system: keyof typeof CODE_SYSTEMS; code: string; display: string; unit?: string | undefined; evidenceOnly?: boolean | undefined };

/** "LOINC 2157-6 Creatine kinase […] (U/L)", for templates and documentation. */
export function bindingText(b: BindingLike): string {
  return `${CODE_SYSTEMS[b.system].name} ${b.code} ${b.display}${b.unit ? ` (${b.unit})` : ''}${b.evidenceOnly ? ' [evidence only]' : ''}`;
}

/** Every binding of a field, as text: the field's own codes, or "value: codes" for each coded enum value. */
export function fieldCodesText(def: { codes?: BindingLike[] | undefined; values?: Record<string, string | { label: string; codes?: BindingLike[] | undefined }> }): string {
  const parts: string[] = [];
  if (def.codes) parts.push(def.codes.map(bindingText).join('; '));
  for (const [value, entry] of Object.entries(def.values ?? {})) {
    if (typeof entry !== 'string' && entry.codes) parts.push(`${value}: ${entry.codes.map(bindingText).join('; ')}`);
  }
  return parts.join(' | ');
}
