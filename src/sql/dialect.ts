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
  /** The non-NULL texts `xs` joined by `sep`, NULL when all are NULL (missing tokens, kit.ts missingList). */
  joinTokens(xs: string[], sep: string): string;
  /** A `sep`-joined text without its repeated items, each kept where it first occurs ('' stays ''). */
  distinctItems(text: string, sep: string): string;
  /** An aggregate: the non-NULL `value`s joined by `sep` in the order of `keys` (NULL when none). */
  joinInOrder(value: string, keys: string[], sep: string): string;
  /**
   * Where the engine has lists: per patient, one aggregate gathering the records with any non-NULL
   * of `values` (`gather`, the record's `key` first), and the `i`th value's items in key order
   * joined by `sep` (`pick`, NULL when none), so the quantifiers over a list share one aggregate
   * and a quantifier's text is joined only for the patients that need it.
   */
  recordLists?: { gather(key: string, values: string[]): string; pick(list: string, i: number, sep: string): string };
};

const sigDigits = (x: string, cast: (s: string) => string) =>
  `(CASE WHEN (${x}) = 0 THEN 0 ELSE round(${cast(x)}, 11 - CAST(floor(log10(abs(${x}))) AS INTEGER)) END)`;

export const DUCKDB: Dialect = {
  name: 'duckdb',
  types: { int: 'INTEGER', double: 'DOUBLE', text: 'VARCHAR', date: 'DATE', bool: 'BOOLEAN' },
  exact: (x) => sigDigits(x, (s) => `(${s})`),
  months: (n) => `to_months(CAST(${n} AS INTEGER))`,
  fence: '',
  // Not NULLIF(concat_ws(...), ''): DuckDB's nullif is a macro that copies its argument, so the
  // nested lists of a rule tree were computed exponentially often (2^depth; measured 232 ms
  // against 6 ms for 100k rows at depth 8). array_to_string is such a macro too (its list twice):
  // here and below, list_aggr(..., 'string_agg'), which skips NULLs and is NULL when all are.
  joinTokens: (xs, sep) => `list_aggr([${xs.join(', ')}], 'string_agg', '${sep}')`,
  // The list bound once by a one-element list_transform, then filtered to first occurrences.
  // An ordered aggregate (string_agg ... ORDER BY) runs several times slower in DuckDB than
  // sorting the group's small list afterwards (measured: 8.5 s against 1.1 s for 1M groups).
  // Only the non-NULL values are listed (FILTER): most records have nothing missing, and listing
  // every record for every patient was the costliest step of the query (measured 2x at 100k).
  joinInOrder: (value, keys, sep) => `list_aggr(list_transform(list_sort(list({${keys.map((k, i) => `'k${i}': ${k}`).join(', ')}, 'v': ${value}}) FILTER (WHERE ${value} IS NOT NULL)), e -> e.v), 'string_agg', '${sep}')`,
  distinctItems: (text, sep) => `list_aggr(list_transform([string_split(${text}, '${sep}')], l -> list_filter(l, (t, i) -> list_position(l, t) = i))[1], 'string_agg', '${sep}')`,
  // A list per quantifier (struct_pack on every record, for each) cost more than the quantifiers
  // themselves.
  recordLists: {
    gather: (key, values) => `list_sort(list({'k': ${key}${values.map((v, i) => `, 'v${i}': ${v}`).join('')}}) FILTER (WHERE ${values.map((v) => `${v} IS NOT NULL`).join(' OR ')}))`,
    pick: (list, i, sep) => `list_aggr(list_transform(${list}, e -> e.v${i}), 'string_agg', '${sep}')`,
  },
};

/** PostgreSQL: round(double, int) does not exist; the value is rounded as numeric. */
export const POSTGRES: Dialect = {
  name: 'postgres',
  types: { int: 'integer', double: 'double precision', text: 'text', date: 'date', bool: 'boolean' },
  exact: (x) => sigDigits(x, (s) => `CAST(${s} AS numeric)`),
  months: (n) => `make_interval(months => CAST(${n} AS integer))`,
  fence: '\n  OFFSET 0',
  joinTokens: (xs, sep) => `NULLIF(concat_ws('${sep}', ${xs.join(', ')}), '')`,
  joinInOrder: (value, keys, sep) => `string_agg(${value}, '${sep}' ORDER BY ${keys.join(', ')})`,
  distinctItems: (text, sep) => `array_to_string(ARRAY(SELECT u.t FROM unnest(string_to_array(${text}, '${sep}')) WITH ORDINALITY AS u(t, i) GROUP BY u.t ORDER BY MIN(u.i)), '${sep}')`,
};

export function dialectNamed(name: DialectName): Dialect {
  return name === 'postgres' ? POSTGRES : DUCKDB;
}
