// What the one-criterion differential tests share (quantifiers.test.ts, course-pairs.test.ts,
// stable-dose.test.ts): a trial of a single rule, and patients laid out and loaded into an embedded
// DuckDB or a new database of the run's PostgreSQL server (as differential.test.ts loads its population).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { screenedRow } from '../../src/batch/batch-row.js';
import { parseTrial, type Trial } from '../../src/criteria/load-trial.js';
import { compileTrial as compileRules, screenOutcomes } from '../../src/engine/evaluate.js';
import type { PatientRecord } from '../../src/engine/patient-record.js';
import { DUCKDB, POSTGRES, type Dialect } from '../../src/sql/dialect.js';
import { compileTrial } from '../../src/sql/query.js';
import { openDuckDb } from '../../src/sql/duckdb.js';
import { createTablesSql, layoutTables, quoteIdent, recordRows, rowsToCsv, type TableRows } from '../../src/sql/layout.js';
import { freshDatabase } from '../helpers/postgres.js';
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

/** The tables in a new database of the run's PostgreSQL server (test/helpers/postgres.ts), loaded as a site would: COPY from CSV files. */
export async function loadedPostgres(tables: TableRows) {
  const db = await freshDatabase();
  const client = new pg.Client({ host: db.host, port: db.port, user: db.user, database: db.database });
  const close = async () => {
    try {
      await client.end();
    } finally {
      await db.drop();
    }
  };
  try {
    await client.connect();
    await client.query(createTablesSql(dict, POSTGRES));
    for (const t of layoutTables(dict)) {
      const data = tables.get(t.name);
      if (!data?.length) continue;
      // In the server's directory, which it reads (its own user's); named by the database, as
      // another test file may load its tables at the same time.
      const file = join(db.dir, `${db.database}-${t.name}.csv`);
      writeFileSync(file, rowsToCsv(data), { mode: 0o644 });
      try {
        await client.query(`COPY ${quoteIdent(t.name)} FROM '${file}' WITH (FORMAT csv)`);
      } finally {
        rmSync(file);
      }
    }
    await client.query('ANALYZE');
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
  return {
    all: async (sql: string): Promise<Record<string, unknown>[]> => (await client.query(sql)).rows,
    close,
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

/**
 * `rows` loaded once into an embedded DuckDB and a new PostgreSQL database: in each, `check` finds
 * no disagreement. Loaded in the test itself: a database that cannot be had (PostgreSQL not
 * starting) fails the test, with the reason, rather than leaving it unrun.
 */
export function inEachEngine(rows: PatientRecord[], title: string, check: (dialect: Dialect, all: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<string[]>): void {
  describe.each([
    ['DuckDB', DUCKDB, () => loadedDuckDb(rows)],
    ['PostgreSQL', POSTGRES, () => loadedPostgres(laidOut(rows))],
  ] as const)('%s', (_name, dialect, load) => {
    test(title, async () => {
      const db = await load();
      try {
        expect(await check(dialect, (sql) => db.all(sql))).toEqual([]);
      } finally {
        await db.close();
      }
    }, 120_000);
  });
}
