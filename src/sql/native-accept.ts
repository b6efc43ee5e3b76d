// `screen batch --engine duckdb` reading a CSV itself (native-batch.ts): which rows may be
// screened without the JS validator, and the normalised layout (layout.ts) built from them in SQL.
//
// Acceptance is conservative by construction, in two steps. A row is taken only if every cell is
// empty or in a canonical form the JS fast reader (src/patient/csv-fast-row.ts) accepts and turns
// into the same value, with no warning but a date after the latest reference date (worded in SQL,
// futureWarnings), and none of the cross-field checks of csv-fast-row.ts and parse.ts
// checkedRecord could fire; or, every other check holding, JS refuses it only for medications
// stopped or doses dated before their start (an error row, worded in SQL: rowErrors). Each cell's *form* (a plain unsigned decimal, a YYYY-MM-DD
// date, an exact code, a boolean spelling, text with printable ends) is checked in JS, on the
// whole line at once (`line`: no form can match the delimiter, so it also counts the cells); the
// *values* in SQL (bounds, a real day, lengths, a lab in its canonical unit, counts that match the
// filled slots, review decisions given in full, no two records of one drug, no birth date after a
// reference date). Any other row goes to the JS validator, which words its problems and warnings
// exactly as --engine js does (test/sql/native-csv.test.ts checks: both steps accept => JS accepts
// with the warnings SQL wrote, no others, and yields the same layout rows, or refuses with exactly
// the errors SQL wrote).
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { daysInMonth, MAX_YEAR, MIN_YEAR } from '../engine/dates.js';
import type { Trial } from '../criteria/load-trial.js';
import type { PatientRecord } from '../engine/patient-record.js';
import type { ReferenceDates } from '../engine/result.js';
import { reviewKeyWarnings } from '../patient/review-keys.js';
import { EMPTY_LIST, LIST_SEPARATOR, NUMBER_UNIT, type ColumnTarget } from '../patient/csv-columns.js';
import { lit } from './kit.js';
import { DUCKDB } from './dialect.js';
import { DOSES_SUFFIX, REF_COLUMNS, REVIEWS, ROW, createTableSql, layoutTables, quoteIdent as q, type Column, type Table } from './layout.js';

type Header = { names: string[]; targets: (ColumnTarget | undefined)[] };

/**
 * Macros the acceptance SQL uses (created once per connection). Each is false on an empty cell and
 * checks only what a cell's pattern (below, checked in JS on the whole line) cannot: a cell they
 * read has matched its pattern, so its form is known and only its value is left to check.
 */
export const ACCEPT_MACROS = [
  // Within bounds (NUMBER: read to the same double by both, each rounding correctly).
  `CREATE OR REPLACE MACRO ts_dec(x, lo, hi) AS COALESCE(TRY_CAST(x AS DOUBLE) BETWEEN lo AND hi, false)`,
  // An integer is also a safe one (JS's Number.isSafeInteger), whatever the field's bounds.
  `CREATE OR REPLACE MACRO ts_int(x, lo, hi) AS COALESCE(TRY_CAST(x AS DOUBLE) BETWEEN lo AND LEAST(hi, ${Number.MAX_SAFE_INTEGER}), false)`,
  // Not too long (TEXT: printable ASCII at both ends); bytes >= UTF-16 units. (An empty cell is
  // NULL: NativePlan.cellTypes.)
  `CREATE OR REPLACE MACRO ts_str(x, n) AS x IS NOT NULL AND strlen(x) <= n`,
];

// The forms of a non-empty cell, as JS regular expressions (an empty cell always matches). Digits
// with at most one inner dot (no sign, exponent, spaces or unicode digits): what JS's CSV_NUMBER
// accepts of them.
const NUMBER = '[0-9]+(?:\\.[0-9]+)?';
const INTEGER = '[0-9]+';
/**
 * A real day of MIN_YEAR..MAX_YEAR written YYYY-MM-DD (what isValidIsoDate and inDateRange accept;
 * a test holds the two to each other on every string of that shape in and around those years). SQL
 * has nothing left to check of a date cell.
 */
export const DATE_FORM = realDays(MIN_YEAR, MAX_YEAR);
const BOOLEAN = 'true|false|yes|no|TRUE|FALSE|YES|NO|True|False|Yes|No';
/** No non-empty cell (a column SQL leaves to JS whenever it is filled). */
const NOTHING = '(?!)';
/** Text whose ends are printable ASCII (nothing JS's trim would remove) other than the delimiter, `any` between. */
const text = (any: string) => `(?=${any})[!-~](?:${any}*(?=${any})[!-~])?`;
/** One of these codes, as written; a code holding the delimiter is never a whole cell (and with none left, nothing is). */
function exactly(codes: readonly string[], delimiter: string): string {
  const whole = codes.filter((c) => c !== '' && !c.includes(delimiter));
  return whole.length ? whole.map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|') : NOTHING;
}

/**
 * A number cell's form and check for the bounds lo..hi: when lo <= 0 and hi is a whole number, the
 * form itself admits only the numbers up to hi (read as a double, such a number is at most hi),
 * and SQL checks nothing; otherwise SQL checks the bounds (ts_dec, ts_int).
 */
function bounded(pattern: typeof NUMBER | typeof INTEGER, lo: number, hi: number, decimals: boolean): Pick<Read, 'pattern' | 'ok' | 'type'> {
  const top = decimals ? hi : Math.min(hi, Number.MAX_SAFE_INTEGER);
  if (lo <= 0 && Number.isSafeInteger(top) && top >= 0) return { pattern: atMost(top, decimals), type: 'DOUBLE' };
  return { pattern, ok: (x) => `${decimals ? 'ts_dec' : 'ts_int'}(${x}, ${num(lo)}, ${num(hi)})` };
}

/**
 * Digits (with an inner dot and more digits if `decimals`) of a number no greater than the whole
 * number `hi`: fewer digits than hi's (after leading zeros); as many, led by hi's first digits and
 * then a smaller one; or hi itself (.000 allowed).
 */
export function atMost(hi: number, decimals: boolean): string {
  const top = String(hi);
  const fraction = decimals ? '(?:\\.[0-9]+)?' : '';
  const below: string[] = [];
  if (top.length > 1) below.push(`[0-9]{1,${top.length - 1}}${fraction}`);
  for (let i = 0; i < top.length; i++) {
    // (A first digit 0 is a leading zero, or a number of fewer digits.)
    const least = i === 0 && top.length > 1 ? 1 : 0;
    const d = Number(top[i]);
    if (d > least) below.push(`${top.slice(0, i)}[${least}-${d - 1}]${i + 1 < top.length ? `[0-9]{${top.length - i - 1}}` : ''}${fraction}`);
  }
  return `0*(?:${[...below, `${top}${decimals ? '(?:\\.0+)?' : ''}`].join('|')})`;
}

/** The days of the years lo..hi (four digits each) that the Gregorian calendar has, as a regular expression. */
function realDays(lo: number, hi: number): string {
  const years: string[] = [];
  const leap: string[] = [];
  for (let y = lo; y <= hi; y++) {
    years.push(String(y).padStart(4, '0'));
    if (daysInMonth(y, 2) === 29) leap.push(String(y).padStart(4, '0'));
  }
  const day = '(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31';
  return `(?:${digitsOf(years)}-(?:${day})|${digitsOf(leap)}-02-29)`;
}

/**
 * A regular expression matching exactly `words` (strings of digits, all of one length), with no
 * alternation tried one word at a time: a digit trie, digits whose rests match alike merged in
 * one class (1900..2100 is 1[9][0-9][0-9]|2(?:0[0-9][0-9]|100)).
 */
function digitsOf(words: readonly string[]): string {
  if (words.length === 0 || words[0] === '') return '';
  const rests = new Map<string, string[]>();
  for (const w of words) {
    const list = rests.get(w[0] as string);
    if (list) list.push(w.slice(1));
    else rests.set(w[0] as string, [w.slice(1)]);
  }
  // Digits grouped by what follows them.
  const byRest = new Map<string, string[]>();
  for (const [d, list] of rests) {
    const rest = digitsOf(list);
    const ds = byRest.get(rest);
    if (ds) ds.push(d);
    else byRest.set(rest, [d]);
  }
  const parts = [...byRest].map(([rest, ds]) => `${ds.length === 1 ? ds[0] : `[${ds.join('')}]`}${rest}`);
  return parts.length === 1 ? (parts[0] as string) : `(?:${parts.join('|')})`;
}

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
  /** A line (without its end) every cell of which has its form, as many cells as the header. */
  line: RegExp;
  /** The same of a row's cells. */
  cells: (cells: readonly string[]) => boolean;
  /**
   * How the range file's reader reads each cell, by header position: `accept` and `stage` read
   * cells of these types, an empty cell as NULL.
   */
  cellTypes: CellType[];
  /**
   * A boolean SQL expression over the cells k1, k2, … (as many as the header has columns) of a row
   * `line` or `cells` passed: SQL may take the row.
   */
  accept: string;
  /**
   * The statement making table `stage` (or the table `into`, which the layout then reads through a
   * view named stage) from `source` (a table or subquery with row_no and the cells): the rows SQL
   * takes, each with every value the layout needs computed once (s0, s1, …), so the cells
   * themselves are never stored.
   */
  stage: (source: string, into?: string) => string;
  /** The layout's tables other than `patients`: the record lists, their doses, the reviews. */
  tables: string[];
  /**
   * Statements making those tables (each named `table(name)`; by default a temporary table of the
   * layout's own name) and filling them from `stage`.
   */
  load: (table?: (name: string) => string) => string[];
  /** The statement making `patients`, a view of `stage`. */
  patients: string;
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
      case 'completeness':
        // The layout has no per-list completeness: a row saying anything here is read by the JS
        // path (an empty cell, today's "the numbered records are the whole list", stays in SQL).
        p.defer.push(at);
        break;
      case 'field': {
        const def = dict.fields.get(t.path);
        if (!def) p.defer.push(at);
        else if (t.part === undefined) {
          if (scalarRead(def, '.', ',') === undefined) p.defer.push(at);
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
        if (scalarRead(def, '.', ',') === undefined) p.defer.push(at);
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

/** The column holding the cell at a (0-based) header position (in the range file DuckDB reads). */
export const cellColumn = (at: number): string => `k${at + 1}`;

/**
 * How a cell of a plain type is checked and read: the `pattern` a non-empty cell must match (in JS,
 * on the whole line), `ok` what SQL checks of it once it has (given a non-empty cell), and `value`.
 * `type`: DuckDB's CSV reader reads every non-empty cell of the pattern as this type, to the value
 * `value` makes of the text (a real day; digits, with at most one dot, of a number no greater than
 * a safe integer), and an empty one as NULL; SQL then reads the typed cell (no text kept, no cast).
 */
type Read = { pattern: string; ok?: (x: string) => string; value: (x: string) => string; type?: CellType };

/** How the range file's reader reads a cell (`Read.type`): text, unless its form makes it a date or a number. */
export type CellType = 'VARCHAR' | 'DATE' | 'DOUBLE';

const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "'infinity'::DOUBLE" : "'-infinity'::DOUBLE");
const dbl = (x: string) => `TRY_CAST(${x} AS DOUBLE)`;
const dateRead: Read = { pattern: DATE_FORM, value: (x) => `TRY_CAST(${x} AS DATE)`, type: 'DATE' };

/**
 * `any`: a character class for a character of a cell (anything but the delimiter). No form can
 * match the delimiter, so a line's expression counts its cells exactly.
 */
function scalarRead(def: FieldDef | ItemFieldDef, any: string, delimiter: string): Read | undefined {
  switch (def.type) {
    case 'number':
      return { ...bounded(NUMBER, def.min, def.max, true), value: dbl };
    case 'integer':
      return { ...bounded(INTEGER, def.min, def.max, false), value: dbl };
    case 'boolean':
      return { pattern: BOOLEAN, value: (x) => `(${x} IN ${BOOL_TRUE})` };
    case 'string':
      return { pattern: text(any), ok: (x) => `ts_str(${x}, ${def.maxLength ?? 500})`, value: (x) => x };
    case 'date':
      return dateRead;
    case 'enum':
      return { pattern: exactly(Object.keys(def.values), delimiter), value: (x) => x };
    case 'enumList': {
      // Codes as written, separated by ";" alone, each once; or "none" (an empty list).
      // In a file separated by the list separator itself, a cell holds one code at most.
      const code = `(?:${exactly(Object.keys(def.values), delimiter)})`;
      return {
        pattern: `${exactly([EMPTY_LIST], delimiter)}|${code}${delimiter === LIST_SEPARATOR ? '' : `(?:${LIST_SEPARATOR}${code})*`}`,
        ok: (x) => `(${x} = ${lit(EMPTY_LIST)} OR len(list_distinct(string_split(${x}, ';'))) = len(string_split(${x}, ';')))`,
        value: (x) => `(CASE WHEN ${x} = ${lit(EMPTY_LIST)} THEN ';;' ELSE ';' || ${x} || ';' END)`,
      };
    }
    default:
      return undefined;
  }
}

/** Stage's column of a row's warnings (NULL for none), each as JS writes it, separated by WARNING_SEPARATOR. */
export const WARNINGS = 'warnings';
/** Stage's column of a row's errors (NULL for none), each as JS writes it, separated by WARNING_SEPARATOR: the row is an error row. */
export const ERRORS = 'errors';
/** Between two warnings (or errors) of a row: in none (each is a dictionary path, dates and words). */
export const WARNING_SEPARATOR = '\x02';

/**
 * parse.ts futureDates in SQL: a date of a past event after the latest date it may have (screening,
 * else the earlier of consent and randomization, `on` as written) is kept, with a warning located
 * at its column (a record's slot number as in the header, as jsonPathToColumn gives it), in the
 * dictionary's order of fields, then slots, then a record's fields. A date of birth after it is
 * an error (beforeReferenceDates), refused above.
 */
function futureWarnings(p: Positions, dict: Dictionary, on: Record<keyof ReferenceDates, string>, val: (at: number) => string): string {
  // The date no past event may follow (parse.ts latestAllowed): LEAST skips NULLs, as it should here.
  const latest = `COALESCE(${on.screening}, LEAST(${on.consent}, ${on.randomization}))`;
  // The earlier of consent and randomization is consent (randomization before it is refused), as
  // latestAllowed's sort, which keeps consent first on a tie.
  const name = `(CASE WHEN ${on.screening} IS NOT NULL THEN 'screening' WHEN ${on.consent} IS NOT NULL THEN 'consent' ELSE 'randomization' END)`;
  const warning = (location: string, x: string) => `(CASE WHEN ${x} > ${latest} THEN ${lit(`${location}: `)} || ${x} || ' is after the ' || ${name} || ' date ' || ${latest} END)`;
  const out: string[] = [];
  for (const [path, def] of dict.fields) {
    if (def.type === 'date' && def.past) {
      const at = p.fields.get(path);
      if (at !== undefined) out.push(warning(path, val(at)));
    } else if (def.type === 'records') {
      const slots = [...(p.slots.get(path)?.keys() ?? [])].sort((a, b) => a - b);
      const past = Object.entries(def.item).filter(([, d]) => d.type === 'date' && d.past).map(([item]) => item);
      for (const n of slots) {
        for (const item of past) {
          const at = p.items.get(listKey(path, n, item));
          if (at !== undefined) out.push(warning(`${path}.${n}.${item}`, val(at)));
        }
      }
    }
  }
  return out.length ? `NULLIF(concat_ws(chr(${WARNING_SEPARATOR.charCodeAt(0)}), ${out.join(', ')}), '')` : 'NULL::VARCHAR';
}

/** A lab's value or upper limit, a scale's score or maximum, a dose: a number from 0 to `hi`. */
const dec = (hi: number): Pick<Read, 'pattern' | 'ok' | 'type'> => bounded(NUMBER, 0, hi, true);

/**
 * The plan for one header: undefined when the header has something only the JS path handles
 * (two columns for one place).
 */
export function nativePlan(header: Header, dict: Dictionary, flags: ReferenceDates, review: { trials: readonly Trial[]; trialIds: readonly string[] }, delimiter = ','): NativePlan | undefined {
  const p = positions(header, dict);
  if (!p) return undefined;
  // The medication checks compare start, stop and a dose's date as dates, ongoing as a boolean's
  // text, drug and class as text; the dictionary's schema asks for those items, not their types,
  // so a dictionary typing them otherwise is read by the JS path.
  for (const records of p.slots.keys()) {
    const def = dict.fields.get(records) as Extract<FieldDef, { type: 'records' }>;
    if (def.kindOf !== 'medication') continue;
    const type = (item: string) => def.item[item]?.type;
    if (type('start') !== 'date' || type('stop') !== 'date' || type('ongoing') !== 'boolean' || !['enum', 'string'].includes(type('drug') ?? '') || !['enum', 'string'].includes(type('class') ?? '')) return undefined;
  }
  // Each cell's type follows from its forms (Read.type): a first pass, every cell read as text,
  // finds them; the plan reads the cells so typed (the forms, made alike, are the same).
  const first = planWith(header, dict, flags, review, delimiter, p, header.names.map(() => 'VARCHAR'));
  const plan = planWith(header, dict, flags, review, delimiter, p, first.formTypes);
  if (plan.plan.line.source !== first.plan.line.source) throw new Error('the typed plan checks other forms than the first');
  return plan.plan;
}

/** nativePlan's plan, reading the cells as `types`, and the type each cell's forms give it. */
function planWith(header: Header, dict: Dictionary, flags: ReferenceDates, review: { trials: readonly Trial[]; trialIds: readonly string[] }, delimiter: string, p: Positions, types: CellType[]): { plan: NativePlan; formTypes: CellType[] } {
  const cell = cellColumn;
  const typed = (at: number) => types[at] !== 'VARCHAR';
  const any = `[^${delimiter.replace(/[\\\]^-]/g, '\\$&')}]`;
  // The form each cell must have (JS checks it on the whole line before SQL sees the row), and the
  // type it gives the cell (text unless every form of the cell is one of a date or a number).
  const forms: (string | undefined)[] = header.names.map(() => undefined);
  const formTypes: CellType[] = header.names.map(() => 'VARCHAR');
  const form = (at: number, read: Pick<Read, 'pattern' | 'type'>) => {
    const had = forms[at];
    const type = read.type ?? 'VARCHAR';
    // Two forms for one cell (no header does this today): it must be empty, JS reads it otherwise.
    const same = had === undefined || had === read.pattern;
    forms[at] = same ? read.pattern : NOTHING;
    formTypes[at] = same && (had === undefined || formTypes[at] === type) ? type : 'VARCHAR';
  };
  /** The cell, NULL when empty or when the header has no such column (a typed cell as its type). */
  const val = (at: number | undefined) => (at === undefined ? 'NULL' : cell(at));
  const isFilled = (at: number) => `${cell(at)} IS NOT NULL`;
  const filled = (at: number | undefined) => (at === undefined ? 'false' : `(${isFilled(at)})`);
  const empty = (at: number) => `${cell(at)} IS NULL`;
  /** The value `read` makes of the cell (a typed cell is that value already). */
  const valueOf = (at: number | undefined, read: Pick<Read, 'value'>) => (at !== undefined && typed(at) ? cell(at) : read.value(val(at)));
  const number = (at: number | undefined) => valueOf(at, { value: dbl });
  /** Any of these cells filled (one test per cell: the staging statement took 0.85x the time of one test of their concat). */
  const anyFilled = (ats: (number | undefined)[]) => {
    const cells = ats.filter((a): a is number => a !== undefined);
    return cells.length === 0 ? 'false' : `(${cells.map(isFilled).join(' OR ')})`;
  };
  const conds: string[] = [];
  // A medication stopped, or a dose dated, before its start: the row is an error (and still taken,
  // its results unused), worded as JS words it; its only one, as every other check holds.
  const rowErrors: string[] = [];
  const beforeStart = (location: string, x: string, start: string) => `(CASE WHEN ${x} < ${start} THEN ${lit(`${location}: "`)} || ${x} || '" is before the start date' END)`;
  const inserts: { into: string; rows: string }[] = [];
  // Every value of a cell the layout needs, and every "any of these cells filled", becomes one
  // column of table `stage`; what is made of them (positions, list flags, a drug's class) is
  // computed where the layout is filled, so the statement making `stage` stays small (DuckDB
  // keeps a vector per node of a statement's expressions: one with every one of them inline held
  // more than 1 GB).
  const staged = new Map<string, string>();
  const st = (expr: string): string => {
    // (Not a code in a string literal that looks like a cell.)
    if (!/\bk\d+\b/.test(expr.replace(/'(?:[^']|'')*'/g, "''"))) return expr;
    let name = staged.get(expr);
    if (name === undefined) staged.set(expr, (name = `s${staged.size}`));
    return name;
  };
  const okCell = (at: number, read: Pick<Read, 'pattern' | 'ok' | 'type'>) => {
    form(at, read);
    if (read.ok) conds.push(`(${empty(at)} OR ${read.ok(cell(at))})`);
  };
  /** A cell's check, its form registered: `ok` is false on an empty cell. */
  const checked = (at: number, read: Pick<Read, 'pattern' | 'ok' | 'type'>) => {
    form(at, read);
    return read.ok ? read.ok(cell(at)) : isFilled(at);
  };
  const str = (n: number): Pick<Read, 'pattern' | 'ok'> => ({ pattern: text(any), ok: (x) => `ts_str(${x}, ${n})` });
  /** Rows where `x` is (or might be) true go to JS. */
  const never = (x: string) => conds.push(`NOT COALESCE(${x}, false)`);

  for (const at of p.defer) form(at, { pattern: NOTHING });
  // Recorded review decisions: decision, by and date all given (a note optional), for a review
  // item of a screened trial or of a trial not screened (reviewKeyWarnings has no warning for it).
  const reviewRows: string[] = [];
  for (const { trial, review: id, keys } of p.reviews.values()) {
    const all = [...keys.values()];
    const warns = reviewKeyWarnings({ reviews: { [trial]: { [id]: {} } } } as unknown as PatientRecord, '', review.trials, review.trialIds).length > 0;
    const [decision, by, date, note] = ['decision', 'by', 'date', 'note'].map((k) => keys.get(k));
    const given = anyFilled(all);
    if (warns || decision === undefined || by === undefined || date === undefined) {
      conds.push(`NOT ${given}`);
      continue;
    }
    const ok = [checked(decision, { pattern: 'yes|no' }), checked(by, str(200)), checked(date, dateRead), note === undefined ? 'true' : `(${empty(note)} OR ${checked(note, str(2000))})`];
    conds.push(`(NOT ${given} OR (${ok.join(' AND ')}))`);
    reviewRows.push(`SELECT ${ROW}, ${lit(trial)}, ${lit(id)}, ${st(cell(decision))} FROM stage WHERE ${st(given)}`);
  }
  if (reviewRows.length) inserts.push({ into: REVIEWS, rows: reviewRows.join(' UNION ALL ') });
  if (p.id !== undefined) okCell(p.id, str(100));
  for (const at of p.refs.values()) okCell(at, dateRead);

  // Reference dates as the engine gets them: a flag overrides the row's.
  const ref = (name: keyof ReferenceDates) => {
    const flag = flags[name];
    if (flag) return `DATE ${lit(flag)}`;
    const at = p.refs.get(name);
    return at === undefined ? 'NULL' : valueOf(at, dateRead);
  };
  const refs = { screening: ref('screening'), consent: ref('consent'), randomization: ref('randomization') };
  // Dates as the cells hold them (typed: a reference date's cell is a DATE), a flag as a DATE.
  const refText = (name: keyof ReferenceDates) => {
    const flag = flags[name];
    return flag ? `DATE ${lit(flag)}` : val(p.refs.get(name));
  };
  const on = { screening: refText('screening'), consent: refText('consent'), randomization: refText('randomization') };
  never(`${on.randomization} < ${on.screening} OR ${on.randomization} < ${on.consent}`);

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
          v === undefined ? 'false' : checked(v, dec(def.max)),
          uln === undefined ? 'false' : `${checked(uln, dec(def.max))} AND ${number(uln)} > 0`,
          date === undefined ? 'true' : `(${empty(date)} OR ${checked(date, dateRead)})`,
        ];
        if (all.length) conds.push(`(NOT ${anyFilled(all)} OR (${checks.join(' AND ')}))`);
        fieldValue.set(path, [number(v), number(uln), valueOf(date, dateRead)]);
      } else {
        const [score, max] = ['score', 'max'].map(at);
        const all = [score, max].filter((x): x is number => x !== undefined);
        const checks = [
          score === undefined || max === undefined ? 'false' : `${checked(score, dec(Math.max(...def.scales)))} AND ${checked(max, dec(Math.max(...def.scales)))}`,
          `${number(max)} IN (${def.scales.map(num).join(', ')}) AND ${number(score)} <= ${number(max)}`,
        ];
        if (all.length) conds.push(`(NOT ${anyFilled(all)} OR (${checks.join(' AND ')}))`);
        fieldValue.set(path, [number(score), number(max)]);
      }
      continue;
    }
    const read = scalarRead(def, any, delimiter);
    if (!read) continue;
    const at = p.fields.get(path);
    // A unit beside a value asks for a conversion (JS's); a unit alone is ignored.
    const unitAt = p.parts.get(`${path}.${NUMBER_UNIT}`);
    if (unitAt !== undefined && at !== undefined) conds.push(`(${empty(unitAt)} OR ${empty(at)})`);
    if (at === undefined) continue;
    okCell(at, read);
    fieldValue.set(path, [valueOf(at, read)]);
    if (def.type === 'date') {
      const written = val(at);
      // (A date after `latest` is kept with a warning: futureWarnings below.)
      if (def.beforeReferenceDates) never(`${written} > ${on.screening} OR ${written} > ${on.consent} OR ${written} > ${on.randomization}`);
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
    const doseFilled = (n: number, item: string, m: number) => anyFilled(['date', 'dose', 'unit'].map((k) => doseAt(n, item, m, k)));
    const present = new Map<number, string>();
    for (const n of slots) {
      const cells = [
        ...Object.keys(def.item).map((item) => itemAt(n, item)),
        ...doseItems.flatMap((item) => doseNumbers(n, item).flatMap((m) => ['date', 'dose', 'unit'].map((k) => doseAt(n, item, m, k)))),
      ].filter((x): x is number => x !== undefined);
      present.set(n, anyFilled(cells));
    }
    const filledSlots = slots.length ? slots.map((n) => `${present.get(n)}::INT`).join(' + ') : '0';
    const countAt = p.listCount.get(records);
    // (A count stays text: an empty list's is compared as written, '0'.)
    const count = { pattern: bounded(INTEGER, 0, 1e9, false).pattern };
    if (countAt !== undefined) conds.push(`(${empty(countAt)} OR (${checked(countAt, count)} AND TRY_CAST(${cell(countAt)} AS INT) = ${filledSlots}))`);
    listFlag.set(records, `(CASE WHEN ${[filled(countAt), ...slots.map((n) => present.get(n) as string)].map(st).join(' OR ')} THEN true END)`);
    const classes = new Map<string, string>();
    const drugDef = def.item.drug;
    if (def.kindOf === 'medication' && drugDef?.type === 'enum') for (const [value, entry] of Object.entries(drugDef.values)) if (typeof entry !== 'string' && entry.class) classes.set(value, entry.class);
    const table = tables.find((t) => t.name === records) as Table;
    const rowsSql: string[] = [];
    const doseRowsSql: string[] = [];
    slots.forEach((n, k) => {
      const here = present.get(n) as string;
      // The record's place in its list: how many slots before it are filled.
      const idx = slots.slice(0, k).map((s) => `${st(present.get(s) as string)}::INT`).join(' + ') || '0';
      const item = (name: string) => itemAt(n, name);
      // The record's errors SQL words (schema.ts checkMedication's order: the stop, then each dose).
      const doseErrors: string[] = [];
      for (const [name, idef] of Object.entries(def.item)) {
        const at = item(name);
        if (at === undefined) continue;
        const read = scalarRead(idef, any, delimiter);
        if (read) okCell(at, read);
        if (idef.type === 'date' && idef.notBefore !== undefined) never(`${val(at)} < ${val(item(idef.notBefore))}`);
      }
      for (const name of doseItems) {
        const idef = def.item[name] as Extract<ItemFieldDef, { type: 'doseHistory' }>;
        const ms = doseNumbers(n, name);
        const cnt = p.doseCount.get(listKey(records, n, name));
        const have = ms.length ? ms.map((m) => `(${doseFilled(n, name, m)})::INT`).join(' + ') : '0';
        if (cnt !== undefined) conds.push(`(${empty(cnt)} OR (${here} AND ${checked(cnt, count)} AND TRY_CAST(${cell(cnt)} AS INT) = ${have}))`);
        ms.forEach((m, j) => {
          const at = (key: string) => doseAt(n, name, m, key);
          const [date, dose, unit] = [at('date'), at('dose'), at('unit')];
          // A dose needs its date, dates differ within a history, a dose is not before its start.
          conds.push(`(NOT (${doseFilled(n, name, m)}) OR ${filled(date)})`);
          if (date !== undefined) okCell(date, dateRead);
          if (dose !== undefined) okCell(dose, dec(idef.max));
          if (unit !== undefined) okCell(unit, idef.units ? { pattern: exactly(idef.units, delimiter) } : str(40));
          for (const m2 of ms.slice(j + 1)) {
            const d2 = doseAt(n, name, m2, 'date');
            if (date !== undefined && d2 !== undefined) never(`${val(date)} = ${val(d2)}`);
          }
          if (def.kindOf === 'medication' && date !== undefined) {
            if (name === 'doses') doseErrors.push(beforeStart(`${records}.${n}.${name}.${m}.date`, val(date), val(item('start'))));
            else never(`${val(date)} < ${val(item('start'))}`);
          }
          const pos = ms.slice(0, j).map((m1) => `${st(doseFilled(n, name, m1))}::INT`).join(' + ') || '0';
          doseRowsSql.push(`SELECT ${ROW}, ${idx} AS idx, ${pos} AS pos, ${st(valueOf(date, dateRead))} AS date, ${st(number(dose))} AS dose, ${st(val(unit))} AS unit FROM stage WHERE ${st(here)} AND ${st(doseFilled(n, name, m))}`);
        });
      }
      if (def.kindOf === 'medication') {
        never(`${val(item('ongoing'))} IN ${BOOL_TRUE} AND ${filled(item('stop'))}`);
        if (item('stop') !== undefined) rowErrors.push(beforeStart(`${records}.${n}.stop`, val(item('stop')), val(item('start'))));
        rowErrors.push(...doseErrors);
        const drug = val(item('drug'));
        if (classes.size && item('class') !== undefined) never(`${val(item('class'))} <> (CASE ${drug} ${[...classes].map(([d, c]) => `WHEN ${lit(d)} THEN ${lit(c)}`).join(' ')} END)`);
        // Two records of one drug may be one course (joined) or overlap (kept, with a warning), and takenFor counts across them (chains.ts): JS's.
        for (const n2 of slots.slice(k + 1)) if (item('drug') !== undefined && itemAt(n2, 'drug') !== undefined) never(`${drug} = ${val(itemAt(n2, 'drug'))}`);
      }
      const values = table.columns.slice(2).map((col) => {
        const at = item(col.name);
        const idef = def.item[col.name] as ItemFieldDef;
        const v = at === undefined ? 'NULL' : st(valueOf(at, scalarRead(idef, any, delimiter) as Read));
        // parse.ts fillDrugClasses: a known drug's class when none is given.
        if (def.kindOf === 'medication' && col.name === 'class' && dict.drugClasses.size && item('drug') !== undefined) {
          return `COALESCE(${v}, CASE ${st(val(item('drug')))} ${[...dict.drugClasses].map(([d, c]) => `WHEN ${lit(d)} THEN ${lit(c)}`).join(' ')} END)`;
        }
        return v;
      });
      rowsSql.push(`SELECT ${ROW}, ${idx} AS idx, ${values.join(', ')} FROM stage WHERE ${st(here)}`);
    });
    if (rowsSql.length) inserts.push({ into: records, rows: rowsSql.join(' UNION ALL ') });
    if (doseRowsSql.length) inserts.push({ into: `${records}${DOSES_SUFFIX}`, rows: doseRowsSql.join(' UNION ALL ') });
  }
  // Counts of lists with no slot columns: only an empty list (0) is certain.
  for (const [records, at] of p.listCount) {
    if (p.slots.has(records)) continue;
    conds.push(`(${empty(at)} OR ${cell(at)} = '0')`);
    listFlag.set(records, `(CASE WHEN ${st(filled(at))} THEN true END)`);
  }
  // A dose count or anything of a slot that has no item columns at all: JS's.
  for (const [key, at] of p.doseCount) {
    const records = key.split('\u0000')[0] as string;
    if (!p.slots.has(records)) conds.push(empty(at));
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
    const width = def.type === 'lab' ? 3 : def.type === 'scale' ? 2 : def.type === 'records' ? 1 : scalarRead(def, '.', ',') ? 1 : 0;
    const values = def.type === 'records' ? [listFlag.get(path) ?? 'NULL'] : (fieldValue.get(path) ?? new Array<string>(width).fill('NULL'));
    values.forEach((v, j) => (pcols[i + j] = v));
    i += width;
  }
  const warnings = futureWarnings(p, dict, on, val);
  const errors = rowErrors.length ? `NULLIF(concat_ws(chr(${WARNING_SEPARATOR.charCodeAt(0)}), ${rowErrors.join(', ')}), '')` : 'NULL::VARCHAR';
  const accept = conds.length ? conds.join('\n AND ') : 'true';
  // Exactly the header's number of cells, each of its form: the whole line in one expression.
  const cellForm = (f: string | undefined) => (f === undefined ? `${any}*` : `(?:${f})?`);
  const line = new RegExp(`^${forms.map(cellForm).join(delimiter.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))}$`);
  const cellForms = forms.map((f) => new RegExp(`^${cellForm(f)}$`));
  const view = `CREATE OR REPLACE TEMP VIEW patients AS SELECT ${patients.columns.map((c, j) => `CAST(${st(pcols[j] as string)} AS ${DUCKDB.types[c.type]}) AS ${q(c.name)}`).join(', ')} FROM stage`;
  const children = tables.slice(1);
  const plan: NativePlan = {
    line,
    cellTypes: types,
    cells: (cells) => cells.length === cellForms.length && cells.every((c, i) => (cellForms[i] as RegExp).test(c)),
    accept,
    stage: (source, into) => `CREATE OR REPLACE ${into ? `TABLE ${into}` : 'TEMP TABLE stage'} AS SELECT ${ROW}${[...staged].map(([expr, name]) => `, ${expr} AS ${name}`).join('')}, ${warnings} AS ${WARNINGS}, ${errors} AS ${ERRORS} FROM ${source} WHERE ${accept}`,
    tables: children.map((t) => t.name),
    // Made anew for each range: rows DELETE removes stay in DuckDB's memory (34 MB more per range).
    load: (table) => {
      const made = children.map((t) => createTableSql(t, DUCKDB, table ? { replace: true, name: table(t.name) } : { replace: true, temp: true }));
      return [...made, ...inserts.map(({ into, rows }) => `INSERT INTO ${table ? table(into) : q(into)} ${rows}`)];
    },
    patients: view,
  };
  return { plan, formTypes };
}
