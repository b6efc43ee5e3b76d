// A derived table the query reads in several places is computed once (src/sql/shared-tables.ts):
// NCT04946669's query computed the chains of its medications seven times (42 of its 46 window
// operators), IM101-611's its stable-dose table, current doses and review decisions three times.
import { expect, test } from 'vitest';
import { DUCKDB, POSTGRES } from '../../src/sql/dialect.js';
import { compileTrial } from '../../src/sql/query.js';
import { sharedTable, withSharedTables, type SharedTables } from '../../src/sql/shared-tables.js';
import { criteriaSet, trial } from '../helpers/screening.js';

/** Every parenthesised subquery of `sql` of 200 characters or more written more than once, with its count. */
function writtenTwice(sql: string): [string, number][] {
  const open: number[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] === '(') open.push(i);
    else if (sql[i] === ')') {
      const from = open.pop() as number;
      const text = sql.slice(from, i + 1);
      if (text.length >= 200 && /^\(\s*(SELECT|WITH)\b/.test(text)) seen.set(text, (seen.get(text) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([t, n]) => [t.slice(0, 120), n]);
}

test("no trial's query writes a derived table twice (both dialects, as printed and as the native pipeline packs it)", () => {
  const counts: Record<string, number> = {};
  for (const id of ['IM101-611', 'NCT02347891', 'NCT04946669'])
    for (const dialect of [DUCKDB, POSTGRES])
      // (Packed: the native pipeline's form, DuckDB's only.)
      for (const pack of dialect === DUCKDB ? [undefined, (v: string, o: string[]) => [v, ...o]] : [undefined]) {
        const { sql } = compileTrial(trial(id), criteriaSet.dictionary, dialect, { pack });
        expect(writtenTwice(sql), `${id} ${dialect.name}${pack ? ' packed' : ''}`).toEqual([]);
        expect(sql).not.toMatch(/\/\*table:/);
        // The chains of the medications (src/sql/chains.ts) once, however many rules read them.
        expect(sql.split('WITH b AS (').length - 1, id).toBe(1);
        counts[id] = sql.split('FROM "shared_').length - 1;
      }
  // Read by name where more than one place reads a table: NCT04946669's chains alone seven times.
  expect(counts['NCT04946669']).toBeGreaterThanOrEqual(7);
  expect(counts['IM101-611']).toBeGreaterThanOrEqual(3);
});

test('a table read once is written where it is read; one read twice is a common table expression, before the tables that read it', () => {
  const tables: SharedTables = new Map();
  const inner = sharedTable(tables, 'SELECT 1 AS row_no');
  const once = sharedTable(tables, 'SELECT 2 AS row_no');
  const outer = sharedTable(tables, `SELECT a.row_no FROM (${inner}) AS a JOIN (${inner}) AS b ON a.row_no = b.row_no`);
  expect(sharedTable(tables, 'SELECT 1 AS row_no')).toBe(inner);
  const sql = withSharedTables(`SELECT * FROM (${outer}) AS x JOIN (${outer}) AS y ON TRUE JOIN (${once}) AS z ON TRUE`, tables);
  expect(sql).toBe(
    [
      'WITH "shared_0" AS (\n  SELECT 1 AS row_no\n),',
      '"shared_2" AS (\n  SELECT a.row_no FROM (SELECT * FROM "shared_0") AS a JOIN (SELECT * FROM "shared_0") AS b ON a.row_no = b.row_no\n)',
      'SELECT * FROM (SELECT * FROM "shared_2") AS x JOIN (SELECT * FROM "shared_2") AS y ON TRUE JOIN (SELECT 2 AS row_no) AS z ON TRUE',
    ].join('\n'),
  );
  // Nothing shared: the text as it was.
  expect(withSharedTables('SELECT 1', new Map())).toBe('SELECT 1');
});
