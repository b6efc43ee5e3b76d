// `npm run bench`: batch throughput and memory on a synthetic, seeded IM101-611 population,
// against a bare parse of the same file and against json-rules-engine. Not part of the test suite.
// Usage: node scripts/bench-batch.mjs [--rows 100000,1000000] [--seed 611] [--jre-rows 20000] [--pg-rows 100000] [--baseline DIR] [--smoke]
// --smoke: a check that every part runs (test/cli/bench-scripts.test.ts), not a measurement: every
// measurement but the first runs in this process instead of a child of its own (so peak RSS and
// CPU are not each one's), which spares a node start and the modules' loading for each.
// --baseline DIR: a built checkout of an earlier commit; its batch and engine are measured in the
// same run (through its own copy of this script), so speed-ups are ratios measured side by side.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const TRIAL = 'IM101-611';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

// --- seeded population -------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function population(seed) {
  const r = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const weighted = (pairs) => {
    let x = r() * pairs.reduce((n, [, w]) => n + w, 0);
    for (const [v, w] of pairs) if ((x -= w) < 0) return v;
    return pairs[0][0];
  };
  const maybe = (p, v) => (r() < p ? undefined : v);
  const bool = (pTrue, pMissing = 0.08) => (r() < pMissing ? undefined : r() < pTrue);
  const date = (y0, y1) => `${y0 + Math.floor(r() * (y1 - y0 + 1))}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const lab = (lo, hi, uln) => maybe(0.1, { value: Math.round(lo + r() * (hi - lo)), unit: 'U/L', uln, date: '2026-11-10' });
  return (i) => {
    const subtype = maybe(0.04, weighted([['dm', 35], ['pm', 14], ['imnm', 10], ['overlap', 8], ['antisynthetase', 10], ['cadm', 4], ['ibm', 8], ['juvenile', 2], ['drugInduced', 3], ['otherNonIim', 6]]));
    const meds = [];
    if (r() < 0.85) meds.push({ drug: 'prednisone', start: date(2022, 2025), ongoing: true, doses: [{ date: '2022-01-10', dose: 40, unit: 'mg/day' }, ...(r() < 0.5 ? [{ date: date(2026, 2026), dose: 10, unit: 'mg/day' }] : [])] });
    if (r() < 0.6) meds.push({ drug: weighted([['methotrexate', 5], ['azathioprine', 2], ['mycophenolateMofetil', 2], ['tacrolimus', 1], ['leflunomide', 1]]), start: date(2020, 2026), ongoing: true, doses: [{ date: '2026-01-01', dose: 15, unit: 'mg/week' }] });
    if (r() < 0.08) meds.push({ drug: 'rituximab', start: '2025-06-01', stop: date(2025, 2026), doses: [{ date: '2025-06-01', dose: 1000, unit: 'mg' }] });
    if (r() < 0.04) meds.push({ drug: 'ivig', start: '2026-01-01', stop: date(2026, 2026) });
    for (const m of meds) if (m.doses && m.doses[0]) m.doses[0].date = m.start;
    const malignancies = r() < 0.05 ? undefined : r() < 0.9 ? [] : [{ type: pick(['basalCellSkin', 'other', 'cervicalInSitu']), diagnosisDate: date(2012, 2026), active: r() < 0.3, cured: r() < 0.5, metastatic: false }];
    const reviewed = r() < 0.5;
    return {
      id: `SYN-${i + 1}`,
      referenceDates: { screening: '2026-11-16', consent: '2026-11-16', ...(r() < 0.95 ? { randomization: '2026-12-01' } : {}) },
      demographics: { birthDate: maybe(0.03, date(1940, 2010)), sex: pick(['female', 'male']) },
      diagnosis: { subtype, date: maybe(0.05, date(2015, 2026)), rashConfirmed: bool(0.7), priorBiopsyDiagnostic: bool(0.5), overlapMyositisPrincipal: bool(0.7), documentationOnFile: bool(0.9) },
      bohanPeter: { weakness: bool(0.8), enzymes: bool(0.7), emg: bool(0.4), biopsy: bool(0.5) },
      antibodies: { positive: maybe(0.1, r() < 0.4 ? [] : [pick(['jo1', 'mi2', 'tif1g', 'srp', 'hmgcr', 'mda5'])]) },
      assessments: {
        mmt8: maybe(0.06, r() < 0.05 ? { score: Math.round(30 + r() * 50), max: 80 } : { score: Math.round(80 + r() * 70), max: 150 }),
        pga: maybe(0.07, Math.round(r() * 100) / 10),
        sga: maybe(0.07, Math.round(r() * 100) / 10),
        haqDi: maybe(0.07, Math.round(r() * 300) / 100),
        extramuscularGlobal: maybe(0.1, Math.round(r() * 100) / 10),
        mdi: maybe(0.1, Math.round(r() * 100) / 10),
        activeRash: bool(0.5),
      },
      labs: { ck: lab(50, 5000, 200), aldolase: lab(2, 30, 8), ast: lab(10, 120, 40), alt: lab(10, 120, 45), bCellsPresent: bool(0.5) },
      procedures: r() < 0.3 ? [{ type: pick(['mri', 'emg', 'muscleBiopsy']), date: date(2026, 2026), showsActiveDisease: r() < 0.7 }] : undefined,
      medications: meds,
      history: { ildUncontrolledOrRapid: bool(0.04), permanentWeaknessNonIim: bool(0.03), cardiacInvolvement: bool(0.03) },
      infection: { tbRisk: bool(0.04), recentAcuteRequiringAntibiotics: bool(0.05), chronicOrRecurrent: bool(0.03) },
      malignancies,
      ...(reviewed ? { reviews: { [TRIAL]: { 'I5-investigator': { decision: 'yes', by: 'PI', date: '2026-11-16' }, 'P1-protocol': { decision: 'yes', by: 'PI', date: '2026-11-16' } } } } : {}),
    };
  };
}

function prune(v) {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, prune(x)]));
  return v;
}

async function generate(file, rows, seed) {
  const { openCriteriaDir, loadTrial } = await import(dist('criteria/criteria-dir.js'));
  const { trialFields } = await import(dist('criteria/trial-fields.js'));
  const { csvTemplate } = await import(dist('cli/template-run.js'));
  const { patientToCells } = await import(dist('patient/csv-flatten.js'));
  const { csvLine } = await import(dist('report/csv-cell.js'));
  const set = openCriteriaDir();
  const trial = loadTrial(set, TRIAL);
  const header = csvTemplate(trialFields(trial, set.dictionary), set.dictionary, { slots: 4, doseSlots: 2 }).map((c) => c.name);
  const make = population(seed);
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((ok) => out.once('drain', ok)));
  await write(csvLine(header));
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const cells = patientToCells(prune(make(i)), set.dictionary);
    chunk += csvLine(header.map((h) => cells.get(h) ?? ''));
    if (chunk.length > 1 << 20) (await write(chunk), (chunk = ''));
  }
  await write(chunk);
  await new Promise((ok) => out.end(ok));
}

// --- child processes: one measurement each, so peak RSS belongs to that measurement -----------
// (--smoke runs all but the first in the parent: see measure.)
/** One measurement: { seconds, count, maxRssMb } (and `load` for the SQL modes). */
async function child(mode, file, n) {
  const started = performance.now();
  let count = 0;
  if (mode === 'parse') {
    const { parse } = await import('csv-parse');
    const { CSV_PARSE_OPTIONS } = await import(dist('batch/read-rows.js'));
    const parser = createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(parse({ ...CSV_PARSE_OPTIONS }));
    for await (const _ of parser) count++;
    count -= 1;
  } else if (mode === 'papaparse') {
    const Papa = (await import('papaparse')).default;
    await new Promise((done, fail) => {
      Papa.parse(createReadStream(file, { highWaterMark: 256 * 1024 }), { step: () => void count++, complete: done, error: fail });
    });
    count -= 1;
  } else if (mode === 'batch') {
    // The bundled CLI, loaded the way bin/screen.js loads it: what users run.
    const { loadBundle } = await import(dist('cli/load-bundle.js'));
    const { run } = loadBundle(fileURLToPath(new URL('../dist/bundle/screen.cjs', import.meta.url))).exports;
    const sink = { write: () => true };
    const code = await run(['batch', file, '--trial', TRIAL, '--out', '/dev/null', '--no-progress'], { stdout: sink, stderr: sink, stdin: process.stdin, env: {}, cwd: process.cwd() });
    // 4: some rows are data errors (the generator makes a few, as real exports have).
    if (code !== 0 && code !== 4) throw new Error(`batch exit ${code}`);
    count = Number(n);
  } else if (mode === 'duckdb-batch' || mode === 'duckdb-batch-parquet') {
    const { loadBundle } = await import(dist('cli/load-bundle.js'));
    const { run } = loadBundle(fileURLToPath(new URL('../dist/bundle/screen.cjs', import.meta.url))).exports;
    const sink = { write: () => true };
    // The same rows as a Parquet file (text columns), written once beside the CSV, not timed.
    const input = mode === 'duckdb-batch' ? file : `${file}.parquet`;
    const code = await run(['batch', input, '--trial', TRIAL, '--engine', 'duckdb', '--out', '/dev/null', '--no-progress'], { stdout: sink, stderr: sink, stdin: process.stdin, env: {}, cwd: process.cwd() });
    if (code !== 0 && code !== 4) throw new Error(`batch exit ${code}`);
    count = Number(n);
  } else if (mode === 'duckdb-scan') {
    // DuckDB merely reading the wide CSV: every column, as text, nothing computed.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const r = await db.runAndReadAll(`SELECT count(*) AS n, max(COLUMNS(*)) FROM read_csv('${file}', all_varchar = true, header = true)`);
    count = Number(r.getRowObjectsJS()[0].n);
  } else if (mode === 'duckdb-query' || mode === 'postgres') {
    return sqlOverLayout(mode, file, Number(n));
  }
  let seconds = (performance.now() - started) / 1000;
  if (mode === 'jre' || mode === 'ours' || mode === 'evaluate') ({ count, seconds } = await compareEngines(mode, file, Number(n)));
  return { seconds, count, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** The normalised layout of the file's rows as CSV files (one per table), written once and cached. */
async function layoutFiles(file) {
  const { openCriteriaDir } = await import(dist('criteria/criteria-dir.js'));
  const { layoutTables } = await import(dist('sql/layout.js'));
  const set = openCriteriaDir();
  const tables = layoutTables(set.dictionary);
  // Cached per layout: a dictionary change (a new column) gives new files. Written by screen layout.
  const dir = `${file}.layout-${createHash('sha256').update(JSON.stringify(tables)).digest('hex').slice(0, 12)}`;
  if (!existsSync(join(dir, 'done'))) {
    rmSync(dir, { recursive: true, force: true }); // an earlier run stopped half-way
    const r = spawnSync(process.execPath, [join(root, 'bin/screen.js'), 'layout', file, '--out-dir', dir], { encoding: 'utf8' });
    // Exit 4: some rows refused (the seeded population has bad rows on purpose; problems.csv lists them).
    if (r.status !== 0 && r.status !== 4) throw new Error(`screen layout ${file} exited ${r.status}: ${r.stderr}`);
    writeFileSync(join(dir, 'done'), '');
  }
  return { dir, set, tables };
}

/**
 * A throwaway PostgreSQL server (pg-cluster.mjs) with the layout's tables created and loaded by
 * COPY from the files in `dir` (copySeconds: the COPYs' time); the caller ends the client and
 * stops the server.
 */
async function postgresWithLayout(dir, set, tables) {
  const { startPostgres } = await import('./pg-cluster.mjs');
  const { createTablesSql, quoteIdent } = await import(dist('sql/layout.js'));
  const { POSTGRES } = await import(dist('sql/dialect.js'));
  const pg = (await import('pg')).default;
  const server = startPostgres();
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
  try {
    await client.connect();
    await client.query(createTablesSql(set.dictionary, POSTGRES));
    const t0 = performance.now();
    for (const t of tables) {
      const copy = join(server.dir, `${t.name}.csv`);
      copyFileSync(join(dir, `${t.name}.csv`), copy);
      chmodSync(copy, 0o644);
      await client.query(`COPY ${quoteIdent(t.name)} FROM '${copy}' WITH (FORMAT csv)`);
    }
    return { server, client, copySeconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    server.stop();
    throw e;
  }
}

/**
 * The warehouse case: the patients already in the normalised layout. Loads it by COPY (timed
 * apart) and runs `screen sql`'s query, on DuckDB or on a throwaway PostgreSQL server.
 */
async function sqlOverLayout(mode, file, n) {
  const { dir, set, tables } = await layoutFiles(file);
  const { loadTrial } = await import(dist('criteria/criteria-dir.js'));
  const { compileTrial } = await import(dist('sql/query.js'));
  const { createTablesSql, quoteIdent } = await import(dist('sql/layout.js'));
  const { DUCKDB, POSTGRES } = await import(dist('sql/dialect.js'));
  const trial = loadTrial(set, TRIAL);
  let load;
  let query;
  let count;
  if (mode === 'duckdb-query') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(createTablesSql(set.dictionary, DUCKDB));
    let t0 = performance.now();
    for (const t of tables) await db.run(`COPY ${quoteIdent(t.name)} FROM '${join(dir, `${t.name}.csv`)}' (FORMAT csv, HEADER false, NULL '', ALLOW_QUOTED_NULLS false)`);
    load = (performance.now() - t0) / 1000;
    t0 = performance.now();
    // Every column materialised, as --engine duckdb reads them (a count of one column would let
    // the engine leave most of the query out).
    await db.run(`CREATE TEMP TABLE res AS ${compileTrial(trial, set.dictionary, DUCKDB).sql}`);
    query = (performance.now() - t0) / 1000;
    count = Number((await db.runAndReadAll('SELECT count(*) AS n FROM res')).getRowObjectsJS()[0].n);
  } else {
    const { server, client, copySeconds } = await postgresWithLayout(dir, set, tables);
    try {
      let t0 = performance.now();
      await client.query('ANALYZE');
      load = copySeconds + (performance.now() - t0) / 1000;
      t0 = performance.now();
      // JIT off, as docs/sql.md advises (it spends tens of seconds compiling these expressions).
      await client.query('SET jit = off');
      await client.query(`CREATE TEMP TABLE res AS ${compileTrial(trial, set.dictionary, POSTGRES).sql}`);
      query = (performance.now() - t0) / 1000;
      count = Number((await client.query('SELECT count(*) AS n FROM res')).rows[0].n);
      await client.end();
    } finally {
      server.stop();
    }
  }
  if (count < n * 0.95) throw new Error(`${mode}: ${count} rows screened of ${n}`);
  return { seconds: query, load, count, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * json-rules-engine on the same patients (the first n rows, parsed by our CSV layer so both sides
 * get identical objects). Its rule set covers the criteria it can express directly on facts:
 * I1 (age as a computed fact), I2, I3, E1, E5, E6, E9, E10, E11. Medication, malignancy, date-window
 * and review criteria are left out, so it does less work than our engine does.
 */
async function compareEngines(mode, file, n) {
  const { openCriteriaDir, loadTrial } = await import(dist('criteria/criteria-dir.js'));
  const { screenPatient } = await import(dist('engine/evaluate.js'));
  const { readCsvRows } = await import(dist('batch/read-rows.js'));
  const { resolveReferenceDates } = await import(dist('engine/reference-dates.js'));
  const set = openCriteriaDir();
  const trial = loadTrial(set, TRIAL);
  const records = [];
  for await (const item of readCsvRows(createReadStream(file), set.dictionary, file, () => {})) {
    if (item.ok) records.push(item.parsed.record);
    if (records.length >= n) break;
  }
  const started = performance.now();
  if (mode === 'evaluate') {
    // Verdicts, outcomes, missing fields and open reviews, without explanations (what batch uses).
    const { compileTrial, screenOutcomes } = await import(dist('engine/evaluate.js'));
    const compiled = compileTrial(trial, set.dictionary);
    let decided = 0;
    for (const rec of records) decided += screenOutcomes(compiled, rec, resolveReferenceDates(rec.referenceDates, {}).dates).criteria.length;
    if (decided !== records.length * trial.criteria.length) throw new Error('missing outcomes');
  } else if (mode === 'ours') {
    let explained = 0;
    for (const rec of records) {
      const res = screenPatient(trial, set.dictionary, rec, { referenceDates: resolveReferenceDates(rec.referenceDates, {}).dates });
      explained += res.criteria.length;
    }
    if (explained !== records.length * trial.criteria.length) throw new Error('missing explanations');
  } else {
    const { Engine } = await import('json-rules-engine');
    const engine = new Engine(jreRules(), { allowUndefinedFacts: true });
    engine.addFact('age', (_p, almanac) => almanac.factValue('birthDate').then((b) => (b ? Math.floor((Date.parse('2026-11-16') - Date.parse(b)) / 31557600000) : undefined)));
    for (const rec of records) {
      await engine.run({
        birthDate: rec.demographics?.birthDate,
        subtype: rec.diagnosis?.subtype,
        rashConfirmed: rec.diagnosis?.rashConfirmed,
        bp: rec.bohanPeter ?? {},
        mmt8: rec.assessments?.mmt8?.max === 150 ? rec.assessments.mmt8.score : undefined,
        pga: rec.assessments?.pga,
        sga: rec.assessments?.sga,
        haqDi: rec.assessments?.haqDi,
        ema: rec.assessments?.extramuscularGlobal,
        mdi: rec.assessments?.mdi,
        history: rec.history ?? {},
        infection: rec.infection ?? {},
        ckUln: rec.labs?.ck?.value !== undefined ? rec.labs.ck.value / rec.labs.ck.uln : undefined,
        documentationOnFile: rec.diagnosis?.documentationOnFile,
      });
    }
  }
  return { count: records.length, seconds: (performance.now() - started) / 1000 };
}

function jreRules() {
  const f = (fact, operator, value, path) => ({ fact, operator, value, ...(path ? { path } : {}) });
  const rule = (name, conditions) => ({ name, conditions, event: { type: name } });
  return [
    rule('I1', { all: [f('age', 'greaterThanInclusive', 18)] }),
    rule('I2', {
      all: [
        { any: [{ all: [f('subtype', 'in', ['dm', 'cadm']), f('rashConfirmed', 'equal', true)] }, f('subtype', 'in', ['pm', 'imnm', 'overlap', 'antisynthetase', 'juvenile'])] },
        f('documentationOnFile', 'equal', true),
      ],
    }),
    rule('I3', {
      all: [
        f('mmt8', 'lessThanInclusive', 135),
        { any: [f('mmt8', 'lessThanInclusive', 125), f('pga', 'greaterThanInclusive', 2), f('sga', 'greaterThanInclusive', 2), f('haqDi', 'greaterThanInclusive', 0.5), f('ckUln', 'greaterThanInclusive', 1.3), f('ema', 'greaterThanInclusive', 2)] },
      ],
    }),
    rule('E1', { all: [f('subtype', 'in', ['ibm', 'drugInduced', 'hivPm', 'otherNonIim'])] }),
    rule('E5', { all: [f('history', 'equal', true, '$.ildUncontrolledOrRapid')] }),
    rule('E6', { any: [f('mdi', 'greaterThan', 7), f('history', 'equal', true, '$.permanentWeaknessNonIim'), f('history', 'equal', true, '$.cardiacInvolvement')] }),
    rule('E9', { all: [f('infection', 'equal', true, '$.tbRisk')] }),
    rule('E10', { all: [f('infection', 'equal', true, '$.recentAcuteRequiringAntibiotics')] }),
    rule('E11', { all: [f('infection', 'equal', true, '$.chronicOrRecurrent')] }),
  ];
}

/** The CSV's rows as a Parquet file beside it, every column as text (DuckDB COPY). */
async function toParquet(file) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  await db.run(`COPY (SELECT * FROM read_csv('${file}', all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')) TO '${file}.parquet' (FORMAT parquet)`);
  db.closeSync();
}

let measured = 0;

async function measure(mode, file, n = '', dir = root) {
  // --smoke: every measurement but the first in this process (one node start, each module loaded
  // once), the first in a child as in a real run (so that the child's protocol is run too).
  if (process.argv.includes('--smoke') && dir === root && measured++ > 0) {
    const before = process.cpuUsage();
    const result = await child(mode, file, n);
    const cpu = process.cpuUsage(before);
    return { ...result, cpu: (cpu.user + cpu.system) / 1e6 };
  }
  const script = join(dir, 'scripts/bench-batch.mjs');
  // CPU time (user + system) of the child, from GNU time when the machine has it: on a shared
  // machine wall time swings with the load, CPU time much less.
  const timed = existsSync('/usr/bin/time');
  const argv = [script, '--child', mode, file, String(n)];
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'CPU-SECONDS %U %S', process.execPath, ...argv], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync(process.execPath, argv, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  const cpu = /CPU-SECONDS ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  if (cpu) result.cpu = Number(cpu[1]) + Number(cpu[2]);
  return result;
}

async function main() {
  if (process.argv.includes('--help')) return void process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0].split('\n').slice(2).map((l) => l.slice(3)).join('\n')}\n`);
  if (process.argv[2] === '--child') return void process.stdout.write(JSON.stringify(await child(process.argv[3], process.argv[4], process.argv[5])));
  if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('run npm run build first');
  const sizes = String(arg('--rows', '100000')).split(',').map(Number);
  const seed = Number(arg('--seed', '611'));
  const jreRows = Number(arg('--jre-rows', '20000'));
  const dir = join(tmpdir(), 'trial-screen-bench');
  mkdirSync(dir, { recursive: true });
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}; seed ${seed}`);
  const baseline = arg('--baseline', undefined);
  if (baseline) console.log(`baseline: ${baseline} (measured in the same run)`);
  for (const rows of sizes) {
    const file = join(dir, `im101-611-${rows}-seed${seed}.csv`);
    if (!existsSync(file)) await generate(file, rows, seed);
    const mb = statSync(file).size / 1e6;
    const parse = await measure('parse', file);
    const papa = await measure('papaparse', file);
    const batch = await measure('batch', file, rows);
    const line = (name, r, unit = 'rows/s') => console.log(`  ${name.padEnd(28)} ${String((rows / r.seconds).toFixed(0)).padStart(7)} ${unit}, ${r.seconds.toFixed(1)} s${r.cpu !== undefined ? ` (CPU ${r.cpu.toFixed(1)} s)` : ''}, peak RSS ${r.maxRssMb.toFixed(0)} MB`);
    const cpuRatio = (before, after) => (before.cpu !== undefined && after.cpu !== undefined ? `, CPU time ${(before.cpu / after.cpu).toFixed(2)}x` : '');
    console.log(`\n${rows} rows (${mb.toFixed(0)} MB CSV)`);
    line('bare csv-parse:', parse);
    line('bare papaparse:', papa);
    line('screen batch:', batch, 'patients/s');
    // The baseline's JS batch, measured once and used for every ratio below.
    const before = baseline ? await measure('batch', file, rows, baseline) : undefined;
    if (before) {
      line('screen batch (baseline):', before, 'patients/s');
      console.log(`  batch speed-up over baseline: ${(before.seconds / batch.seconds).toFixed(2)}x wall${cpuRatio(before, batch)} (target >= 5x)`);
    }
    console.log(`  batch time / bare csv-parse: ${(batch.seconds / parse.seconds).toFixed(2)}x; / bare papaparse: ${(batch.seconds / papa.seconds).toFixed(2)}x`);
    // The SQL target (docs/sql.md), side by side with the JS path above.
    const duckBatch = await measure('duckdb-batch', file, rows);
    if (!existsSync(`${file}.parquet`)) await toParquet(file);
    const duckParquet = await measure('duckdb-batch-parquet', `${file}`, rows);
    const scan = await measure('duckdb-scan', file, rows);
    const duckQuery = await measure('duckdb-query', file, rows);
    line('batch --engine duckdb:', duckBatch, 'patients/s');
    line('batch --engine duckdb, Parquet:', duckParquet, 'patients/s');
    line('DuckDB bare scan of the CSV:', scan);
    line('DuckDB query on the layout:', duckQuery, 'patients/s');
    console.log(`    (loading the layout by COPY: ${duckQuery.load.toFixed(1)} s)`);
    console.log(`  --engine duckdb / js speed: ${(batch.seconds / duckBatch.seconds).toFixed(2)}x; DuckDB query on the layout / JS batch: ${(batch.seconds / duckQuery.seconds).toFixed(1)}x; query time / bare scan: ${(duckQuery.seconds / scan.seconds).toFixed(2)}x`);
    if (before) {
      console.log(`  against the baseline's JS batch (${(rows / before.seconds).toFixed(0)} patients/s): --engine duckdb ${(before.seconds / duckBatch.seconds).toFixed(2)}x, with Parquet input ${(before.seconds / duckParquet.seconds).toFixed(2)}x, DuckDB query on the layout ${(before.seconds / duckQuery.seconds).toFixed(1)}x (target >= 20x)`);
    }
    if (rows <= Number(arg('--pg-rows', '100000'))) {
      const pgr = await measure('postgres', file, rows);
      line('PostgreSQL query on the layout:', pgr, 'patients/s');
      console.log(`    (loading the layout by COPY + ANALYZE: ${pgr.load.toFixed(1)} s); PostgreSQL query / JS batch speed: ${(batch.seconds / pgr.seconds).toFixed(2)}x; PostgreSQL query time / DuckDB query time: ${(pgr.seconds / duckQuery.seconds).toFixed(2)}x`);
    }
    if (rows === sizes[0]) {
      const n = Math.min(jreRows, rows);
      const evaluate = await measure('evaluate', file, n);
      const ours = await measure('ours', file, n);
      const jre = await measure('jre', file, n);
      const rate = (r) => `${(n / r.seconds).toFixed(0)} patients/s`;
      console.log(`  engines only, same ${n} parsed patients:`);
      console.log(`    trial-screen evaluate (19 criteria, verdicts + missing + open reviews): ${rate(evaluate)}`);
      console.log(`    trial-screen explain  (19 criteria, full traces):                    ${rate(ours)}`);
      console.log(`    json-rules-engine     (9 of 19 criteria, verdict events only):       ${rate(jre)}`);
      console.log(`    evaluate / json-rules-engine speed: ${(jre.seconds / evaluate.seconds).toFixed(2)}x; explain / json-rules-engine: ${(jre.seconds / ours.seconds).toFixed(2)}x`);
      if (baseline) {
        const before = await measure('ours', file, n, baseline);
        console.log(`    baseline engine (full traces):                                        ${rate(before)}`);
        console.log(`    engine speed-up over baseline: evaluate ${(before.seconds / evaluate.seconds).toFixed(2)}x (target >= 5x), explain ${(before.seconds / ours.seconds).toFixed(2)}x`);
      }
    }
  }
}

// Run as a script; scripts/bench-query.mjs imports the population and the layout files.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

export { generate, layoutFiles, postgresWithLayout };
