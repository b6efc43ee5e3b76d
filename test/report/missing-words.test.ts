// The one place a missing entry becomes words: each kind of need, as the batch column and as
// people read it.
import { describe, expect, test } from 'vitest';
import type { Dictionary } from '../../src/criteria/dictionary-model.js';
import type { Missing } from '../../src/engine/result.js';
import { missingText, missingWords } from '../../src/report/missing-words.js';

const dict = { fields: new Map([['labs.alt', { label: 'ALT' }], ['assessments.mmt8', { label: 'MMT-8 total' }]]) } as unknown as Dictionary;

describe('missingText: the path with what it must hold (batch column, several-trial summary)', () => {
  test.each<[Missing, string]>([
    [{ field: 'labs.alt' }, 'labs.alt'],
    [{ field: 'labs.alt', need: { kind: 'resultBetween', from: '2026-08-01', to: '2026-11-01' } }, 'labs.alt (a result from 2026-08-01 to 2026-11-01)'],
    [{ field: 'assessments.mmt8', need: { kind: 'scale', max: 150 } }, 'assessments.mmt8 (on the 0–150 scale)'],
    [{ field: 'imacs.followUp.mmt8', need: { kind: 'scale', max: 80, asBaseline: true } }, 'imacs.followUp.mmt8 (on the 0–80 scale, as at baseline)'],
    [{ field: 'medications[0].doses', need: { kind: 'doseOn', date: '2026-05-03' } }, 'medications[0].doses (dose on 2026-05-03)'],
    [{ field: 'medications[1].doses', need: { kind: 'sameUnit' } }, 'medications[1].doses (every dose in the same unit)'],
    [{ field: 'medications[0].doses', need: { kind: 'doseAmount', date: '2026-06-01' } }, 'medications[0].doses (amount of the dose from 2026-06-01)'],
  ])('%j', (m, want) => expect(missingText(m)).toBe(want));
});

describe('missingWords: the label people read, with what the value must hold', () => {
  const prednisone = 'Doses of prednisone (medications #1)';
  test.each<[Missing, string | undefined, string]>([
    [{ field: 'labs.alt' }, 'ALT', 'ALT'],
    [{ field: 'labs.alt', need: { kind: 'resultBetween', from: '2026-08-01', to: '2026-11-01' } }, 'ALT', 'ALT (a result from 2026-08-01 to 2026-11-01)'],
    // A label that is only the path falls back to the dictionary's label.
    [{ field: 'assessments.mmt8', need: { kind: 'scale', max: 150 } }, 'assessments.mmt8', 'MMT-8 total (on the 0–150 scale)'],
    [{ field: 'assessments.mmt8', need: { kind: 'scale', max: 80, asBaseline: true } }, undefined, 'MMT-8 total (on the 0–80 scale, as at baseline)'],
    // A label ending in its own parenthesis takes the need after a colon.
    [{ field: 'medications[0].doses', need: { kind: 'doseOn', date: '2026-05-03' } }, prednisone, `${prednisone}: dose on 2026-05-03`],
    [{ field: 'medications[0].doses', need: { kind: 'sameUnit' } }, prednisone, `${prednisone}: every dose in the same unit`],
    [{ field: 'medications[0].doses', need: { kind: 'doseAmount', date: '2026-06-01' } }, prednisone, `${prednisone}: amount of the dose from 2026-06-01`],
    // Neither label nor dictionary entry: the path, a reference date by its name.
    [{ field: 'referenceDates.consent' }, undefined, 'consent'],
    [{ field: 'nothing.here', need: { kind: 'sameUnit' } }, undefined, 'nothing.here (every dose in the same unit)'],
  ])('%j with label %j', (m, label, want) => expect(missingWords(m, label, dict)).toBe(want));
});
