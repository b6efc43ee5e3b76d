// `npm run render-check`: prints every example's HTML record with headless Chromium (Debian's
// `chromium`) and writes every example's native PDF, then turns each page into a PNG (pdftoppm)
// under tmp/render-check/, so a person can look at what will be printed and signed. Fails when a
// record takes more than 2 A4 pages. Not part of `npm test` (test/cli/printed-pages.test.ts checks
// the page counts there).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'tmp', 'render-check');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const browser = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => has(b, ['--version']));
if (!browser) {
  console.error('render-check: no chromium found (Debian: apt-get install -y chromium)');
  process.exit(2);
}
if (!has('pdftoppm', ['-v'])) {
  console.error('render-check: no pdftoppm found (Debian: apt-get install -y poppler-utils)');
  process.exit(2);
}

export const trialOf = (file) => (file.startsWith('im101-611') ? 'IM101-611' : file.startsWith('nct02347891') ? 'NCT02347891' : 'NCT04946669');
const pages = (pdf) => Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? NaN);

let failed = 0;
for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).sort()) {
  const name = file.replace(/\.json$/, '');
  const args = ['bin/screen.js', `examples/${file}`, '--trial', trialOf(file), '--generated-at', '2026-11-16T09:30:00Z', '--screener', 'J. Smith (site coordinator)'];
  const html = join(out, `${name}.html`);
  const htmlPdf = join(out, `${name}.html.pdf`);
  const pdf = join(out, `${name}.pdf`);
  const h = spawnSync(process.execPath, [...args, '--format', 'html'], { cwd: root, encoding: 'utf8' });
  const p = spawnSync(process.execPath, [...args, '--format', 'pdf', '--out', pdf], { cwd: root, encoding: 'utf8' });
  if (!h.stdout || [2, 70].includes(h.status) || [2, 70].includes(p.status)) {
    console.error(`render-check: ${name}: screen failed: ${h.stderr}${p.stderr}`);
    failed++;
    continue;
  }
  writeFileSync(html, h.stdout);
  const profile = mkdtempSync(join(tmpdir(), 'render-check-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`];
  spawnSync(browser, [...flags, `--print-to-pdf=${htmlPdf}`, '--no-pdf-header-footer', `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  rmSync(profile, { recursive: true, force: true });
  for (const [what, file] of [['HTML printed by Chromium', htmlPdf], ['PDF', pdf]]) {
    const n = pages(file);
    spawnSync('pdftoppm', ['-r', '60', '-png', file, file.replace(/\.pdf$/, '')]);
    const ok = n >= 1 && n <= 2;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${what}, ${Number.isNaN(n) ? 'unreadable' : `${n} A4 page${n === 1 ? '' : 's'}`}`);
  }
}
console.log(`PNGs in ${out}: look at them before calling a report change done.`);
process.exit(failed ? 1 : 0);
