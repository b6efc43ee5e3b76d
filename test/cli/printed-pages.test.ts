// Every example's printable record fits on 2 A4 pages: the native PDF always (pages counted in
// the PDF itself, and it opens in pdftoppm where installed), and the HTML as Chromium prints it
// (pdfinfo) where Chromium and poppler-utils are installed (CI installs them: .ci/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, runInProcess } from './run-cli-env.js';
import { formatHtml } from '../../src/report/html.js';
import { formatPdf } from '../../src/report/pdf.js';
import { screenExample, example as loadExample, criteriaSet } from '../helpers/screening.js';

const EXAMPLES = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
const trialOf = (f: string) => (f.startsWith('im101-611') ? 'IM101-611' : f.startsWith('nct02347891') ? 'NCT02347891' : 'NCT04946669');
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const chromium = ['chromium', 'chromium-browser'].find((b) => has(b, ['--version']));
const poppler = has('pdfinfo', ['-v']);
const OPTIONS = { tool: { name: 'trial-screen', version: '0.0.0-test' }, generatedAt: '2026-11-16T09:30:00Z', screener: 'J. Smith', dictionary: criteriaSet.dictionary, input: { name: 'p.json', sha256: '0'.repeat(64) } };

/** Page objects in a PDF written by pdfkit (uncompressed object dictionaries). */
function pageCount(pdf: Uint8Array): number {
  return (Buffer.from(pdf).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
}

describe('native PDF (--format pdf)', () => {
  test.each(EXAMPLES)('%s: at most 2 A4 pages', async (name) => {
    const pdf = await formatPdf([screenExample(trialOf(name), loadExample(name))], OPTIONS);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(Buffer.from(pdf).toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
  });

  test('--out writes a valid PDF; the same inputs give the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdf-'));
    try {
      const args = ['examples/im101-611-eligible.json', '-t', 'IM101-611', '-f', 'pdf', '--generated-at', '2026-11-16T09:30:00Z'];
      const a = await runInProcess([...args, '--out', join(dir, 'a.pdf')]);
      const b = await runInProcess([...args, '--out', join(dir, 'b.pdf'), '--screener', 'J. Smith']);
      expect([a.code, a.stdout, a.stderr, b.code]).toEqual([0, '', '', 0]);
      const bytes = readFileSync(join(dir, 'a.pdf'));
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(readFileSync(join(dir, 'b.pdf')).equals(bytes)).toBe(false);
      await runInProcess([...args, '--out', join(dir, 'c.pdf')]);
      expect(readFileSync(join(dir, 'c.pdf')).equals(bytes)).toBe(true);
      if (poppler) expect(spawnSync('pdftoppm', ['-r', '20', '-png', '-f', '1', '-l', '1', join(dir, 'a.pdf'), join(dir, 'page')]).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses to write binary PDF to a terminal', async () => {
    const { run } = await import('../../src/cli/main.js');
    let err = '';
    const code = await run(['examples/im101-611-eligible.json', '-t', 'IM101-611', '-f', 'pdf'], {
      stdout: { write: () => true, isTTY: true },
      stderr: { write: (s: string) => (err += s) },
      stdin: process.stdin,
      env: {},
      cwd: ROOT,
    });
    expect(code).toBe(2);
    expect(err).toMatch(/--format pdf writes binary data: give --out/);
  });
});

describe.runIf(chromium && poppler)('HTML printed by Chromium', () => {
  test('every example prints on at most 2 A4 pages (pdfinfo)', () => {
    // One document, one browser run: every example's record starts on a new page (as several
    // trials' records do), so the pages of each are those up to the next record's first page.
    const results = EXAMPLES.map((name) => screenExample(trialOf(name), loadExample(name)));
    const dir = mkdtempSync(join(tmpdir(), 'print-'));
    try {
      const html = join(dir, 'all.html');
      const pdf = join(dir, 'all.pdf');
      writeFileSync(html, formatHtml(results, OPTIONS));
      // (No tagged PDF: its structure tree changes neither the layout nor the page breaks, the same
      // text on the same pages, and building it was a quarter of the browser's CPU time.)
      const p = spawnSync(chromium as string, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-pdf-tagging', `--user-data-dir=${join(dir, 'profile')}`, `--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${html}`], { timeout: 120_000 });
      expect(p.status).toBe(0);
      const total = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout)?.[1]);
      const pages = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.split('\f').slice(0, total);
      const starts = pages.flatMap((text, i) => (text.includes('Screening record:') ? [i] : []));
      expect(starts).toHaveLength(EXAMPLES.length);
      const counts = Object.fromEntries(EXAMPLES.map((name, i) => [name, (starts[i + 1] ?? total) - (starts[i] as number)]));
      for (const [name, n] of Object.entries(counts)) expect(n, name).toBeLessThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
