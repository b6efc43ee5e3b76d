// Issue "Trust at the edges": one regression test per family of unusual input. Each failed on the
// main branch before the fix (a wrong verdict, a crash, a hang or a lost row).
import { chmodSync, cpSync, linkSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { lintCriteria } from '../../src/criteria/lint.js';
import { screenPatient } from '../../src/engine/evaluate.js';
import { traceLines } from '../../src/report/describe.js';
import type { Trace } from '../../src/engine/result.js';
import { suggest } from '../../src/util/did-you-mean.js';
import { clone, criteriaSet, example, ROOT, trial } from '../helpers/screening.js';
import { parsePatientData } from '../../src/patient/parse.js';
import { runBin, runInProcess } from './run-cli.js';

let tmp: string;
const eligible = example('im101-611-eligible');
const json = (x: unknown) => JSON.stringify(x);
const file = (name: string, text: string | Buffer) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
/** A copy of the criteria directory with one file's text changed. */
function criteriaWith(name: string, edit: (text: string) => string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmp, 'criteria-'));
  cpSync(`${ROOT}criteria`, dir, { recursive: true });
  writeFileSync(join(dir, name), edit(readFileSync(join(dir, name), 'utf8')));
  for (const [n, text] of Object.entries(extra)) writeFileSync(join(dir, n), text);
  return dir;
}
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |internal error/);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'screen-edges-'));
});

describe('1, 9: names that live on Object.prototype', () => {
  test.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])('an unrecorded review with id %s stays open (never "rejected")', (id) => {
    const t = clone(trial('IM101-611'));
    const i5 = t.criteria.find((c) => c.id === 'I5');
    if (i5?.rule.kind !== 'review') throw new Error('I5 is a review');
    i5.rule.id = id;
    const { record } = parsePatientData(clone(eligible), 'p', criteriaSet.dictionary);
    const r = screenPatient(t, criteriaSet.dictionary, record, { referenceDates: record.referenceDates ?? {} });
    expect(r.criteria.find((c) => c.id === 'I5')?.outcome).toBe('needs_review');
    expect(r.verdict).not.toBe('ineligible');
  });
  test.each(['constructor', 'toString'])('a trial id %s finds no recorded review', (id) => {
    const t = { ...clone(trial('IM101-611')), meta: { ...trial('IM101-611').meta, id } };
    const { record } = parsePatientData(clone(eligible), 'p', criteriaSet.dictionary);
    const r = screenPatient(t, criteriaSet.dictionary, record, { referenceDates: record.referenceDates ?? {} });
    expect(r.review.every((x) => x.status === 'open')).toBe(true);
  });
  test.each([
    ['review id', (s: string) => s.replace('id: I5-investigator', 'id: constructor')],
    ['ref to toString', (s: string) => s.replace('definition: myositisSpecificAntibody }', 'definition: toString }')],
    ['ref to __proto__', (s: string) => s.replace('definition: myositisSpecificAntibody }', 'definition: __proto__ }')],
    ['criterion id', (s: string) => s.replace('  - id: I5\n', '  - id: valueOf\n')],
  ])('criteria with a %s naming a built-in property: clean errors in every command', async (_, edit) => {
    const dir = criteriaWith('IM101-611.yaml', edit);
    const lint = await runInProcess(['lint', '--criteria-dir', dir]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(1);
    for (const args of [['examples/im101-611-eligible.json', '--trial', 'IM101-611'], ['show', 'IM101-611'], ['template', 'IM101-611'], ['batch', 'examples/im101-611-eligible.json', '--input-format', 'ndjson', '--trial', 'IM101-611']]) {
      const r = await runInProcess([...args, '--criteria-dir', dir]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/IM101-611\.yaml:\d+:\d+: .*(built-in property|unknown definition)/);
      noStack(r.stderr);
    }
  });
  test('a shared definition named __proto__ is a clean error', async () => {
    const dir = criteriaWith('definitions.yaml', (s) => s.replace('  myositisSpecificAntibody:', '  __proto__:'));
    const r = await runInProcess(['examples/im101-611-eligible.json', '--trial', 'IM101-611', '--criteria-dir', dir]);
    expect(r.code).toBe(2);
    noStack(r.stderr);
    expect((await runInProcess(['lint', '--criteria-dir', dir])).code).toBe(1);
  });
});

describe('2: one JSON reader for patient data', () => {
  test('duplicate keys in an NDJSON row are a row error, as in a file', async () => {
    const line = json({ ...eligible, diagnosis: { ...eligible.diagnosis, subtype: 'ibm' } }).replace('"subtype":"ibm"', '"subtype":"ibm","subtype":"dm"');
    const r = await runInProcess(['batch', file('dup.ndjson', `${line}\n`), '--trial', 'IM101-611']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/error,.*\$\.diagnosis\.subtype: duplicate key ""subtype""/);
    const single = await runInProcess([file('dup.json', line), '--trial', 'IM101-611']);
    expect(single.code).toBe(2);
  });
  test('stdin gets the file checks: a BOM is accepted, invalid UTF-8 and NUL are refused', async () => {
    const bom = runBin(['-', '--trial', 'IM101-611'], { stdin: `\uFEFF${json(eligible)}` });
    expect(bom.code).toBe(0);
    const nul = await runInProcess(['-', '--trial', 'IM101-611'], { stdin: `${json(eligible)}\u0000` });
    expect(nul.code).toBe(2);
    expect(nul.stderr).toMatch(/<stdin>: contains NUL bytes/);
  });
});

describe('3: plausible ranges after unit conversion', () => {
  const ck = { value: 1e307, unit: 'ukat/L', uln: 1e307, date: '2026-11-16' };
  test('CK that overflows on conversion is a located input error (file and batch)', async () => {
    const p = { ...clone(eligible), labs: { ...eligible.labs, ck } };
    const r = await runInProcess([file('ck.json', json(p)), '--trial', 'IM101-611']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\$\.labs\.ck\.value: .*outside the plausible range 0–1000000 U\/L/);
    expect(r.stderr + r.stdout).not.toMatch(/Infinity|NaN/);
    const b = await runInProcess(['batch', file('ck.ndjson', `${json(p)}\n`), '--trial', 'IM101-611']);
    expect(b.code).toBe(4);
    expect(b.stdout).toMatch(/,error,.*plausible range/);
  });
  test.each([
    ['1e309', { assessments: { pga: 1e309 } }, '{"assessments": {"pga": 1e309}}', /a number too large to represent/],
    ['VAS in "MM"', {}, '{"assessments": {"sga": {"value": 25, "unit": "MM"}}}', /unit must be one of "cm", "mm", got "MM"/],
  ])('%s: the message says what is wrong', async (_, __, text, message) => {
    const r = await runInProcess([file('n.json', text), '--trial', 'IM101-611']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('4: reference dates in an impossible order', () => {
  test.each([
    [{ screening: '2026-11-16', randomization: '2025-12-01' }, [], /randomization: 2025-12-01 is before the screening date/],
    [{ screening: '2026-11-16', consent: '2026-11-16', randomization: '2026-11-01' }, [], /before the screening date|before the consent date/],
    [{ screening: '2026-11-16' }, ['--randomization', '2025-12-01'], /^screen: --randomization: 2025-12-01 is before the screening date 2026-11-16/m],
  ])('%j %j is an input error', async (referenceDates, flags, message) => {
    const r = await runInProcess([file('d.json', json({ ...clone(eligible), referenceDates })), '--trial', 'IM101-611', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  test('in batch, the flag dates are checked with every row', async () => {
    const r = await runInProcess(['batch', file('d.ndjson', `${json(eligible)}\n`), '--trial', 'IM101-611', '--as-of', '2027-01-01']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/before the screening date 2027-01-01/);
  });
});

describe('5, 6: ids unique across files', () => {
  const sharedReview = `  sharedReview:\n    description: A shared judgement\n    rule: { kind: review, id: I5-investigator, by: investigator, question: Shared? }\n`;
  test('a review id used in the shared definitions and in a trial is refused by the loader and lint', async () => {
    const dir = criteriaWith('definitions.yaml', (s) => s.replace('definitions:\n', `definitions:\n${sharedReview}`));
    const r = await runInProcess(['examples/im101-611-eligible.json', '--trial', 'IM101-611', '--criteria-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/review id "I5-investigator" is used twice: also by .*definitions\.yaml/);
    const lint = await runInProcess(['lint', '--criteria-dir', dir]);
    expect(lint.stdout).toMatch(/error {2}duplicate-review-id/);
  });
  test('two files for one trial id are refused in every command', async () => {
    const dir = criteriaWith('IM101-611.yaml', (s) => s, { 'im101-611.yaml': readFileSync(`${ROOT}criteria/IM101-611.yaml`, 'utf8') });
    for (const args of [['examples/im101-611-eligible.json', '--all'], ['examples/im101-611-eligible.json', '--trial', 'NCT04946669'], ['show', 'IM101-611'], ['template', 'IM101-611'], ['trials']]) {
      const r = await runInProcess([...args, '--criteria-dir', dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/trial id "(IM101-611|im101-611)" is also the id of/);
    }
  });
  test('a trial file whose trial.id is not its file name is refused; lint reports duplicate ids', async () => {
    const dir = criteriaWith('NCT04946669.yaml', (s) => s.replace(/^  id: NCT04946669$/m, '  id: IM101-611'));
    const r = await runInProcess(['examples/im101-611-eligible.json', '--all', '--format', 'json', '--criteria-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trial\.id "IM101-611" does not match the file name NCT04946669\.yaml/);
    const lint = await runInProcess(['lint', '--criteria-dir', dir]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/duplicate-trial-id {2}trial\.id: "IM101-611" is also the trial id of/);
  });
});

describe('7: duplicate records of one drug', () => {
  test('two overlapping records of methotrexate are one course: warned about, not a "combination"', () => {
    const p = clone(eligible);
    p.medications.push(clone(p.medications[1]));
    const t = trial('IM101-611');
    const one = parsePatientData(clone(eligible), 'p', criteriaSet.dictionary);
    const two = parsePatientData(p, 'p', criteriaSet.dictionary);
    expect(two.warnings.map((w) => `${w.location}: ${w.message}`)).toContain('p $.medications[2]: repeats methotrexate of $.medications[1] with the same dates: taken as one course of treatment (joined, counted once)');
    const screen = (r: typeof one) => screenPatient(t, criteriaSet.dictionary, r.record, { referenceDates: r.record.referenceDates ?? {} });
    expect(screen(two).criteria.map((c) => [c.id, c.outcome])).toEqual(screen(one).criteria.map((c) => [c.id, c.outcome]));
  });
  // Randomization 2026-12-01: the 12 weeks start on 2026-09-08, the 24 weeks on 2026-06-16.
  test.each([
    [
      'a second prednisone record started in the 12 weeks, overlapping the long one, no dose recorded: asked, and its dose history to collect',
      (p: any) => void p.medications.push({ drug: 'prednisone', start: '2026-11-01', ongoing: true }),
      3,
      [/^Verdict: UNDETERMINED \(unknown: I6\)$/m, /Dose history of Prednisone \(medications #3\)/],
      'warning: p.json $.medications[2]: overlaps prednisone of $.medications[0] with another start, stop or dose: kept as two records',
    ],
    [
      'azathioprine split into two records at the same dose, the next from the day after: one course of 24 weeks',
      (p: any) => void p.medications.splice(1, 1, { drug: 'azathioprine', start: '2025-01-01', stop: '2026-06-30', doses: [{ date: '2025-01-01', dose: 100, unit: 'mg/day' }] }, { drug: 'azathioprine', start: '2026-07-01', ongoing: true, doses: [{ date: '2026-07-01', dose: 100, unit: 'mg/day' }] }),
      0,
      [/^Verdict: ELIGIBLE/m],
      'warning: p.json $.medications[2]: continues azathioprine of $.medications[1] at the same dose',
    ],
    [
      'azathioprine since 2025 and a second azathioprine record at the same dose from 2026-10-01: asked, not failed',
      (p: any) => void p.medications.splice(1, 1, { drug: 'azathioprine', start: '2025-01-01', ongoing: true, doses: [{ date: '2025-01-01', dose: 100, unit: 'mg/day' }] }, { drug: 'azathioprine', start: '2026-10-01', ongoing: true, doses: [{ date: '2026-10-01', dose: 100, unit: 'mg/day' }] }),
      3,
      [/^Verdict: UNDETERMINED \(needs review: I6\)$/m, /I6-same-medications/, /\(azathioprine: for the 12 weeks\)/],
      'warning: p.json $.medications[2]: overlaps azathioprine of $.medications[1] with another start, stop or dose: kept as two records',
    ],
    [
      'the same split with a day between the records: the last record alone, under 24 weeks',
      (p: any) => void p.medications.splice(1, 1, { drug: 'azathioprine', start: '2025-01-01', stop: '2026-06-30', doses: [{ date: '2025-01-01', dose: 100, unit: 'mg/day' }] }, { drug: 'azathioprine', start: '2026-07-02', ongoing: true, doses: [{ date: '2026-07-02', dose: 100, unit: 'mg/day' }] }),
      1,
      [/^Verdict: INELIGIBLE \(fails I6\)$/m],
      undefined,
    ],
  ])('screen on a file: %s', async (_case, change, code, out, warning) => {
    const p = clone(eligible);
    change(p);
    const dir = mkdtempSync(join(tmpdir(), 'ts-one-drug-'));
    try {
      const path = join(dir, 'p.json');
      writeFileSync(path, JSON.stringify(p));
      const r = await runInProcess([path, '--trial', 'IM101-611']);
      expect(r.code).toBe(code);
      for (const re of out) expect(r.stdout).toMatch(re);
      if (warning) expect(r.stderr).toContain(warning.replace('p.json', path));
      else expect(r.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('screen on a file: methotrexate 15 mg to 2026-10-05, then 20 mg from 2026-10-01, meets NCT04946669 I3 (3 months by the two records)', async () => {
    const p = clone(example('nct04946669-eligible'));
    p.medications.splice(1, 1, { drug: 'methotrexate', start: '2026-08-01', stop: '2026-10-05', outcome: 'failure', doses: [{ date: '2026-08-01', dose: 15, unit: 'mg/week' }] }, { drug: 'methotrexate', start: '2026-10-01', ongoing: true, outcome: 'failure', doses: [{ date: '2026-10-01', dose: 20, unit: 'mg/week' }] });
    const dir = mkdtempSync(join(tmpdir(), 'ts-one-drug-'));
    try {
      const path = join(dir, 'p.json');
      writeFileSync(path, JSON.stringify(p));
      const r = await runInProcess([path, '--trial', 'NCT04946669', '--explain']);
      // The 20 mg dose is not 3 months old: I5 asks about an earlier stable dose, as with one record.
      expect(r.stdout).toMatch(/^Verdict: UNDETERMINED \(needs review: I5\)$/m);
      expect(r.stdout).toMatch(/^✔ I3 .* — met$/m);
      expect(r.stdout).toContain('start 2026-10-01, still taking, taken without a break since 2026-08-01 (medication records #2, #3 counted together); rule: started by 2026-08-16');
      expect(r.code).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('screen on a file: methotrexate stopped, 2026-01-01 to 03-01 and 2026-02-15 to 04-15, is one course of 3.5 months for NCT04946669 I3 and NCT02347891 I4', async () => {
    const p = clone(example('nct04946669-eligible'));
    p.medications.splice(1, 1, { drug: 'methotrexate', start: '2026-01-01', stop: '2026-03-01', outcome: 'failure', doses: [{ date: '2026-01-01', dose: 15, unit: 'mg/week' }] }, { drug: 'methotrexate', start: '2026-02-15', stop: '2026-04-15', outcome: 'failure', doses: [{ date: '2026-02-15', dose: 20, unit: 'mg/week' }] });
    p.medications[0].outcome = 'response';
    const dir = mkdtempSync(join(tmpdir(), 'ts-one-drug-'));
    try {
      const path = join(dir, 'p.json');
      writeFileSync(path, JSON.stringify(p));
      const r = await runInProcess([path, '--trial', 'NCT04946669', '--trial', 'NCT02347891', '--explain']);
      expect(r.stdout).toMatch(/^✔ I3 .* — met$/m);
      expect(r.stdout).toMatch(/^✔ I4 Refractory IIM .* — met$/m);
      expect(r.stdout).toContain('start 2026-01-01, last dose 2026-03-01; one course 2026-01-01 to 2026-04-15 (medication records #2, #3 without a break), 104 days from first to last dose; rule: stopped, first dose at least 3 months before the screening date 2026-11-16 and last dose at least 3 months after the first');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('screen on a file: two ongoing prednisone records of 40 mg/day at 60 kg leave NCT04946669 I4 unknown (40 or 80 mg/day), in either order', async () => {
    const p = clone(example('nct04946669-eligible'));
    p.demographics.weightKg = 60;
    const a = { drug: 'prednisone', start: '2025-06-01', ongoing: true, outcome: 'failure', doses: [{ date: '2025-06-01', dose: 40, unit: 'mg/day' }] };
    const b = { drug: 'prednisone', start: '2026-05-01', ongoing: true, outcome: 'failure', doses: [{ date: '2026-05-01', dose: 40, unit: 'mg/day' }] };
    const dir = mkdtempSync(join(tmpdir(), 'ts-one-drug-'));
    try {
      for (const pair of [[a, b], [b, a]]) {
        // (The example's own prednisone record replaced by the two.)
        const q = { ...clone(p), medications: [...clone(pair), ...clone(p.medications.filter((m: any) => m.drug !== 'prednisone'))] };
        const path = join(dir, 'p.json');
        writeFileSync(path, JSON.stringify(q));
        const r = await runInProcess([path, '--trial', 'NCT04946669', '--explain']);
        expect(r.stdout).toMatch(/^Verdict: UNDETERMINED \(unknown: I4\)$/m);
        expect(r.stdout).toContain('(body weight 60 kg, Prednisone 40 mg/day, Prednisone 40 mg/day) → 40 to 80 mg/day = 0.667+ mg/kg/day; medication records #1 and #2 are one drug taken that day, the same course entered twice or doses taken together (not recorded which)');
        // What to collect names both records (the page wraps lines).
        const plain = (await runInProcess([path, '--trial', 'NCT04946669'])).stdout.replace(/\s+/g, ' ');
        expect(plain).toContain('- Dose history of Prednisone (medications #1): overlaps another record of the drug on 2026-11-16: one course entered twice (remove the copy) or taken together (one record with the day\'s total, the other stopped) [Medications] — for I4');
        expect(plain).toContain('- Dose history of Prednisone (medications #2): overlaps another record of the drug on 2026-11-16: one course entered twice (remove the copy) or taken together (one record with the day\'s total, the other stopped) [Medications] — for I4');
        // The records are there: the criterion's line says what is to settle, not "no data".
        expect(plain).toMatch(/I4 .*to settle: Dose history of Prednisone \(medications #[12]\)/);
        expect(plain).not.toMatch(/I4 [^\n]*no data: Dose history of Prednisone/);
      }
      // Doing what it says decides I4: the copy removed, or one record with the day's total and the other stopped.
      const only = { ...clone(p), medications: [clone(a), ...clone(p.medications.filter((m: any) => m.drug !== 'prednisone'))] };
      const stopped = { ...clone(p), medications: [{ ...clone(a), doses: [...a.doses, { date: '2026-11-01', dose: 80, unit: 'mg/day' }] }, { ...clone(b), ongoing: undefined, stop: '2026-10-31' }, ...clone(p.medications.filter((m: any) => m.drug !== 'prednisone'))] };
      for (const [q, verdict] of [[only, /^Verdict: ELIGIBLE/m], [stopped, /^Verdict: INELIGIBLE \(fails I4\)/m]] as const) {
        const path = join(dir, 'settled.json');
        writeFileSync(path, JSON.stringify(q));
        expect((await runInProcess([path, '--trial', 'NCT04946669'])).stdout).toMatch(verdict);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('doses that disagree on a date are an input error', () => {
    const p = clone(eligible);
    const again = clone(p.medications[1]);
    again.doses[0].dose = 25;
    p.medications.push(again);
    expect(() => parsePatientData(p, 'p', criteriaSet.dictionary)).toThrow(/different dose on 2024-09-01/);
  });
});

describe('8: CSV headers cannot reach Object.prototype', () => {
  test.each(['reviews.__proto__.I5-investigator.decision', 'reviews.IM101-611.constructor.decision', 'labs.prototype.value'])('%s is a header error, exit 2', async (column) => {
    const csv = `id,${column}\nA,yes\nB,yes\n`;
    const r = await runInProcess(['batch', file('p.csv', csv), '--trial', 'IM101-611']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/header: column .* cannot be part of a column name/);
    expect(({} as Record<string, unknown>)['I5-investigator']).toBeUndefined();
  });
});

describe('10, 11: bounded work', () => {
  test.each([
    [['/dev/zero', '--trial', 'IM101-611'], /\/dev\/zero: is larger than 5 MB/],
    [['lint', '/dev/zero'], /\/dev\/zero: is larger than 5 MB/],
    [['batch', '/dev/zero', '--input-format', 'csv', '--trial', 'IM101-611'], /\/dev\/zero:1: contains a NUL byte/],
  ])('%j stops at the byte cap', async (args, message) => {
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  test('a 600 KB unknown column name: no quadratic suggestion, a short echo', async () => {
    const long = 'x'.repeat(600_000);
    const started = Date.now();
    expect(suggest(long, ['labs.ck.value'])).toBeUndefined();
    const r = await runInProcess(['batch', file('long.csv', `id,labs.ck.value,${long}\nA,,\n`), '--trial', 'IM101-611', '--ignore-unknown-columns']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(0);
    expect(Math.max(...r.stderr.split('\n').map((l) => l.length))).toBeLessThan(300);
  });
});

describe('12, 13: every CSV line accounted for', () => {
  const head = 'id,labs.ck.value,labs.ck.unit,labs.ck.uln';
  test.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['mixed', 'mixed'],
  ])('%s line endings: one output row per input row', async (_, eol) => {
    const lines = [head, 'A,100,U/L,200', 'B,100,U/L,200', 'C,100,U/L,200'];
    const text = eol === 'mixed' ? `${lines[0]}\r\n${lines.slice(1).join('\n')}\n` : `${lines.join(eol)}${eol}`;
    const r = await runInProcess(['batch', file('e.csv', text), '--trial', 'IM101-611']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(['A', 'B', 'C']);
  });
  test('an unclosed quote becomes an error row naming the lines it covers; never exit 0', async () => {
    const text = `${head}\nA,100,U/L,200\n"B,100,U/L,200\nC,100,U/L,200\nD,100,U/L,200\n`;
    const r = await runInProcess(['batch', file('q.csv', text), '--trial', 'IM101-611']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/a quoted cell opened on line 3 is never closed, so lines 3–5 could not be read/);
    expect(r.stderr).toMatch(/2 input rows, 1 with errors/);
  });
  test.each([
    ['NUL', Buffer.from(`${head}\nA,100,U/L,200\nB,1\u00000,U/L,200\n`), /q\.csv:3: contains a NUL byte/],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`${head}\nA,100,U/L,200\n`), Buffer.from([0xc3, 0x28]), Buffer.from(',1,U/L,200\n')]), /q\.csv:3: is not UTF-8 text/],
  ])('%s in a batch file is an input error, never exit 0', async (_, bytes, message) => {
    const r = await runInProcess(['batch', file('q.csv', bytes), '--trial', 'IM101-611']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  test('a BOM is dropped', async () => {
    const r = await runInProcess(['batch', file('bom.csv', Buffer.from(`\uFEFF${head}\nA,100,U/L,200\n`)), '--trial', 'IM101-611']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/unknown column/);
  });
});

describe('14, 15: outputs never destroy the input; write errors are errors', () => {
  const csv = 'id,labs.ck.value,labs.ck.unit,labs.ck.uln\nA,100,U/L,200\n';
  test.each([
    ['the input', (input: string) => ['--out', input]],
    ['a symlink to the input', (input: string) => {
      const link = join(tmp, `link-${Math.random()}.csv`);
      symlinkSync(input, link);
      return ['--out', link];
    }],
    ['a hard link to the input', (input: string) => {
      const link = join(tmp, `hard-${Math.random()}.csv`);
      linkSync(input, link);
      return ['--summary', link];
    }],
    ['--summary equal to --out', () => ['--out', join(tmp, 'same.csv'), '--summary', join(tmp, '.', 'same.csv')]],
  ])('--out/--summary naming %s is refused and the input is intact', async (_, flags) => {
    const input = file(`in-${Math.random()}.csv`, csv);
    const r = await runInProcess(['batch', input, '--trial', 'IM101-611', ...flags(input)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is the same file as/);
    expect(readFileSync(input, 'utf8')).toBe(csv);
  });
  test.each([
    [['batch', 'IN', '--trial', 'IM101-611', '--out', '/dev/full'], /cannot write \/dev\/full: ENOSPC/],
    [['batch', 'IN', '--trial', 'IM101-611', '--summary', '/dev/full'], /cannot write \/dev\/full: ENOSPC/],
  ])('%j exits 74 with a message', async (args, message) => {
    const input = file('w.csv', csv);
    const r = await runInProcess(args.map((a) => (a === 'IN' ? input : a)));
    expect(r.code).toBe(74);
    expect(r.stderr).toMatch(message);
  });
  // A report's --out was written to a temporary file renamed over the name: it replaced the patient
  // file given as --out, a symlink (not its target), a named pipe or a device node (as root, the
  // device itself) with a file of the report, and gave every file mode 0600 (a new-user
  // run-through). Now it is written as batch writes --out.
  describe('a report --out is written as batch writes its --out', () => {
    const patient = readFileSync(`${ROOT}examples/im101-611-eligible.json`, 'utf8');
    const report = (out: string, input = file(`p-${Math.random()}.json`, patient)) => runInProcess([input, '--trial', 'IM101-611', '--format', 'md', '--out', out]);
    test('naming the patient file, or a link to it: refused, the patient file intact', async () => {
      const input = file(`self-${Math.random()}.json`, patient);
      const link = join(tmp, `self-link-${Math.random()}.md`);
      symlinkSync(input, link);
      for (const out of [input, link]) {
        const r = await report(out, input);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/is the same file as the patient file .*: writing it would destroy the input; choose another file/);
        expect(readFileSync(input, 'utf8')).toBe(patient);
      }
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    });
    test('a symlink is written through (the link stays a link); a file keeps its mode', async () => {
      const target = file(`target-${Math.random()}.md`, 'old');
      chmodSync(target, 0o640);
      const link = join(tmp, `link-${Math.random()}.md`);
      symlinkSync(target, link);
      expect((await report(link)).code).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(target, 'utf8')).toMatch(/^# Screening record: IM101-611/);
      expect(statSync(target).mode & 0o777).toBe(0o640);
    });
    test('a named pipe is written into, not replaced by a file', () => {
      const dir = mkdtempSync(join(tmp, 'report-fifo-'));
      // (In a shell with a time limit, the reader with its own: a writer with no reader, or a reader
      // left on a pipe the writer replaced, would wait for ever.)
      const sh = spawnSync('bash', ['-c', `mkfifo ${dir}/p; timeout 20 cat ${dir}/p > ${dir}/got & node bin/screen.js examples/im101-611-eligible.json --trial IM101-611 --format md --out ${dir}/p; echo "exit=$?"; wait`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
      expect(sh.stdout).toMatch(/exit=0/);
      expect(readFileSync(join(dir, 'got'), 'utf8')).toMatch(/^# Screening record: IM101-611/);
      expect(lstatSync(join(dir, 'p')).isFIFO()).toBe(true);
    });
    test('the patient file on standard input is refused as --out too; a new record is only its owner\'s (0600)', () => {
      const dir = mkdtempSync(join(tmp, 'report-stdin-'));
      writeFileSync(join(dir, 'p.json'), patient);
      const sh = spawnSync('bash', ['-c', `node bin/screen.js - --trial IM101-611 --format md --out ${dir}/p.json < ${dir}/p.json; echo "exit=$?"; node bin/screen.js ${dir}/p.json --trial IM101-611 --format md --out ${dir}/new.md; echo "exit=$?"`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(sh.stdout).toMatch(/exit=2\nexit=0/);
      expect(sh.stderr).toMatch(/--out .*p\.json is the same file as the patient file on standard input/);
      expect(readFileSync(join(dir, 'p.json'), 'utf8')).toBe(patient);
      expect(statSync(join(dir, 'new.md')).mode & 0o777).toBe(0o600);
    });
    // (Not /dev/full: the code before replaced the device itself when run as root.)
    test('a write that fails (a file size limit): exit 74, the file that was there left as it was', () => {
      const dir = mkdtempSync(join(tmp, 'report-limit-'));
      writeFileSync(join(dir, 'record.md'), 'the previous record\n');
      const sh = spawnSync('bash', ['-c', `ulimit -f 4; node bin/screen.js examples/im101-611-eligible.json --trial IM101-611 --format md --out ${dir}/record.md; echo "exit=$?"`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(sh.stdout).toMatch(/exit=74/);
      expect(sh.stderr).toMatch(new RegExp(`cannot write ${dir}/record\\.md: EFBIG; ${dir}/record\\.md was left as it was`));
      expect(readFileSync(join(dir, 'record.md'), 'utf8')).toBe('the previous record\n');
      expect(readdirSync(dir)).toEqual(['record.md']);
    });
  });
  test('stdout to /dev/full and a pipe closed by head are not success (exit 74)', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `P${i},100,U/L,200`).join('\n');
    const input = file('many.csv', `id,labs.ck.value,labs.ck.unit,labs.ck.uln\n${rows}\n`);
    const sh = (cmd: string) => spawnSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8' });
    const full = sh(`node bin/screen.js examples/im101-611-eligible.json --trial IM101-611 > /dev/full; echo "exit=$?"`);
    expect(full.stdout).toMatch(/exit=74/);
    expect(full.stderr).toMatch(/cannot write standard output/);
    const head = sh(`node bin/screen.js batch ${input} --trial IM101-611 | head -c 100 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`);
    expect(head.stdout).toMatch(/exit=74/);
  });
});

describe('a batch --out file is whole or not there', () => {
  const head = 'id,labs.ck.value,labs.ck.unit,labs.ck.uln';
  const ok = `${head}\nA,100,U/L,200\nB,300,U/L,200\n`;
  const many = Array.from({ length: 20_000 }, (_, i) => `P${i},100,U/L,200`).join('\n');
  // The text is checked a read (256 KB) at a time: the 250-odd rows of the first read (ids of
  // 1,000 characters) are screened and written to the temporary file (about 270 KB, in writes of
  // 64 KB) before the read that holds the line after them stops the run (exit 2).
  const longId = 'x'.repeat(1000);
  const stops = Buffer.from(`${head}\n${Array.from({ length: 300 }, (_, i) => `P${i}${longId},100,U/L,200`).join('\n')}\nB,1\u00000,U/L,200\n`);
  const fresh = () => mkdtempSync(join(tmp, 'out-'));
  test('a run stopped by an input error mid-file leaves the file that was there, and makes none where there was none', async () => {
    const dir = fresh();
    const input = file('stops.csv', stops);
    const kept = join(dir, 'kept.csv');
    writeFileSync(kept, 'the previous run\n');
    const r = await runInProcess(['batch', input, '--trial', 'IM101-611', '--out', kept]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stops\.csv:302: contains a NUL byte/);
    expect(readFileSync(kept, 'utf8')).toBe('the previous run\n');
    // (The premise: rows were written before the run stopped, as standard output shows.)
    expect((await runInProcess(['batch', input, '--trial', 'IM101-611'])).stdout.length).toBeGreaterThan(200 * 1024);
    const none = join(dir, 'none.csv');
    expect((await runInProcess(['batch', input, '--trial', 'IM101-611', '--out', none])).code).toBe(2);
    // No output file, and no temporary one left beside it.
    expect(readdirSync(dir)).toEqual(['kept.csv']);
  });
  test('a finished run replaces the file, keeping its permissions and any link to it, with the rows standard output gets', async () => {
    const dir = fresh();
    const input = file('ok.csv', ok);
    const target = join(dir, 'out.csv');
    writeFileSync(target, 'the previous run\n');
    // (Group-writable: a mode the umask of 022 would change if it were not set back.)
    chmodSync(target, 0o664);
    symlinkSync(target, join(dir, 'link.csv'));
    const count = () => ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((e) => process.listenerCount(e)).join(',');
    const listeners = count();
    const r = await runInProcess(['batch', input, '--trial', 'IM101-611', '--out', join(dir, 'link.csv')]);
    expect(r.code).toBe(0);
    // Nothing is left listening for signals after the run.
    expect(count()).toBe(listeners);
    const stdout = (await runInProcess(['batch', input, '--trial', 'IM101-611'])).stdout;
    expect(readFileSync(target, 'utf8')).toBe(stdout);
    expect(stdout.split('\n')).toHaveLength(4);
    expect(statSync(target).mode & 0o777).toBe(0o664);
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['link.csv', 'out.csv']);
  });
  test('a file with another hard link is written in place, so both names get the rows', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'a.csv'), 'the previous run\n');
    linkSync(join(dir, 'a.csv'), join(dir, 'b.csv'));
    expect((await runInProcess(['batch', file('hard.csv', ok), '--trial', 'IM101-611', '--out', join(dir, 'a.csv')])).code).toBe(0);
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(readFileSync(join(dir, 'a.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toMatch(/^row,patientId/);
  });
  test('rows with errors are a finished run: the file is written (exit 4)', async () => {
    const dir = fresh();
    const r = await runInProcess(['batch', file('rowerr.csv', `${head}\nA,100,U/L,200\nB,lots,U/L,200\n`), '--trial', 'IM101-611', '--out', join(dir, 'out.csv')]);
    expect(r.code).toBe(4);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });
  test('a write that fails part-way (a file size limit) exits 74 and leaves the file that was there', () => {
    const dir = fresh();
    const input = join(dir, 'in.csv');
    writeFileSync(input, `${head}\n${many}\n`);
    writeFileSync(join(dir, 'out.csv'), 'the previous run\n');
    // 20,000 rows make about 20 MB of output; the limit is 200 KB.
    const sh = spawnSync('bash', ['-c', `ulimit -f 200; node bin/screen.js batch ${input} --trial IM101-611 --out ${dir}/out.csv; echo "exit=$?"`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(sh.stdout).toMatch(/exit=74/);
    expect(sh.stderr).toMatch(new RegExp(`cannot write ${dir}/out\\.csv: EFBIG; ${dir}/out\\.csv was left as it was`));
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('the previous run\n');
    expect(readdirSync(dir).sort()).toEqual(['in.csv', 'out.csv']);
  });
  test('a named pipe is written in place, as before', () => {
    const dir = fresh();
    const input = file('pipe.csv', ok);
    const sh = spawnSync('bash', ['-c', `mkfifo ${dir}/p; cat ${dir}/p > ${dir}/got & node bin/screen.js batch ${input} --trial IM101-611 --out ${dir}/p; echo "exit=$?"; wait`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(sh.stdout).toMatch(/exit=0/);
    expect(readFileSync(join(dir, 'got'), 'utf8').split('\n')).toHaveLength(4);
  });
  test.each(['js', 'duckdb'])('Ctrl-C mid-run (--engine %s): no output file and no temporary file left; the process ends by the signal, at once', async (engine) => {
    const dir = fresh();
    const rows = Array.from({ length: 60_000 }, (_, i) => `P${i},${100 + (i % 900)},U/L,200`).join('\n');
    const input = join(dir, 'in.csv');
    writeFileSync(input, `${head}\n${rows}\n`);
    const child = spawn(process.execPath, [`${ROOT}bin/screen.js`, 'batch', input, '--trial', 'IM101-611', '--engine', engine, '--out', join(dir, 'out.csv')], { stdio: 'ignore' });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
    // Interrupted once its temporary output file is there (rows are being written).
    for (let i = 0; i < 1200 && !readdirSync(dir).some((f) => f.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(dir).some((f) => /^\.out\.csv\.[0-9a-f]{12}\.tmp$/.test(f))).toBe(true);
    const sent = Date.now();
    child.kill('SIGINT');
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    // (The rows' loop lets the signal in: with a handler, a loop that never turned kept it waiting for seconds.)
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(readdirSync(dir)).toEqual(['in.csv']);
  }, 60_000);
});

describe('16, 17: reports state only what the data supports', () => {
  const noRandomization = () => {
    const p = clone(eligible);
    delete p.referenceDates.randomization;
    return file('norand.json', json(p));
  };
  test.each(['IM101-611', 'NCT04946669', 'NCT02347891'].flatMap((t) => ['text', 'json', 'html', 'md'].map((f) => [t, f])))('%s %s: no "undefined" without a randomization date', async (t, f) => {
    const r = await runInProcess([noRandomization(), '--trial', t, '--format', f, '--full', '--generated-at', '2026-11-16T00:00:00Z']);
    expect(r.stdout).not.toMatch(/undefined/);
    if (f === 'text' && t === 'IM101-611') expect(r.stdout).toMatch(/no randomization date given/);
  });
  test('a collapsed line carries the mark of what it hides', () => {
    const leaf = (outcome: Trace['outcome']): Trace => ({ kind: 'known', outcome, facts: [{ field: 'x', label: 'x', value: 1 }], missing: [] });
    const any: Trace = { kind: 'any', outcome: 'met', facts: [], missing: [], children: [leaf('met'), leaf('not_met'), leaf('unknown')] };
    const collapsed = traceLines(any).filter((l) => l.text.startsWith('(+'));
    expect(collapsed.map((l) => [l.outcome, l.text])).toEqual([
      ['not_met', '(+1 more not met, which does not change this result)'],
      ['unknown', '(+1 more unknown, which does not change this result)'],
    ]);
  });
});

describe('lint sees across files', () => {
  test('duplicate trial ids among linted files', () => {
    const text = readFileSync(`${ROOT}criteria/IM101-611.yaml`, 'utf8');
    const r = lintCriteria({ dictionary: { file: 'fields.yaml', text: readFileSync(`${ROOT}criteria/fields.yaml`, 'utf8') }, trials: [{ file: 'a.yaml', text }, { file: 'b.yaml', text }] });
    expect(r.findings.filter((f) => f.rule === 'duplicate-trial-id')).toHaveLength(1);
  });
});

test.each([
  [['--as-of', '2026-11-16', '--as-of', '2026-11-17'], /--as-of is given twice/],
])('smaller items: %j', async (flags, message) => {
  const r = await runInProcess(['examples/im101-611-eligible.json', '--trial', 'IM101-611', ...flags]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('FORCE_COLOR=0 means no colour', async () => {
  const r = await runInProcess(['examples/im101-611-eligible.json', '--trial', 'IM101-611'], { env: { FORCE_COLOR: '0' } });
  expect(r.stdout).not.toMatch(/\x1b\[/);
});

test('cleanup', () => {
  rmSync(tmp, { recursive: true, force: true });
});
