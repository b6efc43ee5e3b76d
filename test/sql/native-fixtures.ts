// What the native CSV path's tests share (native-csv.test.ts: what SQL accepts and the files it
// reads; native-pipeline.test.ts: ranges, a generated population, and the process around it):
// the example rows as plain CSV lines, nasty cells, and the ways a test runs the native path.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { resolveHeader } from '../../src/batch/read-rows.js';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import type { ReferenceDates } from '../../src/engine/result.js';
import { openNativeCsv } from '../../src/sql/native-batch.js';
import { criteriaSet, example, trial, ROOT } from '../helpers/screening.js';
import { runInProcess } from '../cli/run-cli.js';

export const dict = criteriaSet.dictionary;
export const TRIALS = ['IM101-611', 'NCT02347891', 'NCT04946669'];
export const trials = TRIALS.map(trial);
const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).sort().map((f) => example(f.replace(/\.json$/, '')));

/** Cells written as a plain CSV line may hold them (the native path needs no quoting). */
export const plain = (cell: string) => cell.replace(/[",\r\n]/g, ' ');
const table = patientsToTable(examples, dict);
export const header = table.header;
export const rows = table.rows.map((r) => r.map(plain));

export const NASTY = ['1e3', ' 5', '5 ', '05', '007', '.5', '5.', '+1', '-0', '-1', 'NaN', 'Infinity', 'infinity', '٣', '５', '1,5', '0', '1', '2', '3', '2026-02-30', '2026-1-05', '2026-01-05 ', '1899-12-31', '2100-12-31', '2101-01-01', '9999-12-31', 'TRUE', 'True', 'tRUE', 'yes', 'No', 'none', 'None', 'U/L', 'mg/day', 'µmol/L', 'x\u00a0', '\u00a0x', 'ü', 'prednisone', 'other', 'dm', '2026-11-17'];

export const line = (cells: string[]) => cells.join(',');
export const bad = (cells: string[], changes: Record<string, string>) => cells.map((c, i) => changes[header[i] as string] ?? c);
export const base = rows.slice(0, 12);
export const lines = (rs: string[][], eol = '\n') => rs.map(line).join(eol);

/**
 * A temporary directory of the calling test file's own (removed after its tests; not the
 * product's prefix, trial-screen-native-, so a leftover of the product stands out), and the
 * helpers that write into it. Called at a test file's top level (where its afterAll belongs to the
 * file), never inside a test.
 */
export function nativeFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'trial-screen-test-native-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  /** --engine js and --engine duckdb on one file: the same stdout, stderr, exit code and --summary. */
  const sameBothWays = async (file: string, args: string[] = ['--trial', 'IM101-611']) => {
    const run = async (engine: string) => {
      const summary = join(dir, `summary-${engine}.json`);
      const r = await runInProcess(['batch', file, '--engine', engine, '--summary', summary, ...args]);
      const s = existsSync(summary) ? readFileSync(summary, 'utf8') : '';
      rmSync(summary, { force: true });
      return { ...r, summary: s };
    };
    const js = await run('js');
    const duck = await run('duckdb');
    expect(duck).toEqual(js);
    return js;
  };
  return { dir, write, sameBothWays };
}

/**
 * Whether the native path reads `file` (opened, nothing screened). Opened for one trial: whether it
 * does is decided before any trial's query is used (each trial more is its query compiled for nothing).
 */
export async function native(file: string, delimiter = ','): Promise<boolean> {
  const n = await openNativeCsv(file, delimiter, dict, trials.slice(0, 1));
  n?.close();
  return n !== undefined;
}

/** Every row of a file as the native path yields it for `ids` (IM101-611 unless given), with `options` for openNativeCsv. */
export async function nativeRows(file: string, options: { rangeRows?: number; sliceRows?: number }, ids: readonly string[] = ['IM101-611']) {
  const chosen = trials.filter((t) => ids.includes(t.meta.id));
  const n = await openNativeCsv(file, ',', dict, chosen, options);
  if (!n) throw new Error('not native');
  const out = [];
  try {
    const info = resolveHeader(n.headerCells, dict, file);
    for await (const batch of n.rows(info.header, {}, chosen.map((t) => t.meta.id))) out.push(...batch);
  } finally {
    n.close();
  }
  return out;
}

/** How many rows of a file SQL screens natively, and how many it leaves to JS. */
export async function nativeShare(file: string, delimiter: string, flags: ReferenceDates = {}, ids = TRIALS): Promise<{ sql: number; js: number; jsRows: number[] }> {
  const n = await openNativeCsv(file, delimiter, dict, ids.map(trial));
  if (!n) throw new Error('not native');
  const share = { sql: 0, js: 0, jsRows: [] as number[] };
  try {
    const info = resolveHeader(n.headerCells, dict, file);
    for await (const batch of n.rows(info.header, flags, ids)) {
      for (const r of batch) {
        share['cells' in r ? 'js' : 'sql'] += 1;
        if ('cells' in r) share.jsRows.push(r.row);
      }
    }
  } finally {
    n.close();
  }
  return share;
}
