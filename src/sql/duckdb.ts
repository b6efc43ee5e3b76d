// DuckDB embedded (@duckdb/node-api): the normalised tables loaded from CSV text by COPY, and
// the screening query run over them. Loaded only by `screen batch --engine duckdb` and tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Dictionary } from '../criteria/dictionary-model.js';
import { DUCKDB } from './dialect.js';
import { createTablesSql, layoutTables, quoteIdent, rowsToCsv, type TableRows } from './layout.js';

export type DuckDbSession = {
  connection: DuckDBConnection;
  /** Replace the tables' contents with these rows. */
  load(rows: TableRows): Promise<void>;
  /** Rows of a query as plain objects (text and numbers). */
  all(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
};

export async function openDuckDb(dict: Dictionary, options: { threads?: number } = {}): Promise<DuckDbSession> {
  const instance = await DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : {});
  const connection = await instance.connect();
  await connection.run(createTablesSql(dict, DUCKDB));
  const tables = layoutTables(dict);
  const dir = mkdtempSync(join(tmpdir(), 'trial-screen-duckdb-'));
  let n = 0;
  return {
    connection,
    async load(rows) {
      for (const t of tables) {
        await connection.run(`DELETE FROM ${quoteIdent(t.name)}`);
        const data = rows.get(t.name);
        if (!data?.length) continue;
        const file = join(dir, `t${n++}.csv`);
        writeFileSync(file, rowsToCsv(data));
        // Unquoted empty cells are NULL, quoted ones empty strings (as PostgreSQL's COPY ... CSV).
        await connection.run(`COPY ${quoteIdent(t.name)} FROM '${file}' (FORMAT csv, HEADER false, NULL '', ALLOW_QUOTED_NULLS false)`);
        rmSync(file);
      }
    },
    async all(sql) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
