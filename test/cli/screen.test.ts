// End-to-end: every example through the real CLI, report shapes, and error handling.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../helpers/screening.js';
import { runBin, runInProcess } from './run-cli.js';

const IM_EXAMPLES: [string, string, number][] = [
  ['im101-611-eligible', 'eligible', 0],
  ['im101-611-boundary', 'eligible', 0],
  ['im101-611-ineligible-weakness', 'ineligible', 1],
  ['im101-611-ineligible-background', 'ineligible', 1],
  ['im101-611-excluded-rituximab', 'ineligible', 1],
  ['im101-611-excluded-tif1', 'ineligible', 1],
  ['im101-611-excluded-malignancy', 'ineligible', 1],
  ['im101-611-needs-adjudication', 'undetermined', 3],
  ['im101-611-undetermined-missing', 'undetermined', 3],
  ['im101-611-mmt8-other-scale', 'undetermined', 3],
  ['im101-611-age-stated', 'eligible', 0],
  ['im101-611-dose-unchanged-since', 'eligible', 0],
  ['im101-611-no-recent-procedure', 'undetermined', 3],
  ['im101-611-treated-breast-cancer', 'eligible', 0],
];

test('every IM101-611 example is in the table', () => {
  const files = readdirSync(`${ROOT}examples`).filter((f) => f.startsWith('im101-611-')).map((f) => f.replace(/\.json$/, ''));
  expect(files.sort()).toEqual(IM_EXAMPLES.map((e) => e[0]).sort());
});

test('a patient known by a stated age: every record names the age it was decided on, never "not recorded"', async () => {
  for (const format of ['text', 'md', 'html']) {
    const r = await runInProcess(['examples/im101-611-age-stated.json', '--trial', 'IM101-611', '--format', format]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('age 54 or 55 on 2026-11-16 (stated as 54 on 2026-10-01; no date of birth), needs ≥ 18');
    expect(r.stdout).not.toMatch(/age: not recorded/);
  }
});

// One example per exit code also through the real bin (its bundle, the compiled criteria, the
// process's exit code), which must give the same bytes; the generation time fixed so that it can.
const THROUGH_BIN = new Set(['im101-611-eligible', 'im101-611-ineligible-weakness', 'im101-611-needs-adjudication']);

describe('examples', () => {
  test.each(IM_EXAMPLES)('%s -> %s (exit %i)', async (name, verdict, code) => {
    const args = [`examples/${name}.json`, '--trial', 'IM101-611', '--format', 'json'];
    const env = { SOURCE_DATE_EPOCH: '1795000000' };
    const r = await runInProcess(args, { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout).verdict).toBe(verdict);
    if (THROUGH_BIN.has(name)) expect(runBin(args, { env })).toEqual(r);
  });
});

describe('text report', () => {
  test('explains values and thresholds, lists data to collect and review items', async () => {
    const r = await runInProcess(['examples/im101-611-needs-adjudication.json', '-t', 'IM101-611', '--explain']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Verdict: UNDETERMINED (needs review: I4)');
    expect(r.stdout).toContain('CK 600 U/L = 3 × ULN 200 U/L (2026-11-16); rule: > 5 × ULN (> 1000 U/L)');
    expect(r.stdout).toContain('adjudication committee review: Has the adjudication committee determined');
    expect(r.stdout).toContain('I4, the adjudication committee decides: Has the adjudication committee determined');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('add it to the patient file under reviews, IM101-611, I4-adjudication (in a CSV, the columns reviews.IM101-611.I4-adjudication.decision, .by and .date).');
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });
  test('missing data is listed with the criteria that need it', async () => {
    const r = await runInProcess(['examples/im101-611-undetermined-missing.json', '-t', 'IM101-611', '--brief']);
    expect(r.stdout).toContain(
      'Collect these values (then screen again):\n  - randomization date [visit schedule (or --as-of, --consent, --randomization)] — for I6: On what\n    date is randomization planned?\n  - At risk for tuberculosis [Infections] — for E9:',
    );
  });
  test('colour only when asked or on a terminal, and never with NO_COLOR', async () => {
    const forced = await runInProcess(['examples/im101-611-eligible.json', '-t', 'IM101-611', '--color']);
    expect(forced.stdout).toMatch(/\u001b\[/);
    const env = await runInProcess(['examples/im101-611-eligible.json', '-t', 'IM101-611'], { env: { FORCE_COLOR: '1' } });
    expect(env.stdout).toMatch(/\u001b\[/);
    const none = await runInProcess(['examples/im101-611-eligible.json', '-t', 'IM101-611'], { env: { NO_COLOR: '1' } });
    expect(none.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('JSON report', () => {
  test('has the documented, versioned shape', async () => {
    const r = await runInProcess(['examples/im101-611-undetermined-missing.json', '-t', 'IM101-611', '-f', 'json']);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'tool', 'generatedAt', 'input', 'trial', 'patientId', 'referenceDates', 'referenceDateSources', 'verdict', 'counts', 'criteria', 'missing', 'review']);
    expect(j.schemaVersion).toBe(3);
    expect(j.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(j.input).toEqual({ name: 'examples/im101-611-undetermined-missing.json', sha256: createHash('sha256').update(readFileSync(`${ROOT}examples/im101-611-undetermined-missing.json`)).digest('hex') });
    expect(j.counts).toEqual({ passes: 15, fails: 0, open: 4, outcomes: { met: 6, not_met: 9, unknown: 4, needs_review: 0, failing: 0 } });
    expect(j.tool.name).toBe('trial-screen');
    expect(j.trial).toMatchObject({ id: 'IM101-611', nct: 'NCT02971683', completeness: 'complete' });
    expect(j.trial.sha256).toMatch(/^[0-9a-f]{64}$/);
    const e9 = j.criteria.find((c: any) => c.id === 'E9');
    expect(e9).toMatchObject({ kind: 'exclusion', outcome: 'unknown', effect: 'open', missing: [{ field: 'infection.tbRisk' }] });
    expect(e9.explanation).toBe('unknown: At risk for tuberculosis: not recorded; rule: yes');
    const i3 = j.criteria.find((c: any) => c.id === 'I3');
    expect(i3.facts).toContainEqual({ field: 'assessments.mmt8', label: 'MMT-8 total', value: 118, unit: '/150' });
    expect(i3.reason.facts[0]).toMatchObject({ kind: 'compare', field: 'assessments.mmt8', value: 118, unit: '/150', threshold: { op: '<=', value: 135 }, sense: 'needs' });
    expect(e9.reason).toMatchObject({ effect: 'open', facts: [], missing: [{ field: 'infection.tbRisk', label: 'At risk for tuberculosis' }] });
  });
  test('reference dates from flags override the file and are attributed', async () => {
    const r = await runInProcess(['examples/im101-611-undetermined-missing.json', '-t', 'IM101-611', '-f', 'json', '--randomization', '2026-12-01']);
    const j = JSON.parse(r.stdout);
    expect(j.referenceDates).toEqual({ screening: '2026-11-16', consent: '2026-11-16', randomization: '2026-12-01' });
    expect(j.referenceDateSources).toEqual({ screening: 'patient file', consent: 'patient file', randomization: 'command line' });
    expect(j.criteria.find((c: any) => c.id === 'I6').outcome).toBe('met');
  });
  test('an earlier randomization date changes the windows', async () => {
    // Methotrexate in the boundary example started exactly 12 weeks before 2026-12-01.
    const r = await runInProcess(['examples/im101-611-boundary.json', '-t', 'IM101-611', '-f', 'json', '--randomization', '2026-11-30']);
    expect(JSON.parse(r.stdout).criteria.find((c: any) => c.id === 'I6').outcome).toBe('not_met');
    expect(r.code).toBe(1);
  });
  test('reads the patient from stdin', async () => {
    const text = readFileSync(`${ROOT}examples/im101-611-eligible.json`, 'utf8');
    const r = runBin(['-', '--trial', 'im101-611', '-f', 'json'], { stdin: text });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).patientId).toBe('IM-001');
  });
});

describe('usage and input errors: one line, exit 2, no stack, no verdict', () => {
  test.each([
    [['examples/im101-611-eligible.json'], 'screen: missing --trial <id> (list them with: screen trials)'],
    [[], 'screen: missing patient file: screen <patient.json|-> --trial <id> (see screen --help)'],
    [['examples/im101-611-eligible.json', '-t', 'IM101'], 'screen: unknown trial "IM101" (did you mean "IM101-611"?); available:'],
    [['examples/im101-611-eligible.json', '-t', '../../etc/passwd'], 'screen: unknown trial "../../etc/passwd"'],
    [['nope.json', '-t', 'IM101-611'], 'screen: nope.json: no such file'],
    [['examples', '-t', 'IM101-611'], 'screen: examples: is a directory, not a patient file'],
    [['examples/im101-611-eligible.json', '-t', 'IM101-611', '--as-of', '2026-02-30'], 'screen: --as-of needs a real date written YYYY-MM-DD, got "2026-02-30"'],
    [['examples/im101-611-eligible.json', '-t', 'IM101-611', '--format', 'xml'], "screen: error: option '-f, --format <format>' argument 'xml' is invalid."],
    [['examples/im101-611-eligible.json', '-t', 'IM101-611', '--bogus'], "screen: error: unknown option '--bogus'"],
    [['-', '-t', 'IM101-611'], 'screen: <stdin>: the file is empty: expected a patient JSON object'],
  ])('%j', async (args, message) => {
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a bad criteria directory is a one-line error', async () => {
    const r = await runInProcess(['examples/im101-611-eligible.json', '-t', 'IM101-611', '--criteria-dir', 'test']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^screen: .*fields\.yaml: cannot read: ENOENT\n$/);
  });

  test('help documents the exit codes', async () => {
    const r = await runInProcess(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0  eligible');
    expect(r.stdout).toContain('3  undetermined');
    expect(r.stdout).toContain('2  usage or input error');
  });
});

test('SUBCOMMAND_NAMES lists exactly the registered subcommands', async () => {
  const { SUBCOMMANDS, SUBCOMMAND_NAMES } = await import('../../src/cli/commands/index.js');
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: ROOT };
  expect(SUBCOMMANDS.map((f) => f(io, () => {}).name())).toEqual(SUBCOMMAND_NAMES);
});

test('a patient file named like a subcommand is still a patient file when it is not the first word', async () => {
  const r = await runInProcess(['--trial', 'IM101-611', 'examples/im101-611-eligible.json']);
  expect(r.code).toBe(0);
});

test('mistyped review keys are warned about with a suggestion (the review stays open)', async () => {
  const p = JSON.parse(readFileSync(`${ROOT}examples/im101-611-eligible.json`, 'utf8'));
  p.reviews = { 'IM101-611': { 'I5-investigatr': { decision: 'yes', by: 'PI', date: '2026-11-16' } }, 'IM101-6111': {} };
  const r = await runInProcess(['-', '-t', 'IM101-611', '--brief'], { stdin: JSON.stringify(p) });
  expect(r.stderr).toContain('warning: <stdin> $.reviews["IM101-611"]["I5-investigatr"]: not a review item of IM101-611 (did you mean "I5-investigator"?): ignored');
  expect(r.stderr).toContain('warning: <stdin> $.reviews["IM101-6111"]: no trial "IM101-6111" (did you mean "IM101-611"?): these decisions are not used');
  expect(r.code).toBe(3);
});

describe('NCT04946669: whether a biologic, immune globulin or JAK inhibitor counts is asked once, for I3 and I5', () => {
  // The eligible example with tofacitinib in place of methotrexate, on file.
  const dir = mkdtempSync(join(tmpdir(), 'screen-etc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const patient = (reviews?: Record<string, unknown>) => {
    const p = JSON.parse(readFileSync(`${ROOT}examples/nct04946669-eligible.json`, 'utf8'));
    p.medications[1] = { drug: 'tofacitinib', start: '2025-06-15', ongoing: true, outcome: 'failure', doses: [{ date: '2025-06-15', dose: 10, unit: 'mg/day' }] };
    if (reviews) p.reviews = { NCT04946669: reviews };
    const file = join(dir, `p${readdirSync(dir).length}.json`);
    writeFileSync(file, JSON.stringify(p));
    return file;
  };
  const COUNTED = 'Does the investigator count it as an immunosuppressive therapy of the record?';
  const occurrences = (text: string, s: string) => text.replace(/\s+/g, ' ').split(s).length - 1;

  test('the open review items name the question once: JSON, text and batch (JS and DuckDB)', async () => {
    const file = patient();
    const json = JSON.parse((await runInProcess([file, '-t', 'NCT04946669', '--format', 'json'])).stdout);
    expect(json.review.map((r: { id: string }) => r.id)).toEqual(['I3-rituximab-ivig', 'I3-combined-3-months', 'I5-etcetera-stable-dose', 'I6-washout']);
    expect(json.review.filter((r: { question: string }) => r.question.replace(/\s+/g, ' ').includes(COUNTED))).toHaveLength(1);
    const text = await runInProcess([file, '-t', 'NCT04946669']);
    expect(text.code).toBe(3);
    expect(occurrences(text.stdout, COUNTED)).toBe(1);
    for (const engine of ['js', 'duckdb']) {
      const batch = await runInProcess(['batch', file, '-t', 'NCT04946669', '--format', 'ndjson', '--engine', engine]);
      expect(JSON.parse(batch.stdout.trim()).review, engine).toEqual(json.review.map((r: { id: string }) => r.id));
    }
  });

  test('a recorded decision that changes no result is printed as not used, and no format says it meets I5: text --full, md, html, pdf, json', async () => {
    // Tofacitinib not counted, yet "at a stable dose" recorded: I5 fails on the first decision alone.
    const file = patient({ 'I3-rituximab-ivig': { decision: 'no', by: 'Dr A', date: '2026-11-16' }, 'I5-etcetera-stable-dose': { decision: 'yes', by: 'Dr A', date: '2026-11-16' } });
    const words = (s: string) => s.replace(/\s+/g, ' ');
    const line = 'I5 (I5-etcetera-stable-dose), not used (it does not change the result of I5): investigator: at a stable dose for more than 3 months (meets I5 only if the therapy is counted: I3-rituximab-ivig) — Dr A, 2026-11-16';
    const pdf = join(dir, 'record.pdf');
    expect((await runInProcess([file, '-t', 'NCT04946669', '--format', 'pdf', '--out', pdf])).code).toBe(1);
    const printed = {
      md: (await runInProcess([file, '-t', 'NCT04946669', '--format', 'md'])).stdout,
      html: (await runInProcess([file, '-t', 'NCT04946669', '--format', 'html'])).stdout,
      pdf: spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout,
    };
    for (const [format, out] of Object.entries(printed)) {
      expect(words(out), format).toContain('INELIGIBLE');
      expect(words(out), format).toContain(line);
      // The decision that did decide is not marked.
      expect(words(out), format).toContain('I3 (I3-rituximab-ivig): investigator: not counted');
    }
    const text = await runInProcess([file, '-t', 'NCT04946669', '--full']);
    expect(text.stdout).toContain('Verdict: INELIGIBLE (fails I3, I5)');
    expect(words(text.stdout)).toContain('investigator: at a stable dose for more than 3 months (meets I5 only if the therapy is counted: I3-rituximab-ivig) (answered "yes"');
    expect(text.stdout).not.toMatch(/I5 met\b/);
    const json = JSON.parse((await runInProcess([file, '-t', 'NCT04946669', '--format', 'json'])).stdout);
    const i5 = json.criteria.find((c: { id: string }) => c.id === 'I5');
    expect(i5.outcome).toBe('not_met');
    expect(i5.review.find((r: { id: string }) => r.id === 'I5-etcetera-stable-dose').yesMeans).toBe('at a stable dose for more than 3 months (meets I5 only if the therapy is counted: I3-rituximab-ivig)');
  });

  test('a decision recorded under the retired I5-rituximab-ivig is named as retired, with what to record instead, never matched to another id', async () => {
    const file = patient({ 'I5-rituximab-ivig': { decision: 'no', by: 'Dr A', date: '2026-11-16' } });
    const r = await runInProcess([file, '-t', 'NCT04946669', '--format', 'json']);
    expect(r.stderr).toContain(`warning: ${file} $.reviews.NCT04946669["I5-rituximab-ivig"]: a retired review item of NCT04946669, not used:`);
    expect(r.stderr).toContain('Ask the investigator again and record the decisions under "I3-rituximab-ivig" and "I5-etcetera-stable-dose".');
    // The version that retired it (not the last that asked it), which does not change when criteriaVersion is bumped.
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('A decision recorded under it before criteria version 2026-12-02.2 answered two questions at once');
    expect(r.stderr).not.toContain('did you mean');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).review.map((x: { id: string }) => x.id)).toContain('I5-etcetera-stable-dose');
  });
});

// A near miss of a retired review id (case, a letter) gets the retirement message, never a live id
// whose question the old answer would be read as answering; a near miss of a live id keeps its "did you mean".
test.each([
  ['i5-rituximab-ivig', 'retired'],
  ['I5-rituximab-IVIG', 'retired'],
  ['I5-rituximab-ivg', 'retired'],
  // as close to the retired id as to I3-rituximab-ivig: the retired one wins
  ['I4-rituximab-ivig', 'retired'],
  ['I3-rituximab-ivg', 'I3-rituximab-ivig'],
  ['I5-etcetera-stable-dos', 'I5-etcetera-stable-dose'],
])('NCT04946669: a decision recorded under "%s" is warned about as near %s', async (id, near) => {
  const p = JSON.parse(readFileSync(`${ROOT}examples/nct04946669-eligible.json`, 'utf8'));
  p.reviews = { NCT04946669: { [id]: { decision: 'yes', by: 'Dr A', date: '2026-11-16' } } };
  const r = await runInProcess(['-', '-t', 'NCT04946669', '--brief'], { stdin: JSON.stringify(p) });
  const warning = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  expect(warning).toHaveLength(1);
  const at = `$.reviews.NCT04946669["${id}"]: not a review item of NCT04946669`;
  expect(warning[0]).toContain(near === 'retired' ? `${at} (did you mean the retired "I5-rituximab-ivig"?), not used: ` : `${at} (did you mean "${near}"?): ignored`);
  if (near === 'retired') expect(warning[0]).toMatch(/Ask the investigator again and record the decisions under "I3-rituximab-ivig" and "I5-etcetera-stable-dose"\.$/);
});

test('dates after the screening date given with --as-of are warned about', async () => {
  const r = await runInProcess(['examples/im101-611-eligible.json', '-t', 'IM101-611', '--as-of', '2023-01-01', '--brief']);
  expect(r.stderr).toContain('warning: examples/im101-611-eligible.json $.diagnosis.date: 2023-05-02 is after the screening date 2023-01-01');
});

describe('options given before a subcommand name', () => {
  test('belong to the subcommand when it has them', async () => {
    const r = await runInProcess(['--format', 'json', 'trials']);
    expect(JSON.parse(r.stdout).map((t: { id: string }) => t.id)).toContain('IM101-611');
    const show = await runInProcess(['--criteria-dir', 'criteria', 'show', 'IM101-611']);
    expect(show.code).toBe(0);
    const missing = await runInProcess(['--criteria-dir', 'no-such-dir', 'show', 'IM101-611']);
    expect(missing.code).toBe(2);
  });
  test('must fit the subcommand\'s choices', async () => {
    const r = await runInProcess(['--format', 'html', 'trials']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('screen: --format for "trials" must be one of text, json, got "html"\n');
  });
});

test('several trials in a printable report: one record per trial', async () => {
  const r = await runInProcess(['examples/im101-611-eligible.json', '--all', '-f', 'md', '--generated-at', '2026-11-25']);
  expect(r.code).toBe(0);
  for (const id of ['IM101-611', 'NCT04946669', 'NCT02347891']) expect(r.stdout).toContain(id);
  expect(r.stdout).not.toContain('═══');
});
