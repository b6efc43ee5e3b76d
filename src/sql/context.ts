// The SQL side of the rule kinds: each kind compiles itself (`toSql` in its module under
// src/rules, with the string kit of kit.ts); this module gives it its SqlContext — the columns in
// scope, sub-rules, and the derived tables (record quantifiers, dose histories, calculators) the
// query joins at each level. Loaded only by `screen sql` and `--engine duckdb`.
import { recordItemField, type Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import { ruleOf } from '../rules/registry.js';
import type { Quantifier as QuantifierNode } from '../rules/quantifier.js';
import type { Condition, RecordsSql, ReferenceDateName, SqlContext } from '../rules/types.js';
import type { Dialect } from './dialect.js';
import { DOSES_SUFFIX, REF_COLUMNS, ROW, quoteIdent as q } from './layout.js';
import { CALCULATOR_MISSING_SQL, CALCULATOR_SQL } from './calculators.js';
import { MISSING_SEP, UNKNOWN, ifUnknown, isOpen, lit, missingList } from './kit.js';
import { missingTokenSql } from './missing.js';

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
  /** The caller already keeps this node's missing tokens only while it is unknown (a criterion's root). */
  callerGates?: boolean;
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

export function alias(ctx: SqlCtx, prefix: string): string {
  ctx.aliases.n += 1;
  return `${prefix}${ctx.aliases.n}`;
}

/** A patient column, or (bare name inside a record quantifier) a column of the current record. */
export function col(ctx: SqlCtx, field: string, part?: string): string {
  if (ctx.item && !field.includes('.')) return `${ctx.item.alias}.${q(field)}`;
  return `${ctx.p}.${q(part ? `${field}.${part}` : field)}`;
}

/** A list record's path with a field (`medications[2].stop`), as SQL text; `alias` is the record's row. */
export function recordPath(records: string, alias: string, field: string): string {
  return `(${lit(`${records}[`)} || CAST(${alias}.${q('idx')} AS VARCHAR) || ${lit(`].${field}`)})`;
}

/** A field's patient-file path as SQL text (inside a record quantifier, a bare name is the record's). */
export function pathSql(ctx: SqlCtx, field: string, part?: string): string {
  const name = part ? `${field}.${part}` : field;
  return ctx.item && !field.includes('.') ? recordPath(ctx.item.records, ctx.item.alias, name) : lit(name);
}

/** One missing entry as SQL text (missing.ts). */
export const token = missingTokenSql;

export function refCol(ctx: SqlCtx, name: ReferenceDateName): string {
  return `${ctx.p}.${q(REF_COLUMNS[name])}`;
}

export const rowKey = (ctx: SqlCtx): string => `${ctx.p}.${q(ROW)}`;

/**
 * Per record: the latest dose on or before `date` (a patient-level expression; ties go to the
 * later dose in the list, as the JS engine's stable sort), as a derived table (dose, unit).
 */
export function currentDoseTable(records: string, date: string): string {
  const d = q(`${records}${DOSES_SUFFIX}`);
  return `SELECT z.${q(ROW)}, z.${q('idx')}, z.${q('pos')}, z.${q('date')}, z.${q('dose')}, z.${q('unit')} FROM (SELECT d.${q(ROW)}, d.${q('idx')}, d.${q('pos')}, d.${q('date')}, d.${q('dose')}, d.${q('unit')}, ROW_NUMBER() OVER (PARTITION BY d.${q(ROW)}, d.${q('idx')} ORDER BY d.${q('date')} DESC, d.${q('pos')} DESC) AS rk FROM ${d} AS d JOIN ${q('patients')} AS p ON p.${q(ROW)} = d.${q(ROW)} WHERE d.${q('date')} <= ${date}) AS z WHERE z.rk = 1`;
}

export function addJoin(ctx: SqlCtx, prefix: string, perRecord: boolean, render: () => string): string {
  const a = alias(ctx, prefix);
  ctx.joins.push({ alias: a, perRecord, render });
  return a;
}

/** A record quantifier's derived table: one row per patient with items, aggregated. */
export type Quantifier = { alias: string; ictx: SqlCtx; empty: number; addLive(cond: string, quiet: boolean): number };

/** The quantifier node's table, made on its first compilation (`how` comes from its kind's module). */
export function quantifierOf(c: QuantifierNode, ctx: SqlCtx, how?: RecordsSql): Quantifier {
  if (ctx.item) throw new NotExpressible('a record quantifier inside another');
  return memo(ctx, c, () => {
    if (!how) throw new Error(`${c.kind} over ${c.records} was not compiled to SQL`);
    const i = alias(ctx, 'i');
    const ictx: SqlCtx = { ...ctx, item: { records: c.records, alias: i }, joins: [] };
    const where = c.where ? toSql(c.where, ictx) : undefined;
    const check = c.check ? toSql(c.check, ictx) : undefined;
    const lives: { cond: string; quiet: boolean }[] = [];
    const a = addJoin(ctx, 'q', false, () => {
      // Per record: where's and check's outcomes as columns, so the record's outcome and what it still
      // needs (each part's tokens while that part is unknown) read them instead of computing them again.
      const parts = [['wo', 'mw', c.where, where], ['co', 'mc', c.check, check]].filter((x): x is [string, string, Condition, string] => x[2] !== undefined);
      const partCols = parts.map(([o, m, node, sql]) => `, ${sql} AS ${o}, ${missingSql(node, { ...ictx, callerGates: true })} AS ${m}`).join('');
      const item = how.item(where === undefined ? undefined : 'z.wo', check === undefined ? undefined : 'z.co');
      const itemMissing = missingList(parts.map(([o, m]) => ifUnknown(`z.${o}`, `z.${m}`)));
      // A review inside an item can change the result only while that item is open and no
      // other item is unknown (liveReviewIds): the window sum counts the unknown items.
      const liveAggs = lives.map((l, k) => `MAX(CASE WHEN x.lc${k} AND ${isOpen('x.io')}${l.quiet ? ` AND x.unk - (CASE WHEN x.io = ${UNKNOWN} THEN 1 ELSE 0 END) = 0` : ''} THEN 1 ELSE 0 END) AS lv${k}`);
      const parted = `SELECT ${i}.${q(ROW)}, ${i}.${q('idx')} AS ix${partCols}${lives.map((l, k) => `, (${l.cond}) AS lc${k}`).join('')} FROM ${fromClause(patientJoin(ictx, c.records, i), ictx)}`;
      const inner = `SELECT z.*, ${item} AS io, ${itemMissing} AS im FROM (${parted}) AS z`;
      return `SELECT x.${q(ROW)}, ${how.aggregate} AS o, ${ctx.dialect.joinInOrder(`(CASE WHEN x.io = ${UNKNOWN} THEN x.im END)`, ['x.ix'], MISSING_SEP)} AS m${liveAggs.map((l) => `, ${l}`).join('')} FROM (SELECT y.*, SUM(CASE WHEN y.io = ${UNKNOWN} THEN 1 ELSE 0 END) OVER (PARTITION BY y.${q(ROW)}) AS unk FROM (${inner}) AS y) AS x GROUP BY x.${q(ROW)}`;
    });
    return { alias: a, ictx, empty: how.empty, addLive: (cond: string, quiet: boolean) => lives.push({ cond, quiet }) - 1 };
  });
}

/** A definition's rule compiled here (toSql or missingSql), cycles refused. */
function expand(ctx: SqlCtx, name: string, compile: (c: Condition, ctx: SqlCtx) => string): string {
  const def = ctx.trial.definitions[name];
  if (!def || ctx.expanding.includes(name)) throw new Error(`definition ${name} is missing or cyclic`);
  return compile(def.rule, { ...ctx, expanding: [...ctx.expanding, name] });
}

/** A calculator's SQL form; one without is not expressible (its criterion stays unknown). */
function calculatorIn<T>(table: Record<string, T>, name: string): T {
  const calc = table[name];
  if (!calc) throw new NotExpressible(`calculator ${name}`);
  return calc;
}

/** The SqlContext a kind's toSql and missingSql are given at this level. */
function sqlContext(ctx: SqlCtx): SqlContext {
  return {
    dialect: ctx.dialect,
    child: (node) => toSql(node, ctx),
    col: (field, part) => col(ctx, field, part),
    refCol: (name) => refCol(ctx, name),
    field: (name) => (ctx.item && !name.includes('.') ? recordItemField(ctx.dict, ctx.item.records, name) : ctx.dict.fields.get(name)),
    medication() {
      if (!ctx.item) throw new NotExpressible('a medication rule outside a medication list');
      return { alias: ctx.item.alias, records: ctx.item.records };
    },
    notExpressible(reason) {
      throw new NotExpressible(reason);
    },
    records(node, how) {
      const qd = quantifierOf(node, ctx, how);
      return `(CASE WHEN ${col(ctx, node.records)} IS NULL THEN ${UNKNOWN} ELSE COALESCE(${qd.alias}.o, ${qd.empty}) END)`;
    },
    memo: (key, make) => memo(ctx, key, make),
    join: (prefix, perRecord, render) => addJoin(ctx, prefix, perRecord, render),
    currentDoseTable,
    review(id) {
      const column = ctx.reviewColumns.get(id);
      if (!column) throw new Error(`review ${id} is not in the decisions pivot`);
      return `rv.${q(column)}`;
    },
    definition: (name) => expand(ctx, name, toSql),
    calculator: (name, params) => calculatorIn(CALCULATOR_SQL, name)(ctx, params),
    childMissing: (node) => missingSql(node, { ...ctx, callerGates: false }),
    unknownOnly: (outcome, missing) => (ctx.callerGates ? missing : ifUnknown(outcome(), missing)),
    path: (field, part) => pathSql(ctx, field, part),
    token,
    recordsMissing(node) {
      const qd = quantifierOf(node, ctx);
      const list = col(ctx, node.records);
      return `(CASE WHEN ${list} IS NULL THEN ${token(lit(node.records))} WHEN COALESCE(${qd.alias}.o, ${qd.empty}) = ${UNKNOWN} THEN ${qd.alias}.m END)`;
    },
    definitionMissing: (name) => expand(ctx, name, missingSql),
    calculatorMissing: (name, params) => calculatorIn(CALCULATOR_MISSING_SQL, name)(ctx, params),
  };
}

/** A rule's outcome expression: its kind's toSql (src/rules/<kind>.ts). */
export function toSql(c: Condition, ctx: SqlCtx): string {
  return ruleOf(c).toSql(c, sqlContext(ctx));
}

/** A rule's missing tokens (NULL unless unknown): its kind's missingSql (src/rules/<kind>.ts). */
export function missingSql(c: Condition, ctx: SqlCtx): string {
  return ruleOf(c).missingSql(c, sqlContext(ctx));
}
