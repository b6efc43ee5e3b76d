// Typed answers: numbers with units and ranges, calendar dates with limits, "unknown".
import { describe, expect, test } from 'vitest';
import { isUnknownAnswer, parseDateAnswer, parseNumberAnswer, type NumberSpec } from '../../src/interactive/answers.js';
import { openCriteriaDir } from '../../src/criteria/criteria-dir.js';
import { orderKey, targetFor } from '../../src/interactive/questionnaire.js';
import type { Missing } from '../../src/engine/result.js';

const pga: NumberSpec = { type: 'number', unit: 'cm', min: 0, max: 10, convert: { mm: 0.1 } };
const titre: NumberSpec = { type: 'integer', min: 0, max: 100000 };

describe('parseNumberAnswer', () => {
  test.each<[NumberSpec, string, unknown]>([
    [pga, '0', 0],
    [pga, '10', 10],
    [pga, '4.5', 4.5],
    [pga, ' 4.5 cm ', 4.5],
    [pga, '45 mm', { value: 45, unit: 'mm' }],
    [pga, '100MM', { value: 100, unit: 'mm' }],
    [pga, '.5', 0.5],
    [titre, '160', 160],
  ])('%j accepts %j', (spec, raw, value) => {
    expect(parseNumberAnswer(raw, spec)).toEqual({ ok: true, value });
  });
  test.each<[NumberSpec, string, string]>([
    [pga, '10.01', 'must be 0–10 cm, got 10.01 cm'],
    [pga, '-0.1', 'must be 0–10 cm, got -0.1 cm'],
    [pga, '101 mm', 'must be 0–10 cm, got 101 mm = 10.1 cm'],
    [pga, '4 in', 'unit must be cm or mm, got "in"'],
    [pga, 'four', 'type a number in cm or mm (Enter or ? = unknown)'],
    [pga, '4,5', 'unit must be cm or mm, got ",5"'],
    [titre, '160.5', 'must be a whole number, got 160.5'],
    [titre, '160 x', 'this value has no unit: type the number only'],
  ])('%j rejects %j', (spec, raw, reason) => {
    expect(parseNumberAnswer(raw, spec)).toEqual({ ok: false, reason });
  });
});

describe('parseDateAnswer', () => {
  const today = { date: '2026-11-16', what: 'today' };
  test.each<[string, string | undefined]>([
    ['2026-11-16', undefined],
    ['2026-11-17', '2026-11-17 is after today (2026-11-16)'],
    ['2024-02-29', undefined],
    ['2023-02-29', '2023-02-29 is not a real calendar date'],
    ['16/11/2026', 'type a date as YYYY-MM-DD (Enter or ? = unknown)'],
    ['2020-01-09', '2020-01-09 is before the start date (2020-01-10)'],
  ])('%s', (raw, reason) => {
    const p = parseDateAnswer(raw, [today], [{ date: '2020-01-10', what: 'the start date' }]);
    expect(p).toEqual(reason ? { ok: false, reason } : { ok: true, value: raw });
  });
});

test.each(['', '  ', '?', 'unknown', 'SKIP'])('%j means unknown', (raw) => expect(isUnknownAnswer(raw)).toBe(true));
test.each(['0', 'no', 'n/a'])('%j is an answer', (raw) => expect(isUnknownAnswer(raw)).toBe(false));

describe('targetFor: from the engine\'s missing paths to questions', () => {
  const dict = openCriteriaDir().dictionary;
  test.each<[Missing | string, string | undefined]>([
    ['diagnosis.subtype', 'field diagnosis.subtype'],
    ['labs.ck.value', 'field labs.ck'],
    ['labs.ck.uln', 'field labs.ck'],
    [{ field: 'assessments.mmt8', need: { kind: 'scale', max: 150 } }, 'field assessments.mmt8'],
    ['assessments.mmt8.score', 'field assessments.mmt8'],
    ['medications', 'records medications'],
    ['medications[2].start', 'item medications[2].start'],
    ['medications[0].ongoing', 'item medications[0].stop'],
    [{ field: 'medications[0].doses', need: { kind: 'doseOn', date: '2026-11-03' } }, 'item medications[0].doses'],
    ['referenceDates.consent', 'refDate referenceDates.consent'],
    ['referenceDates.other', undefined],
    ['diagnosis.subtype.value', undefined],
    ['nothing.here', undefined],
    ['medications[0].nope', undefined],
  ])('%j', (missing, want) => {
    const t = targetFor(dict, typeof missing === 'string' ? { field: missing } : missing);
    expect(t ? `${t.kind} ${t.key}` : undefined).toBe(want);
  });

  test('chart order: reference dates, then sections, then records by index', () => {
    const paths = ['malignancies', 'medications[1].start', 'labs.ck.value', 'medications[0].doses', 'referenceDates.randomization', 'demographics.birthDate', 'referenceDates.screening', 'medications[0].start'];
    const sorted = paths
      .map((p) => targetFor(dict, { field: p })!)
      .sort((a, b) => {
        const [x, y] = [orderKey(dict, a), orderKey(dict, b)];
        return x.map((v, i) => v - (y[i] ?? 0)).find((d) => d !== 0) ?? 0;
      })
      .map((t) => t.key);
    expect(sorted).toEqual(['referenceDates.screening', 'referenceDates.randomization', 'demographics.birthDate', 'labs.ck', 'medications[0].start', 'medications[0].doses', 'medications[1].start', 'malignancies']);
  });
});
