// The fast path of a CSV row: checks each cell by its dictionary type over the column positions
// (compiled once per header) and builds the patient record directly, without the generic
// cells -> object -> zod route of csv-row.ts. It only ever *accepts*: a row it is not sure of (any
// cell it would refuse, a unit to convert, a cross-field problem, a warning) returns undefined and
// goes through the full validation, which words every problem exactly as before. So a row either
// gets the same record the schema would give, or the schema's own verdict (test/patient/csv-fast-row.test.ts).
import type { Dictionary } from '../criteria/dictionary-model.js';
import { enumLabel } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { compareDates, inDateRange, isValidIsoDate } from '../engine/dates.js';
import type { PatientRecord } from '../engine/patient-record.js';
import { PatientDataError } from '../errors.js';
import { CSV_NUMBER, EMPTY_LIST, LIST_SEPARATOR, NUMBER_UNIT, type ColumnTarget } from './csv-columns.js';
import { checkedRecord, type ParsedPatient, type ParseOptions } from './parse.js';

/** A cell's value, or DEFER: leave the row to the full validation. */
const DEFER = Symbol('defer');
type Read = (cell: string) => unknown;

type Header = { names: string[]; targets: (ColumnTarget | undefined)[] };

type Obj = Record<string, unknown>;

type RecordsPlan = { path: readonly string[]; def: Extract<FieldDef, { type: 'records' }>; classes: Map<string, string>; orders: [string, string][] };

/** One compiled column: where its value goes, and how a cell is read. */
type Column =
  | { at: number; kind: 'set'; keys: readonly string[]; read: Read }
  | { at: number; kind: 'defer' }
  | { at: number; kind: 'numberUnit'; path: string; value: number }
  | { at: number; kind: 'part'; slot: number; part: string; read: Read }
  | { at: number; kind: 'review'; trial: string; review: string; key: string; read: Read }
  | { at: number; kind: 'count'; list: number; index?: number; item?: string }
  | { at: number; kind: 'item'; list: number; index: number; item: string; read: Read }
  | { at: number; kind: 'dose'; list: number; index: number; item: string; dose: number; key: string; read: Read };

type PartsPlan = { keys: readonly string[]; def: Extract<FieldDef, { type: 'lab' | 'scale' }> };

type Plan = { columns: Column[]; parts: PartsPlan[]; lists: RecordsPlan[] };

const ISO = /^\d{4}-\d{2}-\d{2}$/;

const isDate = (s: string) => ISO.test(s) && isValidIsoDate(s) && inDateRange(s);

function numberReader(check: (n: number) => boolean): Read {
  return (cell) => {
    if (!CSV_NUMBER.test(cell)) return DEFER;
    const n = Number(cell);
    return Number.isFinite(n) && check(n) ? n : DEFER;
  };
}

const anyNumber = numberReader(() => true);
const dateReader: Read = (cell) => (isDate(cell) ? cell : DEFER);
const stringReader = (max: number): Read => (cell) => (cell.length <= max ? cell : DEFER);

/** A code as written, else a code or label in any case (as csv-row.ts normaliseChoices accepts). */
function codeReader(values: Record<string, string | { label: string }>): (word: string) => string | undefined {
  const byWord = new Map<string, string>();
  for (const code of Object.keys(values)) {
    byWord.set(code.toLowerCase(), code);
    byWord.set(enumLabel(values, code).toLowerCase(), code);
  }
  return (word) => (Object.hasOwn(values, word) ? word : byWord.get(word.toLowerCase()));
}

/** Reads a cell of a plain dictionary type; undefined for a type with parts (lab, scale, records). */
function leafReader(def: FieldDef | ItemFieldDef): Read | undefined {
  switch (def.type) {
    case 'number':
      return numberReader((n) => n >= def.min && n <= def.max);
    case 'integer':
      return numberReader((n) => Number.isSafeInteger(n) && n >= def.min && n <= def.max);
    case 'boolean':
      return (cell) => {
        const v = cell.toLowerCase();
        return v === 'true' || v === 'yes' ? true : v === 'false' || v === 'no' ? false : DEFER;
      };
    case 'string':
      return stringReader(def.maxLength ?? 500);
    case 'date':
      return dateReader;
    case 'enum': {
      const code = codeReader(def.values);
      return (cell) => code(cell) ?? DEFER;
    }
    case 'enumList': {
      const code = codeReader(def.values);
      return (cell) => {
        if (cell.toLowerCase() === EMPTY_LIST) return [];
        const words = cell.split(LIST_SEPARATOR);
        const out: string[] = [];
        for (const w of words) {
          const t = w.trim();
          if (t === '') continue;
          const c = code(t);
          if (c === undefined || out.includes(c)) return DEFER;
          out.push(c);
        }
        // ";" alone: the full path leaves such a cell out (see normaliseChoices).
        return out.length === 0 ? DEFER : out;
      };
    }
    default:
      return undefined;
  }
}

const plans = new WeakMap<Header, Plan>();

function compile(header: Header, dict: Dictionary): Plan {
  const columns: Column[] = [];
  const parts: PartsPlan[] = [];
  const partSlot = new Map<string, number>();
  const lists: RecordsPlan[] = [];
  const listSlot = new Map<string, number>();
  const valueAt = new Map<string, number>();
  const list = (path: string): number => {
    let k = listSlot.get(path);
    if (k === undefined) {
      const def = dict.fields.get(path) as RecordsPlan['def'];
      const classes = new Map<string, string>();
      const drug = def.item.drug;
      if (def.kindOf === 'medication' && drug?.type === 'enum') for (const [value, entry] of Object.entries(drug.values)) if (typeof entry !== 'string' && entry.class) classes.set(value, entry.class);
      const orders = Object.entries(def.item).flatMap(([name, item]) => (item.type === 'date' && item.notBefore ? [[name, item.notBefore] as [string, string]] : []));
      k = lists.push({ path: path.split('.'), def, classes, orders }) - 1;
      listSlot.set(path, k);
    }
    return k;
  };
  header.targets.forEach((t, at) => {
    if (!t) return;
    const defer = () => columns.push({ at, kind: 'defer' });
    switch (t.kind) {
      case 'id':
        columns.push({ at, kind: 'set', keys: ['id'], read: stringReader(100) });
        return;
      case 'referenceDate':
        columns.push({ at, kind: 'set', keys: ['referenceDates', t.name], read: dateReader });
        return;
      case 'review': {
        const read: Read = t.key === 'decision' ? (c) => (c === 'yes' || c === 'no' ? c : DEFER) : t.key === 'date' ? dateReader : stringReader(t.key === 'by' ? 200 : 2000);
        columns.push({ at, kind: 'review', trial: t.trial, review: t.review, key: t.key, read });
        return;
      }
      case 'field': {
        const def = dict.fields.get(t.path);
        if (!def) return defer();
        if (t.part === undefined) {
          const read = leafReader(def);
          if (!read) return defer();
          valueAt.set(t.path, at);
          columns.push({ at, kind: 'set', keys: t.path.split('.'), read });
          return;
        }
        if (t.part === NUMBER_UNIT) return void columns.push({ at, kind: 'numberUnit', path: t.path, value: -1 });
        if (def.type !== 'lab' && def.type !== 'scale') return defer();
        let slot = partSlot.get(t.path);
        if (slot === undefined) {
          slot = parts.push({ keys: t.path.split('.'), def }) - 1;
          partSlot.set(t.path, slot);
        }
        let read: Read;
        if (def.type === 'lab') {
          const units = [def.unit, ...Object.keys(def.convert ?? {})];
          read = t.part === 'value' ? numberReader((n) => n >= 0) : t.part === 'uln' ? numberReader((n) => n > 0) : t.part === 'date' ? dateReader : (c) => (units.includes(c) ? c : DEFER);
        } else read = t.part === 'score' ? numberReader((n) => n >= 0) : anyNumber;
        columns.push({ at, kind: 'part', slot, part: t.part, read });
        return;
      }
      case 'count':
        columns.push({ at, kind: 'count', list: list(t.records), ...(t.index !== undefined ? { index: t.index, item: t.item as string } : {}) });
        return;
      case 'item': {
        const def = (dict.fields.get(t.records) as RecordsPlan['def']).item[t.item] as ItemFieldDef;
        const read = leafReader(def);
        if (!read) return defer();
        columns.push({ at, kind: 'item', list: list(t.records), index: t.index, item: t.item, read });
        return;
      }
      case 'dose': {
        const def = (dict.fields.get(t.records) as RecordsPlan['def']).item[t.item] as Extract<ItemFieldDef, { type: 'doseHistory' }>;
        const units = def.units;
        const read: Read = t.key === 'date' ? dateReader : t.key === 'dose' ? numberReader((n) => n >= 0 && n <= def.max) : (c) => (c.length <= 40 && (!units || units.includes(c)) ? c : DEFER);
        columns.push({ at, kind: 'dose', list: list(t.records), index: t.index, item: t.item, dose: t.dose, key: t.key, read });
        return;
      }
    }
  });
  // A number column with a unit column: the unit is used only with a value, and then converted.
  for (const c of columns) if (c.kind === 'numberUnit') c.value = valueAt.get(c.path) ?? -1;
  return { columns, parts, lists };
}

function setIn(obj: Obj, keys: readonly string[], value: unknown): void {
  let cur = obj;
  const last = keys.length - 1;
  for (let i = 0; i < last; i++) {
    const k = keys[i] as string;
    let next = cur[k];
    if (next === undefined) {
      next = {};
      cur[k] = next;
    }
    cur = next as Obj;
  }
  cur[keys[last] as string] = value;
}

type ListState = { count?: number; slots: Map<number, Obj>; doseCounts?: Map<string, number>; doses?: Map<string, Map<number, Obj>> };

const newList = (): ListState => ({ slots: new Map() });

/**
 * The record of a row it is sure of, or undefined (use the full validation). With warnings, the
 * list positions of each record list (as csv-row.ts csvRowToData gives them) to name their columns.
 */
export function fastCsvRow(header: Header, cells: string[], dict: Dictionary, options: ParseOptions = {}): { parsed: ParsedPatient; indexMaps?: Map<string, number[]> } | undefined {
  let plan = plans.get(header);
  if (plan === undefined) {
    plan = compile(header, dict);
    plans.set(header, plan);
  }
  const data: Obj = {};
  const parts: (Obj | undefined)[] = new Array(plan.parts.length);
  const lists: (ListState | undefined)[] = new Array(plan.lists.length);
  let reviews: Obj[] | undefined;
  for (const c of plan.columns) {
    const raw = cells[c.at];
    if (raw === undefined) continue;
    const cell = raw.trim();
    if (cell === '') continue;
    if (c.kind === 'defer') return undefined;
    if (c.kind === 'numberUnit') {
      // A unit beside a value asks for a conversion: the full path does it. Alone it is ignored.
      if (c.value >= 0 && (cells[c.value] ?? '').trim() !== '') return undefined;
      continue;
    }
    if (c.kind === 'count') {
      if (!CSV_NUMBER.test(cell)) return undefined;
      const n = Number(cell);
      if (!Number.isInteger(n) || n < 0) return undefined;
      const s = (lists[c.list] ??= newList());
      if (c.index === undefined) s.count = n;
      else (s.doseCounts ??= new Map()).set(`${c.index}.${c.item}`, n);
      continue;
    }
    const value = c.read(cell);
    if (value === DEFER) return undefined;
    switch (c.kind) {
      case 'set':
        setIn(data, c.keys, value);
        break;
      case 'part':
        (parts[c.slot] ??= {})[c.part] = value;
        break;
      case 'review': {
        const byTrial = ((data.reviews ??= {}) as Record<string, Record<string, Obj>>);
        const trial = (byTrial[c.trial] ??= {});
        let entry = trial[c.review];
        if (!entry) {
          entry = {};
          trial[c.review] = entry;
          (reviews ??= []).push(entry);
        }
        entry[c.key] = value;
        break;
      }
      case 'item': {
        const s = (lists[c.list] ??= newList());
        let slot = s.slots.get(c.index);
        if (!slot) s.slots.set(c.index, (slot = {}));
        slot[c.item] = value;
        break;
      }
      case 'dose': {
        const s = (lists[c.list] ??= newList());
        if (!s.slots.has(c.index)) s.slots.set(c.index, {});
        const key = `${c.index}.${c.item}`;
        const doses = ((s.doses ??= new Map()).get(key) ?? new Map<number, Obj>());
        s.doses.set(key, doses);
        let entry = doses.get(c.dose);
        if (!entry) doses.set(c.dose, (entry = {}));
        entry[c.key] = value;
        break;
      }
    }
  }
  // Reviews: decision, by and date are required; "by" must name someone.
  if (reviews) for (const r of reviews) if (r.decision === undefined || r.by === undefined || r.date === undefined) return undefined;
  for (let k = 0; k < parts.length; k++) {
    const got = parts[k];
    if (!got) continue;
    const { keys, def } = plan.parts[k] as PartsPlan;
    const value = def.type === 'lab' ? labValue(got, def) : scaleValue(got, def);
    if (value === undefined) return undefined;
    setIn(data, keys, value);
  }
  for (let k = 0; k < lists.length; k++) {
    const s = lists[k];
    if (!s) continue;
    const built = listValue(s, plan.lists[k] as RecordsPlan);
    if (built === DEFER) return undefined;
    if (built !== undefined) setIn(data, (plan.lists[k] as RecordsPlan).path, built);
  }
  try {
    const parsed = checkedRecord(data as PatientRecord, undefined, '', dict, options);
    return parsed.warnings.length === 0 ? { parsed } : { parsed, indexMaps: indexMapsOf(plan, lists) };
  } catch (e) {
    if (e instanceof PatientDataError) return undefined;
    throw e;
  }
}

/** For each list built, which CSV index each position came from (see csv-row.ts jsonPathToColumn). */
function indexMapsOf(plan: Plan, lists: (ListState | undefined)[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  lists.forEach((s, k) => {
    if (!s) return;
    const path = (plan.lists[k] as RecordsPlan).path.join('.');
    const indices = [...s.slots.keys()].sort((a, b) => a - b);
    out.set(path, indices);
    for (const [key, doseSlots] of s.doses ?? []) out.set(`${path}.${key}`, [...doseSlots.keys()].sort((a, b) => a - b));
  });
  return out;
}

/** A lab in its canonical unit (other units are converted by the full path). */
function labValue(got: Obj, def: Extract<FieldDef, { type: 'lab' }>): Obj | undefined {
  const { value, uln, unit, date } = got as { value?: number; uln?: number; unit?: string; date?: string };
  if (value === undefined) return date === undefined ? {} : { date };
  if (uln === undefined || unit !== def.unit || value > def.max || uln > def.max) return undefined;
  return date === undefined ? { value, uln, unit } : { value, uln, unit, date };
}

function scaleValue(got: Obj, def: Extract<FieldDef, { type: 'scale' }>): Obj | undefined {
  const { score, max } = got as { score?: number; max?: number };
  if (score === undefined || max === undefined || !def.scales.includes(max) || score > max) return undefined;
  return { score, max };
}

function listValue(s: ListState, plan: RecordsPlan): Obj[] | undefined | typeof DEFER {
  const indices = [...s.slots.keys()].sort((a, b) => a - b);
  if (s.count !== undefined) {
    if (s.count !== indices.length) return DEFER;
  } else if (indices.length === 0) return undefined;
  const out: Obj[] = [];
  for (const n of indices) {
    const item = s.slots.get(n) as Obj;
    if (s.doses) {
      for (const [key, doseSlots] of s.doses) {
        const dot = key.indexOf('.');
        if (Number(key.slice(0, dot)) !== n) continue;
        const doseIdx = [...doseSlots.keys()].sort((a, b) => a - b);
        const doses = doseIdx.map((m) => doseSlots.get(m) as Obj);
        const dates = new Set<unknown>();
        for (const d of doses) {
          if (d.date === undefined || dates.has(d.date)) return DEFER;
          dates.add(d.date);
        }
        item[key.slice(dot + 1)] = doses;
      }
    }
    if (s.doseCounts) {
      for (const [key, count] of s.doseCounts) {
        const dot = key.indexOf('.');
        if (Number(key.slice(0, dot)) !== n) continue;
        const name = key.slice(dot + 1);
        const have = Array.isArray(item[name]) ? (item[name] as unknown[]).length : 0;
        if (have !== count) return DEFER;
        if (have === 0) item[name] = [];
      }
    }
    for (const [name, before] of plan.orders) {
      const a = item[name];
      const b = item[before];
      if (typeof a === 'string' && typeof b === 'string' && compareDates(a, b) < 0) return DEFER;
    }
    if (plan.def.kindOf === 'medication' && !medicationConsistent(item, plan.classes)) return DEFER;
    out.push(item);
  }
  return out;
}

/** The schema's medication checks (csv-row.ts words them): anything off goes to the full path. */
function medicationConsistent(m: Obj, classes: Map<string, string>): boolean {
  const start = m.start as string | undefined;
  const stop = m.stop as string | undefined;
  if (m.ongoing === true && stop) return false;
  if (start !== undefined && stop !== undefined && compareDates(stop, start) < 0) return false;
  if (start !== undefined && Array.isArray(m.doses)) for (const d of m.doses as Obj[]) if (compareDates(d.date as string, start) < 0) return false;
  const known = typeof m.drug === 'string' ? classes.get(m.drug) : undefined;
  return !(known && typeof m.class === 'string' && m.class !== known);
}
