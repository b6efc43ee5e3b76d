// The CSV column convention: every column name is a data-dictionary path, so anything a patient
// JSON file can say a CSV row can say too. Resolves header names to where their cells go.
import type { Dictionary } from '../criteria/dictionary.js';
import { fieldCodesText } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import type { ReferenceDateName } from '../rules/types.js';

/** Repeating records are numbered from 1; the schema allows at most this many per patient. */
export const MAX_RECORD_INDEX = 500;
/** The cell value that writes an empty list (an enumList with no values). */
export const EMPTY_LIST = 'none';
/** The part name of "<number field>.unit" (a lab's unit is part "unit"). */
export const NUMBER_UNIT = 'numberUnit';
/** Separator for several values of a list in one cell. */
export const LIST_SEPARATOR = ';';
/** A number as a CSV cell may write it (no thousands separator, a dot for decimals). */
export const CSV_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type LeafType = 'number' | 'integer' | 'boolean' | 'string' | 'date' | 'enum' | 'enumList' | 'count';

export type ColumnTarget =
  | { kind: 'id' }
  | { kind: 'referenceDate'; name: ReferenceDateName }
  | { kind: 'review'; trial: string; review: string; key: 'decision' | 'by' | 'date' | 'note' }
  /** `completeness.<records>.<key>`: `complete` is false when the source may miss records of that list. */
  | { kind: 'completeness'; records: string; key: CompletenessKey; leaf: LeafType }
  /** A top-level field, or one part of it (lab value/unit/uln/date, scale score/max, number unit). */
  | { kind: 'field'; path: string; part?: string; leaf: LeafType }
  /** How many records a repeating field holds (0 writes an empty list). */
  | { kind: 'count'; records: string; index?: number; item?: string }
  | { kind: 'item'; records: string; index: number; item: string; leaf: LeafType }
  | { kind: 'dose'; records: string; index: number; item: string; dose: number; key: 'date' | 'dose' | 'unit'; leaf: LeafType };

const LAB_PARTS: Record<string, LeafType> = { value: 'number', unit: 'string', uln: 'number', date: 'date' };
const SCALE_PARTS: Record<string, LeafType> = { score: 'number', max: 'number' };
const DOSE_PARTS: Record<string, LeafType> = { date: 'date', dose: 'number', unit: 'string' };
const REVIEW_KEYS = ['decision', 'by', 'date', 'note'] as const;
/** The keys of a list's `completeness` entry (src/patient/schema.ts), each a column of its own. */
const COMPLETENESS_PARTS = { complete: 'boolean', since: 'date', by: 'string', date: 'date', note: 'string' } as const satisfies Record<string, LeafType>;
export type CompletenessKey = keyof typeof COMPLETENESS_PARTS;
const REFERENCE_DATES = ['screening', 'consent', 'randomization'] as const;

function leafOf(def: FieldDef | ItemFieldDef): LeafType | undefined {
  switch (def.type) {
    case 'number':
    case 'integer':
    case 'boolean':
    case 'string':
    case 'date':
    case 'enum':
    case 'enumList':
      return def.type;
    default:
      return undefined;
  }
}

function index(s: string | undefined): number | undefined {
  if (s === undefined || !/^[1-9]\d{0,2}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= MAX_RECORD_INDEX ? n : undefined;
}

/** Where a header name's cells go, or undefined for a column the dictionary does not know. */
export function resolveColumn(name: string, dict: Dictionary): ColumnTarget | undefined {
  if (name === 'id') return { kind: 'id' };
  const parts = name.split('.');
  if (parts.length === 2 && parts[0] === 'referenceDates' && (REFERENCE_DATES as readonly string[]).includes(parts[1] as string)) {
    return { kind: 'referenceDate', name: parts[1] as ReferenceDateName };
  }
  if (parts.length === 4 && parts[0] === 'reviews' && (REVIEW_KEYS as readonly string[]).includes(parts[3] as string) && parts[1] && parts[2]) {
    return { kind: 'review', trial: parts[1], review: parts[2], key: parts[3] as (typeof REVIEW_KEYS)[number] };
  }
  if (parts.length >= 3 && parts[0] === 'completeness') {
    const records = parts.slice(1, -1).join('.');
    const key = parts[parts.length - 1] as string;
    if (dict.fields.get(records)?.type !== 'records' || !Object.hasOwn(COMPLETENESS_PARTS, key)) return undefined;
    return { kind: 'completeness', records, key: key as CompletenessKey, leaf: COMPLETENESS_PARTS[key as CompletenessKey] };
  }
  const whole = dict.fields.get(name);
  if (whole) {
    const leaf = leafOf(whole);
    return leaf ? { kind: 'field', path: name, leaf } : undefined;
  }
  const last = parts[parts.length - 1] as string;
  const parentPath = parts.slice(0, -1).join('.');
  const parent = dict.fields.get(parentPath);
  if (parent?.type === 'lab' && Object.hasOwn(LAB_PARTS, last)) return { kind: 'field', path: parentPath, part: last, leaf: LAB_PARTS[last] as LeafType };
  if (parent?.type === 'scale' && Object.hasOwn(SCALE_PARTS, last)) return { kind: 'field', path: parentPath, part: last, leaf: SCALE_PARTS[last] as LeafType };
  if ((parent?.type === 'number' || parent?.type === 'integer') && parent.convert && last === 'unit') return { kind: 'field', path: parentPath, part: NUMBER_UNIT, leaf: 'string' };
  // Repeating records: <records>.count, <records>.<n>.<item>, <records>.<n>.<doses>.count, <records>.<n>.<doses>.<m>.<key>.
  for (let i = parts.length - 1; i >= 1; i--) {
    const records = parts.slice(0, i).join('.');
    const def = dict.fields.get(records);
    if (def?.type !== 'records') continue;
    const rest = parts.slice(i);
    if (rest.length === 1 && rest[0] === 'count') return { kind: 'count', records };
    const n = index(rest[0]);
    const itemName = rest[1];
    if (n === undefined || itemName === undefined || !Object.hasOwn(def.item, itemName)) return undefined;
    const item = def.item[itemName] as ItemFieldDef;
    if (rest.length === 2) {
      const leaf = leafOf(item);
      return leaf ? { kind: 'item', records, index: n, item: itemName, leaf } : undefined;
    }
    if (item.type !== 'doseHistory') return undefined;
    if (rest.length === 3 && rest[2] === 'count') return { kind: 'count', records, index: n, item: itemName };
    const m = index(rest[2]);
    const key = rest[3];
    if (rest.length === 4 && m !== undefined && key !== undefined && Object.hasOwn(DOSE_PARTS, key)) {
      return { kind: 'dose', records, index: n, item: itemName, dose: m, key: key as 'date' | 'dose' | 'unit', leaf: DOSE_PARTS[key] as LeafType };
    }
    return undefined;
  }
  return undefined;
}

/** A column a template offers, with what it holds. */
export type TemplateColumn = { name: string; type: string; unit?: string; allowed?: string[]; description: string; codes?: string };

/** The columns for one dictionary field (records get `slots` numbered entries, doses `doseSlots`). */
export function columnsForField(dict: Dictionary, path: string, options: { items?: string[]; slots: number; doseSlots: number }): TemplateColumn[] {
  const def = dict.fields.get(path);
  if (!def) return [];
  const out: TemplateColumn[] = [];
  const leafColumn = (name: string, d: FieldDef | ItemFieldDef, description: string): TemplateColumn => {
    const col: TemplateColumn = { name, type: d.type, description };
    if ('unit' in d && d.unit) col.unit = d.unit;
    if (d.type === 'enum' || d.type === 'enumList') col.allowed = Object.keys(d.values);
    if (d.type === 'enumList') col.description += ` Several values separated by "${LIST_SEPARATOR}"; "${EMPTY_LIST}" for an empty list.`;
    if (d.type === 'boolean') col.allowed = ['true', 'false'];
    const codes = fieldCodesText(d as Parameters<typeof fieldCodesText>[0]);
    if (codes) col.codes = codes;
    return col;
  };
  switch (def.type) {
    case 'lab':
      out.push({ name: `${path}.value`, type: 'number', unit: def.unit, description: `${def.label}: result.`, ...(def.codes ? { codes: fieldCodesText(def) } : {}) });
      out.push({ name: `${path}.unit`, type: 'enum', allowed: [def.unit, ...Object.keys(def.convert ?? {})], description: `${def.label}: unit of value and uln.` });
      out.push({ name: `${path}.uln`, type: 'number', unit: def.unit, description: `${def.label}: the reporting lab's upper limit of normal.` });
      out.push({ name: `${path}.date`, type: 'date', description: `${def.label}: date of the sample (YYYY-MM-DD).` });
      return out;
    case 'scale':
      out.push({ name: `${path}.score`, type: 'number', ...(def.unit ? { unit: def.unit } : {}), description: `${def.label}: score.` });
      out.push({ name: `${path}.max`, type: 'number', allowed: def.scales.map(String), description: `${def.label}: maximum of the scale used.` });
      return out;
    case 'records': {
      out.push({ name: `${path}.count`, type: 'integer', description: `${def.label}: how many records this row holds (0 means none; blank means not recorded unless numbered columns are filled).` });
      const items = options.items ?? Object.keys(def.item);
      for (let n = 1; n <= options.slots; n++) {
        for (const name of items) {
          const item = def.item[name];
          if (!item) continue;
          if (item.type === 'doseHistory') {
            out.push({ name: `${path}.${n}.${name}.count`, type: 'integer', description: `${def.label} ${n}: number of dose entries (0 means none).` });
            for (let m = 1; m <= options.doseSlots; m++) {
              out.push({ name: `${path}.${n}.${name}.${m}.date`, type: 'date', description: `${def.label} ${n}, dose ${m}: date this dose started.` });
              out.push({ name: `${path}.${n}.${name}.${m}.dose`, type: 'number', description: `${def.label} ${n}, dose ${m}: dose.` });
              out.push({ name: `${path}.${n}.${name}.${m}.unit`, type: 'string', description: `${def.label} ${n}, dose ${m}: dose unit (e.g. mg/day).` });
            }
          } else {
            out.push(leafColumn(`${path}.${n}.${name}`, item, `${def.label} ${n}: ${item.label}.`));
          }
        }
      }
      return out;
    }
    default: {
      out.push(leafColumn(path, def, `${def.label}.`));
      if ((def.type === 'number' || def.type === 'integer') && def.convert) {
        out.push({ name: `${path}.unit`, type: 'enum', allowed: [def.unit ?? '', ...Object.keys(def.convert)], description: `${def.label}: unit, when not ${def.unit ?? 'the default'}.` });
      }
      return out;
    }
  }
}

/** The column saying whether a record list is complete (the CSV form of `completeness.<list>.complete`). */
export function completenessColumn(dict: Dictionary, records: string): TemplateColumn {
  const label = (dict.fields.get(records) as FieldDef).label;
  return { name: `completeness.${records}.complete`, type: 'boolean', allowed: ['true', 'false'], description: `${label}: false when the source may miss records of this list; empty: the numbered records are the whole list.` };
}

/** Every column name pattern, for "did you mean" on unknown header names (records use index 1). */
export function knownColumnNames(dict: Dictionary): string[] {
  const names = ['id', 'referenceDates.screening', 'referenceDates.consent', 'referenceDates.randomization'];
  for (const [path, def] of dict.fields) {
    for (const c of columnsForField(dict, path, { slots: 1, doseSlots: 1 })) names.push(c.name);
    if (def.type === 'records') names.push(completenessColumn(dict, path).name);
  }
  return names;
}
