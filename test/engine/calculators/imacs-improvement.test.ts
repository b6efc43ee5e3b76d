// IMACS definition of improvement: percent-change boundaries, each rule branch, three-valued results.
import { describe, expect, test } from 'vitest';
import { IMACS_DOI, imacsImprovementCalculator, measureChange, meetsDefinition, type MeasureStatus } from '../../../src/engine/calculators/imacs-improvement.js';
import { getPath } from '../../../src/engine/patient-record.js';

describe('measureChange', () => {
  test.each([
    // baseline, follow-up, higherIsBetter, status
    [5, 4, false, 'improved'], // exactly 20% better
    [5, 4.01, false, 'unchanged'], // 19.8%
    [0.3, 0.24, false, 'improved'], // 20% with float noise
    [100, 120, true, 'improved'], // MMT up 20%
    [4, 5, false, 'worsened'], // exactly 25% worse
    [4, 4.99, false, 'unchanged'],
    [100, 75, true, 'worsened'], // MMT down 25%
    [0, 0, false, 'unchanged'],
    [0, 1, false, 'worsened'],
    [0, 0, true, 'unchanged'],
  ] as const)('%d -> %d (higher better: %s) is %s', (b, f, hib, status) => {
    expect(measureChange(b, f, hib).status).toBe(status);
  });
  test('worsened "> 25%" (as NCT04946669 words it) does not count exactly 25%', () => {
    expect(measureChange(4, 5, false, { ...IMACS_DOI, worsenedWhen: '>' }).status).toBe('unchanged');
  });
});

// Order: pga, sga, mmt8, haqDi, enzyme, extramuscularGlobal
const S = (...xs: string[]) => xs.map((x) => ({ i: 'improved', w: 'worsened', u: 'unchanged' })[x] as MeasureStatus);

describe('meetsDefinition', () => {
  test.each([
    [S('i', 'i', 'u', 'i', 'u', 'u'), true], // 3 improved
    [S('i', 'i', 'u', 'u', 'u', 'u'), false], // only 2 improved
    [S('i', 'i', 'i', 'w', 'w', 'u'), true], // 2 worsened allowed
    [S('i', 'i', 'i', 'w', 'w', 'w'), false], // 3 worsened
    [S('i', 'i', 'w', 'i', 'u', 'u'), false], // MMT worsened
  ])('%o -> %s', (statuses, expected) => {
    expect(meetsDefinition(statuses)).toBe(expected);
  });
  test('without the MMT rule a worsened MMT is just one worsened measure', () => {
    expect(meetsDefinition(S('i', 'i', 'w', 'i', 'u', 'u'), { ...IMACS_DOI, mmtMayNotWorsen: false })).toBe(true);
  });
});

const visit = (pga: number, sga: number, mmt: number, haq: number, ck: number, extra: number) => ({
  pga, sga, mmt8: { score: mmt, max: 150 }, haqDi: haq, enzyme: { value: ck, uln: 200, unit: 'U/L' }, extramuscularGlobal: extra,
});
const run = (imacs: object, params: Record<string, unknown> = {}) =>
  imacsImprovementCalculator.evaluate({ get: (p) => getPath({ imacs }, p), referenceDate: () => undefined }, imacsImprovementCalculator.prepare(params));

describe('imacsImprovement calculator', () => {
  test('improved: 4 measures better by ≥ 20%', () => {
    const r = run({ baseline: visit(6, 6, 100, 1.5, 2000, 4), followUp: visit(4, 4, 110, 1.0, 1500, 4) });
    expect(r.outcome).toBe('met');
    expect(r.detail?.improvedCount).toBe(4);
  });
  test('not improved: nothing changed enough', () => {
    expect(run({ baseline: visit(6, 6, 100, 1.5, 2000, 4), followUp: visit(5.5, 6, 102, 1.5, 1900, 4) }).outcome).toBe('not_met');
  });
  test('missing measures that could tip the result leave it unknown, naming both visits as needed', () => {
    const followUp: Record<string, unknown> = visit(4, 4, 100, 1.5, 2000, 4);
    delete followUp.haqDi;
    const r = run({ baseline: visit(6, 6, 100, 1.5, 2000, 4), followUp });
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toEqual([{ field: 'imacs.followUp.haqDi' }]);
  });
  test('missing measures that cannot tip the result do not block it', () => {
    // 0 improved among 4 known: even two unknown measures improving gives at most 2 of 3.
    const r = run({ baseline: { pga: 6, sga: 6, mmt8: { score: 100, max: 150 }, haqDi: 1.5 }, followUp: { pga: 6, sga: 6, mmt8: { score: 100, max: 150 }, haqDi: 1.5 } });
    expect(r.outcome).toBe('not_met');
  });
  test('MMT-8 on different scales is not compared', () => {
    const followUp = { ...visit(4, 4, 70, 1.0, 1500, 4), mmt8: { score: 70, max: 80 } };
    const r = run({ baseline: visit(6, 6, 100, 1.5, 2000, 4), followUp });
    // 4 improved without MMT; MMT could still be "worsened", which the IMACS rule forbids.
    expect(r.outcome).toBe('unknown');
    expect(r.missing).toEqual([{ field: 'imacs.followUp.mmt8', need: { kind: 'scale', max: 150, asBaseline: true } }]);
  });
});

test('a vanishingly small baseline reports no percent (never Infinity), found by the property tests', () => {
  const r = measureChange(5e-324, 8.9e-18, false);
  expect(r.status).toBe('worsened');
  expect(r.percent).toBeNull();
});

describe('readings a protocol leaves open: zeroBaseline and mmtMayNotWorsen "either"', () => {
  // pga, sga and enzyme improve; HAQ-DI and extramuscular rise from a baseline of 0.
  const zero = { baseline: visit(6, 6, 100, 0, 2000, 0), followUp: visit(4, 4, 100, 0.125, 1500, 0.1) };
  const strict = { worsenedWhen: '>', maxWorsened: 1 };
  test.each([
    ['asChange', 'every', 'not_met'], // 2 worsened > 1
    ['unchanged', 'every', 'met'],
    ['either', 'every', 'not_met'],
    ['either', 'some', 'met'],
  ])('zeroBaseline %s, require %s -> %s', (zeroBaseline, require, outcome) => {
    const r = run(zero, { ...strict, zeroBaseline, require });
    expect(r.outcome).toBe(outcome);
    expect(r.detail?.zeroBaselineMeasures).toBe('HAQ-DI, extramuscular global activity');
  });
  test('missing data stays unknown under the readings (collect it first)', () => {
    const followUp: Record<string, unknown> = { ...zero.followUp };
    delete followUp.pga;
    expect(run({ ...zero, followUp }, { ...strict, zeroBaseline: 'either', require: 'some' }).outcome).toBe('unknown');
  });
  test.each([
    [true, 'not_met'],
    [false, 'met'],
  ])('MMT-8 worsened with 4 improved: rule %s -> %s; "either" gives every: not_met, some: met', (mmt, outcome) => {
    const data = { baseline: visit(6, 6, 100, 1.5, 2000, 4), followUp: visit(4, 4, 70, 1.0, 1500, 4) };
    expect(run(data, { mmtMayNotWorsen: mmt }).outcome).toBe(outcome);
    expect(run(data, { mmtMayNotWorsen: 'either', require: 'every' }).outcome).toBe('not_met');
    expect(run(data, { mmtMayNotWorsen: 'either', require: 'some' }).outcome).toBe('met');
  });
});
