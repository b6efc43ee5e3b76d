// The native CSV path's ranges and the process around it (src/sql/native-batch.ts): a seeded
// generated population screened the same both ways and in small ranges, ranges of a few rows read
// out a row at a time, range sizes; a named pipe left to the JS path; and what happens on a
// signal, a closed pipe or a full output, DuckDB failing, a file rewritten mid-read, with the main
// thread yielding to DuckDB's; the progress line on a terminal. What SQL accepts, the range file's
// cell types and the crafted files: native-csv.test.ts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { collectFieldRefs } from '../../src/criteria/field-refs.js';
import { resolveHeader } from '../../src/batch/read-rows.js';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { MAIN_THREAD_NICENESS, openNativeCsv, rangeSize, type NativeRow } from '../../src/sql/native-batch.js';
import { fullPatient, removablePaths, withoutAll } from '../helpers/arbitrary-patient.js';
import { ROOT, trial } from '../helpers/screening.js';
import { runInProcess } from '../cli/run-cli.js';
import { runCli } from '../helpers/run-cli.js';
import { NASTY, TRIALS, base, dict, header, line, lines, native, nativeFiles, nativeRows, plain, trials } from './native-fixtures.js';

const { dir, write, sameBothWays } = nativeFiles();
const reviewIds = Object.fromEntries(TRIALS.map((id) => [id, collectFieldRefs(trial(id).criteria.map((c) => c.rule), trial(id).definitions).reviews.map((r) => r.id)]));

/**
 * A seeded generated population of 2,000 rows as a CSV file, and its rows as the native path yields
 * them in one range for every trial: made once, for the population test and the 12-row ranges
 * test (which reads some of its first 40 rows again, in ranges of a few rows).
 */
let population: Promise<{ file: string; names: string[]; rows: string[][]; whole: NativeRow[] }> | undefined;
const generated = () =>
  (population ??= (async () => {
    const bases = fc.sample(fullPatient(dict, reviewIds), { seed: 1616, numRuns: 150 });
    const random = fc.sample(fc.nat(1 << 30), { seed: 7, numRuns: 2000 * 8 });
    let k = 0;
    const next = () => random[k++ % random.length] as number;
    const patients = Array.from({ length: 2000 }, (_, i) => {
      const p = bases[i % bases.length] as Record<string, any>;
      const paths = removablePaths(p, dict);
      const removed: string[][] = [];
      for (let r = next() % 12; r > 0; r--) removed.push(paths[next() % paths.length] as string[]);
      // A stated age beside a date of birth is left to JS (which checks they agree): most rows state one of them only.
      if (next() % 5 !== 0) removed.push(['demographics', next() % 2 ? 'ageYears' : 'birthDate']);
      return { ...withoutAll(p, removed), id: `GEN-${i % 1950}` };
    });
    const t = patientsToTable(patients, dict);
    // Numbers as a spreadsheet writes them: the generator's tiny doubles (5e-324) in exponent form are
    // left to JS by design, and would send every row there.
    const lines = t.rows.map((r) => r.map((c) => (/^[0-9.]+e-\d+$/.test(c) ? '0' : plain(c))));
    // A few nasty cells, so some rows take the JS path for an error or a warning.
    for (let n = 0; n < 100; n++) (lines[next() % lines.length] as string[])[next() % t.header.length] = NASTY[next() % NASTY.length] as string;
    const file = write('generated.csv', [t.header, ...lines].map(line).join('\r\n') + '\r\n');
    // (Read natively: nativeRows throws if the file is not.)
    return { file, names: t.header, rows: lines, whole: await nativeRows(file, {}, TRIALS) };
  })());

test('a seeded generated population of 2,000 rows: the same bytes both ways', async () => {
  const { file, names, rows, whole } = await generated();
  // Most rows are SQL's (the comparisons below would otherwise hold the JS path to itself), some JS's.
  expect(whole.length).toBe(2000);
  expect(whole.filter((x) => 'results' in x).length).toBeGreaterThan(1200);
  expect(whole.filter((x) => 'cells' in x).length).toBeGreaterThan(50);
  const r = await sameBothWays(file, ['--all', '--wide', '--as-of', '2026-11-16']);
  expect(r.stdout.split('\n').length).toBeGreaterThan(6000);
  // In small ranges and slices (DuckDB screening one range while JS prepares the next and writes
  // the one before): the same rows, in the same order, as in one range. (Ranges of 250, 1,000, 501
  // and 249 rows: one in the middle with a range on either side.) For one trial, each range's fixed
  // cost (DuckDB planning its query) a third of the three trials'; the population without the other
  // trials' review columns (a decision for a trial not screened is a row for JS). Several trials'
  // results read out of each slice: the 12-row ranges test below, every trial.
  const kept = names.flatMap((h, i) => (h.startsWith('reviews.') && !h.startsWith('reviews.IM101-611.') ? [] : [i]));
  const one = write('generated-IM101-611.csv', [names, ...rows].map((cells) => line(kept.map((i) => cells[i] as string))).join('\r\n') + '\r\n');
  const single = await nativeRows(one, {}, ['IM101-611']);
  expect(single.length).toBe(2000);
  expect(single.filter((x) => 'results' in x).length).toBeGreaterThan(1200);
  expect(single.filter((x) => 'cells' in x).length).toBeGreaterThan(50);
  expect(await nativeRows(one, { rangeRows: 1000, sliceRows: 300 }, ['IM101-611'])).toEqual(single);
}, 120_000);

test('ranges of 12 rows read out a row at a time, every trial: the same rows, in the same order, as in one range', async () => {
  // Of the population's first 40 rows, those SQL screens and every fourth of those for JS (rows for
  // JS between and at the edges of slices): 28 rows, in ranges of 3, 12, 11 and 2 rows (40 rows
  // would be five ranges, each about a second of DuckDB planning the three queries). As the
  // population's one range gave them, numbered as in this file.
  const { names, rows, whole } = await generated();
  let js = 0;
  const chosen = whole.slice(0, 40).filter((x) => !('cells' in x) || js++ % 4 === 0);
  // A row for JS first in a range (row 4, the second range's first), where a range's read-out once
  // lost it: one moved there.
  const k = chosen.findIndex((x, i) => i > 3 && 'cells' in x);
  expect(k).toBeGreaterThan(3);
  chosen.splice(3, 0, ...chosen.splice(k, 1));
  const file = write('one-row-slices.csv', `${[names, ...chosen.map((x) => rows[x.row - 1] as string[])].map(line).join('\r\n')}\r\n`);
  const small = await nativeRows(file, { rangeRows: 12, sliceRows: 1 }, TRIALS);
  expect(small.map((x) => x.row)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
  expect(small.filter((x) => 'cells' in x).length).toBeGreaterThan(0);
  expect('cells' in (small[3] as object)).toBe(true);
  expect(small.filter((x) => 'results' in x && x.results.length === TRIALS.length).length).toBeGreaterThan(20);
  expect(small).toEqual(chosen.map((x, i) => ({ ...x, row: i + 1 })));
}, 120_000);

test('a progress line on a terminal: how far into the file the rows written reach', async () => {
  // (Completeness cells left empty: every row SQL's, none screened again by the JS engine, which
  // would only take time.)
  const complete = header.flatMap((h, i) => (h.startsWith('completeness.') ? [i] : []));
  const file = write('progress.csv', `${lines([header, ...Array.from({ length: 1000 }, (_, k) => base.map((r) => [`${r[0]}-${k}`, ...r.slice(1)].map((c, i) => (complete.includes(i) ? '' : c)))).flat()])}\n`);
  expect(await native(file)).toBe(true);
  const out = join(dir, 'progress-out.csv');
  const r = await runCli(['batch', file, '--engine', 'duckdb', '--trial', 'IM101-611', '--out', out], { ttyStderr: true });
  expect(r.code, r.stderr).toBe(0);
  const shares = [...r.stderr.matchAll(/\r\x1b\[Kscreening: ([\d,]+) rows, [\d,]+ rows\/s · (\d+)% of [\d.]+ MB/g)];
  expect(shares.length).toBeGreaterThan(0);
  // The share follows the rows written (12,000 lines of about the same length): rows done / 12,000,
  // ahead by at most the batch of 1,024 rows handed over with them (8.5%).
  for (const [, rows, share] of shares) {
    const written = (100 * Number(rows?.replaceAll(',', ''))) / 12_000;
    expect(Number(share)).toBeGreaterThanOrEqual(Math.floor(written) - 1);
    expect(Number(share)).toBeLessThanOrEqual(written + 10);
  }
  // The line is cleared before the summary.
  expect(r.stderr).toMatch(/\r\x1b\[K(?!screening)/);
}, 60_000);

test('how far into the file the rows handed over reach: where the last row of each batch ends (a byte order mark, empty lines first, CRLF, a run of rows for JS longer than a batch, ranges and slices of a few hundred rows)', async () => {
  // (Completeness cells left empty: a row saying one is JS's too, which would blur the count below.)
  const complete = header.flatMap((h, i) => (h.startsWith('completeness.') ? [i] : []));
  const data = Array.from({ length: 1500 }, (_, k) => [`BD-${k}`, ...(base[k % base.length] as string[]).slice(1)].map((c, i) => (complete.includes(i) ? '' : c)));
  // Rows 101-1,300 go to JS (a date not in the form SQL takes): a run longer than a batch, over
  // three ranges of 700 (ranges of 175, 700, 453 and 172 rows: 1,500 rows, not 3,000 in six, each
  // range DuckDB planning the query again).
  const at = header.indexOf('referenceDates.screening');
  for (let k = 100; k < 1300; k++) (data[k] as string[])[at] = '2026-1-05';
  const text = `\uFEFF\r\n\r\n${lines([header, ...data], '\r\n')}\r\n`;
  const file = write('bytes-done.csv', text);
  // Where each line ends (its CR), from the bytes: two empty lines, the header, then row r at 2 + r.
  const bytes = Buffer.from(text);
  const ends: number[] = [];
  for (let i = bytes.indexOf('\r\n'); i >= 0; i = bytes.indexOf('\r\n', i + 2)) ends.push(i);
  for (const options of [{}, { rangeRows: 700, sliceRows: 300 }]) {
    const n = await openNativeCsv(file, ',', dict, [trial('IM101-611')], options);
    if (!n) throw new Error('not native');
    let before = 0;
    let jsRows = 0;
    try {
      const info = resolveHeader(n.headerCells, dict, file);
      for await (const batch of n.rows(info.header, {}, ['IM101-611'])) {
        const last = batch.at(-1);
        if (!last) continue;
        expect(batch.length).toBeLessThanOrEqual(1024);
        expect(n.bytesDone(), `rows ${batch[0]?.row}-${last.row}`).toBe(ends[2 + last.row]);
        expect(n.bytesDone()).toBeGreaterThan(before);
        before = n.bytesDone();
        jsRows += batch.filter((x) => 'cells' in x).length;
      }
    } finally {
      n.close();
    }
    expect(jsRows).toBe(1200);
    expect(before).toBe(ends.at(-1));
  }
}, 60_000);

test('a named pipe is read once, by the JS path: every row, as from the file', async () => {
  const { execFileSync } = await import('node:child_process');
  const file = write('piped.csv', `${lines([header, ...base])}\n`);
  const fifo = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  // The real bin, as a shell runs it with a writer on the other end of the pipe.
  const piped = execFileSync('sh', ['-c', 'cat "$1" > "$2" & exec node "$3" batch "$2" --engine duckdb --trial IM101-611 2>/dev/null', 'sh', file, fifo, `${ROOT}bin/screen.js`], { encoding: 'utf8', timeout: 30_000 });
  const direct = await runInProcess(['batch', file, '--engine', 'js', '--trial', 'IM101-611']);
  expect(piped.split('\n').length).toBe(base.length + 2);
  expect(piped).toBe(direct.stdout);
}, 60_000);

/** The real bin screening `copies` copies of the example rows natively, its temporary directory its own. */
async function spawnNative(name: string, copies: number, args: string[], stdio: import('node:child_process').StdioOptions) {
  const { spawn } = await import('node:child_process');
  const { mkdirSync } = await import('node:fs');
  const file = write(`${name}.csv`, `${lines([header, ...Array.from({ length: copies }, () => base).flat()])}\n`);
  const temp = join(dir, `${name}-tmp`);
  mkdirSync(temp);
  const child = spawn(process.execPath, [`${ROOT}bin/screen.js`, 'batch', file, '--engine', 'duckdb', '--trial', 'IM101-611', ...args], { env: { ...process.env, TMPDIR: temp }, stdio });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return { child, ended, temp };
}

test.each([
  ['Ctrl-C', 'SIGINT'],
  ['the terminal closed', 'SIGHUP'],
] as const)('%s while DuckDB reads: the temporary copy of the input is removed, the process ends by the signal', async (_name, signal) => {
  // (4,800 rows, one range: DuckDB is still at it when the signal comes, once its directory exists.)
  const { child, ended, temp } = await spawnNative(`interrupted-${signal}`, 400, ['--out', join(dir, `interrupted-${signal}-out.csv`)], 'ignore');
  for (let i = 0; i < 300 && readdirSync(temp).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(readdirSync(temp)).toHaveLength(1);
  child.kill(signal);
  expect(await ended).toEqual({ code: null, signal });
  expect(readdirSync(temp)).toEqual([]);
}, 60_000);

/** The sizes of the ranges a file of `rows` rows is read in (its line ends counted as `total`). */
function sizes(rows: number, total: number, rangeRows: number): number[] {
  const out: number[] = [];
  for (let taken = 0; taken < rows; ) {
    const size = rangeSize(taken, total, rangeRows);
    out.push(Math.min(size, rows - taken));
    taken += size;
  }
  return out;
}

test.each([
  [100_000, 100_001, [25_000, 50_001, 24_999]],
  [400_000, 400_001, [25_000, 100_000, 100_000, 100_000, 50_001, 24_999]],
  [1_000_000, 1_000_000, [25_000, ...Array<number>(9).fill(100_000), 50_000, 25_000]],
  [130_000, 130_001, [25_000, 80_001, 24_999]],
  [10_000, 10_001, [10_000]],
  [30_000, 30_000, [25_000, 5_000]],
  // Line ends overcounted (empty lines at the end) or a file grown since: every row is still read.
  [100_000, 100_500, [25_000, 50_500, 24_500]],
  [200_000, 100_001, [25_000, 50_001, 100_000, 24_999]],
])('%i rows (%i line ends) are read in ranges of %j: a quarter first and last', (rows, total, want) => {
  expect(sizes(rows, total, 100_000)).toEqual(want);
});

test('ranges of any size cover every row once, none empty', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 1, max: 800 }), (rows, total, rangeRows) => {
      const got = sizes(rows, total, rangeRows);
      expect(got.reduce((a, b) => a + b, 0)).toBe(rows);
      expect(got.every((n) => n >= 1 && n <= rangeRows)).toBe(true);
    }),
    { seed: 16 },
  );
});

test("the CLI's main thread yields to DuckDB's while they work (10 nicer than its DuckDB threads)", async () => {
  const { readFileSync } = await import('node:fs');
  const { child, ended, temp } = await spawnNative('nice', 400, ['--out', join(dir, 'nice-out.csv')], 'ignore');
  const pid = child.pid as number;
  const nice = (tid: string) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
  // Sampled once DuckDB's temporary directory exists (its threads are working).
  let seen: { main: number; others: number[] } | undefined;
  for (let i = 0; i < 300 && !seen; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      if (readdirSync(temp).length === 0) continue;
      const others = readdirSync(`/proc/${pid}/task`).filter((t) => t !== String(pid)).map(nice);
      const main = nice(String(pid));
      if (main !== Math.min(...others)) seen = { main, others };
    } catch {
      break;
    }
  }
  // Seen (or never to be): the rest of the 4,800 rows would only take time.
  child.kill('SIGTERM');
  await ended;
  expect(seen).toBeDefined();
  const base = Math.min(...(seen as { others: number[] }).others);
  expect(seen?.main).toBe(Math.min(19, base + MAIN_THREAD_NICENESS));
}, 60_000);

test('in-process, the niceness comes back when the run closes (where allowed), and is not raised twice', async () => {
  const { getPriority } = await import('node:os');
  const file = write('nice-in.csv', `${lines([header, ...Array.from({ length: 3 }, () => base).flat()])}\n`);
  // (One trial: the niceness is the run's, whatever it screens.)
  const once = async () => {
    const n = await openNativeCsv(file, ',', dict, [trial('IM101-611')], { niceMainThread: true });
    if (!n) throw new Error('not native');
    const during: number[] = [];
    try {
      const info = resolveHeader(n.headerCells, dict, file);
      for await (const batch of n.rows(info.header, {}, ['IM101-611'], 'nice-in.csv')) if (batch.length) during.push(getPriority());
    } finally {
      n.close();
    }
    return during;
  };
  const before = getPriority();
  const during = await once();
  expect(new Set(during)).toEqual(new Set([Math.min(19, before + MAIN_THREAD_NICENESS)]));
  if (process.getuid?.() === 0) {
    expect(getPriority()).toBe(before);
  } else {
    // Raising it back needs privileges: it stays, and a second run does not raise it further.
    expect(getPriority()).toBe(Math.min(19, before + MAIN_THREAD_NICENESS));
    await once();
    expect(getPriority()).toBe(Math.min(19, before + MAIN_THREAD_NICENESS));
  }
}, 60_000);

test('DuckDB failing to start (a memory limit it refuses): the file is read by the JS path, nothing left behind', async () => {
  const file = write('bad-limit.csv', `${lines([header, ...base])}\n`);
  expect(await openNativeCsv(file, ',', dict, trials, { memoryLimit: 'nonsense', niceMainThread: true })).toBeUndefined();
});

test('DuckDB out of memory on the first range: one line naming its rows (not the ranges read ahead meanwhile), nothing written', async () => {
  const file = write('oom.csv', `${lines([header, ...Array.from({ length: 400 }, () => base).flat()])}\n`);
  // (One trial: what fails is DuckDB's memory, whatever the range is screened by.)
  const n = await openNativeCsv(file, ',', dict, [trial('IM101-611')], { rangeRows: 400, memoryLimit: '8MB' });
  if (!n) throw new Error('not native');
  let rows = 0;
  const read = async () => {
    const info = resolveHeader(n.headerCells, dict, file);
    for await (const batch of n.rows(info.header, {}, ['IM101-611'], 'oom.csv')) rows += batch.length;
  };
  try {
    await expect(read()).rejects.toThrow(/^oom\.csv rows 1–100: DuckDB could not screen these rows \(Out of Memory Error: .*\): screen the file with --engine js$/);
  } finally {
    n.close();
  }
  expect(rows).toBe(0);
}, 60_000);

test('the file rewritten while it is read (same length): one located error, not lines that were never checked', async () => {
  const { utimesSync } = await import('node:fs');
  const file = write('rewritten.csv', `${lines([header, ...Array.from({ length: 4 }, () => base).flat()])}\n`);
  // (One trial: the check is of the file, whatever the ranges are screened by.)
  const n = await openNativeCsv(file, ',', dict, [trial('IM101-611')], { rangeRows: 12 });
  if (!n) throw new Error('not native');
  const info = resolveHeader(n.headerCells, dict, file);
  const read = async () => {
    for await (const batch of n.rows(info.header, {}, ['IM101-611'], 'rewritten.csv')) {
      expect(batch.length).toBeGreaterThan(0);
      // After the first range: the file changes (its time, as an editor saving it would).
      utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    }
  };
  try {
    await expect(read()).rejects.toThrow(/rewritten\.csv: the file changed while it was read/);
  } finally {
    n.close();
  }
}, 60_000);

test('a run that fails part-way in the process (its output full) leaves the input file closed', async () => {
  const { readlinkSync } = await import('node:fs');
  const file = write('full-output.csv', `${lines([header, ...Array.from({ length: 400 }, () => base).flat()])}\n`);
  const r = await runInProcess(['batch', file, '--engine', 'duckdb', '--trial', 'IM101-611', '--out', '/dev/full']);
  expect(r.code).toBe(74);
  const open = readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
  expect(open).not.toContain(file);
}, 60_000);

test('standard output closed early (| head): exit 74, and the temporary copy of the input is removed', async () => {
  const { child, ended, temp } = await spawnNative('closed-pipe', 400, [], ['ignore', 'pipe', 'ignore']);
  child.stdout?.once('data', () => child.stdout?.destroy());
  expect(await ended).toEqual({ code: 74, signal: null });
  expect(readdirSync(temp)).toEqual([]);
}, 60_000);
