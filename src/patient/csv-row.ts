// Turns one CSV row into a patient object and validates it with the same parsePatientData used
// for JSON files, so batch and single-patient screening cannot disagree. Problems name columns.
import type { Dictionary } from '../criteria/dictionary.js';
import { enumLabel, recordItemField } from '../criteria/dictionary-model.js';
import { suggest } from '../util/did-you-mean.js';
import { PatientDataError, excerpt, type Problem } from '../errors.js';
import { CSV_NUMBER, EMPTY_LIST, LIST_SEPARATOR, NUMBER_UNIT, type ColumnTarget, type LeafType } from './csv-columns.js';
import { fastCsvRow } from './csv-fast-row.js';
import { isReservedName } from '../util/own.js';
import { parsePatientData, type ParsedPatient, type ParseOptions } from './parse.js';

/** A header with each column resolved (undefined: unknown column, ignored). */
export type CsvHeader = { names: string[]; targets: (ColumnTarget | undefined)[] };

export type CsvRowResult = { ok: true; parsed: ParsedPatient } | { ok: false; problems: Problem[] };

const TRUE = new Set(['true', 'yes']);
const FALSE = new Set(['false', 'no']);

function convert(cell: string, leaf: LeafType): { value: unknown } | { error: string } {
  switch (leaf) {
    case 'number':
    case 'integer':
    case 'count': {
      if (!CSV_NUMBER.test(cell)) {
        // "1,500" may be 1500 (thousands separator) or 1.5 (decimal comma): say so, and never
        // propose a rewrite, which would pick one of the two values for the person.
        if (/^[+-]?\d{1,3}(,\d{3})+$/.test(cell)) {
          return { error: `${excerpt(cell)} is ambiguous: the comma may separate thousands (${cell.replaceAll(',', '')}) or decimals (${String(Number(cell.replace(',', '.')))}); write the value as meant, without a thousands separator and with a dot for decimals` };
        }
        const hint = /^[+-]?\d+,\d+$/.test(cell) ? ` (a decimal comma: write it with a dot, ${cell.replace(',', '.')})` : '';
        return { error: `expected a number, got ${excerpt(cell)}${hint}` };
      }
      const n = Number(cell);
      if (leaf === 'count' && (!Number.isInteger(n) || n < 0)) return { error: `expected a whole number of records (0 or more), got ${excerpt(cell)}` };
      return { value: n };
    }
    case 'boolean': {
      const v = cell.toLowerCase();
      if (TRUE.has(v)) return { value: true };
      if (FALSE.has(v)) return { value: false };
      return { error: `expected true or false (or yes/no), got ${excerpt(cell)}` };
    }
    case 'enumList':
      if (cell.toLowerCase() === EMPTY_LIST) return { value: [] };
      return { value: cell.split(LIST_SEPARATOR).map((s) => s.trim()).filter((s) => s !== '') };
    default:
      return { value: cell };
  }
}

/** Column paths split once: the same few hundred are set for every row. */
const splitPaths = new Map<string, readonly string[]>();
function keysOf(path: string): readonly string[] {
  let keys = splitPaths.get(path);
  if (!keys) {
    keys = path.split('.');
    if (splitPaths.size < 10_000) splitPaths.set(path, keys);
  }
  return keys;
}

type Slots = Map<number, Record<string, unknown>>;
type RecordsState = { slots: Slots; count?: { n: number; column: string }; doseCounts: Map<string, { n: number; column: string }>; doses: Map<string, Slots> };

function setPath(obj: Record<string, unknown>, keys: readonly string[], value: unknown) {
  // resolveHeader refuses such columns; this keeps any other caller from reaching Object.prototype.
  if (keys.some(isReservedName)) throw new Error(`reserved key in path ${keys.join('.')}`);
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i] as string;
    const next = cur[k];
    if (next === undefined || next === null || typeof next !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1] as string] = value;
}

/**
 * Builds the patient object for a row. Empty cells are absent (unknown), never zero or false.
 * `indexMaps` records, for each list built, which CSV index each array position came from.
 */
export function csvRowToData(header: CsvHeader, cells: string[]): { data: Record<string, unknown>; indexMaps: Map<string, number[]>; problems: Problem[] } {
  const data: Record<string, unknown> = {};
  const problems: Problem[] = [];
  const records = new Map<string, RecordsState>();
  const scalarsWithUnit = new Map<string, { value?: unknown; unit?: string }>();
  const state = (path: string): RecordsState => {
    let s = records.get(path);
    if (!s) {
      s = { slots: new Map(), doseCounts: new Map(), doses: new Map() };
      records.set(path, s);
    }
    return s;
  };
  header.targets.forEach((target, i) => {
    if (!target) return;
    const raw = cells[i];
    const cell = raw === undefined ? '' : raw.trim();
    if (cell === '') return;
    const column = header.names[i] as string;
    const leaf: LeafType = target.kind === 'field' || target.kind === 'item' || target.kind === 'dose' || target.kind === 'completeness' ? target.leaf : target.kind === 'count' ? 'count' : 'string';
    const converted = convert(cell, leaf);
    if ('error' in converted) {
      problems.push({ location: column, message: converted.error });
      return;
    }
    const value = converted.value;
    switch (target.kind) {
      case 'id':
        data.id = value;
        return;
      case 'referenceDate':
        setPath(data, ['referenceDates', target.name], value);
        return;
      case 'review':
        setPath(data, ['reviews', target.trial, target.review, target.key], value);
        return;
      case 'completeness':
        // The list's path is one key of `completeness`, dots and all.
        setPath(data, ['completeness', target.records, target.key], value);
        return;
      case 'field': {
        if (target.part === undefined) {
          const entry = scalarsWithUnit.get(target.path);
          if (entry) entry.value = value;
          else scalarsWithUnit.set(target.path, { value });
          return;
        }
        if (target.part === NUMBER_UNIT) {
          const entry = scalarsWithUnit.get(target.path) ?? {};
          entry.unit = value as string;
          scalarsWithUnit.set(target.path, entry);
          return;
        }
        setPath(data, keysOf(`${target.path}.${target.part}`), value);
        return;
      }
      case 'count': {
        const s = state(target.records);
        if (target.item === undefined) s.count = { n: value as number, column };
        else s.doseCounts.set(`${target.index}.${target.item}`, { n: value as number, column });
        return;
      }
      case 'item': {
        const s = state(target.records);
        const slot = s.slots.get(target.index) ?? {};
        slot[target.item] = value;
        s.slots.set(target.index, slot);
        return;
      }
      case 'dose': {
        const s = state(target.records);
        if (!s.slots.has(target.index)) s.slots.set(target.index, {});
        const key = `${target.index}.${target.item}`;
        const doses = s.doses.get(key) ?? new Map();
        const entry = doses.get(target.dose) ?? {};
        entry[target.key] = value;
        doses.set(target.dose, entry);
        s.doses.set(key, doses);
        return;
      }
    }
  });
  for (const [path, { value, unit }] of scalarsWithUnit) {
    if (value === undefined) continue;
    setPath(data, keysOf(path), unit === undefined ? value : { value, unit });
  }
  const indexMaps = new Map<string, number[]>();
  for (const [path, s] of records) {
    const indices = [...s.slots.keys()].sort((a, b) => a - b);
    if (s.count) {
      if (s.count.n !== indices.length) {
        problems.push({
          location: s.count.column,
          message: `says ${s.count.n} record${s.count.n === 1 ? '' : 's'} but ${indices.length === 0 ? 'no numbered columns are filled' : `${indices.length} ${indices.length === 1 ? 'is' : 'are'} filled (${indices.map((n) => `${path}.${n}`).join(', ')})`}`,
        });
        continue;
      }
    } else if (indices.length === 0) continue;
    indexMaps.set(path, indices);
    const list = indices.map((n) => {
      const item: Record<string, unknown> = { ...(s.slots.get(n) as Record<string, unknown>) };
      for (const [key, doseSlots] of s.doses) {
        const [idx, name] = key.split('.') as [string, string];
        if (Number(idx) !== n) continue;
        const doseIdx = [...doseSlots.keys()].sort((a, b) => a - b);
        indexMaps.set(`${path}.${n}.${name}`, doseIdx);
        item[name] = doseIdx.map((m) => doseSlots.get(m));
      }
      for (const [key, count] of s.doseCounts) {
        const [idx, name] = key.split('.') as [string, string];
        if (Number(idx) !== n) continue;
        const have = Array.isArray(item[name]) ? (item[name] as unknown[]).length : 0;
        if (have !== count.n) problems.push({ location: count.column, message: `says ${count.n} dose entries but ${have} ${have === 1 ? 'is' : 'are'} filled` });
        else if (have === 0) item[name] = [];
      }
      return item;
    });
    setPath(data, keysOf(path), list);
  }
  return { data, indexMaps, problems };
}

/** "$.medications[0].doses[1].date" -> "medications.1.doses.2.date", using the CSV indices. */
export function jsonPathToColumn(path: string, indexMaps: Map<string, number[]>, dict: Dictionary): string {
  const segments: string[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.slice(1).matchAll(re)) {
    if (m[2] !== undefined) {
      const map = indexMaps.get(segments.join('.'));
      const i = Number(m[2]);
      segments.push(String(map?.[i] ?? i + 1));
    } else segments.push(m[1] ?? (JSON.parse(m[3] as string) as string));
  }
  // A number given with a unit is {value, unit} in JSON but the bare column in CSV.
  const last = segments[segments.length - 1];
  const parent = dict.fields.get(segments.slice(0, -1).join('.'));
  if (last === 'value' && (parent?.type === 'number' || parent?.type === 'integer')) segments.pop();
  return segments.join('.');
}

/** A problem located by JSON path, located by the CSV column instead. */
function columnProblem(p: Problem, indexMaps: Map<string, number[]>, dict: Dictionary): Problem {
  return p.location.startsWith('$') ? { location: jsonPathToColumn(p.location, indexMaps, dict) || 'row', message: p.message } : p;
}

type EnumValues = Record<string, string | { label: string }>;

/** Per header: the columns holding a choice (enum or enumList), with the dictionary's values. */
const enumColumnsOf = new WeakMap<CsvHeader, Map<number, { values: EnumValues; list: boolean; byWord: Map<string, string> }>>();

function enumColumns(header: CsvHeader, dict: Dictionary) {
  let out = enumColumnsOf.get(header);
  if (out) return out;
  out = new Map();
  header.targets.forEach((t, i) => {
    if (!t || (t.kind !== 'field' && t.kind !== 'item') || (t.leaf !== 'enum' && t.leaf !== 'enumList')) return;
    const def = t.kind === 'field' ? dict.fields.get(t.path) : recordItemField(dict, t.records, t.item);
    if (!def || (def.type !== 'enum' && def.type !== 'enumList')) return;
    const byWord = new Map<string, string>();
    for (const code of Object.keys(def.values)) {
      byWord.set(code.toLowerCase(), code);
      byWord.set(enumLabel(def.values, code).toLowerCase(), code);
    }
    out?.set(i, { values: def.values, list: def.type === 'enumList', byWord });
  });
  enumColumnsOf.set(header, out);
  return out;
}

/** A code, or its label in any case ("Dermatomyositis" → "dm"); a near miss gets a did-you-mean. */
function enumCode(word: string, col: { values: EnumValues; byWord: Map<string, string> }): { code: string } | { error: string } {
  if (Object.hasOwn(col.values, word)) return { code: word };
  const hit = col.byWord.get(word.toLowerCase());
  if (hit) return { code: hit };
  const codes = Object.keys(col.values);
  const labels = new Map(codes.map((c) => [enumLabel(col.values, c), c]));
  const near = suggest(word, [...codes, ...labels.keys()]);
  const hint = near === undefined ? '' : labels.has(near) ? ` (did you mean "${near}", code ${labels.get(near)}?)` : ` (did you mean "${near}"?)`;
  // The choices, as many as fit in about 400 characters, whole, and how many more there are.
  const all = codes.map((c) => `${c} (${enumLabel(col.values, c)})`);
  let shown = 0;
  for (let length = 0; shown < all.length && length + (all[shown] as string).length <= 400; shown++) length += (all[shown] as string).length + 2;
  const list = `${all.slice(0, Math.max(1, shown)).join(', ')}${all.length > Math.max(1, shown) ? `, … and ${all.length - Math.max(1, shown)} more (screen template <trial> --format csv --describe lists them)` : ''}`;
  return { error: `${excerpt(word)} is not one of the choices${hint}: ${list}` };
}

/** Choice cells as codes: labels are accepted case-insensitively. Unmatched cells become problems. */
function normaliseChoices(header: CsvHeader, cells: string[], dict: Dictionary): { cells: string[]; problems: Problem[] } {
  const columns = enumColumns(header, dict);
  if (columns.size === 0) return { cells, problems: [] };
  const out = [...cells];
  const problems: Problem[] = [];
  for (const [i, col] of columns) {
    const cell = (cells[i] ?? '').trim();
    if (cell === '' || (col.list && cell.toLowerCase() === EMPTY_LIST)) continue;
    const words = col.list ? cell.split(LIST_SEPARATOR).map((w) => w.trim()).filter((w) => w !== '') : [cell];
    const codes: string[] = [];
    for (const w of words) {
      const r = enumCode(w, col);
      if ('error' in r) problems.push({ location: header.names[i] as string, message: r.error });
      else codes.push(r.code);
    }
    // A cell with a problem is left out, so validation still reports every other problem.
    out[i] = codes.length === words.length ? codes.join(LIST_SEPARATOR) : '';
  }
  return { cells: out, problems };
}

/**
 * The patient for one row, validated; or the row's problems, each naming a column. Rows the fast
 * reader is sure of skip the generic route; every other row gets the full validation below.
 */
export function parseCsvRow(header: CsvHeader, rawCells: string[], dict: Dictionary, options: ParseOptions = {}): CsvRowResult {
  const fast = fastCsvRow(header, rawCells, dict, options);
  if (!fast) return validatedCsvRow(header, rawCells, dict, options);
  const { parsed, indexMaps } = fast;
  return { ok: true, parsed: indexMaps ? { ...parsed, warnings: parsed.warnings.map((p) => columnProblem(p, indexMaps, dict)) } : parsed };
}

/** The full route: cells to a patient object, validated by the patient schema (parse.ts). */
export function validatedCsvRow(header: CsvHeader, rawCells: string[], dict: Dictionary, options: ParseOptions = {}): CsvRowResult {
  const choices = normaliseChoices(header, rawCells, dict);
  const cells = choices.cells;
  // Cells that could not be converted are left out, so validation still reports every other problem.
  const converted = csvRowToData(header, cells);
  const { data, indexMaps } = converted;
  const problems = [...choices.problems, ...converted.problems];
  const relocate = (p: Problem): Problem => columnProblem(p, indexMaps, dict);
  try {
    const parsed = parsePatientData(data, '', dict, options);
    if (problems.length) return { ok: false, problems };
    return { ok: true, parsed: { ...parsed, warnings: parsed.warnings.map(relocate) } };
  } catch (e) {
    if (e instanceof PatientDataError) return { ok: false, problems: [...problems, ...e.problems.map(relocate)] };
    throw e;
  }
}
