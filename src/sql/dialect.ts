// What differs between the SQL engines the screening query targets. Everything else in the
// generated SQL is plain SQL:2003 (CASE, LEAST/GREATEST over non-NULL operands, EXISTS,
// correlated subqueries, DATE + INTEGER, DATE + INTERVAL cast back to DATE, concat_ws).
import type { ColumnType } from './layout.js';

export const DIALECTS = ['duckdb', 'postgres'] as const;
export type DialectName = (typeof DIALECTS)[number];

export type Dialect = {
  name: DialectName;
  types: Record<ColumnType, string>;
  /**
   * A number rounded to 12 significant digits, as `Number(x.toPrecision(12))` in the JS engine,
   * so a boundary survives float noise (1.3 × 72 = 93.60000000000001 counts as 93.6).
   */
  exact(x: string): string;
  /** An interval of `n` months, `n` an expression (a column): the SQL has no portable spelling. */
  months(n: string): string;
  /**
   * Ends a subquery whose columns must be computed once, not pulled up into the query above:
   * PostgreSQL flattens a plain subquery and copies each column's expression into every place
   * that reads it (OFFSET 0 prevents that); DuckDB keeps a projection's results as they are.
   */
  fence: string;
};

const sigDigits = (x: string, cast: (s: string) => string) =>
  `(CASE WHEN (${x}) = 0 THEN 0 ELSE round(${cast(x)}, 11 - CAST(floor(log10(abs(${x}))) AS INTEGER)) END)`;

export const DUCKDB: Dialect = {
  name: 'duckdb',
  types: { int: 'INTEGER', double: 'DOUBLE', text: 'VARCHAR', date: 'DATE', bool: 'BOOLEAN' },
  exact: (x) => sigDigits(x, (s) => `(${s})`),
  months: (n) => `to_months(CAST(${n} AS INTEGER))`,
  fence: '',
};

/** PostgreSQL: round(double, int) does not exist; the value is rounded as numeric. */
export const POSTGRES: Dialect = {
  name: 'postgres',
  types: { int: 'integer', double: 'double precision', text: 'text', date: 'date', bool: 'boolean' },
  exact: (x) => sigDigits(x, (s) => `CAST(${s} AS numeric)`),
  months: (n) => `make_interval(months => CAST(${n} AS integer))`,
  fence: '\n  OFFSET 0',
};

export function dialectNamed(name: DialectName): Dialect {
  return name === 'postgres' ? POSTGRES : DUCKDB;
}
