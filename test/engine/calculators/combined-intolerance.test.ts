// Overlap of two courses for at least N months, three-valued: an unknown last dose is bounded by the
// course start and the reference date, so some overlaps are decided even without it.
import { expect, test } from 'vitest';
import { overlapAtLeast } from '../../../src/engine/calculators/combined-intolerance.js';

const date = '2026-11-16';
test.each([
  [{ start: '2025-06-01', end: '2025-09-01' }, { start: '2025-06-01', end: date }, 'met'], // exactly 3 months together
  [{ start: '2025-06-01', end: '2025-08-31' }, { start: '2025-06-01', end: date }, 'not_met'],
  [{ start: '2025-03-01', end: '2025-06-01' }, { start: '2025-06-01', end: date }, 'not_met'], // one day together
  [{ start: '2025-06-01' }, { start: '2025-06-01', end: date }, 'unknown'], // last dose not recorded
  [{ start: '2026-10-01' }, { start: '2025-06-01', end: date }, 'not_met'], // even taken up to the date: < 3 months
  [{ start: '2025-01-01', end: '2025-12-01' }, { start: '2025-06-01' }, 'unknown'],
  [{ end: '2025-12-01' }, { start: '2025-06-01', end: date }, 'unknown'], // start not recorded
])('%j with %j: %s', (a, b, outcome) => {
  expect(overlapAtLeast(a, b, 3, date)).toBe(outcome);
  expect(overlapAtLeast(b, a, 3, date)).toBe(outcome);
});
