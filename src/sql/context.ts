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
import { MISSING_SEP, REVIEW, UNKNOWN, ifUnknown, isOpen, lit, missingList, recordJoin } from './kit.js';
import { completenessPath } from '../engine/patient-record.js';
import { missingTokenSql } from './missing.js';
import { chainsTableSql } from './chains.js';
import { sharedTable, type SharedTables } from './shared-tables.js';

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
  /** The pivoted decisions: one row per patient, one column (reviewColumns) per review item. */
  reviewPivot: string;
  /** Record list -> the one derived table its quantifiers share. */
  groups: Map<string, RecordGroup>;
  /** Outcome codes, each a named column of the query's layers (inside a quantifier, its list's). */
  layers: Layers;
  /** The caller already keeps this node's missing tokens only while it is unknown (a criterion's root). */
  callerGates?: boolean;
  /** Every derived table of the query, each computed once however many levels read it (shared-tables.ts). */
  tables: SharedTables;
};

/**
 * Every patient-level rule node's outcome is a column, computed once and read by name: a leaf's
 * in the first layer (the select over the patients and their derived tables), an `all` of them in
 * the layer above its deepest child, and so on. Composed as SQL text, a node's code was copied
 * into its parent's, and each review item's liveness copied every node on its path and beside it
 * (50 kB for one item of IM101-611), evaluated again each time in PostgreSQL, in part in DuckDB.
 */
export type Layers = { columns: Map<string, string>; layerOf: number[]; layers: [string, string][][] };

/** The alias every layer gives the one below it. */
export const LAYER = 'l';
const LAYER_REF = /\bl\."n(\d+)"/g;

/** An expression over layer columns only (a node of rule nodes) as its column; any other as it is. */
const named = (layers: Layers, sql: string): string => (/\bl\."n\d+"/.test(sql) ? layerColumn(layers, sql) : sql);

export const newLayers = (): Layers => ({ columns: new Map(), layerOf: [], layers: [] });

/**
 * The outcome code (or missing list) `sql` as a layer column (one per distinct text), read as
 * l."nK"; a name or a constant stays as it is.
 */
export function layerColumn(layers: Layers, sql: string): string {
  if (/^(l\."n\d+"|NULL|\d+)$/.test(sql)) return sql;
  let ref = layers.columns.get(sql);
  if (ref === undefined) {
    const k = layers.layerOf.length;
    let layer = 0;
    for (const m of sql.matchAll(LAYER_REF)) layer = Math.max(layer, (layers.layerOf[Number(m[1])] as number) + 1);
    layers.layerOf.push(layer);
    (layers.layers[layer] ??= []).push([sql, `n${k}`]);
    ref = `${LAYER}.${q(`n${k}`)}`;
    layers.columns.set(sql, ref);
  }
  return ref;
}

/**
 * The layers as nested selects, innermost first: layer 0 selects `head` and its columns from
 * `from`, each layer above selects the one below (aliased l) and adds its columns. `nl` separates
 * the parts (a line break and indent in the printed query, a space inside a derived table).
 */
export function layerSelect(layers: Layers, head: string, from: string, fence: string, nl: string): string {
  const columns = (layer: [string, string][]) => layer.map(([sql, name]) => `,${nl}  ${sql} AS ${q(name)}`).join('');
  let body = `SELECT ${head}${columns(layers.layers[0] ?? [])}${nl}FROM ${from}`;
  for (const layer of layers.layers.slice(1)) body = `SELECT ${LAYER}.*${columns(layer)}${nl}FROM (${nl}${body}${fence}${nl}) AS ${LAYER}`;
  return body;
}

/** A derived table joined on the row number (and, for per-record tables, the record index). */
export type Join = { alias: string; perRecord: boolean; render: () => string };

/** FROM clause of a level: the base table and its joins. */
export function fromClause(base: string, ctx: SqlCtx): string {
  return [base, ...ctx.joins.map((j) => `LEFT JOIN (${sharedTable(ctx.tables, j.render())}) AS ${j.alias} ON ${j.alias}.${q(ROW)} = ${ctx.item ? ctx.item.alias : ctx.p}.${q(ROW)}${j.perRecord ? ` AND ${j.alias}.${q('idx')} = ${ctx.item?.alias}.${q('idx')}` : ''}`)].join('\n  ');
}

/**
 * Patients joined to a child table's rows, with the review decisions when the level reads them
 * (pivoting the decisions and joining them to every record cost a list that reads none).
 */
export function patientJoin(ctx: SqlCtx, child: string, a: string, reviews: boolean): string {
  return `${q(child)} AS ${a} JOIN ${q('patients')} AS ${ctx.p} ON ${ctx.p}.${q(ROW)} = ${a}.${q(ROW)}${reviews ? ` LEFT JOIN (${sharedTable(ctx.tables, ctx.reviewPivot)}) AS rv ON rv.${q(ROW)} = ${a}.${q(ROW)}` : ''}`;
}

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
export function recordPath(records: string, alias: string, field: string, idx = q('idx')): string {
  return `(${lit(`${records}[`)} || CAST(${alias}.${idx} AS VARCHAR) || ${lit(`].${field}`)})`;
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
export function currentDoseTable(records: string, date: string, record?: string): string {
  const d = q(`${records}${DOSES_SUFFIX}`);
  return `SELECT z.${q(ROW)}, z.${q('idx')}, z.${q('pos')}, z.${q('date')}, z.${q('dose')}, z.${q('unit')} FROM (SELECT d.${q(ROW)}, d.${q('idx')}, d.${q('pos')}, d.${q('date')}, d.${q('dose')}, d.${q('unit')}, ROW_NUMBER() OVER (PARTITION BY d.${q(ROW)}, d.${q('idx')} ORDER BY d.${q('date')} DESC, d.${q('pos')} DESC) AS rk FROM ${d} AS d JOIN ${q('patients')} AS p ON p.${q(ROW)} = d.${q(ROW)}${record ? recordJoin(records, record) : ''} WHERE d.${q('date')} <= ${date}) AS z WHERE z.rk = 1`;
}


export function addJoin(ctx: SqlCtx, prefix: string, perRecord: boolean, render: () => string): string {
  const a = alias(ctx, prefix);
  ctx.joins.push({ alias: a, perRecord, render });
  return a;
}

/**
 * A derived table given by its SQL, joined once at this level however many rules ask for it
 * (two calculator nodes with the same parameters, or parameters the table does not depend on).
 */
export function sharedJoin(ctx: SqlCtx, prefix: string, perRecord: boolean, sql: string): string {
  const byText = memo(ctx, ctx.joins, () => new Map<string, string>());
  let a = byText.get(sql);
  if (!a) byText.set(sql, (a = addJoin(ctx, prefix, perRecord, () => sql)));
  return a;
}

/**
 * Every record quantifier over one list shares one derived table: one pass over the list's rows
 * (joined once to the patient, the decisions and the per-record tables), each quantifier's item
 * outcome a column of it, aggregated per patient in one GROUP BY. A table per quantifier scanned
 * and joined the list once per quantifier (15 times in IM101-611).
 */
type RecordGroup = {
  alias: string;
  ictx: SqlCtx;
  /**
   * Per record, every item-level rule node's outcome and missing tokens, and each quantifier's
   * record outcome: columns of the list's own layers (ictx.layers, as the patient's), read by name
   * (l."nK" inside the layers, x."nK" by the aggregates). Composed as text, a node's code was
   * copied into its parent's and into its missing tokens' guard, and computed again each time:
   * DuckDB does not share subexpressions under CASE, PostgreSQL shares none. The aggregates
   * over the records' columns (x."nK"), per patient, with their names:
   */
  outputs: string[];
  /**
   * Where the dialect gathers records in one list (recordLists): each quantifier's per-record
   * missing tokens (x.eK), and the per-patient columns picked from the list only while that
   * quantifier is unknown (over the aggregates, read as y.oK and y.ml).
   */
  listed: string[];
  picked: string[];
};

/**
 * A record quantifier: its outcome column in the list's table (`out`, NULL for a patient with no
 * records: `empty` then), its outcome when records may be missing (`incomplete`, at the patient's
 * level), its items' missing tokens, and the item context.
 */
export type Quantifier = { out: string; missing: string; ictx: SqlCtx; empty: number; incomplete: string; addLive(cond: string, quiet: boolean): string };

const ITEM_ROW = 'x';
const LISTED_ROW = 'y';

/** An item layer column (l."nK") as the aggregates over the records read it (x."nK"). */
const aggregated = (sql: string): string => sql.replace(/\bl\.("n\d+")/g, `${ITEM_ROW}.$1`);

function recordGroup(ctx: SqlCtx, records: string): RecordGroup {
  let g = ctx.groups.get(records);
  if (g) return g;
  const i = alias(ctx, 'i');
  const ictx: SqlCtx = { ...ctx, item: { records, alias: i }, joins: [], layers: newLayers() };
  const group: RecordGroup = { alias: '', ictx, outputs: [], listed: [], picked: [] };
  group.alias = addJoin(ctx, 'q', false, () => {
    const gather = group.listed.length && ctx.dialect.recordLists ? [`${ctx.dialect.recordLists.gather(aggregated(itemColumn(group, `${i}.${q('idx')}`)), group.listed)} AS ml`] : [];
    const reviews = (ictx.layers.layers[0] ?? []).some(([sql]) => /\brv\./.test(sql));
    const inner = layerSelect(ictx.layers, `${i}.${q(ROW)}`, fromClause(patientJoin(ictx, records, i, reviews), ictx), ctx.dialect.fence.replaceAll('\n', ' '), ' ');
    const aggregates = `SELECT ${ITEM_ROW}.${q(ROW)}${[...group.outputs, ...gather].map((o) => `, ${o}`).join('')} FROM (${inner}) AS ${ITEM_ROW} GROUP BY ${ITEM_ROW}.${q(ROW)}`;
    return group.picked.length ? `SELECT ${LISTED_ROW}.*${group.picked.map((o) => `, ${o}`).join('')} FROM (${aggregates}) AS ${LISTED_ROW}` : aggregates;
  });
  ctx.groups.set(records, (g = group));
  return g;
}

/** An item-level expression as a column of its list's layers, computed once however often it is read (l."nK"). */
const itemColumn = (g: RecordGroup, sql: string): string => layerColumn(g.ictx.layers, sql);

/** A rule's outcome inside a record quantifier, as a column of the list's table (for the review liveness). */
export function itemCode(c: Condition, ictx: SqlCtx): string {
  if (!ictx.item) throw new Error('itemCode outside a record quantifier');
  return aggregated(toSql(c, ictx));
}

/** The quantifier node's column, made on its first compilation (`how` comes from its kind's module). */
export function quantifierOf(c: QuantifierNode, ctx: SqlCtx, how?: RecordsSql): Quantifier {
  if (ctx.item) throw new NotExpressible('a record quantifier inside another');
  return memo(ctx, c, () => {
    if (!how) throw new Error(`${c.kind} over ${c.records} was not compiled to SQL`);
    const g = recordGroup(ctx, c.records);
    const ictx = g.ictx;
    const where = c.where ? toSql(c.where, ictx) : undefined;
    const check = c.check ? toSql(c.check, ictx) : undefined;
    // Per record: where's and check's outcomes and missing tokens as columns, so the record's
    // outcome and what it still needs (each part's tokens while that part is unknown) read them
    // instead of computing them again.
    // A part's tokens are made only for the records where that part is unknown (callerGates false):
    // made for every record, the strings were most of the list's cost.
    const part = (node: Condition | undefined, sql: string | undefined) => (node === undefined || sql === undefined ? undefined : { o: sql, m: missingSql(node, { ...ictx, callerGates: false }) });
    const parts = [part(c.where, where), part(c.check, check)];
    const io = aggregated(itemColumn(g, how.item(parts[0]?.o, parts[1]?.o)));
    const im = aggregated(itemColumn(g, missingList(ctx.dialect, parts.flatMap((x) => (x ? [ifUnknown(x.o, x.m)] : [])))));
    const ix = aggregated(itemColumn(g, `${ictx.item?.alias}.${q('idx')}`));
    const out = (sql: string, prefix: string) => {
      const name = `${prefix}${g.outputs.length}`;
      g.outputs.push(`${sql} AS ${name}`);
      return `${g.alias}.${name}`;
    };
    const unknowns = `SUM(CASE WHEN ${io} = ${UNKNOWN} THEN 1 ELSE 0 END)`;
    const outcome = out(how.aggregate.replace(/\bx\.io\b/g, io), 'o');
    // Records that may be missing (the list's flag FALSE): the outcome with one unknown standing in
    // for them; a count has an aggregate of its own (no upper bound).
    const own = 'aggregate' in how.incomplete ? { column: out(how.incomplete.aggregate.replace(/\bx\.io\b/g, io), 'o'), empty: how.incomplete.empty } : undefined;
    const incomplete = 'from' in how.incomplete ? how.incomplete.from(`COALESCE(${outcome}, ${how.empty})`) : `COALESCE(${own?.column}, ${own?.empty})`;
    const lacks = `(CASE WHEN ${io} = ${UNKNOWN} THEN ${im} END)`;
    // One list of the records' tokens for all quantifiers over the list, each quantifier's picked
    // from it only while it is unknown; else one ordered aggregate per quantifier.
    const lists = ctx.dialect.recordLists;
    const missing = lists
      ? (() => {
          const name = `m${g.outputs.length + g.picked.length}`;
          // (While either reading is unknown: a count decided from all the records listed may be
          // unknown once more may be missing, and then its unknown records are what it lacks.)
          const unknown = [outcome, ...(own ? [own.column] : [])].map((o) => `${LISTED_ROW}.${o.slice(g.alias.length + 1)} = ${UNKNOWN}`).join(' OR ');
          g.picked.push(`(CASE WHEN ${unknown} THEN ${lists.pick(`${LISTED_ROW}.ml`, g.listed.length, MISSING_SEP)} END) AS ${name}`);
          g.listed.push(lacks);
          return `${g.alias}.${name}`;
        })()
      : out(ctx.dialect.joinInOrder(lacks, [ix], MISSING_SEP), 'm');
    // A review inside an item is live only while no other item is unknown (quiet): never with the
    // unknown standing in for missing records (liveReviewIds); never for a list not recorded.
    const flag = col(ctx, c.records);
    return {
      out: outcome,
      missing,
      ictx,
      empty: how.empty,
      incomplete,
      // A review inside an item can change the result only while that item is open and no other
      // item is unknown (liveReviewIds): an open item in review with no unknown item, or the one
      // unknown item.
      addLive: (cond: string, quiet: boolean) => {
        const live = out(
          quiet
            ? `(CASE WHEN ${unknowns} = 0 AND MAX(CASE WHEN ${cond} AND ${io} = ${REVIEW} THEN 1 ELSE 0 END) = 1 THEN 1 WHEN ${unknowns} = 1 AND MAX(CASE WHEN ${cond} AND ${io} = ${UNKNOWN} THEN 1 ELSE 0 END) = 1 THEN 1 ELSE 0 END)`
            : `MAX(CASE WHEN ${cond} AND ${isOpen(io)} THEN 1 ELSE 0 END)`,
          'lv',
        );
        // (Rows of a list not recorded, NULL, are never read: a hand-built layout may hold some.)
        return quiet ? `(CASE WHEN ${flag} THEN ${live} ELSE 0 END)` : `(CASE WHEN ${flag} IS NULL THEN 0 ELSE ${live} END)`;
      },
    };
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
    chains() {
      if (!ctx.item) throw new NotExpressible('a medication rule outside a medication list');
      return sharedJoin(ctx, 'ch', true, chainsTableSql(ctx.dialect, ctx.item.records));
    },
    notExpressible(reason) {
      throw new NotExpressible(reason);
    },
    records(node, how) {
      const qd = quantifierOf(node, ctx, how);
      const flag = col(ctx, node.records);
      // Not recorded (NULL), recorded and complete (TRUE), recorded but records may be missing (FALSE).
      return `(CASE WHEN ${flag} IS NULL THEN ${UNKNOWN} WHEN ${flag} THEN COALESCE(${qd.out}, ${qd.empty}) ELSE ${qd.incomplete} END)`;
    },
    memo: (key, make) => memo(ctx, key, make),
    join: (prefix, perRecord, render) => addJoin(ctx, prefix, perRecord, render),
    currentDoseTable: (records, date, record) => sharedTable(ctx.tables, currentDoseTable(records, date, record)),
    review(id) {
      const column = ctx.reviewColumns.get(id);
      if (!column) throw new Error(`review ${id} is not in the decisions pivot`);
      return `rv.${q(column)}`;
    },
    definition: (name) => expand(ctx, name, toSql),
    calculator: (name, params) => calculatorIn(CALCULATOR_SQL, name)(ctx, params),
    childMissing: (node) => missingSql(node, { ...ctx, callerGates: false }),
    // A node of rule nodes (all, any, not, ...) reads its own outcome by name; a leaf's outcome
    // reads the patient's columns, as its missing tokens do, so both stay in the first layer.
    unknownOnly: (outcome, missing) => (ctx.callerGates ? missing : ifUnknown(named(ctx.layers, outcome()), missing)),
    path: (field, part) => pathSql(ctx, field, part),
    token,
    recordsMissing(node) {
      const qd = quantifierOf(node, ctx);
      const list = col(ctx, node.records);
      // With records that may be missing (FALSE), the confirmation that the list is complete comes
      // last (quantifier.ts pushes it after the records' own). A complete list's branch reads only
      // the records' tokens, as before the FALSE state (joining in the confirmation for every
      // patient cost about 0.4% of IM101-611's query instructions).
      const confirm = token(lit(completenessPath(node.records)));
      return `(CASE WHEN ${list} IS NULL THEN ${token(lit(node.records))} WHEN ${list} THEN (CASE WHEN COALESCE(${qd.out}, ${qd.empty}) = ${UNKNOWN} THEN ${qd.missing} END) WHEN ${qd.incomplete} = ${UNKNOWN} THEN ${missingList(ctx.dialect, [qd.missing, confirm])} END)`;
    },
    definitionMissing: (name) => expand(ctx, name, missingSql),
    calculatorMissing: (name, params) => calculatorIn(CALCULATOR_MISSING_SQL, name)(ctx, params),
  };
}

/** A rule's outcome expression: its kind's toSql (src/rules/<kind>.ts). */
export function toSql(c: Condition, ctx: SqlCtx): string {
  return layerColumn(ctx.layers, ruleOf(c).toSql(c, sqlContext(ctx)));
}

/** A rule's missing tokens (NULL unless unknown): its kind's missingSql (src/rules/<kind>.ts). */
export function missingSql(c: Condition, ctx: SqlCtx): string {
  return layerColumn(ctx.layers, ruleOf(c).missingSql(c, sqlContext(ctx)));
}
