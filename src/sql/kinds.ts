// Each rule kind compiled to one SQL expression (`toSql`), in a table keyed by kind exactly as
// the JS engine evaluates them: the SQL target is one more method per kind, not a second engine.
//
// An expression yields an integer outcome code that is never NULL:
//   0 = not met, 12 = unknown, 21 = needs review, 33 = met.
// With this order "all" is LEAST (not met < unknown < needs review < met). "any" is GREATEST
// after swapping unknown and needs review (unknown outranks needs review in both, as openOf in
// logic.ts); the swap reverses the two digits, MOD(10x, 99), so each operand appears once in
// the SQL text (a CASE on it would copy it into every branch, and nesting grows exponentially).
// Every leaf guards its NULL inputs first, so a NULL never falls through a CASE into a decision.
import { recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import type { Condition, Duration, ReferenceDateName } from '../criteria/rule-schema.js';
import type { Dialect } from './dialect.js';
import { DOSES_SUFFIX, REF_COLUMNS, ROW, quoteIdent as q } from './layout.js';
import { CALCULATOR_SQL } from './calculators.js';

export const NOT_MET = 0;
export const UNKNOWN = 12;
export const REVIEW = 21;
export const MET = 33;

/** Open (unknown or needs review): neither 0 nor 33. */
export const isOpen = (x: string): string => `MOD(${x}, ${MET}) <> 0`;

export type SqlCtx = {
  dict: Dictionary;
  trial: Trial;
  dialect: Dialect;
  /** Alias of the patients table. */
  p: string;
  /** Inside exists/forAll/count: the record list and the alias of its current row. */
  item?: { records: string; alias: string };
  /** Definitions being expanded (cycle guard), and a counter for unique aliases. */
  expanding: string[];
  aliases: { n: number };
  /**
   * Derived tables joined at this level (to the patient, or inside a quantifier to the record):
   * aggregates replace correlated subqueries, which engines plan slowly or run row by row.
   */
  joins: Join[];
  /** One derived table per rule node, reused when a node is compiled again. */
  memo: WeakMap<object, unknown>;
  /** Review id -> column of the pivoted decisions (alias rv). */
  reviewColumns: Map<string, string>;
};

/** A derived table joined on the row number (and, for per-record tables, the record index). */
export type Join = { alias: string; perRecord: boolean; render: () => string };

/** FROM clause of a level: the base table and its joins. */
export function fromClause(base: string, ctx: SqlCtx): string {
  return [base, ...ctx.joins.map((j) => `LEFT JOIN (${j.render()}) AS ${j.alias} ON ${j.alias}.${q(ROW)} = ${ctx.item ? ctx.item.alias : ctx.p}.${q(ROW)}${j.perRecord ? ` AND ${j.alias}.${q('idx')} = ${ctx.item?.alias}.${q('idx')}` : ''}`)].join('\n  ');
}

/** Patients joined to a child table's rows, with the review decisions: a level's base. */
export function patientJoin(ctx: SqlCtx, child: string, a: string): string {
  return `${q(child)} AS ${a} JOIN ${q('patients')} AS ${ctx.p} ON ${ctx.p}.${q(ROW)} = ${a}.${q(ROW)} LEFT JOIN ${REVIEW_PIVOT} AS rv ON rv.${q(ROW)} = ${a}.${q(ROW)}`;
}

/** Placeholder for the pivoted review decisions, filled in when the query is assembled. */
export const REVIEW_PIVOT = '/*reviews*/';

export function memo<T>(ctx: SqlCtx, key: object, make: () => T): T {
  let v = ctx.memo.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    ctx.memo.set(key, v);
  }
  return v;
}

/** A rule or calculator the SQL target cannot express faithfully: the criterion becomes unknown. */
export class NotExpressible extends Error {}

export const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export function alias(ctx: SqlCtx, prefix: string): string {
  ctx.aliases.n += 1;
  return `${prefix}${ctx.aliases.n}`;
}

/** A patient column, or (bare name inside a record quantifier) a column of the current record. */
export function col(ctx: SqlCtx, field: string, part?: string): string {
  if (ctx.item && !field.includes('.')) return `${ctx.item.alias}.${q(field)}`;
  return `${ctx.p}.${q(part ? `${field}.${part}` : field)}`;
}

export function refCol(ctx: SqlCtx, name: ReferenceDateName): string {
  return `${ctx.p}.${q(REF_COLUMNS[name])}`;
}

export const rowKey = (ctx: SqlCtx): string => `${ctx.p}.${q(ROW)}`;

/** unknown when any input is NULL, else met/not met by `test`. */
export function tri(nullable: string[], test: string): string {
  const guard = nullable.map((x) => `${x} IS NULL`).join(' OR ');
  return `(CASE WHEN ${guard} THEN ${UNKNOWN} WHEN ${test} THEN ${MET} ELSE ${NOT_MET} END)`;
}

export const bool = (test: string): string => `(CASE WHEN ${test} THEN ${MET} ELSE ${NOT_MET} END)`;

const swap = (x: string) => `MOD(${x} * 10, 99)`;
export const and = (xs: string[]): string => (xs.length === 1 ? (xs[0] as string) : `LEAST(${xs.join(', ')})`);
export const or = (xs: string[]): string => (xs.length === 1 ? (xs[0] as string) : swap(`GREATEST(${xs.map(swap).join(', ')})`));
export const not = (x: string): string => swap(`(${MET} - ${x})`);

export const SQL_OPS: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '=', '!=': '<>' };

/** `date` shifted by sign × duration, as shift() in dates.ts: calendar months (clamped), then days. */
export function shiftSql(date: string, d: Duration, sign: 1 | -1): string {
  const months = (d.years ?? 0) * 12 + (d.months ?? 0);
  const days = (d.weeks ?? 0) * 7 + (d.days ?? 0);
  // DATE + INTERVAL gives a timestamp in both engines: cast back to a date.
  let out = months ? `CAST(${date} + INTERVAL '${sign * months} months' AS DATE)` : date;
  if (days) out = `(${out} + ${sign * days})`;
  return out;
}

/** Whole years from birth to on, a 29 February birthday counting on 28 February (ageInYears). */
export function ageSql(birth: string, on: string): string {
  const y = (d: string) => `EXTRACT(YEAR FROM ${d})`;
  const m = (d: string) => `EXTRACT(MONTH FROM ${d})`;
  const day = (d: string) => `EXTRACT(DAY FROM ${d})`;
  const leap = `(MOD(CAST(${y(on)} AS INTEGER), 4) = 0 AND (MOD(CAST(${y(on)} AS INTEGER), 100) <> 0 OR MOD(CAST(${y(on)} AS INTEGER), 400) = 0))`;
  const birthday = `(CASE WHEN ${m(birth)} = 2 AND ${day(birth)} = 29 AND NOT ${leap} THEN 28 ELSE ${day(birth)} END)`;
  return `(${y(on)} - ${y(birth)} - (CASE WHEN ${m(on)} < ${m(birth)} OR (${m(on)} = ${m(birth)} AND ${day(on)} < ${birthday}) THEN 1 ELSE 0 END))`;
}

/** Taken on `date` (medication.ts takenOn): met / not met / unknown. */
export function takenOnSql(med: string, date: string): string {
  return `(CASE WHEN ${med}.${q('start')} IS NULL THEN ${UNKNOWN} WHEN ${med}.${q('start')} > ${date} THEN ${NOT_MET} WHEN ${med}.${q('stop')} IS NOT NULL THEN (CASE WHEN ${med}.${q('stop')} >= ${date} THEN ${MET} ELSE ${NOT_MET} END) WHEN ${med}.${q('ongoing')} IS TRUE THEN ${MET} ELSE ${UNKNOWN} END)`;
}

/**
 * Per record: the latest dose on or before `date` (a patient-level expression; ties go to the
 * later dose in the list, as the JS engine's stable sort), as a derived table (dose, unit).
 */
export function currentDoseTable(records: string, date: string): string {
  const d = q(`${records}${DOSES_SUFFIX}`);
  return `SELECT z.${q(ROW)}, z.${q('idx')}, z.${q('pos')}, z.${q('dose')}, z.${q('unit')} FROM (SELECT d.${q(ROW)}, d.${q('idx')}, d.${q('pos')}, d.${q('dose')}, d.${q('unit')}, ROW_NUMBER() OVER (PARTITION BY d.${q(ROW)}, d.${q('idx')} ORDER BY d.${q('date')} DESC, d.${q('pos')} DESC) AS rk FROM ${d} AS d JOIN ${q('patients')} AS p ON p.${q(ROW)} = d.${q(ROW)} WHERE d.${q('date')} <= ${date}) AS z WHERE z.rk = 1`;
}

export function addJoin(ctx: SqlCtx, prefix: string, perRecord: boolean, render: () => string): string {
  const a = alias(ctx, prefix);
  ctx.joins.push({ alias: a, perRecord, render });
  return a;
}

/** A record quantifier's derived table: one row per patient with items, aggregated. */
export type Quantifier = { alias: string; ictx: SqlCtx; addLive(cond: string, quiet: boolean): number };

export function quantifierOf(c: Extract<Condition, { kind: 'exists' | 'forAll' | 'count' }>, ctx: SqlCtx): Quantifier {
  if (ctx.item) throw new NotExpressible('a record quantifier inside another');
  return memo(ctx, c, () => {
    const i = alias(ctx, 'i');
    const ictx: SqlCtx = { ...ctx, item: { records: c.records, alias: i }, joins: [] };
    const where = c.where ? toSql(c.where, ictx) : undefined;
    const item = c.kind === 'forAll' ? (where ? or([not(where), toSql(c.check, ictx)]) : toSql(c.check, ictx)) : (where ?? String(MET));
    const lives: { cond: string; quiet: boolean }[] = [];
    let agg: string;
    if (c.kind === 'exists') agg = swap(`MAX(${swap('x.io')})`);
    else if (c.kind === 'forAll') agg = 'MIN(x.io)';
    else {
      const [allTrue, allFalse] = countRange(c.op, c.n, `SUM(CASE WHEN x.io = ${MET} THEN 1 ELSE 0 END)`, `SUM(CASE WHEN x.io <> ${NOT_MET} THEN 1 ELSE 0 END)`);
      agg = `(CASE WHEN ${allTrue} THEN ${MET} WHEN ${allFalse} THEN ${NOT_MET} WHEN MAX(CASE WHEN x.io = ${UNKNOWN} THEN 1 ELSE 0 END) = 1 THEN ${UNKNOWN} ELSE ${REVIEW} END)`;
    }
    const a = addJoin(ctx, 'q', false, () => {
      // A review inside an item can change the result only while that item is open and no
      // other item is unknown (liveReviewIds): the window sum counts the unknown items.
      const liveAggs = lives.map((l, k) => `MAX(CASE WHEN x.lc${k} AND ${isOpen('x.io')}${l.quiet ? ` AND x.unk - (CASE WHEN x.io = ${UNKNOWN} THEN 1 ELSE 0 END) = 0` : ''} THEN 1 ELSE 0 END) AS lv${k}`);
      const inner = `SELECT ${i}.${q(ROW)}, ${item} AS io${lives.map((l, k) => `, (${l.cond}) AS lc${k}`).join('')} FROM ${fromClause(patientJoin(ictx, c.records, i), ictx)}`;
      return `SELECT x.${q(ROW)}, ${agg} AS o${liveAggs.map((l) => `, ${l}`).join('')} FROM (SELECT y.*, SUM(CASE WHEN y.io = ${UNKNOWN} THEN 1 ELSE 0 END) OVER (PARTITION BY y.${q(ROW)}) AS unk FROM (${inner}) AS y) AS x GROUP BY x.${q(ROW)}`;
    });
    return { alias: a, ictx, addLive: (cond: string, quiet: boolean) => lives.push({ cond, quiet }) - 1, empty: emptyOutcome(c) } as Quantifier & { empty: number };
  });
}

/** The outcome over an empty list: exists is not met, forAll met, count compares 0. */
function emptyOutcome(c: Extract<Condition, { kind: 'exists' | 'forAll' | 'count' }>): number {
  if (c.kind === 'exists') return NOT_MET;
  if (c.kind === 'forAll') return MET;
  const ops: Record<string, (a: number, b: number) => boolean> = { '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b };
  return (ops[c.op] as (a: number, b: number) => boolean)(0, c.n) ? MET : NOT_MET;
}

function quantifier(c: Extract<Condition, { kind: 'exists' | 'forAll' | 'count' }>, ctx: SqlCtx): string {
  const qd = quantifierOf(c, ctx) as Quantifier & { empty: number };
  return `(CASE WHEN ${col(ctx, c.records)} IS NULL THEN ${UNKNOWN} ELSE COALESCE(${qd.alias}.o, ${qd.empty}) END)`;
}

/** [every count in low..high passes, none does] for `count OP n` (countCompare in logic.ts). */
function countRange(op: string, n: number, low: string, high: string): [string, string] {
  switch (op) {
    case '>=': return [`${low} >= ${n}`, `${high} < ${n}`];
    case '>': return [`${low} > ${n}`, `${high} <= ${n}`];
    case '<=': return [`${high} <= ${n}`, `${low} > ${n}`];
    case '<': return [`${high} < ${n}`, `${low} >= ${n}`];
    case '==': return [`(${low} = ${n} AND ${high} = ${n})`, `(${n} < ${low} OR ${n} > ${high})`];
    default: return [`(${n} < ${low} OR ${n} > ${high})`, `(${low} = ${n} AND ${high} = ${n})`];
  }
}

type K<T extends Condition['kind']> = (c: Extract<Condition, { kind: T }>, ctx: SqlCtx) => string;
type Kinds = { [T in Condition['kind']]: K<T> };

function fieldDef(ctx: SqlCtx, field: string) {
  return ctx.item && !field.includes('.') ? recordItemField(ctx.dict, ctx.item.records, field) : ctx.dict.fields.get(field);
}

function medication(ctx: SqlCtx): { m: string; records: string } {
  if (!ctx.item) throw new NotExpressible('a medication rule outside a medication list');
  return { m: ctx.item.alias, records: ctx.item.records };
}

export const SQL_KINDS: Kinds = {
  all: (c, ctx) => and(c.of.map((x) => toSql(x, ctx))),
  any: (c, ctx) => or(c.of.map((x) => toSql(x, ctx))),
  not: (c, ctx) => not(toSql(c.of, ctx)),
  atLeast: (c, ctx) => {
    const kids = c.of.map((x) => toSql(x, ctx));
    const count = (test: string) => `(${kids.map((k) => `(CASE WHEN ${k} ${test} THEN 1 ELSE 0 END)`).join(' + ')})`;
    return `(CASE WHEN ${count(`= ${MET}`)} >= ${c.n} THEN ${MET} WHEN ${count(`<> ${NOT_MET}`)} < ${c.n} THEN ${NOT_MET} WHEN ${count(`= ${UNKNOWN}`)} > 0 THEN ${UNKNOWN} ELSE ${REVIEW} END)`;
  },
  compare: (c, ctx) => {
    if (typeof c.value !== 'number') throw new NotExpressible('a comparison with a non-number');
    const op = SQL_OPS[c.op] as string;
    if (c.scaleMax !== undefined) {
      const score = col(ctx, c.field, 'score');
      const max = col(ctx, c.field, 'max');
      // A score on another scale (or without one) is unknown, never compared.
      return `(CASE WHEN ${score} IS NULL THEN ${UNKNOWN} WHEN ${max} IS NULL OR ${max} <> ${c.scaleMax} THEN ${UNKNOWN} WHEN ${score} ${op} ${c.value} THEN ${MET} ELSE ${NOT_MET} END)`;
    }
    const def = fieldDef(ctx, c.field);
    if (def && def.type !== 'number' && def.type !== 'integer') throw new NotExpressible(`a comparison on a ${def.type} field`);
    const v = col(ctx, c.field);
    return tri([v], `${v} ${op} ${c.value}`);
  },
  is: (c, ctx) => {
    const v = col(ctx, c.field);
    return tri([v], `${v} = ${c.value ? 'TRUE' : 'FALSE'}`);
  },
  in: (c, ctx) => {
    const v = col(ctx, c.field);
    return tri([v], `${v} IN (${c.values.map(lit).join(', ')})`);
  },
  includesAny: (c, ctx) => {
    // An enum list is stored as ';a;b;' (';' when recorded empty): portable to every engine.
    const v = col(ctx, c.field);
    return tri([v], `(${c.values.map((x) => `${v} LIKE ${lit(`%;${x};%`)}`).join(' OR ')})`);
  },
  labUln: (c, ctx) => {
    const value = col(ctx, c.field, 'value');
    const uln = col(ctx, c.field, 'uln');
    const date = col(ctx, c.field, 'date');
    const { exact } = ctx.dialect;
    const decide = `WHEN ${exact(value)} ${SQL_OPS[c.op]} ${exact(`${c.times} * ${uln}`)} THEN ${MET} ELSE ${NOT_MET}`;
    const base = `WHEN ${value} IS NULL THEN ${UNKNOWN} WHEN ${uln} IS NULL OR ${uln} <= 0 THEN ${UNKNOWN}`;
    if (!c.within) return `(CASE ${base} ${decide} END)`;
    const ref = refCol(ctx, c.before ?? 'screening');
    // `through`: the window runs on past `before` up to that date (both known, so GREATEST sees no NULL).
    const through = c.through ? refCol(ctx, c.through) : undefined;
    const to = through ? `GREATEST(${through}, ${ref})` : ref;
    // Only a result dated inside the window counts; an undated or older one stays unknown.
    return `(CASE ${base} WHEN ${ref} IS NULL${through ? ` OR ${through} IS NULL` : ''} OR ${date} IS NULL THEN ${UNKNOWN} WHEN ${date} < ${shiftSql(ref, c.within, -1)} OR ${date} > ${to} THEN ${UNKNOWN} ${decide} END)`;
  },
  age: (c, ctx) => {
    const birth = `${ctx.p}.${q('demographics.birthDate')}`;
    const on = refCol(ctx, c.at);
    const op = SQL_OPS[c.op] as string;
    // No birth date but an age stated on a date: every birth date that fits it (statedAge in
    // evaluate.ts), decided only when the youngest and the oldest reading agree.
    const years = `${ctx.p}.${q('demographics.ageYears')}`;
    const statedOn = `${ctx.p}.${q('demographics.ageOn')}`;
    const latest = `CAST(${statedOn} - ${ctx.dialect.months(`12 * ${years}`)} AS DATE)`;
    const earliest = `(CAST(${statedOn} - ${ctx.dialect.months(`12 * (${years} + 1)`)} AS DATE) + 1)`;
    const [allTrue, allFalse] = countRange(c.op, c.years, ageSql(latest, on), ageSql(earliest, on));
    return `(CASE WHEN ${on} IS NULL THEN ${UNKNOWN} WHEN ${birth} IS NOT NULL THEN (CASE WHEN ${ageSql(birth, on)} ${op} ${c.years} THEN ${MET} ELSE ${NOT_MET} END) WHEN ${years} IS NULL OR ${statedOn} IS NULL THEN ${UNKNOWN} WHEN ${allTrue} THEN ${MET} WHEN ${allFalse} THEN ${NOT_MET} ELSE ${UNKNOWN} END)`;
  },
  dateWithin: (c, ctx) => {
    const v = col(ctx, c.field);
    const ref = refCol(ctx, c.before);
    return tri([v, ref], `${v} >= ${shiftSql(ref, c.within, -1)} AND ${v} <= ${ref}`);
  },
  interval: (c, ctx) => {
    const end = (o: typeof c.from) => ('ref' in o ? refCol(ctx, o.ref) : col(ctx, o.field));
    const [a, b] = [end(c.from), end(c.to)];
    // With both dates known, LEAST/GREATEST see no NULL (they would skip one).
    const [start, stop] = c.absolute ? [`LEAST(${a}, ${b})`, `GREATEST(${a}, ${b})`] : [a, b];
    return tri([a, b], `${stop} ${SQL_OPS[c.op]} ${shiftSql(start, c.duration, 1)}`);
  },
  known: (c, ctx) => {
    const def = fieldDef(ctx, c.field);
    const parts = def?.type === 'lab' ? ['value', 'uln', 'date'] : def?.type === 'scale' ? ['score', 'max'] : [undefined];
    return bool(parts.map((p) => `${col(ctx, c.field, p)} IS NOT NULL`).join(' OR '));
  },
  exists: quantifier,
  forAll: quantifier,
  count: quantifier,
  ongoing: (c, ctx) => {
    const { m } = medication(ctx);
    const ref = refCol(ctx, c.at);
    const taken = takenOnSql(m, ref);
    // continuing: a recorded last dose (even on or after the date) means it ends.
    const body = c.continuing ? `(CASE WHEN ${taken} = ${MET} AND ${m}.${q('ongoing')} IS NOT TRUE THEN ${NOT_MET} ELSE ${taken} END)` : taken;
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} ELSE ${body} END)`;
  },
  takenFor: (c, ctx) => {
    const { m } = medication(ctx);
    const ref = refCol(ctx, c.before);
    const start = `${m}.${q('start')}`;
    const started = tri([start], `${start} <= ${shiftSql(ref, c.atLeast, -1)}`);
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} ELSE ${and([started, takenOnSql(m, ref)])} END)`;
  },
  lastDoseWithin: (c, ctx) => {
    const { m } = medication(ctx);
    const ref = refCol(ctx, c.before);
    const [start, stop] = [`${m}.${q('start')}`, `${m}.${q('stop')}`];
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} WHEN ${start} IS NOT NULL AND ${start} > ${ref} THEN ${NOT_MET} WHEN ${stop} IS NOT NULL THEN (CASE WHEN ${stop} >= ${shiftSql(ref, c.within, -1)} THEN ${MET} ELSE ${NOT_MET} END) WHEN ${m}.${q('ongoing')} IS TRUE THEN ${MET} ELSE ${UNKNOWN} END)`;
  },
  stableDose: (c, ctx) => {
    const { m, records } = medication(ctx);
    const ref = refCol(ctx, c.before);
    const since = shiftSql(ref, c.for, -1);
    const start = `${m}.${q('start')}`;
    const [cur, win, any] = memo(ctx, c, () => {
      const doses = q(`${records}${DOSES_SUFFIX}`);
      const current = currentDoseTable(records, since);
      // Doses in different units (or one without a unit) cannot be compared: never a change; a dose
      // entry without an amount ("unchanged since") is no change, but next to another amount unknown.
      const window = `SELECT d.${q(ROW)}, d.${q('idx')}, MAX(CASE WHEN COALESCE(d.${q('unit')}, '') <> COALESCE(c.${q('unit')}, '') THEN 1 ELSE 0 END) AS incomparable, MAX(CASE WHEN d.${q('dose')} <> c.${q('dose')} THEN 1 ELSE 0 END) AS changed, MAX(CASE WHEN d.${q('dose')} IS NULL OR c.${q('dose')} IS NULL THEN 1 ELSE 0 END) AS unknown_amount FROM ${doses} AS d JOIN ${q('patients')} AS p ON p.${q(ROW)} = d.${q(ROW)} JOIN (${current}) AS c ON c.${q(ROW)} = d.${q(ROW)} AND c.${q('idx')} = d.${q('idx')} WHERE d.${q('date')} > ${since} AND d.${q('date')} <= ${ref} GROUP BY d.${q(ROW)}, d.${q('idx')}`;
      const counted = `SELECT d.${q(ROW)}, d.${q('idx')}, COUNT(*) AS n FROM ${doses} AS d GROUP BY d.${q(ROW)}, d.${q('idx')}`;
      return [addJoin(ctx, 'sc', true, () => current), addJoin(ctx, 'sw', true, () => window), addJoin(ctx, 'sn', true, () => counted)];
    });
    return `(CASE WHEN ${ref} IS NULL THEN ${UNKNOWN} WHEN ${start} IS NULL THEN ${UNKNOWN} WHEN ${start} > ${since} THEN ${NOT_MET} WHEN ${any}.n IS NULL THEN ${UNKNOWN} WHEN ${cur}.${q('pos')} IS NULL THEN ${UNKNOWN} WHEN ${win}.incomparable = 1 THEN ${UNKNOWN} WHEN ${win}.changed = 1 THEN ${NOT_MET} WHEN ${win}.unknown_amount = 1 THEN ${UNKNOWN} ELSE ${takenOnSql(m, ref)} END)`;
  },
  review: (c, ctx) => {
    const column = ctx.reviewColumns.get(c.id);
    if (!column) throw new Error(`review ${c.id} is not in the decisions pivot`);
    // No recorded decision: needs review (the simple CASE sends NULL to ELSE on purpose).
    return `(CASE rv.${q(column)} WHEN 'yes' THEN ${MET} WHEN 'no' THEN ${NOT_MET} ELSE ${REVIEW} END)`;
  },
  ref: (c, ctx) => {
    const def = ctx.trial.definitions[c.definition];
    if (!def || ctx.expanding.includes(c.definition)) throw new Error(`definition ${c.definition} is missing or cyclic`);
    return toSql(def.rule, { ...ctx, expanding: [...ctx.expanding, c.definition] });
  },
  calc: (c, ctx) => {
    const calc = CALCULATOR_SQL[c.calculator];
    if (!calc) throw new NotExpressible(`calculator ${c.calculator}`);
    return calc(ctx, c.params ?? {});
  },
};

export function toSql(c: Condition, ctx: SqlCtx): string {
  return (SQL_KINDS[c.kind] as K<typeof c.kind>)(c as never, ctx);
}
