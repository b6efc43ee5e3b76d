import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const [dbFile, threads, ...files] = process.argv.slice(2);
const inst = await DuckDBInstance.create(dbFile, { threads, access_mode: 'READ_ONLY' });
const db = await inst.connect();
const sqls = files.map((f) => readFileSync(f, 'utf8').replace(/^--.*\n/gm, ''));
const best = files.map(() => 1e9);
for (let r = 0; r < 4; r++) for (const [i, q] of sqls.entries()) { const t0 = performance.now(); await db.run(`CREATE OR REPLACE TEMP TABLE o AS ${q}`); best[i] = Math.min(best[i], (performance.now() - t0) / 1000); }
files.forEach((f, i) => console.log(f, best[i].toFixed(2)));
