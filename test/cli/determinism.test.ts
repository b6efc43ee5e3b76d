// Same inputs, same flags: byte-identical output in any time zone (dates are calendar dates, and
// the generation time of printable reports is fixed by --generated-at or SOURCE_DATE_EPOCH).
import { describe, expect, test } from 'vitest';
import { runBin } from './run-cli.js';

const ZONES = ['UTC', 'Pacific/Kiritimati', 'America/Adak'];
const CASES: [string, string[], Record<string, string>][] = [
  ['json', ['examples/im101-611-boundary.json', '-t', 'IM101-611', '-f', 'json'], {}],
  ['text', ['examples/im101-611-needs-adjudication.json', '-t', 'IM101-611'], {}],
  ['html with --generated-at', ['examples/im101-611-eligible.json', '-t', 'IM101-611', '-f', 'html', '--generated-at', '2026-11-25T10:00:00Z'], {}],
  ['md with SOURCE_DATE_EPOCH', ['examples/im101-611-eligible.json', '-t', 'IM101-611', '-f', 'md'], { SOURCE_DATE_EPOCH: '1795000000' }],
  ['multi-trial json', ['examples/nct04946669-eligible.json', '--all', '-f', 'json'], {}],
];

describe.each(CASES)('%s', (_name, args, env) => {
  test('is byte-identical across time zones and runs', () => {
    const outputs = ZONES.flatMap((TZ) => [runBin(args, { env: { ...env, TZ } }), runBin(args, { env: { ...env, TZ } })]);
    for (const o of outputs) expect(o.stderr).toBe('');
    const first = outputs[0]?.stdout ?? '';
    expect(first.length).toBeGreaterThan(100);
    for (const o of outputs) expect(o.stdout).toBe(first);
  });
});
