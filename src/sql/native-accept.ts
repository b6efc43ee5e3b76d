// The SQL half of `screen batch --engine duckdb` reading a CSV itself (native-batch.ts): which
// rows SQL may take without the JS validator, and the normalised layout (layout.ts) built from
// them in SQL.
//
// Acceptance is conservative by construction. A row is accepted only if every cell is empty or
// in a canonical form the JS fast reader (src/patient/csv-fast-row.ts) accepts with no warning
// and turns into the same value, and none of the cross-field checks of csv-fast-row.ts and
// parse.ts checkedRecord could fire: a plain unsigned decimal within the field's bounds, an ISO
// date that round-trips through DATE, an exact enum code, a boolean spelling, a lab in its
// canonical unit, counts that match the filled slots, no review decisions, no two records of one
// drug, nothing after a reference date. Any other row goes to the JS validator, which words its
// problems and warnings exactly as --engine js does (test/sql/native-csv.test.ts checks: SQL
// accepts => JS accepts with no warnings and yields the same layout rows).
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import type { Trial } from '../criteria/load-trial.js';
import type { PatientRecord } from '../engine/patient-record.js';
import type { ReferenceDates } from '../engine/result.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { EMPTY_LIST, NUMBER_UNIT, type ColumnTarget } from '../patient/csv-columns.js';
import { lit } from './kit.js';
import { DOSES_SUFFIX, REF_COLUMNS, REVIEWS, ROW, layoutTables, quoteIdent as q, type Column, type Table } from './layout.js';

type Header = { names: string[]; targets: (ColumnTarget | undefined)[] };

/** Macros the acceptance SQL uses (created once per connection). */
export const ACCEPT_MACROS = [
  // Digits with at most one inner dot (no sign, exponent, spaces or unicode digits): what JS's
  // CSV_NUMBER accepts of them, read to the same double by both (each rounds correctly).
  `CREATE OR REPLACE MACRO ts_dec(x, lo, hi) AS COALESCE(ltrim(x, '0123456789.') = '' AND x[1] <> '.' AND x[-1] <> '.' AND TRY_CAST(x AS DOUBLE) BETWEEN lo AND hi, false)`,
  // An integer is also a safe one (JS's Number.isSafeInteger), whatever the field's bounds.
  `CREATE OR REPLACE MACRO ts_int(x, lo, hi) AS COALESCE(ltrim(x, '0123456789') = '' AND TRY_CAST(x AS DOUBLE) BETWEEN lo AND hi AND TRY_CAST(x AS DOUBLE) <= ${Number.MAX_SAFE_INTEGER}, false)`,
  // A real day written YYYY-MM-DD in MIN_YEAR..MAX_YEAR: it round-trips through DATE unchanged.
  `CREATE OR REPLACE MACRO ts_date(x) AS COALESCE(CAST(TRY_CAST(x AS DATE) AS VARCHAR) = x AND x BETWEEN '${MIN_YEAR}-01-01' AND '${MAX_YEAR}-12-31', false)`,
  // Text whose ends are printable ASCII (nothing JS's trim would remove); bytes >= UTF-16 units.
  `CREATE OR REPLACE MACRO ts_str(x, n) AS COALESCE(strlen(x) <= n AND ascii(x) BETWEEN 33 AND 126 AND ascii(right(x, 1)) BETWEEN 33 AND 126, false)`,
  `CREATE OR REPLACE MACRO ts_bool(x) AS x IN ('true', 'false', 'yes', 'no', 'TRUE', 'FALSE', 'YES', 'NO', 'True', 'False', 'Yes', 'No')`,
];

const BOOL_TRUE = `('true', 'yes', 'TRUE', 'YES', 'True', 'Yes')`;

/** The header positions of each kind of column, by what they hold. */
type Positions = {
  id?: number;
  refs: Map<string, number>;
  fields: Map<string, number>;
  parts: Map<string, number>;
  reviews: Map<string, { trial: string; review: string; keys: Map<string, number> }>;
  defer: number[];
  listCount: Map<string, number>;
  items: Map<string, number>;
  doseCount: Map<string, number>;
  doses: Map<string, number>;
  /** Per record list: the slot numbers its columns use, and per slot the dose numbers. */
  slots: Map<string, Map<number, Map<string, Set<number>>>>;
};

export type NativePlan = {
  /** Columns each row must have. */
  columns: number;
  /** A boolean SQL expression over a row's cells k1, k2, … (as many as the header has columns) and its cell count n: SQL may take the row. */
  accept: string;
  /** INSERT … SELECT statements filling the layout from the accepted rows (table `acc`: row_no, n, k1, k2, …). */
  inserts: string[];
};

const listKey = (records: string, index: number, item: string) => `${records}\u0000${index}\u0000${item}`;
const doseKey = (records: string, index: number, item: string, dose: number, key: string) => `${listKey(records, index, item)}\u0000${dose}\u0000${key}`;

function positions(header: Header, dict: Dictionary): Positions | undefined {
  const p: Positions = { refs: new Map(), fields: new Map(), parts: new Map(), reviews: new Map(), defer: [], listCount: new Map(), items: new Map(), doseCount: new Map(), doses: new Map(), slots: new Map() };
  const seen = new Set<string>();
  const slot = (records: string, index: number) => {
    let bySlot = p.slots.get(records);
    if (!bySlot) p.slots.set(records, (bySlot = new Map()));
    let items = bySlot.get(index);
    if (!items) bySlot.set(index, (items = new Map()));
    return items;
  };
  for (const [at, t] of header.targets.entries()) {
    if (!t) continue;
    // Two columns for one place: leave the file to the JS path, which decides which one counts.
    const key = JSON.stringify(t);
    if (seen.has(key)) return undefined;
    seen.add(key);
    switch (t.kind) {
      case 'id':
        p.id = at;
        break;
      case 'referenceDate':
        p.refs.set(t.name, at);
        break;
      case 'review': {
        const k = `${t.trial}\u0000${t.review}`;
        let group = p.reviews.get(k);
        if (!group) p.reviews.set(k, (group = { trial: t.trial, review: t.review, keys: new Map() }));
        group.keys.set(t.key, at);
        break;
      }
      case 'field': {
        const def = dict.fields.get(t.path);
        if (!def) p.defer.push(at);
        else if (t.part === undefined) {
          if (scalarRead(def) === undefined) p.defer.push(at);
          else p.fields.set(t.path, at);
        } else if (t.part === NUMBER_UNIT || def.type === 'lab' || def.type === 'scale') p.parts.set(`${t.path}.${t.part}`, at);
        else p.defer.push(at);
        break;
      }
      case 'count':
        if (t.index === undefined) p.listCount.set(t.records, at);
        else {
          p.doseCount.set(listKey(t.records, t.index, t.item as string), at);
          slot(t.records, t.index);
        }
        break;
      case 'item': {
        const def = (dict.fields.get(t.records) as Extract<FieldDef, { type: 'records' }>).item[t.item] as ItemFieldDef;
        if (scalarRead(def) === undefined) p.defer.push(at);
        else {
          p.items.set(listKey(t.records, t.index, t.item), at);
          slot(t.records, t.index);
        }
        break;
      }
      case 'dose': {
        p.doses.set(doseKey(t.records, t.index, t.item, t.dose, t.key), at);
        const items = slot(t.records, t.index);
        let doses = items.get(t.item);
        if (!doses) items.set(t.item, (doses = new Set()));
        doses.add(t.dose);
        break;
      }
    }
  }
  return p;
}

/** The column of table `acc` holding the cell at a (0-based) header position. */
export const cellColumn = (at: number): string => `k${at + 1}`;

/** How SQL checks and reads a cell of a plain type: `ok` (given a non-empty cell) and `value`. */
type Read = { ok: (x: string) => string; value: (x: string) => string };

const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "'infinity'::DOUBLE" : "'-infinity'::DOUBLE");
const dbl = (x: string) => `TRY_CAST(${x} AS DOUBLE)`;
const dateRead: Read = { ok: (x) => `ts_date(${x})`, value: (x) => `TRY_CAST(${x} AS DATE)` };

function codes(values: Record<string, unknown>): string {
  return `(${Object.keys(values).map(lit).join(', ')})`;
}

function scalarRead(def: FieldDef | ItemFieldDef): Read | undefined {
  switch (def.type) {
    case 'number':
      return { ok: (x) => `ts_dec(${x}, ${num(def.min)}, ${num(def.max)})`, value: dbl };
    case 'integer':
      return { ok: (x) => `ts_int(${x}, ${num(def.min)}, ${num(def.max)})`, value: dbl };
    case 'boolean':
      return { ok: (x) => `ts_bool(${x})`, value: (x) => `(${x} IN ${BOOL_TRUE})` };
    case 'string':
      return { ok: (x) => `ts_str(${x}, ${def.maxLength ?? 500})`, value: (x) => x };
    case 'date':
      return dateRead;
    case 'enum': {
      const set = codes(def.values);
      return { ok: (x) => `(${x} IN ${set})`, value: (x) => x };
    }
    case 'enumList': {
      // Codes as written, separated by ";" alone, each once; or "none" (an empty list).
      const set = codes(def.values);
      return {
        ok: (x) => `(${x} = ${lit(EMPTY_LIST)} OR (len(list_filter(string_split(${x}, ';'), w -> w NOT IN ${set})) = 0 AND len(list_distinct(string_split(${x}, ';'))) = len(string_split(${x}, ';'))))`,
        value: (x) => `(CASE WHEN ${x} = ${lit(EMPTY_LIST)} THEN ';;' ELSE ';' || ${x} || ';' END)`,
      };
    }
    default:
      return undefined;
  }
}

/**
 * The plan for one header: undefined when the header has something only the JS path handles
 * (two columns for one place).
 */
export function nativePlan(header: Header, dict: Dictionary, flags: ReferenceDates, review: { trials: readonly Trial[]; trialIds: readonly string[] }): NativePlan | undefined {
  const p = positions(header, dict);
  if (!p) return undefined;
  const cell = cellColumn;
  /** The cell, NULL when empty or when the header has no such column. */
  const val = (at: number | undefined) => (at === undefined ? 'NULL' : `NULLIF(${cell(at)}, '')`);
  const filled = (at: number | undefined) => (at === undefined ? 'false' : `(${cell(at)} <> '')`);
  const conds: string[] = [];
  const inserts: string[] = [];
  const okCell = (at: number, ok: (x: string) => string) => conds.push(`(${cell(at)} = '' OR ${ok(cell(at))})`);
  /** Rows where `x` is (or might be) true go to JS. */
  const never = (x: string) => conds.push(`NOT COALESCE(${x}, false)`);

  for (const at of p.defer) conds.push(`${cell(at)} = ''`);
  // Recorded review decisions: decision, by and date all given (a note optional), for a review
  // item of a screened trial or of a trial not screened (reviewKeyWarnings has no warning for it).
  const reviewRows: string[] = [];
  for (const { trial, review: id, keys } of p.reviews.values()) {
    const all = [...keys.values()];
    const warns = reviewKeyWarnings({ reviews: { [trial]: { [id]: {} } } } as unknown as PatientRecord, '', review.trials, review.trialIds).length > 0;
    const [decision, by, date, note] = ['decision', 'by', 'date', 'note'].map((k) => keys.get(k));
    const given = `(${all.map(filled).join(' OR ')})`;
    if (warns || decision === undefined || by === undefined || date === undefined) {
      conds.push(`NOT ${given}`);
      continue;
    }
    const ok = [`${cell(decision)} IN ('yes', 'no')`, `ts_str(${cell(by)}, 200)`, dateRead.ok(cell(date)), note === undefined ? 'true' : `(${cell(note)} = '' OR ts_str(${cell(note)}, 2000))`];
    conds.push(`(NOT ${given} OR (${ok.join(' AND ')}))`);
    reviewRows.push(`SELECT ${ROW}, ${lit(trial)}, ${lit(id)}, ${cell(decision)} FROM acc WHERE ${given}`);
  }
  if (reviewRows.length) inserts.push(`INSERT INTO ${q(REVIEWS)} ${reviewRows.join(' UNION ALL ')}`);
  if (p.id !== undefined) okCell(p.id, (x) => `ts_str(${x}, 100)`);
  for (const at of p.refs.values()) okCell(at, dateRead.ok);

  // Reference dates as the engine gets them: a flag overrides the row's.
  const ref = (name: keyof ReferenceDates) => {
    const flag = flags[name];
    if (flag) return `DATE ${lit(flag)}`;
    const at = p.refs.get(name);
    return at === undefined ? 'NULL' : dateRead.value(val(at));
  };
  const refs = { screening: ref('screening'), consent: ref('consent'), randomization: ref('randomization') };
  never(`${refs.randomization} < ${refs.screening} OR ${refs.randomization} < ${refs.consent}`);
  // The date no past event may follow (parse.ts latestAllowed): LEAST skips NULLs, as it should here.
  const latest = `COALESCE(${refs.screening}, LEAST(${refs.consent}, ${refs.randomization}))`;

  // Patient-level fields, labs, scales and number units.
  const fieldValue = new Map<string, string[]>();
  for (const [path, def] of dict.fields) {
    if (def.type === 'records') continue;
    if (def.type === 'lab' || def.type === 'scale') {
      const at = (part: string) => p.parts.get(`${path}.${part}`);
      if (def.type === 'lab') {
        const [v, uln, unit, date] = ['value', 'uln', 'unit', 'date'].map(at);
        // All empty, or value, uln and the canonical unit (a date optional): anything else is JS's.
        const all = [v, uln, unit, date].filter((x): x is number => x !== undefined);
        const checks = [
          `${val(v)} IS NOT NULL AND ${val(uln)} IS NOT NULL AND ${val(unit)} = ${lit(def.unit)}`,
          v === undefined ? 'false' : `ts_dec(${cell(v)}, 0, ${num(def.max)})`,
          uln === undefined ? 'false' : `ts_dec(${cell(uln)}, 0, ${num(def.max)}) AND ${dbl(cell(uln))} > 0`,
          date === undefined ? 'true' : `(${cell(date)} = '' OR ${dateRead.ok(cell(date))})`,
        ];
        if (all.length) conds.push(`((${all.map((a) => `${cell(a)} = ''`).join(' AND ')}) OR (${checks.join(' AND ')}))`);
        fieldValue.set(path, [dbl(val(v)), dbl(val(uln)), dateRead.value(val(date))]);
      } else {
        const [score, max] = ['score', 'max'].map(at);
        const all = [score, max].filter((x): x is number => x !== undefined);
        const checks = [
          score === undefined || max === undefined ? 'false' : `ts_dec(${cell(score)}, 0, ${num(Math.max(...def.scales))}) AND ts_dec(${cell(max)}, 0, ${num(Math.max(...def.scales))})`,
          `${dbl(val(max))} IN (${def.scales.map(num).join(', ')}) AND ${dbl(val(score))} <= ${dbl(val(max))}`,
        ];
        if (all.length) conds.push(`((${all.map((a) => `${cell(a)} = ''`).join(' AND ')}) OR (${checks.join(' AND ')}))`);
        fieldValue.set(path, [dbl(val(score)), dbl(val(max))]);
      }
      continue;
    }
    const read = scalarRead(def);
    if (!read) continue;
    const at = p.fields.get(path);
    // A unit beside a value asks for a conversion (JS's); a unit alone is ignored.
    const unitAt = p.parts.get(`${path}.${NUMBER_UNIT}`);
    if (unitAt !== undefined && at !== undefined) conds.push(`(${cell(unitAt)} = '' OR ${cell(at)} = '')`);
    if (at === undefined) continue;
    okCell(at, read.ok);
    fieldValue.set(path, [read.value(val(at))]);
    if (def.type === 'date') {
      const v = read.value(val(at));
      if (def.past) never(`${v} > ${latest}`);
      if (def.beforeReferenceDates) never(`${v} > ${refs.screening} OR ${v} > ${refs.consent} OR ${v} > ${refs.randomization}`);
    }
  }
  // A stated age beside a date of birth is checked against it (parse.ts statedAgeContradiction): JS's.
  const age = ['demographics.birthDate', 'demographics.ageYears', 'demographics.ageOn'].map((f) => p.fields.get(f));
  if (age.every((a) => a !== undefined)) never(age.map(filled).join(' AND '));

  // Record lists: the slots filled, their order, their doses.
  const tables = layoutTables(dict);
  const listFlag = new Map<string, string>();
  for (const [records, bySlot] of p.slots) {
    const def = dict.fields.get(records) as Extract<FieldDef, { type: 'records' }>;
    const slots = [...bySlot.keys()].sort((a, b) => a - b);
    const itemAt = (n: number, item: string) => p.items.get(listKey(records, n, item));
    const doseItems = Object.entries(def.item).filter(([, d]) => d.type === 'doseHistory').map(([name]) => name);
    const doseAt = (n: number, item: string, m: number, key: string) => p.doses.get(doseKey(records, n, item, m, key));
    const doseNumbers = (n: number, item: string) => [...(bySlot.get(n)?.get(item) ?? [])].sort((a, b) => a - b);
    const doseFilled = (n: number, item: string, m: number) => ['date', 'dose', 'unit'].map((k) => filled(doseAt(n, item, m, k))).join(' OR ');
    const present = new Map<number, string>();
    for (const n of slots) {
      const cells = [
        ...Object.keys(def.item).map((item) => itemAt(n, item)),
        ...doseItems.flatMap((item) => doseNumbers(n, item).flatMap((m) => ['date', 'dose', 'unit'].map((k) => doseAt(n, item, m, k)))),
      ].filter((x): x is number => x !== undefined);
      present.set(n, cells.length ? `(${cells.map(filled).join(' OR ')})` : 'false');
    }
    const filledSlots = slots.length ? slots.map((n) => `${present.get(n)}::INT`).join(' + ') : '0';
    const countAt = p.listCount.get(records);
    if (countAt !== undefined) conds.push(`(${cell(countAt)} = '' OR (ts_int(${cell(countAt)}, 0, 1e9) AND TRY_CAST(${cell(countAt)} AS INT) = ${filledSlots}))`);
    listFlag.set(records, `(CASE WHEN ${filled(countAt)} OR ${filledSlots} > 0 THEN true END)`);
    const classes = new Map<string, string>();
    const drugDef = def.item.drug;
    if (def.kindOf === 'medication' && drugDef?.type === 'enum') for (const [value, entry] of Object.entries(drugDef.values)) if (typeof entry !== 'string' && entry.class) classes.set(value, entry.class);
    const table = tables.find((t) => t.name === records) as Table;
    const rowsSql: string[] = [];
    const doseRowsSql: string[] = [];
    slots.forEach((n, k) => {
      const here = present.get(n) as string;
      const item = (name: string) => itemAt(n, name);
      for (const [name, idef] of Object.entries(def.item)) {
        const at = item(name);
        if (at === undefined) continue;
        const read = scalarRead(idef);
        if (read) okCell(at, read.ok);
        if (idef.type === 'date') {
          if (idef.past) never(`${dateRead.value(val(at))} > ${latest}`);
          if (idef.notBefore !== undefined) never(`${val(at)} < ${val(item(idef.notBefore))}`);
        }
      }
      for (const name of doseItems) {
        const idef = def.item[name] as Extract<ItemFieldDef, { type: 'doseHistory' }>;
        const ms = doseNumbers(n, name);
        const cnt = p.doseCount.get(listKey(records, n, name));
        const have = ms.length ? ms.map((m) => `(${doseFilled(n, name, m)})::INT`).join(' + ') : '0';
        if (cnt !== undefined) conds.push(`(${cell(cnt)} = '' OR (${here} AND ts_int(${cell(cnt)}, 0, 1e9) AND TRY_CAST(${cell(cnt)} AS INT) = ${have}))`);
        ms.forEach((m, j) => {
          const at = (key: string) => doseAt(n, name, m, key);
          const [date, dose, unit] = [at('date'), at('dose'), at('unit')];
          // A dose needs its date, dates differ within a history, a dose is not before its start.
          conds.push(`(NOT (${doseFilled(n, name, m)}) OR ${filled(date)})`);
          if (date !== undefined) okCell(date, dateRead.ok);
          if (dose !== undefined) okCell(dose, (x) => `ts_dec(${x}, 0, ${num(idef.max)})`);
          if (unit !== undefined) okCell(unit, (x) => (idef.units ? `(${x} IN (${idef.units.map(lit).join(', ')}))` : `ts_str(${x}, 40)`));
          for (const m2 of ms.slice(j + 1)) {
            const d2 = doseAt(n, name, m2, 'date');
            if (date !== undefined && d2 !== undefined) never(`${val(date)} = ${val(d2)}`);
          }
          if (def.kindOf === 'medication' && date !== undefined) never(`${val(date)} < ${val(item('start'))}`);
          const pos = ms.slice(0, j).map((m1) => `(${doseFilled(n, name, m1)})::INT`).join(' + ') || '0';
          doseRowsSql.push(`SELECT ${ROW}, ${slots.slice(0, k).map((s) => `${present.get(s)}::INT`).join(' + ') || '0'} AS idx, ${pos} AS pos, ${dateRead.value(val(date))} AS date, ${dbl(val(dose))} AS dose, ${val(unit)} AS unit FROM acc WHERE ${here} AND (${doseFilled(n, name, m)})`);
        });
      }
      if (def.kindOf === 'medication') {
        never(`${val(item('ongoing'))} IN ${BOOL_TRUE} AND ${filled(item('stop'))}`);
        never(`${val(item('stop'))} < ${val(item('start'))}`);
        const drug = val(item('drug'));
        if (classes.size && item('class') !== undefined) never(`${val(item('class'))} <> (CASE ${drug} ${[...classes].map(([d, c]) => `WHEN ${lit(d)} THEN ${lit(c)}`).join(' ')} END)`);
        // Two records of one drug may be one course entered twice (merged with a warning): JS's.
        for (const n2 of slots.slice(k + 1)) if (item('drug') !== undefined && itemAt(n2, 'drug') !== undefined) never(`${drug} = ${val(itemAt(n2, 'drug'))}`);
      }
      const values = table.columns.slice(2).map((col) => {
        const at = item(col.name);
        const idef = def.item[col.name] as ItemFieldDef;
        const v = at === undefined ? 'NULL' : (scalarRead(idef) as Read).value(val(at));
        // parse.ts fillDrugClasses: a known drug's class when none is given.
        if (def.kindOf === 'medication' && col.name === 'class' && dict.drugClasses.size && item('drug') !== undefined) {
          return `COALESCE(${v}, CASE ${val(item('drug'))} ${[...dict.drugClasses].map(([d, c]) => `WHEN ${lit(d)} THEN ${lit(c)}`).join(' ')} END)`;
        }
        return v;
      });
      rowsSql.push(`SELECT ${ROW}, ${slots.slice(0, k).map((s) => `${present.get(s)}::INT`).join(' + ') || '0'} AS idx, ${values.join(', ')} FROM acc WHERE ${here}`);
    });
    if (rowsSql.length) inserts.push(`INSERT INTO ${q(records)} ${rowsSql.join(' UNION ALL ')}`);
    if (doseRowsSql.length) inserts.push(`INSERT INTO ${q(`${records}${DOSES_SUFFIX}`)} ${doseRowsSql.join(' UNION ALL ')}`);
  }
  // Counts of lists with no slot columns: only an empty list (0) is certain.
  for (const [records, at] of p.listCount) {
    if (p.slots.has(records)) continue;
    conds.push(`(${cell(at)} = '' OR ${cell(at)} = '0')`);
    listFlag.set(records, `(CASE WHEN ${filled(at)} THEN true END)`);
  }
  // A dose count or anything of a slot that has no item columns at all: JS's.
  for (const [key, at] of p.doseCount) {
    const records = key.split('\u0000')[0] as string;
    if (!p.slots.has(records)) conds.push(`${cell(at)} = ''`);
  }

  const patients = tables[0] as Table;
  const pcols = patients.columns.map((c: Column): string => {
    if (c.name === ROW) return ROW;
    if (c.name === 'patient_id') return val(p.id);
    const refName = (Object.entries(REF_COLUMNS).find(([, col]) => col === c.name) ?? [])[0] as keyof ReferenceDates | undefined;
    if (refName) return refs[refName];
    return 'NULL';
  });
  // Fill the dictionary fields' columns in layout order (fieldColumns order per field).
  let i = 5;
  for (const [path, def] of dict.fields) {
    const width = def.type === 'lab' ? 3 : def.type === 'scale' ? 2 : def.type === 'records' ? 1 : scalarRead(def) ? 1 : 0;
    const values = def.type === 'records' ? [listFlag.get(path) ?? 'NULL'] : (fieldValue.get(path) ?? new Array<string>(width).fill('NULL'));
    values.forEach((v, j) => (pcols[i + j] = v));
    i += width;
  }
  inserts.unshift(`INSERT INTO patients SELECT ${pcols.join(', ')} FROM acc`);
  // Exactly the header's number of cells (`n`).
  conds.unshift(`n = ${header.names.length}`);
  return { columns: header.names.length, accept: conds.join('\n AND '), inserts };
}
