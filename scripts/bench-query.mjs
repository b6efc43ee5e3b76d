#!/usr/bin/env node
// Times each trial's screening query (`screen sql`) on the benchmark's seeded population in the
// normalised layout, in DuckDB, and optionally on a throwaway PostgreSQL server: the queries of
// this build side by side with a baseline build's (--baseline DIR, a built checkout), with the
// answers of both compared row by row. Not a test: `npm run build && node scripts/bench-query.mjs`.
//   --rows 100000  --seed 611  --threads 2  --trials IM101-611,NCT04946669,NCT02347891
//   --baseline DIR[,DIR]  built checkouts to compare with (their dist/sql/query.js)
//   --profile DIR         write DuckDB's EXPLAIN ANALYZE of each query there
//   --postgres N          also time PostgreSQL on the first N rows (COPY + ANALYZE first)
//   --pg-timeout S        give up on a PostgreSQL query after S seconds (default 300)
//   --settings            also try DuckDB settings (threads, preserve_insertion_order, memory_limit)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, layoutFiles, postgresWithLayout } from './bench-batch.mjs';

const dist = (root, p) => new URL(`dist/${p}`, root).href;
const here = new URL('..', import.meta.url);

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}

const rows = Number(arg('--rows', '100000'));
const seed = Number(arg('--seed', '611'));
const threads = Number(arg('--threads', '2'));
const trials = String(arg('--trials', 'IM101-611,NCT04946669,NCT02347891')).split(',');
const baseline = arg('--baseline', undefined);
const profile = arg('--profile', undefined);
const pgRows = Number(arg('--postgres', '0'));

const dir = join(tmpdir(), 'trial-screen-bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `im101-611-${rows}-seed${seed}.csv`);
if (!existsSync(file)) await generate(file, rows, seed);
const { dir: layoutDir, set, tables } = await layoutFiles(file);

const { loadTrial } = await import(dist(here, 'criteria/criteria-dir.js'));
const { createTablesSql, quoteIdent } = await import(dist(here, 'sql/layout.js'));
const builds = [['this build', here]];
if (baseline) builds.unshift(...String(baseline).split(',').map((d) => [d.replace(/\/$/, '').split('/').pop(), new URL(`file://${d.replace(/\/?$/, '/')}`)]));
const compilers = await Promise.all(builds.map(async ([name, root]) => ({ name, ...(await import(dist(root, 'sql/query.js'))), ...(await import(dist(root, 'sql/dialect.js'))) })));
const strip = (sql) => sql.replace(/^--.*\n/gm, '');

const seconds = async (f) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

// --- DuckDB: the layout loaded once into a database file, reused by later runs ---------------
const { DuckDBInstance } = await import('@duckdb/node-api');
const dbFile = `${layoutDir}.duckdb`;
const fresh = !existsSync(dbFile);
const instance = await DuckDBInstance.create(dbFile, { threads: String(threads) });
const db = await instance.connect();
if (fresh) {
  await db.run(createTablesSql(set.dictionary, compilers[0].DUCKDB));
  for (const t of tables) await db.run(`COPY ${quoteIdent(t.name)} FROM '${join(layoutDir, `${t.name}.csv`)}' (FORMAT csv, HEADER false, NULL '', ALLOW_QUOTED_NULLS false)`);
  await db.run('CHECKPOINT');
}
const n = Number((await db.runAndReadAll('SELECT count(*) AS n FROM patients')).getRowObjectsJS()[0].n);
console.log(`DuckDB, ${threads} threads, ${n} patients in the layout (${dbFile})`);

/**
 * Every column of the queries' rows materialised, as the batch reads them; the runs interleaved
 * (ABAB...) so a busy moment of a shared machine hits both sides, and the best run of each kept.
 */
async function timeDuck(sqls, runs = 3) {
  const best = sqls.map(() => Infinity);
  for (let r = 0; r < runs; r++) {
    for (const [k, sql] of sqls.entries()) best[k] = Math.min(best[k], await seconds(() => db.run(`CREATE OR REPLACE TEMP TABLE out${k} AS ${strip(sql)}`)));
  }
  return best;
}

/** Rows of two results that differ in the columns both have (a baseline may lack newer ones). */
async function differs(a, b) {
  const names = async (t) => (await db.runAndReadAll(`SELECT * FROM ${t} LIMIT 0`)).columnNames();
  const other = new Set(await names(b));
  const cols = (await names(a)).filter((c) => other.has(c)).map(quoteIdent).join(', ');
  const except = (x, y) => `SELECT count(*) AS n FROM (SELECT ${cols} FROM ${x} EXCEPT SELECT ${cols} FROM ${y}) AS d`;
  return Number((await db.runAndReadAll(except(a, b))).getRowObjectsJS()[0].n) + Number((await db.runAndReadAll(except(b, a))).getRowObjectsJS()[0].n);
}

for (const id of trials) {
  const trial = loadTrial(set, id);
  const sqls = compilers.map((c) => c.compileTrial(trial, set.dictionary, c.DUCKDB).sql);
  const times = await timeDuck(sqls);
  const results = compilers.map((c, k) => ({ name: c.name, s: times[k], length: sqls[k].length, pgLength: c.compileTrial(trial, set.dictionary, c.POSTGRES).sql.length }));
  if (profile) {
    mkdirSync(profile, { recursive: true });
    for (const [k, c] of compilers.entries()) {
      const plan = (await db.runAndReadAll(`EXPLAIN ANALYZE ${strip(sqls[k])}`)).getRowObjectsJS();
      writeFileSync(join(profile, `${id}-${c.name.replace(/\W/g, '')}.txt`), plan.map((r) => r.explain_value).join('\n'));
    }
  }
  const last = results.length - 1;
  for (const r of results) console.log(`  ${id.padEnd(12)} ${r.name.padEnd(14)} ${r.s.toFixed(2)} s (${(n / r.s).toFixed(0)} patients/s), query ${r.length} chars (PostgreSQL ${r.pgLength})`);
  for (let k = 0; k < last; k++) {
    const d = await differs(`out${k}`, `out${last}`);
    console.log(`    this build / ${results[k].name}: ${(results[k].s / results[last].s).toFixed(2)}x as fast; rows that differ in their common columns: ${d}`);
    if (d) process.exitCode = 1;
  }
}

if (arg('--settings', false)) {
  const c = compilers[compilers.length - 1];
  const sql = c.compileTrial(loadTrial(set, trials[0]), set.dictionary, c.DUCKDB).sql;
  const memory = (await db.runAndReadAll(`SELECT current_setting('memory_limit') AS m`)).getRowObjectsJS()[0].m;
  const config = (t, order, mem) => [`SET threads = ${t}`, `SET preserve_insertion_order = ${order}`, `SET memory_limit = '${mem}'`];
  const tries = [
    [`defaults (threads=${threads}, memory_limit=${memory})`, config(threads, true, memory)],
    ['threads=1', config(1, true, memory)],
    ['preserve_insertion_order=false', config(threads, false, memory)],
    ['memory_limit=1GB', config(threads, true, '1GB')],
    ['memory_limit=256MB', config(threads, true, '256MB')],
  ];
  // Interleaved as above: each round runs every setting once.
  const best = tries.map(() => Infinity);
  for (let r = 0; r < 3; r++) {
    for (const [k, [, sets]] of tries.entries()) {
      for (const x of sets) await db.run(x);
      best[k] = Math.min(best[k], await seconds(() => db.run(`CREATE OR REPLACE TEMP TABLE outs AS ${strip(sql)}`)));
    }
  }
  tries.forEach(([name], k) => console.log(`  ${trials[0]} with ${name}: ${best[k].toFixed(2)} s`));
  for (const x of config(threads, true, memory)) await db.run(x);
}
db.closeSync();
instance.closeSync();

// --- PostgreSQL: the first pgRows patients by COPY, each build's query side by side ---------
if (pgRows > 0) {
  const { server, client } = await postgresWithLayout(layoutDir, set, tables);
  try {
    for (const t of tables) await client.query(`DELETE FROM ${quoteIdent(t.name)} WHERE ${quoteIdent('row_no')} > ${pgRows}`);
    await client.query('VACUUM ANALYZE');
    const timeout = Number(arg('--pg-timeout', '300'));
    await client.query(`SET statement_timeout = ${timeout * 1000}`);
    console.log(`PostgreSQL, first ${pgRows} rows`);
    for (const id of trials) {
      const trial = loadTrial(set, id);
      const line = [];
      for (const [k, c] of compilers.entries()) {
        const sql = strip(c.compileTrial(trial, set.dictionary, c.POSTGRES).sql);
        const plan = await seconds(() => client.query(`EXPLAIN ${sql}`));
        let stopped = false;
        const s = await seconds(() =>
          client.query(`CREATE TEMP TABLE pout${k} AS ${sql}`).catch((e) => {
            if (!/canceling statement/.test(e.message)) throw e;
            stopped = true;
          }),
        );
        line.push({ name: c.name, s: stopped ? Infinity : s, plan });
      }
      const time = (r) => (r.s < Infinity ? `${r.s.toFixed(2)} s (${(pgRows / r.s).toFixed(0)} patients/s)` : `over ${timeout} s (stopped)`);
      for (const r of line) console.log(`  ${id.padEnd(12)} ${r.name.padEnd(14)} ${time(r)}, planning ~${r.plan.toFixed(2)} s`);
      const last = line.length - 1;
      for (let k = 0; k < last; k++) {
        const cols = async (t) => (await client.query(`SELECT * FROM ${t} LIMIT 0`)).fields.map((f) => f.name);
        const both = line[k].s < Infinity && line[last].s < Infinity;
        const other = new Set(both ? await cols(`pout${last}`) : []);
        const common = both ? (await cols(`pout${k}`)).filter((c) => other.has(c)).map(quoteIdent).join(', ') : '';
        const differ = common ? Number((await client.query(`SELECT count(*) AS n FROM ((SELECT ${common} FROM pout${k} EXCEPT SELECT ${common} FROM pout${last}) UNION ALL (SELECT ${common} FROM pout${last} EXCEPT SELECT ${common} FROM pout${k})) AS d`)).rows[0].n) : 0;
        const ratio = both ? `${(line[k].s / line[last].s).toFixed(2)}x as fast` : line[last].s < Infinity ? `over ${(timeout / line[last].s).toFixed(0)}x as fast` : 'both stopped';
        console.log(`    this build / ${line[k].name}: ${ratio}; rows that differ in their common columns: ${common ? differ : 'n/a'}`);
        if (differ) process.exitCode = 1;
      }
      for (const k of line.keys()) await client.query(`DROP TABLE IF EXISTS pout${k}`);
    }
    await client.end();
  } finally {
    server.stop();
  }
}
