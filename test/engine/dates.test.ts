import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ageInYears, compareDates, fromDayNumber, isValidIsoDate, latestStartFor, shift, toDayNumber } from '../../src/engine/dates.js';

describe('isValidIsoDate', () => {
  test.each([
    ['2026-11-25', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-1-5', false],
    ['25/11/2026', false],
    ['2026-11-25T00:00:00Z', false],
  ])('%s -> %s', (s, ok) => expect(isValidIsoDate(s)).toBe(ok));
});

describe('day numbers', () => {
  test('known values', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('2000-03-01') - toDayNumber('2000-02-28')).toBe(2);
    expect(fromDayNumber(toDayNumber('2026-11-25'))).toBe('2026-11-25');
  });
  test('round trip and agreement with UTC Date (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (n) => {
        const s = fromDayNumber(n);
        expect(toDayNumber(s)).toBe(n);
        expect(new Date(n * 86_400_000).toISOString().slice(0, 10)).toBe(s);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('shift (calendar arithmetic)', () => {
  test.each([
    ['2026-12-01', { weeks: 12 }, -1, '2026-09-08'],
    ['2026-12-01', { weeks: 4 }, -1, '2026-11-03'],
    ['2026-12-01', { weeks: 24 }, -1, '2026-06-16'],
    ['2026-12-01', { months: 6 }, -1, '2026-06-01'],
    ['2026-03-31', { months: 1 }, -1, '2026-02-28'],
    ['2024-03-31', { months: 1 }, -1, '2024-02-29'],
    ['2024-02-29', { years: 1 }, 1, '2025-02-28'],
    ['2026-01-31', { months: 1 }, 1, '2026-02-28'],
    ['2026-11-25', { years: 5 }, -1, '2021-11-25'],
  ] as const)('%s %s × %i = %s', (d, dur, sign, expected) => expect(shift(d, dur, sign)).toBe(expected));
});

describe('ageInYears', () => {
  test.each([
    ['2008-11-25', '2026-11-25', 18],
    ['2008-11-26', '2026-11-25', 17],
    ['2008-02-29', '2026-02-28', 18],
    ['2008-02-29', '2026-02-27', 17],
    ['1972-04-10', '2026-11-16', 54],
  ])('born %s, on %s: %i', (b, on, age) => expect(ageInYears(b, on)).toBe(age));
});

test('compareDates orders by calendar day', () => {
  expect(compareDates('2026-01-01', '2025-12-31')).toBe(1);
  expect(compareDates('2026-01-01', '2026-01-01')).toBe(0);
});

describe('latestStartFor (a duration counted forward from the start)', () => {
  test('property: the day it names completes the duration by the date, the next day does not (any mix of years, months, weeks, days)', () => {
    const day = fc.integer({ min: toDayNumber('1950-01-01'), max: toDayNumber('2090-12-31') });
    const duration = fc.record({ years: fc.integer({ min: 0, max: 3 }), months: fc.integer({ min: 0, max: 14 }), weeks: fc.integer({ min: 0, max: 5 }), days: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(day, duration, (d, dur) => {
        const ref = fromDayNumber(d);
        const latest = latestStartFor(ref, dur);
        expect(compareDates(shift(latest, dur, 1), ref)).toBeLessThanOrEqual(0);
        expect(compareDates(shift(fromDayNumber(toDayNumber(latest) + 1), dur, 1), ref)).toBeGreaterThan(0);
      }),
      { seed: 2026, numRuns: 3000 },
    );
  });

  test.each([
    ['2026-11-16', { months: 3 }, '2026-08-16'],
    // At a month end, 3 months from 2025-11-29, -30 end on 2026-02-28 (clamped); from 2025-12-01 on 2026-03-01.
    ['2026-02-28', { months: 3 }, '2025-11-30'],
    ['2024-02-29', { months: 3 }, '2023-11-30'],
    ['2026-04-30', { months: 2 }, '2026-02-28'],
    ['2026-05-31', { months: 3 }, '2026-02-28'],
    ['2026-11-16', { weeks: 12 }, '2026-08-24'],
    // Months and days together: 1 month and 3 days from 2026-01-30 end on 2026-03-03 (February clamps).
    ['2026-03-02', { months: 1, days: 3 }, '2026-01-27'],
    ['2026-03-31', { years: 1, months: 1, days: 1 }, '2025-02-28'],
  ])('by %s for %j: started on or before %s', (ref, duration, latest) => {
    expect(latestStartFor(ref, duration)).toBe(latest);
    // The day it names completes the duration by ref; the day after does not.
    expect(compareDates(shift(latest, duration, 1), ref)).toBeLessThanOrEqual(0);
    const next = fromDayNumber(toDayNumber(latest) + 1);
    expect(compareDates(shift(next, duration, 1), ref)).toBeGreaterThan(0);
  });
});
