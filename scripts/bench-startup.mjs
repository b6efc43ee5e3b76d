// Start-up benchmark: wall time of the CLI against bare `node -e 0`, alternating runs so
// machine noise hits both alike; reports medians and ratios. Not a test (timing is noisy).
// Usage: npm run bench:startup [-- --runs 30] [-- --warmup 3] [-- --baseline DIR]
// --baseline DIR: also run every screen case from another built checkout (e.g. a copy of main's
// bin/, dist/, criteria/, examples/, test/fixtures/), interleaved with this one, so a before/after
// comparison shares the same machine noise.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 25;
const warmupArg = process.argv.indexOf('--warmup');
const warmup = warmupArg > 0 ? Number(process.argv[warmupArg + 1]) : 3;
const baselineArg = process.argv.indexOf('--baseline');
const baseline = baselineArg > 0 ? process.argv[baselineArg + 1] : undefined;

const cases = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'screen <eligible>.json --trial IM101-611', args: ['bin/screen.js', 'examples/im101-611-eligible.json', '--trial', 'IM101-611'] },
  { name: 'screen ... --format json', args: ['bin/screen.js', 'examples/im101-611-eligible.json', '--trial', 'IM101-611', '--format', 'json'] },
  { name: 'screen --help', args: ['bin/screen.js', '--help'] },
  { name: 'screen <FHIR bundle> (import, lazily loaded)', args: ['bin/screen.js', 'test/fixtures/fhir/im101-611-eligible.bundle.json', '--trial', 'IM101-611'] },
];

if (baseline) {
  for (const c of cases.slice(1)) cases.push({ ...c, name: `${c.name.slice(0, 33)} [baseline]`, cwd: baseline });
}

// CPU time (user + system) of the children this process has waited for, from /proc/self/stat
// (Linux; clock ticks, usually 10 ms). Summed over many runs its mean is a steadier measure than
// wall time on a machine shared with other work, which delays a process without adding to its CPU.
function childCpuTicks() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    return Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16 and 17 of stat)
  } catch {
    return NaN;
  }
}
const TICK_MS = 10;

function once(args, cwd = root, cpu = undefined) {
  const t0 = process.hrtime.bigint();
  const c0 = childCpuTicks();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (cpu) cpu.ticks += childCpuTicks() - c0;
  if (r.status !== 0 && r.status !== 1 && r.status !== 3) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const c of cases) for (let i = 0; i < warmup; i++) once(c.args, c.cwd); // warm-up (file cache)
const times = cases.map(() => []);
const cpu = cases.map(() => ({ ticks: 0 }));
for (let i = 0; i < runs; i++) cases.forEach((c, j) => times[j].push(once(c.args, c.cwd, cpu[j])));

const base = median(times[0]);
const cpuMs = (j) => (cpu[j].ticks * TICK_MS) / runs;
console.log(`start-up, ${runs} alternating runs each, node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`${''.padEnd(44)} wall time (median, ratio)      CPU time (mean, ratio)`);
for (const [j, c] of cases.entries()) {
  const m = median(times[j]);
  const cpuText = Number.isNaN(cpuMs(j)) ? '' : `   cpu ${cpuMs(j).toFixed(1).padStart(6)} ms   ${(cpuMs(j) / cpuMs(0)).toFixed(2)}×`;
  console.log(`${c.name.padEnd(44)} median ${m.toFixed(1).padStart(6)} ms   ratio ${(m / base).toFixed(2)}×${cpuText}`);
}
