// A screening date after today (a visit planned, or a year mistyped: 2027 for 2026) is screened
// as given, and said: ages, windows and durations are reckoned on a day that has not come, from
// the values recorded so far (a 17-year-old is "18 on 2027-11-16").
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Readable } from 'node:stream';
import { runDate } from '../../src/cli/generated-at.js';
import { runInteractive } from '../../src/cli/interactive-mode.js';
import { scriptedPrompter } from '../interactive/scripted-prompter.js';
import { ROOT } from '../helpers/screening.js';
import { runInProcess } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'screening-ahead-'));
const eligible = JSON.parse(readFileSync(`${ROOT}examples/im101-611-eligible.json`, 'utf8'));

function withScreening(name: string, screening: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...eligible, referenceDates: { screening, consent: screening, randomization: screening } }));
  return file;
}

const warning = (stderr: string) => stderr.split('\n').filter((l) => l.includes('after today'));

test.each([
  // [screening date, run date (--generated-at), the warning's days, or none]
  ['2026-12-02', '2026-12-02', undefined],
  ['2026-12-01', '2026-12-02', undefined],
  ['2026-12-03', '2026-12-02', '1 day'],
  ['2028-03-01', '2028-02-28', '2 days'],
  ['2027-11-16', '2026-12-02', '349 days'],
  ['2028-02-29', '2028-02-28T23:30:00-05:00', '1 day'],
  ['2028-02-29', '2028-02-29T01:00:00+09:00', undefined],
])('screening %s, run on %s: %s ahead', async (screening, generatedAt, days) => {
  const file = withScreening(`s-${screening}`, screening);
  const r = await runInProcess([file, '--trial', 'IM101-611', '--generated-at', generatedAt]);
  const lines = warning(r.stderr);
  if (days === undefined) expect(lines).toEqual([]);
  else {
    expect(lines).toEqual([
      `warning: ${file} $.referenceDates.screening: the screening date ${screening} is ${days} after today (${generatedAt.slice(0, 10)}): ages, windows and durations are reckoned on ${screening} from the values recorded so far; screen again on the day if any may change by then`,
    ]);
  }
  // Screened as given: a warning, not an error, and the same verdict either way.
  expect(r.code).toBe(0);
});

test('a screening date given by --as-of is named by the flag, in every report format', async () => {
  const file = withScreening('flag', '2026-11-16');
  for (const format of ['text', 'json', 'md', 'html']) {
    const r = await runInProcess([file, '--trial', 'IM101-611', '--as-of', '2026-11-20', '--consent', '2026-11-20', '--randomization', '2026-11-20', '--generated-at', '2026-11-18T09:00:00Z', '--format', format]);
    expect(warning(r.stderr), format).toEqual([
      'warning: --as-of: the screening date 2026-11-20 is 2 days after today (2026-11-18): ages, windows and durations are reckoned on 2026-11-20 from the values recorded so far; screen again on the day if any may change by then',
    ]);
  }
});

test('the run date: --generated-at as written in its zone, else SOURCE_DATE_EPOCH in UTC, else the local date of the clock', () => {
  const clock = () => new Date(2026, 11, 2, 23, 59, 0);
  expect(runDate('2026-12-02T23:30:00-08:00', {}, clock)).toBe('2026-12-02');
  expect(runDate('2026-11-16', {}, clock)).toBe('2026-11-16');
  expect(runDate(undefined, { SOURCE_DATE_EPOCH: String(Date.UTC(2026, 10, 16, 23, 59) / 1000) }, clock)).toBe('2026-11-16');
  expect(runDate(undefined, { SOURCE_DATE_EPOCH: '' }, clock)).toBe('2026-12-02');
  expect(runDate(undefined, {}, clock)).toBe('2026-12-02');
});

test('the printed record says it was screened ahead (HTML, Markdown, PDF), and only then', async () => {
  const { spawnSync } = await import('node:child_process');
  const said = 'Screened ahead: the screening date 2026-11-20 is after the day this record was made (2026-11-18). Ages, windows and durations are reckoned on 2026-11-20 from the values recorded by 2026-11-18; screen again on the day if any may change by then.';
  for (const [screening, ahead] of [['2026-11-20', true], ['2026-11-18', false]] as const) {
    const file = withScreening(`printed-${screening}`, screening);
    for (const format of ['html', 'md', 'pdf']) {
      const out = join(dir, `${screening}.${format}`);
      const r = await runInProcess([file, '--trial', 'IM101-611', '--generated-at', '2026-11-18T09:00:00Z', '--format', format, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const words = (format === 'pdf' ? spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout : readFileSync(out, 'utf8')).replace(/\s+/g, ' ');
      expect(words.includes(said), `${screening} ${format}`).toBe(ahead);
      expect(words.includes('Screened ahead'), `${screening} ${format}`).toBe(ahead);
    }
  }
});

test('several trials: one warning; a row of a file of rows: named by the row; screen batch: none', async () => {
  const file = withScreening('multi', '2026-11-20');
  const multi = await runInProcess([file, '--all', '--generated-at', '2026-11-18']);
  expect(warning(multi.stderr)).toHaveLength(1);
  const csv = join(dir, 'rows.csv');
  writeFileSync(csv, 'id,referenceDates.screening,demographics.birthDate\nR1,2026-11-16,1970-01-01\nR2,2026-11-20,1970-01-01\n');
  const row = await runInProcess([csv, '--row', '2', '--trial', 'IM101-611', '--generated-at', '2026-11-18']);
  expect(warning(row.stderr)).toEqual([expect.stringMatching(new RegExp(`^warning: ${csv.replace(/[.]/g, '\\.')}, row 2 referenceDates\\.screening: the screening date 2026-11-20 is 2 days after today \\(2026-11-18\\)`))]);
  expect(warning((await runInProcess([csv, '--row', '1', '--trial', 'IM101-611', '--generated-at', '2026-11-18'])).stderr)).toEqual([]);
  // Batch: rows are often next week's visits (README).
  const batch = await runInProcess(['batch', csv, '--trial', 'IM101-611']);
  expect(batch.stderr).not.toContain('after today');
});

test('the questionnaire: the warning and the printed record use the session\'s one clock', async () => {
  const file = withScreening('interactive', '2026-11-20');
  const out = join(dir, 'interactive.md');
  const err: string[] = [];
  const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, stdin: Readable.from([]), env: { NO_COLOR: '1' }, cwd: dir };
  const { prompter } = scriptedPrompter([]);
  const code = await runInteractive(file, { trial: ['IM101-611'], interactive: true, color: false, format: 'md', out, save: join(dir, 'interactive-saved.json') }, io, { prompter, now: new Date(2026, 10, 16, 10, 30, 0) });
  expect(code).toBe(0);
  expect(warning(err.join(''))).toEqual([expect.stringContaining('the screening date 2026-11-20 is 4 days after today (2026-11-16)')]);
  expect(readFileSync(out, 'utf8')).toContain('is after the day this record was made (2026-11-16)');
});

test('a SOURCE_DATE_EPOCH or --generated-at a text report does not print never fails it; one past the year 9999 is refused where it is printed', async () => {
  const file = withScreening('epoch', '2026-11-16');
  for (const env of [{ SOURCE_DATE_EPOCH: 'abc' }, { SOURCE_DATE_EPOCH: '253402300800' }]) {
    const { runInProcess: withEnv } = await import('./run-cli-env.js');
    expect((await withEnv([file, '--trial', 'IM101-611'], env)).code).toBe(0);
    const md = await withEnv([file, '--trial', 'IM101-611', '--format', 'md'], env);
    expect([md.code, md.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/SOURCE_DATE_EPOCH (must be whole seconds|is after the year 9999)/)]);
  }
  expect((await runInProcess([file, '--trial', 'IM101-611', '--generated-at', 'garbage'])).code).toBe(0);
});
