// The name of a value still to collect, in words, from the screening's data and the dictionary:
// "screening date", "ALT upper limit of normal", "Response to this drug of Methotrexate
// (medications #2)". The engine names a missing value only by its path (and, inside a list, the
// record it belongs to); every report, the library and next steps word it here.
import { enumLabel, fieldLabel, recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import { COMPLETENESS_PREFIX } from '../engine/patient-record.js';
import type { Missing, MissingRecord, RecordName } from '../engine/result.js';
import { missingWords } from './missing-words.js';
import { recordNameWords } from './fact-words.js';

/** A list record by its name ("Methotrexate", "Other (Tacrolimus)"), or its number when it has none. */
export function recordWords(dict: Dictionary | undefined, list: string, name: RecordName | undefined, index: number): string {
  const def = name && dict ? recordItemField(dict, list, name.key) : undefined;
  return recordNameWords(name, index, name && def && def.type === 'enum' ? enumLabel(def.values, name.value) : undefined);
}

const label = (dict: Dictionary | undefined, path: string, scope?: string): string => (dict ? fieldLabel(dict, path, scope) : path);

/**
 * The label of a missing value (without what it must hold: missingWords adds that). Without a
 * dictionary, paths stand in for the dictionary's labels.
 */
export function missingLabel(m: Missing & { record?: MissingRecord }, dict?: Dictionary): string {
  const path = m.field;
  if (path.startsWith('referenceDates.')) return `${path.slice('referenceDates.'.length)} date`;
  if (path.startsWith(COMPLETENESS_PREFIX)) return `confirmation that the ${label(dict, path.slice(COMPLETENESS_PREFIX.length)).toLowerCase()} list is complete`;
  if (m.record) {
    const { list, index } = m.record;
    const field = path.slice(path.lastIndexOf('.') + 1);
    const what = field === 'stop' ? 'date of last dose (or "ongoing": true)' : label(dict, field, list);
    const joined = m.record.joinedWith?.length ? `, joined with ${m.record.joinedWith.map((i) => `#${i + 1}`).join(', ')}` : '';
    return `${what} of ${recordWords(dict, list, m.record.name, index)} (${label(dict, list).toLowerCase()} #${index + 1}${joined})`;
  }
  const direct = dict?.fields.get(path);
  if (direct) return direct.label;
  const parent = dict?.fields.get(path.slice(0, path.lastIndexOf('.')));
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  if (parent) return `${parent.label} ${leaf === 'uln' ? 'upper limit of normal' : leaf}`;
  return path;
}

/** The entry as people read it: its label with what it must hold ("ALT (a result from 2026-08-01 to 2026-11-01)"). */
export function missingPhrase(m: Missing & { record?: MissingRecord }, dict?: Dictionary): string {
  return missingWords(m, missingLabel(m, dict), dict);
}
