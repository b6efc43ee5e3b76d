// What the one-criterion differential tests share (quantifiers.test.ts, course-pairs.test.ts,
// stable-dose.test.ts): a trial of a single rule, and patients laid out and loaded into an embedded
// DuckDB or a throwaway PostgreSQL server (as differential.test.ts loads its population).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenedRow } from '../../src/batch/batch-row.js';
import { parseTrial, type Trial } from '../../src/criteria/load-trial.js';
import { compileTrial as compileRules, screenOutcomes } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { DUCKDB, POSTGRES, type Dialect } from '../../src/sql/dialect.js';
import { compileTrial } from '../../src/sql/query.js';
import { openDuckDb } from '../../src/sql/duckdb.js';
import { createTablesSql, layoutTables, quoteIdent, recordRows, rowsToCsv, type TableRows } from '../../src/sql/layout.js';
import { startPostgres } from '../../scripts/pg-cluster.mjs';
import { criteriaSet } from '../helpers/screening.js';

const dict = criteriaSet.dictionary;

/** A trial whose one criterion, X1, is `rule` (YAML flow text). */
export function oneCriterionTrial(id: string, title: string, rule: string, type: 'inclusion' | 'exclusion' = 'inclusion'): Trial {
  return parseTrial(
    `trial:\n  id: ${id}\n  nct: NCT00000000\n  title: ${title}\n  phase: x\n  sponsor: x\n  source: x\n  criteriaVersion: 2026-12-02.1\n  completeness: complete\ncriteria:\n  - id: X1\n    type: ${type}\n    title: ${title}\n    source: s\n    rule: ${rule}\n`,
    `${title}.yaml`,
    dict,
  );
}

/** The patients in the layout (row numbers from 1), `adjust`ed. */
export function laidOut(rows: PatientRecord[], adjust?: (tables: TableRows) => void): TableRows {
  const tables: TableRows = new Map();
  const layout = layoutTables(dict);
  rows.forEach((r, i) => recordRows(dict, layout, r, i + 1, r.referenceDates ?? {}, tables));
  adjust?.(tables);
  return tables;
}

/** The patients in the layout (row numbers from 1), `adjust`ed before loading, in a new embedded DuckDB. */
export async function loadedDuckDb(rows: PatientRecord[], adjust?: (tables: TableRows) => void) {
  const db = await openDuckDb(dict);
  await db.load(laidOut(rows, adjust));
  return db;
}

/** The tables in a new throwaway PostgreSQL server (scripts/pg-cluster.mjs), loaded as a site would: COPY from CSV files. */
export async function loadedPostgres(tables: TableRows) {
  const server = startPostgres();
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
  try {
    await client.connect();
    await client.query(createTablesSql(dict, POSTGRES));
    for (const t of layoutTables(dict)) {
      const data = tables.get(t.name);
      if (!data?.length) continue;
      const file = join(server.dir, `${t.name}.csv`);
      writeFileSync(file, rowsToCsv(data), { mode: 0o644 });
      await client.query(`COPY ${quoteIdent(t.name)} FROM '${file}' WITH (FORMAT csv)`);
    }
    await client.query('ANALYZE');
  } catch (e) {
    await client.end().catch(() => {});
    server.stop();
    throw e;
  }
  return {
    all: async (sql: string): Promise<Record<string, unknown>[]> => (await client.query(sql)).rows,
    async close() {
      try {
        await client.end();
      } finally {
        server.stop();
      }
    },
  };
}

/**
 * Where the SQL of a one-criterion `trial` (run by `all` in `dialect`) disagrees with the JS engine
 * on `rows`, one line each, worded by `where`: the criterion's outcome (X1) and the `columns` of
 * the batch output (as `screen batch` writes them); and SQL rows missing or in excess.
 */
export async function disagreements(
  trial: Trial,
  rows: PatientRecord[],
  dialect: Dialect,
  all: (sql: string) => Promise<Record<string, unknown>[]>,
  where: (r: PatientRecord, i: number) => string,
  columns: ('verdict' | 'review' | 'missing')[] = ['missing'],
): Promise<string[]> {
  const compiled = compileRules(trial, dict);
  const got = await all(compileTrial(trial, dict, dialect).sql);
  const problems = got.length === rows.length ? [] : [`${trial.meta.title}: SQL returned ${got.length} rows for ${rows.length} patients`];
  rows.forEach((r, i) => {
    const want = screenedRow(i + 1, trial.meta, null, screenOutcomes(compiled, r, r.referenceDates ?? {}), [], true);
    const g = got[i] ?? {};
    const text = (v: string | string[]) => (Array.isArray(v) ? v.join(';') : v);
    const pairs: [string, unknown, unknown][] = [['X1', (want.outcomes as Record<string, string>).X1, g.X1], ...columns.map((c): [string, unknown, unknown] => [c, text(want[c]), g[c]])];
    for (const [what, js, sql] of pairs) if (js !== sql) problems.push(`${trial.meta.title}, ${where(r, i)} ${what}: JS "${String(js)}", SQL "${String(sql)}"`);
  });
  return problems;
}

/** `rows` loaded once into an embedded DuckDB and a throwaway PostgreSQL server: in each, `check` finds no disagreement. */
export function inEachEngine(rows: PatientRecord[], title: string, check: (dialect: Dialect, all: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<string[]>): void {
  describe.each([
    ['DuckDB', DUCKDB, () => loadedDuckDb(rows)],
    ['PostgreSQL', POSTGRES, () => loadedPostgres(laidOut(rows))],
  ] as const)('%s', (_name, dialect, load) => {
    let db: { all(sql: string): Promise<Record<string, unknown>[]>; close(): unknown } | undefined;
    beforeAll(async () => {
      db = await load();
    }, 60_000);
    afterAll(async () => {
      await db?.close();
    });

    test(title, async () => {
      expect(await check(dialect, (sql) => (db as NonNullable<typeof db>).all(sql))).toEqual([]);
    }, 60_000);
  });
}
