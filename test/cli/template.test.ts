import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openCriteriaDir, loadTrial } from '../../src/criteria/criteria-dir.js';
import { trialFields, trialsFields } from '../../src/criteria/trial-fields.js';
import { resolveColumn } from '../../src/patient/csv-columns.js';
import { csvTemplate } from '../../src/cli/template-run.js';
import { patientsToTable } from '../../src/patient/csv-flatten.js';
import { csvLine } from '../../src/report/csv-cell.js';
import { parseCsvOutput, runCli } from '../helpers/run-cli.js';
import { ROOT, example } from '../helpers/screening.js';

const dir = mkdtempSync(join(tmpdir(), 'screen-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const set = openCriteriaDir();
const TRIAL = 'IM101-611';

describe('screen template', () => {
  test('the fields a trial reads: its rules, definitions and medication operators, in dictionary order', () => {
    const used = trialFields(loadTrial(set, TRIAL), set.dictionary);
    expect(used.fields).toContain('labs.aldolase'); // only through the shared definition anyMuscleEnzymeAtLeast1_3Uln
    expect(used.fields).toContain('demographics.birthDate'); // age
    expect(used.fields).not.toContain('demographics.weightKg');
    expect(used.fields).not.toContain('reproductive.pregnant');
    expect(used.recordItems.get('medications')).toEqual(['drug', 'otherName', 'class', 'start', 'stop', 'ongoing', 'doses']);
    expect(used.recordItems.get('procedures')).toEqual(['type', 'date', 'showsActiveDisease']);
    expect(used.referenceDates).toEqual(['screening', 'consent', 'randomization']);
    expect(used.reviews.map((r) => r.id)).toEqual(['I2-juvenile-age-18', 'I4-adjudication', 'I5-investigator', 'I6-mycophenolic-acid', 'I6-antimalarial', 'I6-same-medications', 'I6-background-ending', 'E7-skin-or-in-situ', 'P1-protocol']);
  });

  test('CSV header: every column is understood by screen batch; an empty row screens as undetermined', async () => {
    const r = await runCli(['template', TRIAL, '--format', 'csv', '--records', '2', '--doses', '1']);
    expect(r.code).toBe(0);
    const header = r.stdout.trimEnd().split(',');
    for (const name of header) expect(resolveColumn(name, set.dictionary), name).toBeDefined();
    expect(header).toContain('medications.2.doses.1.dose');
    expect(header).not.toContain('medications.3.drug');
    expect(header).toContain(`reviews.${TRIAL}.P1-protocol.decision`);
    // One completeness column per record list the trial reads (an empty cell: today's reading).
    expect(header.filter((h) => h.startsWith('completeness.'))).toEqual(['completeness.procedures.complete', 'completeness.medications.complete', 'completeness.malignancies.complete']);
    const file = join(dir, 'empty-row.csv');
    writeFileSync(file, `${r.stdout}${header.map(() => '').join(',')}\r\n`);
    const batch = await runCli(['batch', file, '--trial', TRIAL]);
    expect(batch.code).toBe(0);
    expect(batch.stderr).not.toContain('unknown column');
    expect(parseCsvOutput(batch.stdout)[0]?.verdict).toBe('undetermined');
  });

  // What a rule reads (its kind's `reads`) decides the template's columns: a field the engine uses
  // but the rule does not declare would be missing from every site's spreadsheet, and its patients
  // would come out undetermined (the stated age did, until the age rule declared it).
  // Several trials: one template for a file screened against all of them.
  test.each([['IM101-611'], ['NCT02347891'], ['NCT04946669'], ['IM101-611', 'NCT02347891', 'NCT04946669']].map((ids) => ({ ids, name: ids.join(' + ') })))('$name: every example, in only the columns its template asks for, screens in batch exactly as with every column', async ({ ids }) => {
    const used = trialsFields(ids.map((id) => loadTrial(set, id)), set.dictionary);
    const id = ids.join('+');
    // The template's own columns, with room for every record and dose the examples hold.
    const asked = new Set(csvTemplate(used, set.dictionary, { slots: 50, doseSlots: 50 }).map((c) => c.name));
    const examples = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).sort().map((f) => example(f.replace(/\.json$/, '')));
    const table = patientsToTable(examples, set.dictionary);
    const keep = table.header.map((name) => asked.has(name));
    // Columns holding data are left out, or the comparison says nothing.
    expect(table.rows.filter((r) => r.some((cell, i) => cell !== '' && !keep[i])).length).toBeGreaterThan(10);
    const write = (name: string, header: string[], rows: string[][]) => {
      const file = join(dir, name);
      writeFileSync(file, [header, ...rows].map((r) => csvLine(r)).join(''));
      return file;
    };
    const only = <T,>(xs: T[]) => xs.filter((_, i) => keep[i]);
    // Each example's own reference dates (no --as-of, so a date a rule reads must be a column too).
    const screen = async (file: string) => (await runCli(['batch', file, ...ids.flatMap((t) => ['--trial', t]), '--wide'])).stdout;
    const all = await screen(write(`${id}-all.csv`, table.header, table.rows));
    const rows = parseCsvOutput(all);
    expect(rows.length).toBe(examples.length * ids.length);
    expect(rows.filter((r) => r.verdict === 'error')).toEqual([]);
    expect(await screen(write(`${id}-asked.csv`, only(table.header), table.rows.map(only)))).toBe(all);
  });

  test('--describe: one row per column with type, unit and allowed values', async () => {
    const r = await runCli(['template', TRIAL, '--describe']);
    const rows = parseCsvOutput(r.stdout);
    const ck = rows.find((x) => x.column === 'labs.ck.unit');
    expect(ck?.allowed).toBe('U/L | µkat/L | ukat/L');
    expect(rows.find((x) => x.column === 'labs.ck.uln')?.unit).toBe('U/L');
    expect(rows.find((x) => x.column === 'antibodies.positive')?.description).toContain('"none" for an empty list');
    expect(rows.find((x) => x.column === 'completeness.medications.complete')).toMatchObject({
      type: 'boolean',
      allowed: 'true | false',
      description: 'Medications: false when the source may miss records of this list; empty: the numbered records are the whole list.',
    });
  });

  test('--describe and the JSON skeleton show the terminology codes that fill each field from an EHR', async () => {
    const rows = parseCsvOutput((await runCli(['template', TRIAL, '--describe'])).stdout);
    expect(rows.find((x) => x.column === 'labs.ck.value')?.codes).toBe('LOINC 2157-6 Creatine kinase [Enzymatic activity/volume] in Serum or Plasma (U/L)');
    expect(rows.find((x) => x.column === 'labs.ck.uln')?.codes).toBe('');
    expect(rows.find((x) => x.column === 'diagnosis.subtype')?.codes).toContain('ibm: SNOMED CT 72315009 Inclusion body myositis; ICD-10-CM G72.41');
    expect(rows.find((x) => x.column === 'medications.1.drug')?.codes).toContain('rituximab: RxNorm 121191 rituximab');
    expect(rows.find((x) => x.column === 'history.ildUncontrolledOrRapid')?.codes).toContain('SNOMED CT 233703007 Interstitial lung disease [evidence only]');
    const skeleton = JSON.parse((await runCli(['template', TRIAL, '--format', 'json'])).stdout);
    expect(skeleton.labs['#ck']).toContain('EHR codes (screen import fhir): LOINC 2157-6');
    expect(skeleton['#medications']).toContain('prednisone: RxNorm 8640 prednisone');
  });

  test('JSON skeleton: null placeholders with descriptions; it is a valid patient file that screens as undetermined', async () => {
    const r = await runCli(['template', TRIAL, '--format', 'json']);
    expect(r.code).toBe(0);
    const skeleton = JSON.parse(r.stdout);
    expect(skeleton.labs.ck).toBeNull();
    expect(skeleton.labs['#ck']).toContain('"unit": "U/L" | "µkat/L" | "ukat/L"');
    expect(skeleton.diagnosis.subtype).toBeNull();
    expect(skeleton.diagnosis['#subtype']).toContain('ibm (Inclusion body myositis)');
    const file = join(dir, 'skeleton.json');
    writeFileSync(file, r.stdout);
    const screened = await runCli([file, '--trial', TRIAL, '--as-of', '2026-11-16', '--format', 'json']);
    expect(screened.code).toBe(3);
    expect(screened.stderr).toBe('');
    const report = JSON.parse(screened.stdout);
    expect(report.verdict).toBe('undetermined');
    expect(report.criteria.filter((c: { outcome: string }) => c.outcome === 'not_met' || c.outcome === 'met')).toEqual([]);
  });

  test('calculator inputs are part of what a trial needs (NCT04946669: IMACS measures, weight, Bohan and Peter)', () => {
    const set = openCriteriaDir();
    const used = trialFields(loadTrial(set, 'NCT04946669'), set.dictionary);
    for (const f of ['imacs.baseline.pga', 'imacs.followUp.enzyme', 'demographics.weightKg', 'bohanPeter.rash', 'diagnosis.sontheimerSkinMonths', 'medications']) expect(used.fields).toContain(f);
    expect(used.recordItems.get('medications')).toEqual(expect.arrayContaining(['drug', 'start', 'doses', 'prednisoneEquivalentMgPerDay']));
    expect(used.reviews.every((r) => r.criterion !== '')).toBe(true);
  });

  test('several trials: what any of them reads, once, in dictionary order, and each trial\'s review columns', async () => {
    const ids = ['NCT04946669', 'IM101-611'];
    const header = (await runCli(['template', ...ids])).stdout.trimEnd().split(',');
    const alone = ids.map(async (t) => (await runCli(['template', t])).stdout.trimEnd().split(','));
    const [a, b] = await Promise.all(alone);
    expect(new Set(header)).toEqual(new Set([...(a ?? []), ...(b ?? [])]));
    expect(header.length).toBe(new Set(header).size);
    const fields = header.filter((h) => !h.startsWith('reviews.'));
    // Dictionary order: each trial's own header is in that order, so the union keeps both orders.
    for (const own of [a, b]) expect(fields.filter((h) => own?.includes(h))).toEqual(own?.filter((h) => !h.startsWith('reviews.')));
    expect(header).toContain('reviews.IM101-611.I6-same-medications.decision');
    expect(header).toContain('reviews.NCT04946669.I3-rituximab-ivig.decision');
    expect((await runCli(['template', '--all'])).stdout).toBe((await runCli(['template', 'IM101-611', 'NCT02347891', 'NCT04946669'])).stdout);
    const described = parseCsvOutput((await runCli(['template', ...ids, '--describe'])).stdout);
    expect(described.find((r) => r.column === 'reviews.NCT04946669.I3-rituximab-ivig.decision')?.description).toMatch(/^Review I3-rituximab-ivig \(investigator, NCT04946669 criterion I3\)/);
  });

  test('several trials, JSON: one skeleton with every field any reads; review ids named per trial', async () => {
    const r = await runCli(['template', 'IM101-611', 'NCT04946669', '--format', 'json']);
    const skeleton = JSON.parse(r.stdout);
    expect(skeleton['#template']).toMatch(/^Patient file for IM101-611, NCT04946669\./);
    expect(skeleton.imacs.baseline.pga).toBeNull(); // NCT04946669 only
    expect(skeleton.history.ildUncontrolledOrRapid).toBeNull(); // IM101-611 only
    expect(skeleton['#reviews']).toContain('"IM101-611": {"<review id>"');
    expect(skeleton['#reviews']).toMatch(/\. IM101-611 review ids: I2-.* \| NCT04946669 review ids: I1-/);
    const file = join(dir, 'skeleton-two.json');
    writeFileSync(file, r.stdout);
    const screened = await runCli([file, '--trial', 'IM101-611', '--trial', 'NCT04946669', '--as-of', '2026-11-16']);
    expect(screened.stderr).toBe('');
  });

  test.each([
    { args: [], says: 'missing a trial id or --all (list trials with: screen trials)' },
    { args: ['IM101-611', 'IM101-611'], says: 'trial IM101-611 is given twice' },
    { args: ['IM101-611', '--all'], says: 'give either trial ids or --all, not both' },
    // (Before, --describe was silently ignored with --format json.)
    { args: ['IM101-611', '--format', 'json', '--describe'], says: '--describe is for the CSV header (the JSON skeleton describes each field beside it)' },
  ])('template $args: a one-line usage error', async ({ args, says }) => {
    const r = await runCli(['template', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`screen: ${says}\n`);
  });

  test('unknown trial is a one-line usage error', async () => {
    const r = await runCli(['template', 'IM101-61']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown trial "IM101-61" \(did you mean "IM101-611"\?\)/);
  });
});
