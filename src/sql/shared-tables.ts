// Derived tables the query reads in more than one place, computed once. Rules at different levels
// (the patient, each record list's quantifiers) and calculators join the same derived table
// (a drug's chains, a current dose, the review decisions), each level its own copy: NCT04946669's
// query computed the chains of its medications seven times, 42 of its 46 window operators, and
// IM101-611's query its current doses, stable doses and review decisions three times each. While
// the query is composed each such table is a placeholder (`sharedTable`); when it is assembled
// (`withSharedTables`), a table read in two places or more becomes a common table expression at the
// head of the query, read by name, and one read once is written where it is read. (DuckDB and
// PostgreSQL 12+ compute a CTE read more than once once; Spark and Trino may compute it per read.)
import { quoteIdent as q } from './layout.js';

/** The query's derived tables by their SQL: each one's placeholder. */
export type SharedTables = Map<string, string>;

const PLACEHOLDER = /\/\*table:(\d+)\*\//g;

/** The placeholder standing for the derived table `sql` (uncorrelated: it reads the layout's tables only), the same for the same SQL. */
export function sharedTable(tables: SharedTables, sql: string): string {
  let p = tables.get(sql);
  if (p === undefined) tables.set(sql, (p = `/*table:${tables.size}*/`));
  return p;
}

/** The name of the common table expression of table `k`. */
const nameOf = (k: number) => q(`shared_${k}`);

/**
 * `body` (a SELECT) with every placeholder resolved: a WITH clause before it defines each table
 * read more than once (a table before the tables that read it), every other is written in place.
 */
export function withSharedTables(body: string, tables: SharedTables): string {
  const sqlOf = [...tables.keys()];
  // Each placeholder's reads in the text as it will be: a table written once (in the WITH clause,
  // or in its one place) holds its own reads once, so the counts over the body and every table's
  // SQL are the final counts.
  const reads = new Array<number>(sqlOf.length).fill(0);
  for (const text of [body, ...sqlOf]) for (const m of text.matchAll(PLACEHOLDER)) reads[Number(m[1])]! += 1;
  const resolve = (text: string): string => text.replace(PLACEHOLDER, (_, k: string) => ((reads[Number(k)] as number) > 1 ? `SELECT * FROM ${nameOf(Number(k))}` : resolve(sqlOf[Number(k)] as string)));
  // (A table's SQL was composed before it was registered, so the tables it reads come first.)
  const ctes = sqlOf.flatMap((sql, k) => ((reads[k] as number) > 1 ? [`${nameOf(k)} AS (\n  ${resolve(sql)}\n)`] : []));
  return `${ctes.length ? `WITH ${ctes.join(',\n')}\n` : ''}${resolve(body)}`;
}
