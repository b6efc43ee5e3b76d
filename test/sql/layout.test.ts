// `screen layout`: the examples (and a bad row) laid out as load files, loaded by the load.sql it
// writes into DuckDB and, with the real psql, into a new database of the run's PostgreSQL server;
// every trial's query (screen sql) then gives each row the outcomes, verdict and ids
// `screen batch --engine js` gives it. And what it refuses: a directory not empty, a file, a write
// that fails (nothing left).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresBin } from '../../scripts/pg-cluster.mjs';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { freshDatabase, type PostgresDatabase } from '../helpers/postgres.js';
import { ROOT, criteriaSet, example, trial as trialOf } from '../helpers/screening.js';
import { parseCsvOutput } from '../helpers/run-cli.js';
import { runBin, runInProcess } from '../cli/run-cli.js';

const TRIALS = ['IM101-611', 'NCT04946669', 'NCT02347891'];
const dir = mkdtempSync(join(tmpdir(), 'trial-screen-layout-'));
const names = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).sort().map((f) => f.replace(/\.json$/, ''));
const patients = names.map((n) => example(n));

/**
 * The examples as CSV, with a bad row (an impossible birth date) after the fifth: row 6. A list
 * complete only since a date is left out here: the layout holds it as known in part (FALSE),
 * deciding less than screen batch on purpose (the patient-file test below).
 */
const input = join(dir, 'in.csv');
{
  const withoutSince = patients.map((p) => ({ ...p, completeness: Object.fromEntries(Object.entries(p.completeness ?? {}).filter(([, c]) => typeof (c as { since?: unknown })?.since !== 'string')) }));
  const { header, rows } = patientsToTable(withoutSince, criteriaSet.dictionary);
  const bad = header.map((h) => (h === 'id' ? 'bad-row' : h === 'demographics.birthDate' ? 'yesterday' : ''));
  writeFileSync(input, [csvLine(header), ...rows.slice(0, 5).map((r) => csvLine(r)), csvLine(bad), ...rows.slice(5).map((r) => csvLine(r))].join(''));
}

/** What screen batch --engine js says of each row, per trial: [row, verdict, failed, unknown, review, missing, outcomes]. */
const expected = new Map<string, unknown[][]>();
beforeAll(async () => {
  const r = await runInProcess(['batch', input, '--all', '--wide', '--format', 'ndjson']);
  expect(r.code, r.stderr).toBe(4);
  for (const line of r.stdout.trim().split('\n')) {
    const o = JSON.parse(line);
    if (o.verdict === 'error') continue;
    if (!expected.has(o.trial)) expected.set(o.trial, []);
    expected.get(o.trial)?.push([o.row, o.verdict, o.failed, o.unknown, o.review, o.missing, o.outcomes]);
  }
});

/** The same from a trial's query's result rows (ids and missing entries joined by ';'). */
function fromSql(trial: string, rows: Record<string, unknown>[]): unknown[][] {
  const ids = (s: unknown) => (s ? String(s).split(';') : []);
  const criteria = trialOf(trial).criteria.map((c) => c.id);
  return rows
    .sort((a, b) => Number(a.row_no) - Number(b.row_no))
    .map((r) => [Number(r.row_no), r.verdict, ids(r.failed), ids(r.unknown), ids(r.review), ids(r.missing), Object.fromEntries(criteria.map((c) => [c, r[c] ?? 'unknown']))]);
}

function layout(out: string, extra: string[] = []) {
  return runInProcess(['layout', input, '--out-dir', out, ...extra]);
}

describe('screen layout of the examples and a bad row', () => {
  const out = join(dir, 'duckdb');
  let r: Awaited<ReturnType<typeof layout>>;
  beforeAll(async () => {
    r = await layout(out);
  });

  test('writes a file per table, load.sql and problems.csv, in a directory only its owner reads; the bad row is refused (exit 4)', () => {
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toBe('');
    expect(readdirSync(out).sort()).toEqual(['load.sql', 'malignancies.csv', 'medications.csv', 'medications_doses.csv', 'patients.csv', 'problems.csv', 'procedures.csv', 'reviews.csv']);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(r.stderr).toContain(`${input} row 6: not laid out: `);
    expect(r.stderr).toMatch(new RegExp(`laid out ${patients.length} of ${patients.length + 1} rows into ${out} \\(patients ${patients.length}, `));
    const problems = parseCsvOutput(readFileSync(join(out, 'problems.csv'), 'utf8'));
    expect(problems.filter((p) => p.severity === 'error').map((p) => [p.row, p.patient_id])).toEqual([['6', 'bad-row']]);
    expect(problems.find((p) => p.severity === 'error')?.problem).toMatch(/demographics\.birthDate/);
    // Every row is in the patients file but the refused one, in input order.
    const ids = readFileSync(join(out, 'patients.csv'), 'utf8').trim().split('\n').map((l) => Number(l.split(',')[0]));
    expect(ids).toEqual(Array.from({ length: patients.length + 1 }, (_, i) => i + 1).filter((n) => n !== 6));
  });

  test('patient files: a list complete only since a date is a warning, laid out as known in part (FALSE)', async () => {
    const files = names.map((n) => `examples/${n}.json`);
    const since = patients.flatMap((p, i) => Object.entries(p.completeness ?? {}).flatMap(([list, c]: [string, any]) => (typeof c?.since === 'string' ? [{ row: i + 1, list }] : [])));
    expect(since.length).toBeGreaterThan(0);
    const json = join(dir, 'json');
    const r = await runInProcess(['layout', ...files, '--out-dir', json]);
    expect(r.code, r.stderr).toBe(0);
    const problems = parseCsvOutput(readFileSync(join(json, 'problems.csv'), 'utf8'));
    const header = (await runInProcess(['sql', '--schema'])).stdout;
    const columns = [...(header.split('CREATE TABLE "patients" (')[1]?.split(');')[0]?.matchAll(/^\s*"([^"]+)"/gm) ?? [])].map((m) => m[1]);
    const patientRows = readFileSync(join(json, 'patients.csv'), 'utf8').trim().split('\n');
    for (const { row, list } of since) {
      expect(problems.find((p) => Number(p.row) === row && p.severity === 'warning')?.problem).toMatch(new RegExp(`${files[row - 1]}: ${list} is complete only since \\d{4}-\\d\\d-\\d\\d: laid out as known in part \\(FALSE\\)`));
      // (No cell of the examples holds a comma: split is exact.)
      expect(patientRows[row - 1]?.split(',')[columns.indexOf(list)]).toBe('false');
    }
  });

  test.each(TRIALS)('loaded by its load.sql into DuckDB, the %s query gives every row what screen batch gives it', async (trial) => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      await db.run(readFileSync(join(out, 'load.sql'), 'utf8'));
      const query = await runInProcess(['sql', '--trial', trial]);
      const rows = (await db.runAndReadAll(query.stdout)).getRowObjectsJson() as Record<string, unknown>[];
      expect(rows).toHaveLength(patients.length);
      expect(fromSql(trial, rows)).toEqual(expected.get(trial));
    } finally {
      db.closeSync();
    }
  });
});

describe('load.sql is one transaction, and loads empty tables', () => {
  test('one patient with no procedure and no malignancy: the empty files load (DuckDB); run again, it fails and changes nothing', async () => {
    const one = join(dir, 'one.csv');
    writeFileSync(one, 'id,demographics.ageYears\nsolo,54\n');
    const out = join(dir, 'one');
    expect((await runInProcess(['layout', one, '--out-dir', out])).code).toBe(0);
    expect(readFileSync(join(out, 'procedures.csv'), 'utf8')).toBe('');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      const script = readFileSync(join(out, 'load.sql'), 'utf8');
      await db.run(script);
      const count = async () => (await db.runAndReadAll('SELECT (SELECT count(*) FROM patients) AS p, (SELECT count(*) FROM procedures) AS r')).getRowObjectsJson();
      expect(await count()).toEqual([{ p: '1', r: '0' }]);
      // The same files again (a second week's load into the same database), statement by
      // statement going on after an error as the duckdb CLI does: refused whole.
      const errors: string[] = [];
      for (const statement of script.split(/;\n/).filter((x) => x.trim())) await db.run(statement).catch((e: Error) => errors.push(e.message));
      expect(errors[0]).toMatch(/tables or views with the layout's names exist in this database already: load into a new database \(nothing was loaded\)/);
      await db.run('ROLLBACK').catch(() => undefined);
      expect(await count()).toEqual([{ p: '1', r: '0' }]);
      // A view with one of the names (not a table): the same, nothing created or loaded.
      const fresh = await (await DuckDBInstance.create(':memory:')).connect();
      try {
        await fresh.run('CREATE VIEW procedures AS SELECT 1 AS x');
        for (const statement of script.split(/;\n/).filter((x) => x.trim())) await fresh.run(statement).catch(() => undefined);
        await fresh.run('ROLLBACK').catch(() => undefined);
        expect((await fresh.runAndReadAll("SELECT count(*) AS n FROM information_schema.tables WHERE table_type = 'BASE TABLE'")).getRowObjectsJson()).toEqual([{ n: '0' }]);
      } finally {
        fresh.closeSync();
      }
    } finally {
      db.closeSync();
    }
  });
});

describe('PostgreSQL: load.sql run by psql, then the queries', () => {
  const out = join(dir, 'postgres');
  const psqlLoad = (db: PostgresDatabase) => spawnSync(join(postgresBin(), 'psql'), ['-X', '-q', '-h', db.host, '-p', String(db.port), '-U', db.user, '-d', db.database, '-f', join(out, 'load.sql')], { encoding: 'utf8' });
  /** The layout loaded by psql into a new database, and a client on it; awaited by each test, so that a failure (PostgreSQL not starting) fails each, with its reason. */
  let loaded: Promise<{ db: PostgresDatabase; client: pg.Client }>;
  beforeAll(() => {
    loaded = (async () => {
      expect((await layout(out, ['--dialect', 'postgres'])).code).toBe(4);
      const db = await freshDatabase();
      const psql = psqlLoad(db);
      expect(psql.status, psql.stderr).toBe(0);
      const client = new pg.Client({ host: db.host, port: db.port, user: db.user, database: db.database });
      await client.connect();
      return { db, client };
    })();
    loaded.catch(() => {});
  });
  afterAll(async () => {
    const { db, client } = (await loaded.catch(() => undefined)) ?? {};
    await client?.end();
    await db?.drop();
  });

  test('run again as documented (psql -f, no flags), it stops at the first error and loads nothing more', async () => {
    const { db, client } = await loaded;
    const before = (await client.query('SELECT count(*)::int AS n FROM patients')).rows[0].n;
    const again = psqlLoad(db);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    expect((await client.query('SELECT count(*)::int AS n FROM patients')).rows[0].n).toBe(before);
  }, 60_000);

  test.each(TRIALS)('%s: every row as screen batch gives it', async (trial) => {
    const { client } = await loaded;
    const query = await runInProcess(['sql', '--trial', trial, '--dialect', 'postgres']);
    const { rows } = await client.query(query.stdout);
    expect(rows).toHaveLength(patients.length);
    expect(fromSql(trial, rows)).toEqual(expected.get(trial));
  }, 60_000);
});

describe('what screen layout refuses', () => {
  test('no --out-dir; a directory not empty; a file: usage errors (exit 2), nothing written', async () => {
    const none = await runInProcess(['layout', input]);
    expect([none.code, none.stderr]).toEqual([2, 'screen: missing --out-dir <dir> (the directory to write the load files into)\n']);
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine\n');
    const notEmpty = await layout(full);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toMatch(/--out-dir .*full is not empty: give a new directory \(or an empty one\); nothing in it is replaced/);
    expect(readdirSync(full)).toEqual(['keep.txt']);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const onFile = await layout(file);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/is a file: give a new directory/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  test('an empty directory is filled in place (a mount point cannot be replaced), with nothing else left in it', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const ino = statSync(empty).ino;
    expect((await layout(empty)).code).toBe(4);
    expect(statSync(empty).ino).toBe(ino);
    expect(readdirSync(empty).sort()).toEqual(['load.sql', 'malignancies.csv', 'medications.csv', 'medications_doses.csv', 'patients.csv', 'problems.csv', 'procedures.csv', 'reviews.csv']);
  });

  test.each([
    ['run[1]', 'duckdb', /DuckDB reads \* \? \[ \] \{ \} in a file name as a pattern/],
    ['a*b', 'duckdb', /DuckDB reads/],
    ['line\nbreak', 'postgres', /holds a control character/],
    ['', 'duckdb', /--out-dir is empty: give a directory/],
    ['~', 'postgres', /read a leading ~ as the home directory/],
  ])('--out-dir %j (%s) is refused: load.sql could not name its files', async (name, dialect, message) => {
    const r = await runInProcess(['layout', input, '--out-dir', name === '' || name.startsWith('~') ? name : join(dir, name), '--dialect', dialect]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    if (name) expect(existsSync(join(dir, name))).toBe(false);
    expect(existsSync(join(ROOT, name || 'x'))).toBe(false);
  });

  test('a write that fails (a file size limit): exit 74, one line, nothing left beside or in --out-dir', () => {
    const parent = mkdtempSync(join(dir, 'limit-'));
    const sh = spawnSync('bash', ['-c', `ulimit -f 4; node bin/screen.js layout ${input} --out-dir ${parent}/out; echo "exit=$?"`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(sh.stdout).toMatch(/exit=74/);
    expect(sh.stderr).toMatch(new RegExp(`^screen: cannot write --out-dir ${parent}/out: EFBIG; nothing was written there\\n$`, 'm'));
    expect(sh.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(parent)).toEqual([]);
    expect(existsSync(join(parent, 'out'))).toBe(false);
  });

  test('the bare bin: --help names the files and the exit codes', () => {
    const help = runBin(['layout', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/load\.sql +creates the tables and loads the files/);
    expect(help.stdout).toMatch(/4 +the files were written, but some rows were refused/);
  });
});
