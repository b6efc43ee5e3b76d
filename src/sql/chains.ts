// Per medication record, the chain of records of its drug taken without a break through it
// (courseChain in src/engine/medication.ts), as a gaps-and-islands query per patient and drug:
// `least_start`/`least_end` over the records whose dates are all recorded (NULL when the record is
// not one of them; least_end 9999-12-31 while still taken), `most_start` with every unrecorded
// start read as the earliest and every unrecorded stop as the latest (NULL: it may start any
// time), `most_end` likewise (NULL: it may last any time, or is still taken), and `others_missing`, the unrecorded start/stop of the other records of that longest
// chain, as missing tokens in record order.
import type { Dialect } from './dialect.js';
import { MISSING_SEP, lit, q, ROW, when } from './kit.js';
import { missingTokenSql } from './missing.js';

const EARLIEST = "DATE '0001-01-01'";
const LATEST = "DATE '9999-12-31'";

/**
 * drugIdentity (src/engine/medication.ts) of the medication row `d`: the drug, or "other" by its
 * name (case and outer spaces aside); a record whose drug is not recorded is a drug of its own
 * ('#' and its index).
 */
export function drugKeySql(d: string): string {
  const col = (c: string) => `${d}.${q(c)}`;
  const identity = `(CASE WHEN ${col('drug')} IS NULL THEN NULL WHEN ${col('drug')} <> 'other' THEN ${col('drug')} WHEN ${col('otherName')} IS NULL OR ${col('otherName')} = '' THEN NULL ELSE 'other:' || lower(trim(${col('otherName')})) END)`;
  return `COALESCE(${identity}, '#' || CAST(${col('idx')} AS VARCHAR))`;
}

export function chainsTableSql(dialect: Dialect, records: string): string {
  const col = (x: string, c: string) => `${x}.${q(c)}`;
  const d = 'd';
  // A record whose drug is not recorded is a chain of its own.
  const key = drugKeySql(d);
  const path = (field: string) => missingTokenSql(`(${lit(`${records}[`)} || CAST(${col(d, 'idx')} AS VARCHAR) || ${lit(`].${field}`)})`);
  const own = dialect.joinTokens([when(`${col(d, 'start')} IS NULL`, path('start')), when(`${col(d, 'stop')} IS NULL AND ${col(d, 'ongoing')} IS NOT TRUE`, path('stop'))], MISSING_SEP);
  const base = `SELECT ${col(d, ROW)} AS r, ${col(d, 'idx')} AS i, ${key} AS k, ${col(d, 'start')} AS ls, COALESCE(${col(d, 'stop')}, ${LATEST}) AS le, (${col(d, 'start')} IS NOT NULL AND (${col(d, 'stop')} IS NOT NULL OR ${col(d, 'ongoing')} IS TRUE)) AS known, COALESCE(${col(d, 'start')}, ${EARLIEST}) AS ms, COALESCE(${col(d, 'stop')}, ${LATEST}) AS me, ${own} AS own FROM ${q(records)} AS ${d} JOIN ${q('patients')} AS p ON p.${q(ROW)} = ${col(d, ROW)}`;
  // Islands: a new one where a start is after the day after every earlier end (the first row's reach is NULL: a new one).
  const islands = (s: string, e: string, from: string) => {
    const w = `PARTITION BY x.r, x.k ORDER BY x.${s}, x.i`;
    const reached = `SELECT x.*, MAX(x.${e}) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM ${from} AS x`;
    const numbered = `SELECT x.*, SUM(CASE WHEN x.reach IS NOT NULL AND x.${s} <= x.reach + 1 THEN 0 ELSE 1 END) OVER (${w} ROWS UNBOUNDED PRECEDING) AS isl FROM (${reached}) AS x`;
    return `SELECT x.*, MIN(x.${s}) OVER (PARTITION BY x.r, x.k, x.isl) AS cs, MAX(x.${e}) OVER (PARTITION BY x.r, x.k, x.isl) AS ce FROM (${numbered}) AS x`;
  };
  return `WITH b AS (${base}), m AS (${islands('ms', 'me', 'b')}), l AS (${islands('ls', 'le', '(SELECT * FROM b WHERE b.known)')}) SELECT m.r AS ${q(ROW)}, m.i AS ${q('idx')}, MIN(l.cs) AS ${q('least_start')}, MIN(l.ce) AS ${q('least_end')}, MIN(CASE WHEN m.cs > ${EARLIEST} THEN m.cs END) AS ${q('most_start')}, MIN(CASE WHEN m.ce < ${LATEST} THEN m.ce END) AS ${q('most_end')}, ${dialect.joinInOrder('o.own', ['o.i'], MISSING_SEP)} AS ${q('others_missing')} FROM m LEFT JOIN l ON l.r = m.r AND l.i = m.i LEFT JOIN m AS o ON o.r = m.r AND o.k = m.k AND o.isl = m.isl AND o.i <> m.i GROUP BY m.r, m.i`;
}
