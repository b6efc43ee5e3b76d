// The questionnaire's answers about a course the reader joined from several file records go where
// the screening reads them, so the re-read gives the same course and the question is not asked
// again. Before, an answer about the joined record went into the file's first record of the drug,
// not the one whose fields the course carries (asked again), and a dose dated after that record's
// stop went into it and broke the join (the course asked about again as another record).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runInteractive } from '../../src/cli/interactive-mode.js';
import { clone, example } from '../helpers/screening.js';
import { scriptedPrompter, type Step } from './scripted-prompter.js';

const NOW = new Date(2026, 10, 16, 10, 30, 0); // 2026-11-16 local time

async function session(patient: Record<string, any>, script: Step[]) {
  const dir = mkdtempSync(join(tmpdir(), 'screen-joined-answers-'));
  writeFileSync(join(dir, 'patient.json'), JSON.stringify(patient, null, 2));
  const { prompter, log, remaining } = scriptedPrompter(script);
  const out: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: () => {} }, stdin: Readable.from([]), env: { NO_COLOR: '1' }, cwd: dir };
  let error: unknown;
  const code = await runInteractive('patient.json', { trial: ['NCT04946669'], interactive: true, color: false, save: 'out.json' }, io, { prompter, now: NOW }).catch((e: unknown) => { error = e; return -1; });
  return { code, error, log, remaining: remaining(), saved: JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')), out: out.join('') };
}

const dose = (date: string, amount: number) => ({ date, dose: amount, unit: 'mg/day' });

test('s11: a dose answered for a joined course goes into the file record taken on its date; the course stays joined', async () => {
  const p = clone(example('nct04946669-eligible'));
  delete p.$schema;
  const [, methotrexate] = p.medications;
  // Prednisone to 2026-05-31, continued at 40 mg from the next day (one course), and a third record at 30 mg since 2026-10-01.
  p.medications = [
    { drug: 'prednisone', start: '2025-06-01', stop: '2026-05-31', outcome: 'failure', doses: [dose('2025-06-01', 60), dose('2026-01-01', 40)] },
    { drug: 'prednisone', start: '2026-06-01', ongoing: true, doses: [dose('2026-06-01', 40)] },
    methotrexate,
    { drug: 'prednisone', start: '2026-10-01', ongoing: true, doses: [dose('2026-10-01', 30)] },
  ];
  const r = await session(p, [
    ['medications[0].doses[3].date', '2026-11-16'],
    ['medications[0].doses[3].dose', '50'],
    ['medications[0].doses[3].unit', 'mg/day'],
    ['medications[0].doses:more', false],
    // Then the other record taken that day (not the course again).
    ['medications[3].doses[1].date', ''],
  ]);
  expect(r.error).toBeUndefined();
  expect(r.remaining).toBe(0);
  expect(r.saved.medications[0]).toEqual(p.medications[0]);
  expect(r.saved.medications[1].doses).toEqual([dose('2026-06-01', 40), dose('2026-11-16', 50)]);
  expect(r.log.filter((q) => q.id.startsWith('medications[1]'))).toEqual([]);
});

test('s7: a field of a joined course (budesonide\'s class, its prednisone equivalent) goes into each of its file records and is asked once', async () => {
  const p = clone(example('nct04946669-eligible'));
  delete p.$schema;
  const budesonide = (start: string, end: Record<string, unknown>) => ({ drug: 'other', otherName: 'Budesonide', start, ...end, doses: [dose(start, 9)] });
  p.medications = [budesonide('2026-04-01', { ongoing: true }), ...p.medications, budesonide('2026-01-01', { stop: '2026-03-31' })];
  // The course is the file's [3] continued by [0]: named by [3], the record it is kept as.
  const r = await session(p, [['medications[3].class', 'corticosteroid'], ['medications[3].prednisoneEquivalentMgPerDay', '10']]);
  expect(r.error).toBeUndefined();
  expect(r.remaining).toBe(0);
  for (const i of [0, 3]) expect(r.saved.medications[i]).toMatchObject({ class: 'corticosteroid', prednisoneEquivalentMgPerDay: 10 });
  expect(r.out).toContain('Verdict: ELIGIBLE');
});
