// The default text report is a checklist at the chart: short, one line per criterion with the
// deciding facts, marks that show the effect on eligibility, and lines that fit 100 columns.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ROOT, runInProcess } from './run-cli-env.js';

const screen = (file: string, extra: string[] = []) => runInProcess([`examples/${file}.json`, '--trial', file.startsWith('im101') ? 'IM101-611' : file.startsWith('nct02347891') ? 'NCT02347891' : 'NCT04946669', ...extra]);

describe('default text report', () => {
  test('the eligible IM101-611 example fits in 40 lines', async () => {
    const r = await screen('im101-611-eligible');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Verdict: ELIGIBLE (every criterion passes)');
    expect(r.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
  });

  test('the ineligible-weakness example shows the MMT-8 value and the threshold on I3', async () => {
    const r = await screen('im101-611-ineligible-weakness');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const i3 = lines.findIndex((l) => l.startsWith('✘ I3 '));
    expect(lines[i3]).toContain('FAILS');
    expect(`${lines[i3]} ${lines[i3 + 1]}`).toContain('MMT-8 total 140/150, needs ≤ 135');
  });

  test.each(['im101-611-eligible', 'im101-611-ineligible-weakness', 'im101-611-excluded-rituximab', 'im101-611-undetermined-missing', 'im101-611-needs-adjudication', 'nct04946669-eligible', 'nct04946669-undetermined-missing', 'nct02347891-open-protocol-review'])(
    '%s: no ✘ under a passing criterion, no line over 100 columns but the trial title',
    async (file) => {
      const r = await screen(file);
      const lines = r.stdout.trimEnd().split('\n');
      let passing = false;
      for (const line of lines) {
        if (/^[✔✘?⚑] /.test(line)) passing = line.startsWith('✔');
        else if (passing && line.startsWith('    ')) expect(line).not.toContain('✘');
      }
      for (const line of lines.slice(2)) expect([...line].length, line).toBeLessThanOrEqual(100);
    },
  );

  test('open items say what to collect by label and where, and how to record a decision in words', async () => {
    const missing = await screen('im101-611-undetermined-missing');
    expect(missing.stdout).toContain('What to do next');
    expect(missing.stdout).toMatch(/At risk for tuberculosis \[Infections\] — for E9: Is the patient at risk/);
    expect(missing.stdout).not.toContain('infection.tbRisk');
    const review = await screen('im101-611-needs-adjudication');
    expect(review.stdout).toContain('I4, the adjudication committee decides: Has the adjudication committee');
    expect(review.stdout).not.toContain('{"decision"');
  });

  test('--explain and --full show the evidence trees', async () => {
    const explain = await screen('im101-611-eligible', ['--explain']);
    expect(explain.stdout).toContain('age 54 on the screening date 2026-11-16 (born 1972-04-10); rule: ≥ 18');
    const full = await screen('im101-611-eligible', ['--full']);
    expect(full.stdout.split('\n').length).toBeGreaterThan(explain.stdout.split('\n').length);
  });

  test('--explain words a change for the worse as worse, never as a negative improvement', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const p = JSON.parse((await import('node:fs')).readFileSync('examples/nct04946669-eligible.json', 'utf8'));
    p.imacs.followUp.sga = p.imacs.baseline.sga * 1.1;
    const file = join(mkdtempSync(join(tmpdir(), 'trial-screen-imacs-')), 'worse.json');
    writeFileSync(file, JSON.stringify(p));
    const r = await runInProcess([file, '--trial', 'NCT04946669', '--explain']);
    expect(r.stdout).toMatch(/patient global activity 7 cm → 7\.7 cm \(10% worse\)/);
    expect(r.stdout).not.toMatch(/-[\d.]+% better/);
  });

  test('--explain heads each criterion with its effect, then the outcome of its rule in brackets', async () => {
    const excluded = (await screen('im101-611-excluded-rituximab', ['--explain'])).stdout.split('\n');
    expect(excluded).toContain('✘ E3 Rituximab within 6 months, or earlier rituximab without documented B cells — FAILS (applies — excluded)');
    expect(excluded).toContain('✔ I1 Adult (18 or older) — met');
    const open = (await screen('im101-611-undetermined-missing', ['--explain'])).stdout.split('\n');
    expect(open.filter((l) => l.startsWith('? ')).every((l) => l.endsWith('— open (unknown)'))).toBe(true);
  });
});

test('--brief keeps only what fails or is open, with its facts, and counts the rest', async () => {
  const r = await screen('im101-611-ineligible-weakness', ['--brief']);
  expect(r.stdout).toContain('Inclusion criteria: 6 of 7 pass, and:\n✘ I3 Demonstrable muscle weakness (MMT-8 and 3 of 6 measures) — FAILS\n    MMT-8 total 140/150, needs ≤ 135 points\n');
  expect(r.stdout).toContain('Exclusion criteria: 12 of 12 pass\n');
});

// The clinical audit's NCT04946669 exclusion patients, screened end to end from standard input.
describe('NCT04946669 exclusions the audit disputed', () => {
  const eligible = JSON.parse(readFileSync(`${ROOT}examples/nct04946669-eligible.json`, 'utf8'));
  const screenPatient = (change: (p: any) => void, extra: string[] = []) => {
    const p = structuredClone(eligible);
    change(p);
    return runInProcess(['-', '--trial', 'NCT04946669', ...extra], {}, JSON.stringify(p));
  };

  test('AST 2.5 × ULN with CK 15 × ULN goes to the investigator, not straight to ineligible', async () => {
    const r = await screenPatient((p) => { p.labs.ast.value = 100; p.labs.ck = { value: 3000, unit: 'U/L', uln: 200, date: '2026-11-10' }; });
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe('Verdict: UNDETERMINED (needs review: E3)');
    expect(r.stdout).toContain('E3-transaminase-liver');
  });

  const overlap = (p: any) => {
    p.diagnosis.subtype = 'overlap';
    p.reviews = { NCT04946669: { 'I1-chart-diagnosis': { decision: 'yes', by: 'Dr A', date: '2026-11-16' } } };
  };
  test.each([[[]], [['--explain']], [['--brief']], [['--format', 'md']], [['--format', 'html']]])(
    'overlap myositis with "no other rheumatic disease" in the history is excluded by E1, and no line says "no" (%j)',
    async (extra) => {
      const r = await screenPatient(overlap, extra);
      expect(r.code).toBe(1);
      if (extra.length === 0) expect(r.stdout.split('\n')[0]).toBe('Verdict: INELIGIBLE (fails E1)');
      expect(r.stdout).toContain('Overlap myositis');
      expect(r.stdout).not.toMatch(/Other rheumatic immune disease: no/);
    },
  );

  // --full shows every part, the history's field as recorded: said not to change E1, and why.
  test.each([[['--full']], [['--format', 'md', '--full']]])('overlap myositis, %j: the history\'s "no" is shown as an alternative E1 does not need', async (extra) => {
    const r = await screenPatient(overlap, extra);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l.includes('Other rheumatic immune disease: no'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Other rheumatic immune disease: no; rule: yes — does not change this result: overlap myositis in the chart \(with another connective tissue disease\) is met$/);
  });

  test('--full: with the history\'s "yes" and no overlap in the chart, E1 says only what it holds', async () => {
    const r = await screenPatient((p) => { p.history.otherRheumaticDisease = true; }, ['--full']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const from = lines.findIndex((l) => l.startsWith('✘ E1 '));
    const e1 = lines.slice(from, from + 1 + lines.slice(from + 1).findIndex((l) => /^[✔✘?⚑] /.test(l)));
    expect(e1).toContain('        ✔ Other rheumatic immune disease: yes; rule: yes');
    // The overlap part, not met, is said not to change the result; nothing else is.
    expect(e1.filter((l) => l.includes('does not change this result'))).toEqual([expect.stringMatching(/^ +✘ overlap myositis in the chart .* — does not change this result: another part is met$/)]);
  });
});

// A nurse's run-through: facts read "methotrexate (intolerance, …)", "yes, with prednisone", "other
// (recorded prednisone equivalent)" and "Myositis diagnosis recorded: dm" where the criteria files
// have labels. Human-facing reports show the labels; the JSON report keeps the codes as data.
describe('drugs and choices by their labels from the criteria files', () => {
  const patient = JSON.parse(readFileSync(`${ROOT}examples/nct04946669-intolerance.json`, 'utf8'));
  patient.medications[1].drug = 'mycophenolateMofetil';
  patient.medications.push({ drug: 'other', class: 'corticosteroid', start: '2025-01-01', ongoing: true, prednisoneEquivalentMgPerDay: 5 });
  const screenIt = (extra: string[]) => runInProcess(['-', '--trial', 'NCT04946669', '--as-of', '2026-11-16', '--generated-at', '2026-11-16', ...extra], {}, JSON.stringify(patient));

  test.each([[['--explain']], [['--full']], [['--format', 'md', '--full']], [['--format', 'html', '--full']]])('%j', async (extra) => {
    const r = await screenIt(extra);
    expect(r.code).toBe(0);
    const text = r.stdout.replaceAll('&gt;', '>').replaceAll('&amp;', '&');
    expect(text).toContain('Mycophenolate mofetil (intolerance, 2025-06-15 to 2025-12-01) together with a glucocorticoid for ≥ 3 months yes, with Prednisone');
    expect(text).toContain('Other drug (recorded prednisone equivalent) 5 mg/day');
    // (Every part of a rule: "is recorded" only with --full.)
    if (extra.includes('--full')) expect(text).toContain('Myositis diagnosis recorded: Dermatomyositis');
    expect(text).not.toMatch(/mycophenolateMofetil|with prednisone|recorded: dm\b|\bother \(recorded/);
  });

  test('the JSON report keeps the codes as its values', async () => {
    const json = JSON.parse((await screenIt(['--format', 'json'])).stdout);
    const i1 = json.criteria.find((c: { id: string }) => c.id === 'I1');
    expect(i1.facts).toContainEqual({ field: 'diagnosis.subtype', label: 'Myositis diagnosis', value: 'dm' });
    expect(JSON.stringify(i1.trace)).toContain('{"field":"diagnosis.subtype","label":"Myositis diagnosis","value":"dm"}');
  });
});
