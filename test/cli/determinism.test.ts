// Same inputs, same flags: byte-identical output in any time zone (dates are calendar dates, and
// the generation time of JSON and printable reports is fixed by --generated-at or SOURCE_DATE_EPOCH).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runBin } from './run-cli.js';
import { ROOT } from '../helpers/screening.js';

// UTC+14 and UTC-10 (-9 in summer): the same instant is a different date in the two for all but
// at most an hour a day, so a date taken from the clock or the zone differs between them. One run
// in each: two processes, so output that varies from run to run (an unordered walk, the time of
// the run) shows too.
const ZONES = ['Pacific/Kiritimati', 'America/Adak'];
const CASES: [string, string[], Record<string, string>][] = [
  ['json with SOURCE_DATE_EPOCH', ['examples/im101-611-boundary.json', '-t', 'IM101-611', '-f', 'json'], { SOURCE_DATE_EPOCH: '1795000000' }],
  ['pdf with --generated-at', ['examples/im101-611-needs-adjudication.json', '-t', 'IM101-611', '-f', 'pdf', '--generated-at', '2026-11-25T10:00:00Z'], {}],
  ['text', ['examples/im101-611-needs-adjudication.json', '-t', 'IM101-611'], {}],
  ['html with --generated-at', ['examples/im101-611-eligible.json', '-t', 'IM101-611', '-f', 'html', '--generated-at', '2026-11-25T10:00:00Z'], {}],
  ['md with SOURCE_DATE_EPOCH', ['examples/im101-611-eligible.json', '-t', 'IM101-611', '-f', 'md'], { SOURCE_DATE_EPOCH: '1795000000' }],
  ['multi-trial json with --generated-at', ['examples/nct04946669-eligible.json', '--all', '-f', 'json', '--generated-at', '2026-11-25'], {}],
];

describe.each(CASES)('%s', (_name, args, env) => {
  test('is byte-identical across time zones and runs', () => {
    const outputs = ZONES.map((TZ) => runBin(args, { env: { ...env, TZ } }));
    for (const o of outputs) expect(o.stderr).toBe('');
    const first = outputs[0]?.stdout ?? '';
    expect(first.length).toBeGreaterThan(100);
    for (const o of outputs) expect(o.stdout).toBe(first);
  });
});

test('batch CSV output (with --wide and the summary) is byte-identical across time zones', () => {
  const ndjson = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.json')).map((f) => JSON.stringify(JSON.parse(readFileSync(`${ROOT}examples/${f}`, 'utf8')))).join('\n');
  const runs = ZONES.map((TZ) => runBin(['batch', '-', '--all', '--input-format', 'ndjson', '--wide', '--no-progress'], { stdin: `${ndjson}\n`, env: { TZ } }));
  expect(runs[0]?.stdout.split('\n').length).toBeGreaterThan(100);
  for (const r of runs) {
    expect(r.stdout).toBe(runs[0]?.stdout);
    expect(r.stderr).toBe(runs[0]?.stderr);
  }
});
