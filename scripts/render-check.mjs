// `npm run render-check`: renders the printable reports in headless Chromium (Debian's `chromium`)
// to PNG and PDF under tmp/render-check/, so a person can look at what will be printed and signed.
// Not part of `npm test`: the suite checks structure and escaping without a browser.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'tmp', 'render-check');
mkdirSync(out, { recursive: true });

const browser = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync(b, ['--version'], { stdio: 'ignore' }).status === 0);
if (!browser) {
  console.error('render-check: no chromium found (Debian: apt-get install -y chromium)');
  process.exit(2);
}

const cases = [
  ['needs-adjudication', ['examples/im101-611-needs-adjudication.json', '--trial', 'IM101-611', '--format', 'html']],
  ['ineligible-weakness', ['examples/im101-611-ineligible-weakness.json', '--trial', 'IM101-611', '--format', 'html']],
  ['undetermined-missing', ['examples/im101-611-undetermined-missing.json', '--trial', 'IM101-611', '--format', 'html']],
  ['show', ['show', 'IM101-611', '--format', 'html']],
];

let failed = 0;
for (const [name, args] of cases) {
  const screen = spawnSync(process.execPath, ['bin/screen.js', ...args, ...(args[0] === 'show' ? [] : ['--generated-at', '2026-11-16T09:30:00Z'])], { cwd: root, encoding: 'utf8' });
  if (screen.status === 2 || screen.status === 70 || !screen.stdout) {
    console.error(`render-check: ${name}: screen failed (${screen.status}): ${screen.stderr}`);
    failed++;
    continue;
  }
  const html = join(out, `${name}.html`);
  writeFileSync(html, screen.stdout);
  const profile = mkdtempSync(join(tmpdir(), 'render-check-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars'];
  const png = join(out, `${name}.png`);
  const pdf = join(out, `${name}.pdf`);
  const shot = spawnSync(browser, [...flags, `--screenshot=${png}`, '--window-size=900,1800', `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  const print = spawnSync(browser, [...flags, `--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${html}`], { encoding: 'utf8', timeout: 60_000 });
  rmSync(profile, { recursive: true, force: true });
  for (const [what, file, r] of [['PNG', png, shot], ['PDF', pdf, print]]) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {}
    if (r.status !== 0 || size === 0) {
      console.error(`render-check: ${name}: ${what} failed (${r.status}): ${(r.stderr ?? '').split('\n').slice(-3).join(' ')}`);
      failed++;
    } else console.log(`${name}: ${what} ${file} (${Math.round(size / 1024)} kB)`);
  }
}
process.exit(failed ? 1 : 0);
