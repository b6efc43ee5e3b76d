// The format registry (src/report/formats.ts): every format's name, kind, binary flag and file
// extension; each formatter's output type follows its binary flag; an unknown --format is a usage
// error naming the registry's list; the docs list exactly the registry's formats.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { checkReportFlags } from '../../src/cli/report-output.js';
import { UsageError } from '../../src/errors.js';
import { defaultFormat, formatByName, FORMATS, formatNames, formatsFor, outExtensionWarning } from '../../src/report/formats.js';
import { runCli } from '../helpers/run-cli.js';
import { criteriaSet, example, ROOT, screenExample } from '../helpers/screening.js';

const STAMP = { tool: { name: 'trial-screen', version: '0.0.0-test' }, generatedAt: '2026-11-16T09:30:00Z', input: { name: 'p.json', sha256: '0'.repeat(64) } };

describe('every format', () => {
  test.each([
    // name, applies to, binary, extension, media type
    ['text', 'report', false, '.txt', 'text/plain'],
    ['json', 'report', false, '.json', 'application/json'],
    ['html', 'report', false, '.html', 'text/html'],
    ['md', 'report', false, '.md', 'text/markdown'],
    ['pdf', 'report', true, '.pdf', 'application/pdf'],
    ['csv', 'batch', false, '.csv', 'text/csv'],
    ['ndjson', 'batch', false, '.ndjson', 'application/x-ndjson'],
    ['json', 'batch', false, '.json', 'application/json'],
  ] as const)('%s for %s: binary %s, %s, %s', (name, appliesTo, binary, extension, mediaType) => {
    const f = formatByName(appliesTo, name);
    expect({ name: f.name, appliesTo: f.appliesTo, binary: f.binary, extension: f.extension, mediaType: f.mediaType }).toEqual({ name, appliesTo, binary, extension, mediaType });
  });

  test('the table above is the whole registry, names and extensions unique per kind, defaults first', () => {
    expect(FORMATS.map((f) => `${f.appliesTo}:${f.name}`)).toEqual(['report:text', 'report:json', 'report:html', 'report:md', 'report:pdf', 'batch:csv', 'batch:ndjson', 'batch:json']);
    for (const kind of ['report', 'batch'] as const) {
      const fs = formatsFor(kind);
      expect(new Set(fs.map((f) => f.name)).size).toBe(fs.length);
      expect(new Set(fs.map((f) => f.extension)).size).toBe(fs.length);
    }
    expect([defaultFormat('report'), defaultFormat('batch')]).toEqual(['text', 'csv']);
  });

  test('each text report formatter gives a string, from one screening (pdf: test/cli/printed-pages.test.ts)', async () => {
    const result = screenExample('IM101-611', example('im101-611-eligible'));
    for (const f of formatsFor('report').filter((x) => !x.binary)) {
      const out = await (await f.load())([result], { multi: false, referenceDateSources: {}, dictionary: criteriaSet.dictionary, stamp: STAMP });
      expect(typeof out, f.name).toBe('string');
      expect((out as string).length, f.name).toBeGreaterThan(100);
      if (f.name === 'json') expect(JSON.parse(out as string).generatedAt).toBe(STAMP.generatedAt);
    }
  });

  test.each(formatsFor('report').map((f) => [f.name, f.binary]))('--format %s to a terminal without --out: refused exactly when binary (%s)', (name, binary) => {
    const io = { stdout: { write: () => true, isTTY: true }, stderr: { write: () => true }, stdin: process.stdin, env: {}, cwd: ROOT } as unknown as CliIo;
    const check = () => checkReportFlags({ format: name, generatedAt: '2026-11-16' }, io);
    if (binary) expect(check).toThrow(`--format ${name} writes binary data: give --out <file.${name}>`);
    else expect(check().name).toBe(name);
  });

  test('a stamped format without its stamp is a bug, not an unstamped report', async () => {
    const result = screenExample('IM101-611', example('im101-611-eligible'));
    const json = await formatByName('report', 'json').load();
    expect(() => json([result], { multi: false, referenceDateSources: {} })).toThrow('needs options.stamp');
  });
});

describe('an unknown format is a usage error naming the registry list', () => {
  test.each(['report', 'batch'] as const)('%s', (kind) => {
    expect(() => formatByName(kind, 'xml')).toThrow(UsageError);
    expect(() => formatByName(kind, 'xml')).toThrow(`--format must be one of ${formatNames(kind).join(', ')}, got "xml"`);
  });

  test.each([
    [['examples/im101-611-eligible.json', '-t', 'IM101-611', '--format', 'xml'], 'text, json, html, md, pdf'],
    [['batch', '-', '-t', 'IM101-611', '--format', 'pdf'], 'csv, ndjson, json'],
  ])('screen %j', async (args, list) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Allowed choices are ${list}.`);
    expect(r.stdout).toBe('');
  });
});

describe('--out extension hints', () => {
  test.each([
    ['record.pdf', 'text', 'report', '--out record.pdf: the name ends in .pdf, but --format text writes text/plain; for pdf give --format pdf'],
    ['REPORT.JSON', 'html', 'report', '--out REPORT.JSON: the name ends in .json, but --format html writes text/html; for json give --format json'],
    ['rows.ndjson', 'csv', 'batch', '--out rows.ndjson: the name ends in .ndjson, but --format csv writes text/csv; for ndjson give --format ndjson'],
    ['record.pdf', 'pdf', 'report', undefined],
    ['rows.json', 'json', 'batch', undefined],
    ['notes.out', 'text', 'report', undefined],
    ['rows.pdf', 'csv', 'batch', undefined], // not a batch format's extension
  ] as const)('--out %s --format %s (%s)', (out, name, kind, warning) => {
    expect(outExtensionWarning(out, formatByName(kind, name))).toBe(warning);
  });

  test('the CLI warns on stderr and still writes the format asked for', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'formats-')), 'record.pdf');
    const r = await runCli(['examples/im101-611-eligible.json', '-t', 'IM101-611', '--out', out, '--format', 'md', '--generated-at', '2026-11-16']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: --out ${out}: the name ends in .pdf, but --format md writes text/markdown; for pdf give --format pdf\n`);
    expect(readFileSync(out, 'utf8')).toMatch(/^# /);
  });
});

describe('the docs list the registry', () => {
  const names = (kind: 'report' | 'batch') => formatNames(kind).join('|');
  test('README and docs/batch.md --format lists', () => {
    expect(readFileSync(`${ROOT}README.md`, 'utf8')).toContain(`\`-f, --format ${names('report').replaceAll('|', '\\|')}\``);
    expect(readFileSync(`${ROOT}docs/batch.md`, 'utf8')).toContain(`[--format ${names('batch')}]`);
  });

  test('docs/reports.md: one table row per format, in registry order', () => {
    const doc = readFileSync(`${ROOT}docs/reports.md`, 'utf8');
    const rows = [...doc.matchAll(/^\| `(\w+)` \| (.+?) \| (\S+) \| (\.\w+) \| (yes|no) \|$/gm)].map((m) => ({
      name: m[1],
      appliesTo: (m[2] as string).includes('batch') ? 'batch' : 'report',
      isDefault: (m[2] as string).includes('(default)'),
      mediaType: m[3],
      extension: m[4],
      binary: m[5] === 'yes',
    }));
    expect(rows).toEqual(FORMATS.map((f) => ({ name: f.name, appliesTo: f.appliesTo, isDefault: defaultFormat(f.appliesTo) === f.name, mediaType: f.mediaType, extension: f.extension, binary: f.binary })));
  });
});

describe('loaders keep formatters out of bundles that do not use them (scripts/bundle.mjs)', () => {
  const bundle = (name: string) => readFileSync(`${ROOT}dist/bundle/${name}`, 'utf8');
  test('start-up has the registry, not the printable or batch formatters; batch has its rows, not the registry', () => {
    const main = bundle('screen.cjs');
    expect(main).toContain('the printable record to sign');
    expect(main).not.toContain('@page'); // html.ts's print style sheet
    expect(main).toContain('__lazyImport("./lazy-report-batch-output.cjs")');
    const csvHeader = '"verdict","encoding","failed"';
    expect(bundle('lazy-report-batch-output.cjs')).toContain(csvHeader);
    expect(main).not.toContain(csvHeader);
    expect(bundle('lazy-cli-batch-run.cjs')).not.toContain('the printable record to sign');
  });
});
