// The questionnaire writes its answers into the patient file it is building, whose records are
// the file's: after the reader joins a course entered twice, the question for a record must still
// name the file's record. Before, the eligible example with its prednisone entered twice and
// methotrexate's end not recorded was asked about "medications[1]" (the duplicate prednisone).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runInteractive } from '../../src/cli/interactive-mode.js';
import { clone, example } from '../helpers/screening.js';
import { scriptedPrompter } from './scripted-prompter.js';

const NOW = new Date(2026, 10, 16, 10, 30, 0); // 2026-11-16 local time

test('the end of a course asked for after a join is written into the file\'s methotrexate record', async () => {
  const p = clone(example('im101-611-eligible'));
  delete p.$schema;
  const [prednisone, methotrexate] = p.medications;
  delete methotrexate.ongoing;
  p.medications = [prednisone, clone(prednisone), methotrexate];
  const dir = mkdtempSync(join(tmpdir(), 'screen-interactive-origins-'));
  writeFileSync(join(dir, 'patient.json'), JSON.stringify(p, null, 2));
  const { prompter, log, remaining } = scriptedPrompter([
    ['medications[2].stop', 'ongoing'],
  ]);
  const out: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, stdin: Readable.from([]), env: { NO_COLOR: '1' }, cwd: dir };
  const code = await runInteractive('patient.json', { trial: ['IM101-611'], interactive: true, color: false, save: 'out.json' }, io, { prompter, now: NOW });
  expect(remaining()).toBe(0);
  expect(code).toBe(0);
  // Asked about methotrexate, by its name.
  expect(log[0]?.message).toMatch(/^Methotrexate\b/);
  const saved = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  expect(saved.medications[2]).toEqual({ ...methotrexate, ongoing: true });
  // The duplicate prednisone is as it was in the file.
  expect(saved.medications[1]).toEqual(prednisone);
  expect(saved.medications[0]).toEqual(prednisone);
});
