// `screen show <trial>`: every criterion with its id, protocol source text and what the tool checks,
// in text, Markdown and HTML; plus the plain-words wording of individual rule kinds.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { parseDictionary } from '../../src/criteria/dictionary.js';
import { Condition } from '../../src/criteria/rule-schema.js';
import { ruleLines } from '../../src/report/describe-rule.js';
import { ROOT, runBin, runInProcess } from './run-cli-env.js';

const trialFile = parse(readFileSync(`${ROOT}criteria/IM101-611.yaml`, 'utf8')) as { criteria: { id: string; title: string; source: string }[] };
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

describe('screen show IM101-611', () => {
  test('text: a checklist line, the source and the checks for every criterion', async () => {
    const r = await runInProcess(['show', 'IM101-611']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^IM101-611 \(NCT02971683\) — Abatacept/);
    for (const c of trialFile.criteria) {
      expect(r.stdout).toContain(`[ ] ${c.id} ${c.title}\n    Protocol: ${c.source.trim()}\n`);
    }
    expect(r.stdout.match(/^ {4}The tool checks/gm)).toHaveLength(trialFile.criteria.length);
    expect(r.stdout).toContain('        age in whole years on the screening date ≥ 18\n');
    expect(r.stdout).toContain('The tool checks (the patient is excluded when this holds):');
  });

  test('md and html carry the same criteria and sources (escaped)', async () => {
    const md = await runInProcess(['show', 'im101-611', '--format', 'md']);
    const html = runBin(['show', 'IM101-611', '--format', 'html']);
    expect(md.code).toBe(0);
    expect(html.code).toBe(0);
    for (const c of trialFile.criteria) {
      expect(md.stdout).toContain(`### ☐ ${c.id} `);
      expect(html.stdout).toContain(`<td class="id">${c.id}</td><td><div class="title">${escapeHtml(c.title)}</div><blockquote class="source">${escapeHtml(c.source.trim())}</blockquote>`);
    }
    for (const bad of ['<script', '<link', 'href=', 'url(', 'http://', 'https://']) expect(html.stdout).not.toContain(bad);
  });

  test('an unknown trial is a usage error with a suggestion', async () => {
    const r = await runInProcess(['show', 'IM101-61']);
    expect(r.stderr).toBe('screen: unknown trial "IM101-61" (did you mean "IM101-611"?); available: IM101-611, NCT02347891, NCT04946669\n');
    expect(r.code).toBe(2);
  });
});

describe('rules in plain words', () => {
  const dict = parseDictionary(readFileSync(`${ROOT}criteria/fields.yaml`, 'utf8'), 'fields.yaml');
  const words = (rule: unknown) => ruleLines(Condition.parse(rule), { dict, definitions: {}, trialId: 'T1' }).map((l) => `${'  '.repeat(l.depth)}${l.text}`);
  test.each([
    [{ kind: 'compare', field: 'demographics.weightKg', op: '>=', value: 40 }, ['Body weight ≥ 40 kg']],
    [{ kind: 'compare', field: 'assessments.mmt8', op: '<=', value: 125, scaleMax: 150, unit: 'points', note: 'i' }, ['i — MMT-8 total ≤ 125 points on the 0–150 scale']],
    [{ kind: 'in', field: 'demographics.sex', values: ['female'] }, ['Sex is one of: Female']],
    [{ kind: 'is', field: 'consent.signed', value: false }, [expect.stringMatching(/: no$/)]],
    [{ kind: 'labUln', field: 'labs.ck', op: '>', times: 5 }, ["CK > 5 × the reporting lab's upper limit of normal"]],
    [{ kind: 'dateWithin', field: 'diagnosis.date', within: { months: 3 }, before: 'consent' }, [expect.stringMatching(/ within 3 months before the consent date \(up to and including it\)$/)]],
    [{ kind: 'interval', from: { field: 'diagnosis.date' }, to: { ref: 'randomization' }, op: '<', duration: { years: 1 } }, [expect.stringMatching(/^from .* to the randomization date: < 1 year$/)]],
    [{ kind: 'atLeast', n: 2, of: [{ kind: 'known', field: 'labs.ck' }, { kind: 'known', field: 'labs.ldh' }] }, ['at least 2 of these 2:', '  CK is recorded', '  LDH is recorded']],
    [{ kind: 'review', id: 'R1', by: 'investigator', question: 'Is it active?' }, ['investigator decides: Is it active? (recorded in the patient file as reviews."T1"."R1")']],
    [{ kind: 'count', records: 'malignancies', op: '==', n: 0 }, [expect.stringMatching(/^the number of .* records = 0$/)]],
  ])('%j', (rule, expected) => {
    expect(words(rule)).toEqual(expected);
  });
});
