// Which dictionary field (or enum value) each terminology code fills, read from the bindings in
// criteria/fields.yaml. The importer looks codes up here and never anywhere else.
import { CODE_SYSTEMS, type Dictionary } from '../criteria/dictionary-model.js';
import type { Binding, FieldDef } from '../criteria/dictionary-schema.js';

export type CodeTarget =
  /** A lab, number or yes/no field filled from an Observation. */
  | { kind: 'field'; path: string; def: FieldDef; binding: Binding }
  /** A value of a top-level enum field (diagnosis.subtype). */
  | { kind: 'enumValue'; path: string; value: string; binding: Binding }
  /** A value of an enum inside repeating records (medications drug, procedures type, malignancies type). */
  | { kind: 'recordValue'; records: string; item: string; value: string; binding: Binding }
  /** A code a person must weigh for these yes/no fields; it never fills them. */
  | { kind: 'evidence'; paths: string[]; binding: Binding };

export type CodeIndex = Map<string, CodeTarget>;

export const systemUri = (b: Binding) => CODE_SYSTEMS[b.system].uri;
export const codeKey = (system: string | undefined, code: string | undefined) => `${system ?? ''}|${code ?? ''}`;

export function buildCodeIndex(dict: Dictionary): CodeIndex {
  const index: CodeIndex = new Map();
  const addEvidence = (path: string, b: Binding) => {
    const key = codeKey(systemUri(b), b.code);
    const seen = index.get(key);
    if (seen?.kind === 'evidence') seen.paths.push(path);
    else if (!seen) index.set(key, { kind: 'evidence', paths: [path], binding: b });
  };
  for (const [path, def] of dict.fields) {
    if (def.type === 'records') {
      for (const [item, itemDef] of Object.entries(def.item)) {
        if (itemDef.type !== 'enum') continue;
        for (const [value, entry] of Object.entries(itemDef.values)) {
          if (typeof entry === 'string') continue;
          for (const b of entry.codes ?? []) index.set(codeKey(systemUri(b), b.code), { kind: 'recordValue', records: path, item, value, binding: b });
        }
      }
      continue;
    }
    if (def.type === 'enum') {
      for (const [value, entry] of Object.entries(def.values)) {
        if (typeof entry === 'string') continue;
        for (const b of entry.codes ?? []) index.set(codeKey(systemUri(b), b.code), { kind: 'enumValue', path, value, binding: b });
      }
    }
    if (!('codes' in def) || !def.codes) continue;
    for (const b of def.codes) {
      if (b.evidenceOnly) addEvidence(path, b);
      else index.set(codeKey(systemUri(b), b.code), { kind: 'field', path, def, binding: b });
    }
  }
  return index;
}

/** A system URI as people write it ("LOINC"), or the URI itself for systems the dictionary does not use. */
export function systemName(uri: string | undefined): string {
  for (const s of Object.values(CODE_SYSTEMS)) if (s.uri === uri) return s.name;
  return uri ?? 'no system';
}
