// The SQL kit the rule kinds' `toSql` methods build their expressions with: outcome codes,
// three-valued operators and the calendar arithmetic of src/engine/dates.ts, as pure string code.
// Rule modules import it statically, so it is part of the start-up bundle: keep it small, no
// engine, no driver (the query assembly, derived tables and calculators stay in context.ts, loaded
// only by `screen sql` and `--engine duckdb`).
//
// An expression yields an integer outcome code that is never NULL:
//   0 = not met, 12 = unknown, 21 = needs review, 33 = met.
// With this order "all" is LEAST (not met < unknown < needs review < met). "any" is GREATEST
// after swapping unknown and needs review (unknown outranks needs review in both, as openOf in
// logic.ts); the swap reverses the two digits, MOD(10x, 99), so each operand appears once in
// the SQL text (a CASE on it would copy it into every branch, and nesting grows exponentially).
// Every leaf guards its NULL inputs first, so a NULL never falls through a CASE into a decision.
import type { Duration } from '../rules/types.js';
import type { Dialect } from './dialect.js';
import { ROW, quoteIdent as q } from './layout.js';

export const NOT_MET = 0;
export const UNKNOWN = 12;
export const REVIEW = 21;
export const MET = 33;

/** Open (unknown or needs review): neither 0 nor 33. */
export const isOpen = (x: string): string => `MOD(${x}, ${MET}) <> 0`;

export const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Missing tokens (missingSql): text joined by MISSING_SEP, NULL when there are none. A list of
 * such expressions joins into one (concat_ws skips the NULL ones).
 */
export const MISSING_SEP = ';';
export const missingList = (d: Dialect, xs: string[]): string => (xs.length === 0 ? 'NULL' : xs.length === 1 ? (xs[0] as string) : d.joinTokens(xs, MISSING_SEP));
/** `x` when `cond` holds, else NULL. */
export const when = (cond: string, x: string): string => `(CASE WHEN ${cond} THEN ${x} END)`;
/** `x` when the outcome code is unknown. */
export const ifUnknown = (outcome: string, x: string): string => when(`${outcome} = ${UNKNOWN}`, x);
/** A date or number as the text the JS engine writes (ISO date; 150, not 150.0). */
export const dateText = (x: string): string => `CAST(${x} AS VARCHAR)`;
export const numText = (x: string): string => `(CASE WHEN ${x} = floor(${x}) THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END)`;

/** unknown when any input is NULL, else met/not met by `test`. */
export function tri(nullable: string[], test: string): string {
  const guard = nullable.map((x) => `${x} IS NULL`).join(' OR ');
  return `(CASE WHEN ${guard} THEN ${UNKNOWN} WHEN ${test} THEN ${MET} ELSE ${NOT_MET} END)`;
}

export const bool = (test: string): string => `(CASE WHEN ${test} THEN ${MET} ELSE ${NOT_MET} END)`;

export const swap = (x: string): string => `MOD(${x} * 10, 99)`;
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

/**
 * The latest start from which `d` is complete by `ref` (latestStartFor in dates.ts): the last day s
 * with s + d <= ref. s + d is s shifted by the months, then the days, so s + months <= ref - days;
 * the latest such s is (ref - days) - months, except that when ref - days is a month's last day
 * every day of the month `months` before fits (2026-02-28 - 3 months is 2025-11-28, but 3 months
 * from 2025-11-30 end on 2026-02-28 too). The second term is that month's last day then (the first
 * of the next month, shifted, less a day), and never later than the first term otherwise.
 */
export function latestStartSql(ref: string, d: Duration): string {
  const months = (d.years ?? 0) * 12 + (d.months ?? 0);
  const days = (d.weeks ?? 0) * 7 + (d.days ?? 0);
  const end = days ? `(${ref} - ${days})` : ref;
  if (!months) return end;
  return `GREATEST(${shiftSql(end, { months }, -1)}, (${shiftSql(`(${end} + 1)`, { months }, -1)} - 1))`;
}

/**
 * Aged at least `years` whole years on `on` (ageInYears(birth, on) >= years): the birthday that
 * many years on is not after `on`, a 29 February birthday falling on 28 February in a common year
 * as the month shift clamps it. No date parts: DuckDB's EXTRACT fills a cache of dates for every
 * place it occurs, each time a query runs (milliseconds each, the most of a small range's time).
 */
export const agedSql = (birth: string, on: string, years: number): string => `(${shiftSql(birth, { years }, 1)} <= ${on})`;

/** Taken on `date` (medication.ts takenOn): met / not met / unknown. */
export function takenOnSql(med: string, date: string): string {
  return `(CASE WHEN ${med}.${q('start')} IS NULL THEN ${UNKNOWN} WHEN ${med}.${q('start')} > ${date} THEN ${NOT_MET} WHEN ${med}.${q('stop')} IS NOT NULL THEN (CASE WHEN ${med}.${q('stop')} >= ${date} THEN ${MET} ELSE ${NOT_MET} END) WHEN ${med}.${q('ongoing')} IS TRUE THEN ${MET} ELSE ${UNKNOWN} END)`;
}

/** [every count in low..high passes, none does] for `count OP n` (countCompare in logic.ts). */
export function countRange(op: string, n: number, low: string, high: string): [string, string] {
  switch (op) {
    case '>=': return [`${low} >= ${n}`, `${high} < ${n}`];
    case '>': return [`${low} > ${n}`, `${high} <= ${n}`];
    case '<=': return [`${high} <= ${n}`, `${low} > ${n}`];
    case '<': return [`${high} < ${n}`, `${low} >= ${n}`];
    case '==': return [`(${low} = ${n} AND ${high} = ${n})`, `(${n} < ${low} OR ${n} > ${high})`];
    default: return [`(${n} < ${low} OR ${n} > ${high})`, `(${low} = ${n} AND ${high} = ${n})`];
  }
}

export { DOSES_SUFFIX, ROW, quoteIdent as q } from './layout.js';

/** The record a dose row belongs to, joined under the alias (a date the dose is read on may be the record's). */
export function recordJoin(records: string, alias: string): string {
  return ` LEFT JOIN ${q(records)} AS ${alias} ON ${alias}.${q(ROW)} = d.${q(ROW)} AND ${alias}.${q('idx')} = d.${q('idx')}`;
}
