// One SQL query per trial over the normalised layout (layout.ts): per patient, each criterion's
// outcome, the verdict, and the failed / unknown / open-review ids of the JS batch output.
import type { Dictionary } from '../criteria/dictionary-model.js';
import type { Trial } from '../criteria/load-trial.js';
import type { Condition } from '../criteria/rule-schema.js';
import { childrenOf } from '../rules/registry.js';
import type { Dialect } from './dialect.js';
import { LAYER, NotExpressible, fromClause, itemCode, layerColumn, layerSelect, missingSql, newLayers, quantifierOf, rowKey, toSql, type SqlCtx } from './context.js';
import { MET, MISSING_SEP, NOT_MET, REVIEW, UNKNOWN, isOpen, lit } from './kit.js';
import { REVIEWS, ROW, quoteIdent as q } from './layout.js';
import { sharedTable, withSharedTables } from './shared-tables.js';
import { OUTCOMES, type Outcome } from '../engine/logic.js';
import type { Verdict } from '../engine/result.js';

const ROW_ALIAS = 'row_no';
const OUTCOME_NAMES: [number, Outcome][] = [[NOT_MET, 'not_met'], [UNKNOWN, 'unknown'], [REVIEW, 'needs_review'], [MET, 'met']];

/** The verdicts in the order `Pack` numbers them. */
export const PACKED_VERDICTS: readonly Verdict[] = ['eligible', 'ineligible', 'undetermined'];

/**
 * A compact form of the results for a program reading them back (native-results.ts): given the
 * verdict's place in PACKED_VERDICTS and each criterion's place in OUTCOMES (engine/logic.ts), as
 * SQL, the columns that carry them (named packed0, packed1, …).
 */
export type Pack = (verdict: string, outcomes: string[]) => string[];

export type CompiledTrial = {
  sql: string;
  /** Criteria the SQL cannot decide (always unknown there), with the reason. */
  notExpressible: { criterion: string; reason: string }[];
};

/** The outcome code of a criterion; an inexpressible one is unknown, never a decision. */
function criterionSql(rule: Condition, ctx: SqlCtx, id: string, out: CompiledTrial['notExpressible']): string {
  try {
    return toSql(rule, ctx);
  } catch (e) {
    if (!(e instanceof NotExpressible)) throw e;
    out.push({ criterion: id, reason: e.message });
    return String(UNKNOWN);
  }
}

/**
 * When is an undecided review item worth asking (liveReviewIds in evaluate.ts)? Every node on
 * its path is open, and no sibling along the path is unknown. Returns, per review id, the SQL
 * conditions (one per place it occurs) in the order the JS engine meets them. The conditions
 * read each node's outcome by name (`code`: a column computed once), never a copy of its SQL:
 * a node deep in a criterion is on the path of, or beside, every review item under it.
 */
function liveReviews(rule: Condition, ctx: SqlCtx, code: (sql: string) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // `open`: every node on the path is open. `quiet`: no sibling along the path is unknown, which
  // a question marked listWhileOpen does not need (it assumes nothing the missing data would show).
  type Wrap = (open: string, quiet: string, listWhileOpen: boolean) => string;
  const all = (xs: string[]) => (xs.length ? xs.join(' AND ') : 'TRUE');
  const codeOf = (c: Condition, ctx: SqlCtx) => (ctx.item ? itemCode(c, ctx) : code(toSql(c, ctx)));
  const walk = (c: Condition, ctx: SqlCtx, open: string[], quiet: string[], wrap: Wrap): void => {
    const here = [...open, isOpen(codeOf(c, ctx))];
    const kids = (children: Condition[], kctx: SqlCtx, w: Wrap, base: string[], baseQuiet: string[]) => {
      const sql = children.map((k) => codeOf(k, kctx));
      children.forEach((k, i) => walk(k, kctx, base, [...baseQuiet, ...sql.filter((_, j) => j !== i).map((x) => `${x} <> ${UNKNOWN}`)], w));
    };
    switch (c.kind) {
      case 'review': {
        const list = out.get(c.id) ?? [];
        list.push(wrap(all(here), all(quiet), c.listWhileOpen === true));
        out.set(c.id, list);
        return;
      }
      case 'all':
      case 'any':
      case 'atLeast':
        return kids(c.of, ctx, wrap, here, quiet);
      case 'not':
        return kids([c.of], ctx, wrap, here, quiet);
      case 'ref': {
        const def = ctx.trial.definitions[c.definition];
        if (def) kids([def.rule], { ...ctx, expanding: [...ctx.expanding, c.definition] }, wrap, here, quiet);
        return;
      }
      case 'exists':
      case 'forAll':
      case 'count': {
        // Items are the children: one is live while it is open (and, unless listWhileOpen, no other
        // item is unknown: checked in the list's table); below it, where and check are siblings.
        const quant = quantifierOf(c, ctx);
        const iwrap: Wrap = (iopen, iquiet, listWhileOpen) => {
          const live = quant.addLive(listWhileOpen ? iopen : `${iopen} AND ${iquiet}`, !listWhileOpen);
          return wrap(`${all(here)} AND ${code(`COALESCE(${live}, 0)`)} = 1`, all(quiet), listWhileOpen);
        };
        const parts = [c.where, c.kind === 'forAll' ? c.check : undefined].filter((x): x is Condition => x !== undefined);
        kids(parts, quant.ictx, iwrap, [], []);
        return;
      }
      default:
        return;
    }
  };
  walk(rule, ctx, [], [], (open, quiet, listWhileOpen) => (listWhileOpen ? open : `${open} AND ${quiet}`));
  return out;
}

/** The conditions directly inside a condition (a definition's rule for a ref). */
function children(c: Condition, trial: Trial): Condition[] {
  if (c.kind !== 'ref') return childrenOf(c).map((k) => k.node);
  const def = trial.definitions[c.definition];
  return def ? [def.rule] : [];
}

/**
 * With `pack`, the query gives row_no, patient_id, review, missing and the packed columns instead
 * of the batch output's columns, in no particular order: nothing but its reader sees it.
 */
export function compileTrial(trial: Trial, dict: Dictionary, dialect: Dialect, options: { pack?: Pack } = {}): CompiledTrial {
  const notExpressible: CompiledTrial['notExpressible'] = [];
  const reviewColumns = new Map<string, string>();
  const collect = (c: Condition): void => {
    if (c.kind === 'review' && !reviewColumns.has(c.id)) reviewColumns.set(c.id, `d${reviewColumns.size}`);
    for (const k of children(c, trial)) collect(k);
  };
  for (const c of trial.criteria) collect(c.rule);
  // Recorded review decisions, one column per review item of this trial (NULL: not decided).
  const reviewPivot = `SELECT ${q(ROW)}${[...reviewColumns].map(([id, column]) => `, MAX(CASE WHEN ${q('trial')} = ${lit(trial.meta.id)} AND ${q('review_id')} = ${lit(id)} THEN ${q('decision')} END) AS ${q(column)}`).join('')} FROM ${q(REVIEWS)} GROUP BY ${q(ROW)}`;
  const ctx: SqlCtx = { dict, trial, dialect, p: 'p', expanding: [], aliases: { n: 0 }, joins: [], memo: new WeakMap(), reviewColumns, reviewPivot, tables: new Map(), groups: new Map(), layers: newLayers() };
  const code = (sql: string): string => layerColumn(ctx.layers, sql);
  const outcomes: string[] = [];
  const reviewCols: { criterion: string; id: string; live: string }[] = [];
  const missingCols: { i: number; column: string }[] = [];
  trial.criteria.forEach((c, i) => {
    outcomes.push(code(criterionSql(c.rule, ctx, c.id, notExpressible)));
    if (notExpressible.some((n) => n.criterion === c.id)) return;
    // What it lacks, kept in the outer select only while it is unknown (so not re-tested here).
    missingCols.push({ i, column: missingSql(c.rule, { ...ctx, callerGates: true }) });
    for (const [id, conds] of liveReviews(c.rule, ctx, code)) reviewCols.push({ criterion: c.id, id, live: conds.map((x) => `(${x})`).join(' OR ') });
  });
  const outcome = (i: number) => outcomes[i] as string;
  // Effect: inclusion passes on met, exclusion on not met; open stays open.
  const fails = trial.criteria.map((c, i) => `${outcome(i)} = ${c.type === 'inclusion' ? NOT_MET : MET}`);
  const open = trial.criteria.map((_, i) => isOpen(outcome(i)));
  const idList = (parts: string[]) => (parts.length ? `concat_ws(';', ${parts.join(', ')})` : `''`);
  const verdictCase = (ineligible: string, undetermined: string, eligible: string) => `(CASE WHEN ${fails.join(' OR ')} THEN ${ineligible} WHEN ${open.join(' OR ')} THEN ${undetermined} ELSE ${eligible} END)`;
  // (Each outcome's place in OUTCOMES, and the verdict's in PACKED_VERDICTS.)
  const place = (i: number) => `(CASE ${outcome(i)} ${OUTCOME_NAMES.map(([k, n]) => `WHEN ${k} THEN ${OUTCOMES.indexOf(n)}`).join(' ')} END)`;
  const verdictPlace = (v: Verdict) => String(PACKED_VERDICTS.indexOf(v));
  const select = [
    `${LAYER}.${ROW_ALIAS}`,
    `${LAYER}.patient_id`,
    ...(options.pack ? [] : [`${lit(trial.meta.id)} AS trial`]),
    ...(options.pack
      ? []
      : [
          `${verdictCase(`'ineligible'`, `'undetermined'`, `'eligible'`)} AS verdict`,
          `${idList(trial.criteria.map((c, i) => `(CASE WHEN ${fails[i]} THEN ${lit(c.id)} END)`))} AS failed`,
          `${idList(trial.criteria.map((c, i) => `(CASE WHEN ${outcome(i)} = ${UNKNOWN} THEN ${lit(c.id)} END)`))} AS unknown`,
        ]),
    // Open review items that can still change the result, criterion by criterion, each once: a
    // question of a definition several criteria use is listed under the first where it is live.
    `${idList(reviewCols.map((r, k) => `(CASE WHEN ${[`(${r.live})`, ...reviewCols.slice(0, k).filter((x) => x.id === r.id).map((x) => `NOT COALESCE(${x.live}, FALSE)`)].join(' AND ')} THEN ${lit(r.id)} END)`))} AS review`,
    // What to collect (batch's `missing` cell): the unknown criteria's tokens in order, each once.
    // Made only where a criterion is unknown: a third of the rows or more have none, and removing
    // repeats is quadratic in the tokens (40 a row on average in NCT04946669).
    `${missingCols.length ? `(CASE WHEN ${missingCols.map(({ i }) => `${outcome(i)} = ${UNKNOWN}`).join(' OR ')} THEN ${dialect.distinctItems(`concat_ws('${MISSING_SEP}', ${missingCols.map(({ i, column }) => `(CASE WHEN ${outcome(i)} = ${UNKNOWN} THEN ${column} END)`).join(', ')})`, MISSING_SEP)} ELSE '' END)` : `''`} AS missing`,
    ...(options.pack
      ? options.pack(verdictCase(verdictPlace('ineligible'), verdictPlace('undetermined'), verdictPlace('eligible')), trial.criteria.map((_, i) => place(i))).map((x, j) => `${x} AS packed${j}`)
      : trial.criteria.map((c, i) => `(CASE ${outcome(i)} ${OUTCOME_NAMES.map(([k, n]) => `WHEN ${k} THEN '${n}'`).join(' ')} END) AS ${q(c.id)}`)),
  ];
  const header = [
    `-- trial-screen: ${trial.meta.id} ${trial.meta.criteriaVersion} (${dialect.name}); criteria sha256 ${trial.sha256} (the trial file, fields.yaml, definitions.yaml)`,
    '-- Reads the normalised layout of docs/sql.md: "patients" plus one table per record list, its doses and "reviews".',
    ...notExpressible.map((n) => `-- ${n.criterion} cannot be expressed in SQL (${n.reason}): it is always unknown here.`),
  ];
  const from = fromClause(`${q('patients')} AS p LEFT JOIN (${sharedTable(ctx.tables, reviewPivot)}) AS rv ON rv.${q(ROW)} = p.${q(ROW)}`, ctx);
  let body = layerSelect(ctx.layers, `${rowKey(ctx)} AS ${ROW_ALIAS}, p.${q('patient_id')} AS patient_id`, from, dialect.fence, '\n  ');
  body = `SELECT\n  ${select.join(',\n  ')}\nFROM (\n  ${body}${dialect.fence}\n) AS ${LAYER}${options.pack ? '' : `\nORDER BY ${LAYER}.${ROW_ALIAS}`}`;
  const sql = `${header.join('\n')}\n${withSharedTables(body, ctx.tables)}`;
  return { sql, notExpressible };
}

