// End-to-end runs of `screen --interactive` through bin/screen.js: on a real pseudo-terminal
// (util-linux `script`) with keystrokes sent as a person would, and without a terminal.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { parsePatientText } from '../../src/patient/parse.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/screen.js');
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const ENTER = '\r';
const CTRL_C = '\x03';

function patientDir(edit: (p: Record<string, any>) => void, example = 'im101-611-eligible.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'screen-pty-'));
  const p = JSON.parse(readFileSync(join(ROOT, 'examples', example), 'utf8'));
  delete p.$schema;
  edit(p);
  writeFileSync(join(dir, 'p.json'), JSON.stringify(p));
  return dir;
}

/** Runs the CLI on a pseudo-terminal; `steps` wait for a prompt text, then type keys. */
async function onTerminal(dir: string, args: string, steps: [RegExp, string[]][]): Promise<{ code: number | null; out: string }> {
  const child = spawn('script', ['-qfec', `node ${BIN} ${args}`, '/dev/null'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const timer = setInterval(() => {
        if (re.test(out)) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - t0 > 10_000) {
          clearInterval(timer);
          reject(new Error(`no ${re} on the terminal:\n${out}`));
        }
      }, 20);
    });
  for (const [re, keys] of steps) {
    await waitFor(re);
    for (const k of keys) {
      child.stdin.write(k);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const code = await exited;
  child.stdin.end();
  return { code, out };
}

const dict = openCriteriaDir().dictionary;
const savedFile = (dir: string) => {
  const text = readFileSync(join(dir, 'out.json'), 'utf8');
  parsePatientText(text, 'out.json', dict);
  return JSON.parse(text);
};

test('on a terminal: asks the one missing field, saves it, prints the file-mode report', async () => {
  const dir = patientDir((p) => delete p.history.cardiacInvolvement);
  // (Yes/no questions start on "Unknown / skip": one up is No.)
  const { code, out } = await onTerminal(dir, '--trial IM101-611 --interactive p.json --save out.json', [[/Does the myositis involve the heart\?/, [UP, ENTER]]]);
  expect(out).toContain('✔ Does the myositis involve the heart? No');
  expect(out).toContain('1 question asked; saved to out.json.');
  expect(out).toContain('Verdict: ELIGIBLE (every criterion passes)');
  expect(code).toBe(0);
  expect(savedFile(dir).history.cardiacInvolvement).toBe(false);
});

test('on a terminal: Ctrl-C leaves a valid file with the answers given, exit 130', async () => {
  const dir = patientDir((p) => {
    delete p.history.cardiacInvolvement;
    delete p.infection.tbRisk;
  });
  const { code, out } = await onTerminal(dir, '--trial IM101-611 --interactive p.json --save out.json', [
    // A stray Enter on a yes/no question records unknown, never a yes that would decide.
    [/Does the myositis involve the heart\?/, [ENTER]],
    [/at risk for tuberculosis/, [CTRL_C]],
  ]);
  // The resume command is printed as the tool was started (here: node <path to bin/screen.js>).
  expect(out).toContain(`every answer given so far is saved in out.json. Resume with: node ${BIN} --trial IM101-611 --interactive out.json --save out.json`);
  expect(code).toBe(130);
  const file = savedFile(dir);
  expect(file.history.cardiacInvolvement).toBeNull();
  expect(file.infection.tbRisk).toBeUndefined();
  expect(readdirSync(dir).sort()).toEqual(['out.json', 'p.json']);
});

test('without a terminal: one line suggesting file mode, exit 2, nothing written', () => {
  const dir = patientDir(() => {});
  const r = spawnSync(process.execPath, [BIN, '--trial', 'IM101-611', '--interactive', 'p.json'], { cwd: dir, input: '', encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`screen: --interactive needs a terminal, but standard input is not one; to screen a patient file instead run: node ${BIN} <patient.json> --trial IM101-611\n`);
  expect(readdirSync(dir)).toEqual(['p.json']);
});

test('on a terminal: a medication list interrupted half-way stays unconfirmed, so I6 and the medication exclusions stay unknown until it is confirmed', async () => {
  const dir = patientDir((p) => delete p.medications);
  const first = await onTerminal(dir, '--trial IM101-611 --interactive p.json --save out.json', [
    [/Record every corticosteroid/, [ENTER]], // Add a record
    [/Medications #1: Drug\?/, [DOWN, ENTER]], // from "Unknown / skip" (last) round to Prednisone (first)
    [/Prednisone: Start date\?/, ['2025-01-10', ENTER]],
    [/Prednisone: is it still being taken\?/, [DOWN, ENTER]], // Still taking
    [/Dose 1: date this dose started/, ['2025-01-10', ENTER]],
    [/Dose 1: amount/, ['10', ENTER]],
    [/Dose 1: unit/, [DOWN, ENTER]], // mg/day, the first of the dictionary's units
    [/Did the dose of Prednisone change/, [DOWN, ENTER]],
    [/Another medications record to add\?/, [CTRL_C]],
  ]);
  expect(first.code).toBe(130);
  expect(first.out).toContain('✔ Dose 1: unit mg/day');
  const saved = savedFile(dir);
  expect(saved.medications).toEqual([{ drug: 'prednisone', start: '2025-01-10', ongoing: true, doses: [{ date: '2025-01-10', dose: 10, unit: 'mg/day' }] }]);
  expect(saved.completeness).toEqual({ medications: { complete: false } });

  // File mode on the interrupted file: prednisone alone would pass I6, but the list is not confirmed.
  const report = await runCli(['out.json', '--trial', 'IM101-611', '--format', 'json'], { cwd: dir });
  expect(report.code).toBe(3);
  const json = JSON.parse(report.stdout);
  const outcome = (id: string) => json.criteria.find((c: { id: string }) => c.id === id).outcome;
  for (const id of ['I6', 'E2', 'E3', 'E4']) expect(outcome(id), id).toBe('unknown');
  expect(json.missing.find((m: { field: string }) => m.field === 'completeness.medications').label).toBe('confirmation that the medications list is complete');

  // Resuming asks to confirm the list first; once confirmed, the same criteria are decided.
  const second = await onTerminal(dir, '--trial IM101-611 --interactive out.json --save out.json', [
    // (The question starts on "Not sure yet": confirming takes a choice, not a stray Enter.)
    [/Is this every corticosteroid, immunosuppressant, biologic/, [UP, UP, ENTER]],
  ]);
  expect(second.out).toContain('Medications entered: Prednisone.');
  expect(second.out).toContain('Verdict: ELIGIBLE');
  expect(second.code).toBe(0);
  expect(savedFile(dir).completeness.medications.complete).toBe(true);
});

// A nurse's run-through: a stopped course's response is a value to collect. Methotrexate was stopped
// after 5.5 months with prednisone and the IMACS measures improved (no treatment failure), so why it
// was stopped decides I3: intolerance makes the patient refractory, a response does not.
test('on a terminal (NCT04946669): a stopped immunosuppressant without its response is asked why it was stopped, and the answer decides I3', async () => {
  const responderStoppedMethotrexate = (p: Record<string, any>) => {
    delete p.medications[1].outcome;
    const measures = (pga: number, mmt8: number, ck: number, date: string) => ({
      pga, sga: pga, mmt8: { score: mmt8, max: 150 }, haqDi: 1, enzyme: { value: ck, unit: 'U/L', uln: 200, date }, extramuscularGlobal: pga,
    });
    p.imacs = { baseline: measures(6, 110, 900, '2025-06-01'), followUp: measures(3, 130, 300, '2026-11-10') };
  };
  const question = /Methotrexate:\s+How\s+did\s+the\s+patient\s+respond\s+to\s+this\s+drug\s+\(for\s+a\s+drug\s+stopped:\s+was\s+it\s+stopped\s+for\s+intolerance\)\?/;
  const args = '--trial NCT04946669 --interactive p.json --save out.json';

  const dir = patientDir(responderStoppedMethotrexate, 'nct04946669-intolerance.json');
  const before = await runCli(['p.json', '--trial', 'NCT04946669', '--brief'], { cwd: dir });
  expect(before.stdout).toContain('Verdict: UNDETERMINED (unknown: I3)');
  // (The choices start on "Unknown / skip", the last: three up is Intolerance, two up Responded.)
  const intolerance = await onTerminal(dir, args, [[question, [UP, UP, UP, ENTER]]]);
  // (The answer goes on the next line: the question fills the terminal's 80 columns.)
  expect(intolerance.out).toMatch(/✔ Methotrexate:\s+How\s+did\s+the\s+patient\s+respond\s+to\s+this\s+drug\s+\(for\s+a\s+drug\s+stopped:\s+was\s+it\s+stopped\s+for\s+intolerance\)\?\s+Intolerance \(side effects\)/);
  expect(intolerance.out).toContain('1 question asked; saved to out.json.');
  expect(intolerance.out).toContain('Verdict: ELIGIBLE (every criterion passes)');
  expect(intolerance.code).toBe(0);
  expect(savedFile(dir).medications[1].outcome).toBe('intolerance');

  const other = patientDir(responderStoppedMethotrexate, 'nct04946669-intolerance.json');
  const responded = await onTerminal(other, args, [[question, [UP, UP, ENTER]]]);
  expect(responded.out).toMatch(/stopped\s+for\s+intolerance\)\?\s+Responded/);
  expect(responded.out).toContain('Verdict: INELIGIBLE (fails I3)');
  expect(responded.code).toBe(1);
  expect(savedFile(other).medications[1].outcome).toBe('response');
});

// A nurse's run-through: the questions that can make the months of skin disease moot (Bohan and
// Peter) are asked between two Diagnosis questions, and "— Diagnosis —" was printed again as if new.
test('on a terminal (NCT04946669): a section re-entered after questions asked out of chart order is headed "continued"', async () => {
  const dir = patientDir((p) => {
    delete p.diagnosis;
    delete p.bohanPeter;
  }, 'nct04946669-not-refractory.json');
  // Enter on every question: unknown (yes/no questions start on "Unknown / skip").
  const { code, out } = await onTerminal(dir, '--trial NCT04946669 --interactive p.json --save out.json', [
    [/Which\s+myositis\s+diagnosis/, [ENTER]],
    [/\(treatment\s+intolerance\)\?/, [ENTER]],
    ...[/item 1:/, /item 2:/, /item 3:/, /item 4:/, /item 5:/, /been\s+excluded\?/, /how\s+many\s+months/, /confirmed\s+by\s+a\s+skin\s+biopsy\?/].map((re): [RegExp, string[]] => [re, [ENTER]]),
  ]);
  expect([...out.matchAll(/— ([^—\r\n]+) —/g)].map((m) => m[1])).toEqual(['Diagnosis', 'Bohan and Peter items', 'Diagnosis (continued)']);
  expect(out).toContain('10 questions asked; saved to out.json.');
  expect(code).toBe(3);
});

// A nurse's run-through: "Not sure yet" on the medication list's confirmation was asked a second
// time straight after (the main loop found the list still unconfirmed, as it was told to leave it).
test('on a terminal: "Not sure yet" on the medication list\'s confirmation is asked once a session', async () => {
  const dir = patientDir((p) => delete p.medications);
  const { code, out } = await onTerminal(dir, '--trial IM101-611 --interactive p.json --save out.json', [
    [/Record every corticosteroid/, [ENTER]], // Add a record
    [/Medications #1: Drug\?/, [DOWN, ENTER]], // Prednisone
    [/Prednisone: Start date\?/, ['2025-01-10', ENTER]],
    [/Prednisone: is it still being taken\?/, [DOWN, ENTER]], // Still taking
    [/Dose 1: date this dose started/, ['2025-01-10', ENTER]],
    [/Dose 1: amount/, ['10', ENTER]],
    [/Dose 1: unit/, [DOWN, ENTER]], // mg/day
    [/Did the dose of Prednisone change/, [DOWN, ENTER]], // No
    [/Another medications record to add\?/, [DOWN, ENTER]], // No more
    [/Is this every corticosteroid, immunosuppressant, biologic/, [ENTER]], // Not sure yet
    [/circulating B cells/, [ENTER]], // (rituximab may be missing from an unconfirmed list) unknown
  ]);
  expect(out.match(/Medications entered: Prednisone\./g)).toHaveLength(1);
  expect(out.match(/✔ Is this every corticosteroid/g)).toHaveLength(1);
  expect(out).toContain('11 questions asked; saved to out.json.');
  expect(code).toBe(3);
  expect(savedFile(dir).completeness).toEqual({ medications: { complete: false } });
});
