import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { and, atLeast, countCompare, not, or, OUTCOMES, type Outcome } from '../../src/engine/logic.js';

const M: Outcome = 'met';
const N: Outcome = 'not_met';
const U: Outcome = 'unknown';
const R: Outcome = 'needs_review';
const outcome = fc.constantFrom(...OUTCOMES);

describe('not', () => {
  test.each([
    [M, N],
    [N, M],
    [U, U],
    [R, R],
  ])('not(%s) = %s', (a, expected) => expect(not(a)).toBe(expected));
});

describe('and / or truth tables (Kleene, open values: unknown before needs_review)', () => {
  test.each([
    [M, M, M, M],
    [M, N, N, M],
    [M, U, U, M],
    [M, R, R, M],
    [N, N, N, N],
    [N, U, N, U],
    [N, R, N, R],
    [U, U, U, U],
    [U, R, U, U],
    [R, R, R, R],
  ])('%s, %s: and=%s or=%s', (a, b, andExpected, orExpected) => {
    expect(and([a, b])).toBe(andExpected);
    expect(and([b, a])).toBe(andExpected);
    expect(or([a, b])).toBe(orExpected);
    expect(or([b, a])).toBe(orExpected);
  });
});

describe('atLeast', () => {
  test.each([
    [3, [M, M, M, U, U, U], M],
    [3, [M, M, U, N, N, N], U],
    [3, [M, M, N, N, N, N], N],
    [3, [M, M, R, N, N, N], R],
    [3, [M, U, R, N, N, N], U],
    [1, [N, N], N],
    [2, [M, M], M],
  ] as [number, Outcome[], Outcome][])('at least %i of %j is %s', (n, values, expected) => {
    expect(atLeast(n, values)).toBe(expected);
  });

  test('agrees with counting over every assignment of 4 operands', () => {
    const all: Outcome[][] = [];
    const rec = (prefix: Outcome[]) => {
      if (prefix.length === 4) return void all.push(prefix);
      for (const o of OUTCOMES) rec([...prefix, o]);
    };
    rec([]);
    for (const values of all) {
      for (let n = 1; n <= 4; n++) {
        const met = values.filter((v) => v === M).length;
        const open = values.filter((v) => v === U || v === R).length;
        const expected = met >= n ? M : met + open < n ? N : values.includes(U) ? U : R;
        expect(atLeast(n, values)).toBe(expected);
      }
    }
  });
});

describe('laws (property-based, fixed seed)', () => {
  const opts = { seed: 42, numRuns: 300 };
  test('De Morgan', () => {
    fc.assert(fc.property(fc.array(outcome, { minLength: 1, maxLength: 6 }), (xs) => {
      expect(not(and(xs))).toBe(or(xs.map(not)));
      expect(not(or(xs))).toBe(and(xs.map(not)));
    }), opts);
  });
  test('double negation', () => {
    fc.assert(fc.property(outcome, (a) => {
      expect(not(not(a))).toBe(a);
    }), opts);
  });
  test('at least 1 of = or, at least n of n = and', () => {
    fc.assert(fc.property(fc.array(outcome, { minLength: 1, maxLength: 6 }), (xs) => {
      expect(atLeast(1, xs)).toBe(or(xs));
      expect(atLeast(xs.length, xs)).toBe(and(xs));
    }), opts);
  });
  test('filling in an open operand never flips a decided result', () => {
    fc.assert(fc.property(fc.array(outcome, { minLength: 1, maxLength: 6 }), fc.nat(5), fc.boolean(), fc.integer({ min: 1, max: 6 }), (xs, i, fill, n) => {
      const idx = i % xs.length;
      if (xs[idx] !== U && xs[idx] !== R) return;
      const filled = xs.map((x, j) => (j === idx ? (fill ? M : N) : x));
      for (const f of [and, or, (v: Outcome[]) => atLeast(Math.min(n, v.length), v)]) {
        const before = f(xs);
        if (before === M || before === N) expect(f(filled)).toBe(before);
      }
    }), opts);
  });
});

describe('countCompare', () => {
  test.each([
    [0, 0, (c: number) => c >= 1, N],
    [1, 3, (c: number) => c >= 1, M],
    [0, 2, (c: number) => c >= 1, U],
    [1, 1, (c: number) => c <= 1, M],
    [1, 2, (c: number) => c <= 1, U],
    [2, 2, (c: number) => c <= 1, N],
  ] as [number, number, (c: number) => boolean, Outcome][])('count in [%i, %i]', (low, high, t, expected) => {
    expect(countCompare(low, high, t)).toBe(expected);
  });
});
