// End-to-end: every example keeps its verdict for its own trial, and --all / repeated --trial
// rank trials and set the exit code (0 any eligible, 3 none eligible but some open, 1 none).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { run } from '../../src/cli/main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function screen(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
    env: { NO_COLOR: '1' },
    cwd: root,
  });
  return { code, stdout, stderr };
}

const EXAMPLES: [file: string, trial: string, exit: number][] = [
  ['im101-611-boundary', 'IM101-611', 0],
  ['im101-611-eligible', 'IM101-611', 0],
  ['im101-611-excluded-malignancy', 'IM101-611', 1],
  ['im101-611-excluded-rituximab', 'IM101-611', 1],
  ['im101-611-excluded-tif1', 'IM101-611', 1],
  ['im101-611-ineligible-background', 'IM101-611', 1],
  ['im101-611-ineligible-weakness', 'IM101-611', 1],
  ['im101-611-mmt8-other-scale', 'IM101-611', 3],
  ['im101-611-needs-adjudication', 'IM101-611', 3],
  ['im101-611-undetermined-missing', 'IM101-611', 3],
  ['nct04946669-eligible', 'NCT04946669', 0],
  ['nct04946669-intolerance', 'NCT04946669', 0],
  ['nct04946669-boundary-alt', 'NCT04946669', 0],
  ['nct04946669-boundary-dose', 'NCT04946669', 1],
  // Methotrexate 15 mg/week to 2026-09-30, then 20 mg/week from 2026-10-01: I3 met by the two records; I5 asks about an earlier stable dose.
  ['nct04946669-methotrexate-two-records', 'NCT04946669', 3],
  ['nct04946669-not-refractory', 'NCT04946669', 1],
  ['nct04946669-excluded-rheumatic', 'NCT04946669', 1],
  ['nct04946669-excluded-myopathy', 'NCT04946669', 1],
  ['nct04946669-excluded-organ', 'NCT04946669', 1],
  ['nct04946669-excluded-infection', 'NCT04946669', 1],
  ['nct04946669-excluded-hepatitis', 'NCT04946669', 1],
  ['nct04946669-excluded-tb', 'NCT04946669', 1],
  ['nct04946669-excluded-pregnancy', 'NCT04946669', 1],
  ['nct04946669-excluded-allergy', 'NCT04946669', 1],
  ['nct04946669-excluded-mental', 'NCT04946669', 1],
  ['nct04946669-cadm-statin-review', 'NCT04946669', 3],
  ['nct04946669-biologic-washout', 'NCT04946669', 3],
  ['nct04946669-undetermined-missing', 'NCT04946669', 3],
  ['nct02347891-eligible-reviewed', 'NCT02347891', 0],
  ['nct02347891-pm-with-antibody', 'NCT02347891', 0],
  ['nct02347891-open-protocol-review', 'NCT02347891', 3],
  ['nct02347891-pm-no-antibody', 'NCT02347891', 3],
  ['nct02347891-age-18', 'NCT02347891', 3],
  ['nct02347891-ana-boundary', 'NCT02347891', 1],
  ['nct02347891-not-refractory', 'NCT02347891', 1],
  ['nct02347891-possible-dm', 'NCT02347891', 1],
];

describe('examples keep their verdicts', () => {
  test.each(EXAMPLES)('%s against %s exits %i', async (file, trial, exit) => {
    const r = await screen(`examples/${file}.json`, '--trial', trial, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(exit);
    expect(JSON.parse(r.stdout).verdict).toBe({ 0: 'eligible', 1: 'ineligible', 3: 'undetermined' }[exit]);
  });
});

describe('screening across trials', () => {
  test('--all ranks eligible, then undetermined by fewest open criteria, then ineligible', async () => {
    const r = await screen('examples/nct02347891-pm-no-antibody.json', '--all', '--format', 'json');
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.ranking.map((x: { trial: string; verdict: string }) => `${x.trial}:${x.verdict}`)).toEqual([
      'NCT02347891:undetermined',
      'IM101-611:undetermined',
      'NCT04946669:ineligible',
    ]);
    expect(report.ranking[0].openItems.map((o: { criterion: string }) => o.criterion)).toEqual(['I2']);
    expect(report.ranking[1].openItems.length).toBeGreaterThan(1);
    expect(report.ranking[2].firstFailing).toMatchObject({ criterion: 'I1', type: 'inclusion' });
    expect(report.reports.map((x: { trial: { id: string } }) => x.trial.id)).toEqual(['NCT02347891', 'IM101-611', 'NCT04946669']);
    expect(report.exitCode).toBe(3);
  });

  test('exit 0 when any trial is eligible, and the eligible one comes first', async () => {
    const r = await screen('examples/nct04946669-eligible.json', '--all', '--brief');
    expect(r.code).toBe(0);
    const summary = r.stdout.slice(r.stdout.indexOf('Summary:'));
    expect(summary).toMatch(/1\. NCT04946669 \(NCT04946669\): ELIGIBLE/);
    expect(summary).toMatch(/2\. NCT02347891 \(NCT02347891\) \[partial encoding\]: UNDETERMINED — 2 open criteria/);
    expect(summary).toContain('decide: Have the remaining inclusion criteria');
  });

  // The eligible NCT04946669 example with tofacitinib in place of methotrexate: whether it counts
  // (I3-rituximab-ivig) is one decision for I3 and I5, listed once among the open items, under I3.
  test.each([
    ['no decision recorded', {}, ['see I3 (I3-rituximab-ivig)', 'If the investigator counts']],
    ['its stable dose confirmed: I5 waits only for the shared question', { 'I5-etcetera-stable-dose': { decision: 'yes', by: 'Dr A', date: '2026-11-16' } }, ['see I3 (I3-rituximab-ivig)']],
  ])('an open criterion always says what it waits for, a question shared with an earlier criterion pointed to (%s)', async (_n, reviews, i5) => {
    const p = JSON.parse(readFileSync(`${root}examples/nct04946669-eligible.json`, 'utf8'));
    p.medications[1] = { drug: 'tofacitinib', start: '2025-06-15', ongoing: true, outcome: 'failure', doses: [{ date: '2025-06-15', dose: 10, unit: 'mg/day' }] };
    p.reviews = { NCT04946669: reviews };
    const dir = mkdtempSync(join(tmpdir(), 'rank-'));
    try {
      const file = join(dir, 'p.json');
      writeFileSync(file, JSON.stringify(p));
      const json = JSON.parse((await screen(file, '--all', '--format', 'json')).stdout);
      const at = json.ranking.findIndex((x: { trial: string }) => x.trial === 'NCT04946669');
      const items = json.ranking[at].openItems as { criterion: string; outcome: string; review: string[] }[];
      const counted = json.reports[at].review.find((x: { id: string }) => x.id === 'I3-rituximab-ivig').question;
      expect(items.find((o) => o.criterion === 'I3')?.review[0]).toBe(counted);
      expect(items.find((o) => o.criterion === 'I5')?.review.map((q) => q.slice(0, 26))).toEqual(i5);
      for (const o of items) if (o.outcome === 'needs_review') expect(o.review.length, o.criterion).toBeGreaterThan(0);
      const summary = (await screen(file, '--all', '--brief')).stdout;
      expect(summary).toMatch(/- I5 Prior immunosuppressant at a stable dose > 3 months — needs review\n {11}decide: see I3 \(I3-rituximab-ivig\)\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exit 1 when every trial named is ineligible, with the first failing criterion and its evidence', async () => {
    const r = await screen('examples/nct02347891-possible-dm.json', '-t', 'IM101-611', '-t', 'NCT02347891', '--brief');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NCT02347891 \(NCT02347891\) \[partial encoding\]: INELIGIBLE — first failing: I2 .*possible DM; rule: definite or probable DM/);
  });

  test('the same trial twice is screened once; --all with --trial is a usage error', async () => {
    const once = await screen('examples/nct04946669-eligible.json', '-t', 'NCT04946669', '-t', 'nct04946669', '--format', 'json');
    expect(JSON.parse(once.stdout).ranking).toHaveLength(1);
    const both = await screen('examples/nct04946669-eligible.json', '--all', '-t', 'IM101-611');
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('screen: give either --all or --trial, not both\n');
  });

  test('as a subprocess: bin/screen.js --all exits with the ranking code', () => {
    const r = spawnSync(process.execPath, ['bin/screen.js', 'examples/nct04946669-excluded-tb.json', '--all', '--brief'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/3\. NCT04946669 \(NCT04946669\): INELIGIBLE — first failing: E6 .*Latent TB screen positive \(PPD with T-SPOT\): yes/);
  });

  test('screen trials lists completeness for every trial', async () => {
    const r = await screen('trials', '--format', 'json');
    const trials = JSON.parse(r.stdout) as { id: string; completeness: string; criteria: number; phase: string }[];
    expect(trials.map((t) => `${t.id}:${t.completeness}`)).toEqual(['IM101-611:complete', 'NCT02347891:partial', 'NCT04946669:complete']);
    expect(trials.every((t) => t.criteria > 0 && t.phase.length > 0)).toBe(true);
  });
});
