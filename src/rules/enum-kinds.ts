// What `in` and `includesAny` share: a field of allowed values, shown by their labels.
import { enumLabel, recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import type { CheckContext } from './types.js';

export function enumDisplay(dict: Dictionary, scope: string | undefined, field: string): (v: string) => string {
  const def = scope && !field.includes('.') ? recordItemField(dict, scope, field) : dict.fields.get(field);
  return def && (def.type === 'enum' || def.type === 'enumList') ? (v) => enumLabel(def.values, v) : (v) => v;
}

export function checkEnumField(n: { field: string; values: string[] }, cx: CheckContext, type: 'enum' | 'enumList'): void {
  const def = cx.field([], n.field);
  if (cx.expectType([], n.field, def, [type]) && def) cx.enumValues([], def, n.values);
}
