// The fast path of a CSV row: checks each cell by its dictionary type over the column positions
// (compiled once per header) and builds the patient record directly, without the generic
// cells -> object -> zod route of csv-row.ts. It only ever *accepts*: a row it is not sure of (any
// cell it would refuse, a unit to convert, a cross-field problem, a warning) returns undefined and
// goes through the full validation, which words every problem exactly as before. So a row either
// gets the same record the schema would give, or the schema's own verdict (test/patient/csv-fast-row.test.ts).
import type { Dictionary } from '../criteria/dictionary-model.js';
import { enumLabel } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { daysInMonth, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
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

/**
 * One compiled column: where its value goes, and how a cell is read. Every column has the same
 * fields (unused ones hold a default), so the per-cell loop sees one object shape.
 */
type Column = {
  at: number;
  kind: 'set' | 'defer' | 'numberUnit' | 'part' | 'review' | 'count' | 'item' | 'dose';
  read: Read;
  /** set: the path; numberUnit: its number column's path. */
  keys: readonly string[];
  /** part: which lab or scale; numberUnit: the column of its value; count, item, dose: which list. */
  slot: number;
  /** part: the part; review: the key; dose: date, dose or unit. */
  key: string;
  trial: string;
  review: string;
  index: number;
  item: string;
  dose: number;
  /** "<index>.<item>" of a dose history (count of doses, or a dose). */
  doseKey: string;
};

const noRead: Read = () => DEFER;

function column(at: number, kind: Column['kind'], extra: Partial<Column>): Column {
  return { at, kind, read: noRead, keys: [], slot: -1, key: '', trial: '', review: '', index: -1, item: '', dose: -1, doseKey: '', ...extra };
}

type PartsPlan = { keys: readonly string[]; def: Extract<FieldDef, { type: 'lab' | 'scale' }> };

type Plan = { columns: Column[]; parts: PartsPlan[]; lists: RecordsPlan[] };

/** Two or four ASCII digits at `at` as a number, or -1. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** What the schema's IsoDate accepts (YYYY-MM-DD, a real day, years MIN_YEAR–MAX_YEAR), without regexes. */
function isDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  return y >= MIN_YEAR && y <= MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

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
    const defer = () => columns.push(column(at, 'defer', {}));
    switch (t.kind) {
      case 'id':
        columns.push(column(at, 'set', { keys: ['id'], read: stringReader(100) }));
        return;
      case 'referenceDate':
        columns.push(column(at, 'set', { keys: ['referenceDates', t.name], read: dateReader }));
        return;
      case 'review': {
        const read: Read = t.key === 'decision' ? (c) => (c === 'yes' || c === 'no' ? c : DEFER) : t.key === 'date' ? dateReader : stringReader(t.key === 'by' ? 200 : 2000);
        columns.push(column(at, 'review', { trial: t.trial, review: t.review, key: t.key, read }));
        return;
      }
      case 'completeness':
        // Rare, and it changes what the engine makes of every absent record: the full route.
        return defer();
      case 'field': {
        const def = dict.fields.get(t.path);
        if (!def) return defer();
        if (t.part === undefined) {
          const read = leafReader(def);
          if (!read) return defer();
          valueAt.set(t.path, at);
          columns.push(column(at, 'set', { keys: t.path.split('.'), read }));
          return;
        }
        if (t.part === NUMBER_UNIT) return void columns.push(column(at, 'numberUnit', { keys: [t.path] }));
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
        columns.push(column(at, 'part', { slot, key: t.part, read }));
        return;
      }
      case 'count':
        columns.push(column(at, 'count', { slot: list(t.records), ...(t.index !== undefined ? { doseKey: `${t.index}.${t.item as string}` } : {}) }));
        return;
      case 'item': {
        const def = (dict.fields.get(t.records) as RecordsPlan['def']).item[t.item] as ItemFieldDef;
        const read = leafReader(def);
        if (!read) return defer();
        columns.push(column(at, 'item', { slot: list(t.records), index: t.index, item: t.item, read }));
        return;
      }
      case 'dose': {
        const def = (dict.fields.get(t.records) as RecordsPlan['def']).item[t.item] as Extract<ItemFieldDef, { type: 'doseHistory' }>;
        const units = def.units;
        const read: Read = t.key === 'date' ? dateReader : t.key === 'dose' ? numberReader((n) => n >= 0 && n <= def.max) : (c) => (c.length <= 40 && (!units || units.includes(c)) ? c : DEFER);
        columns.push(column(at, 'dose', { slot: list(t.records), index: t.index, doseKey: `${t.index}.${t.item}`, dose: t.dose, key: t.key, read }));
        return;
      }
    }
  });
  // A number column with a unit column: the unit is used only with a value, and then converted.
  for (const c of columns) if (c.kind === 'numberUnit') c.slot = valueAt.get(c.keys[0] as string) ?? -1;
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
      if (c.slot >= 0 && (cells[c.slot] ?? '').trim() !== '') return undefined;
      continue;
    }
    if (c.kind === 'count') {
      if (!CSV_NUMBER.test(cell)) return undefined;
      const n = Number(cell);
      if (!Number.isInteger(n) || n < 0) return undefined;
      const s = (lists[c.slot] ??= newList());
      if (c.doseKey === '') s.count = n;
      else (s.doseCounts ??= new Map()).set(c.doseKey, n);
      continue;
    }
    const value = c.read(cell);
    if (value === DEFER) return undefined;
    switch (c.kind) {
      case 'set':
        setIn(data, c.keys, value);
        break;
      case 'part':
        (parts[c.slot] ??= {})[c.key] = value;
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
        const s = (lists[c.slot] ??= newList());
        let slot = s.slots.get(c.index);
        if (!slot) s.slots.set(c.index, (slot = {}));
        slot[c.item] = value;
        break;
      }
      case 'dose': {
        const s = (lists[c.slot] ??= newList());
        if (!s.slots.has(c.index)) s.slots.set(c.index, {});
        const key = c.doseKey;
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
      if (typeof a === 'string' && typeof b === 'string' && a < b) return DEFER;
    }
    if (plan.def.kindOf === 'medication' && !medicationConsistent(item, plan.classes)) return DEFER;
    out.push(item);
  }
  return out;
}

/**
 * The schema's medication checks (csv-row.ts words them): anything off goes to the full path.
 * Dates here are checked YYYY-MM-DD, so their text order is their calendar order.
 */
function medicationConsistent(m: Obj, classes: Map<string, string>): boolean {
  const start = m.start as string | undefined;
  const stop = m.stop as string | undefined;
  if (m.ongoing === true && stop) return false;
  if (start !== undefined && stop !== undefined && stop < start) return false;
  if (start !== undefined && Array.isArray(m.doses)) for (const d of m.doses as Obj[]) if ((d.date as string) < start) return false;
  const known = typeof m.drug === 'string' ? classes.get(m.drug) : undefined;
  return !(known && typeof m.class === 'string' && m.class !== known);
}
