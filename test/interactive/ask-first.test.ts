// askFirst: which question waits for which, from the rule structure and what is still open.
import { describe, expect, test } from 'vitest';
import type { Trace } from '../../src/engine/result.js';
import { askFirst, type OpenRule } from '../../src/interactive/ask-first.js';
import type { Condition } from '../../src/rules/registry.js';
import type { Definitions } from '../../src/rules/types.js';

const is = (field: string): Condition => ({ kind: 'is', field, value: true });
const review = (id: string): Condition => ({ kind: 'review', id, by: 'investigator', question: `${id}?` });
const any = (...of: Condition[]): Condition => ({ kind: 'any', of });
const all = (...of: Condition[]): Condition => ({ kind: 'all', of });
const not = (of: Condition): Condition => ({ kind: 'not', of });
const atLeast = (n: number, ...of: Condition[]): Condition => ({ kind: 'atLeast', n, of });
/** A route that only the investigator's review can complete (it is asked after every question). */
const reviewed = (...of: Condition[]): Condition => all(...of, review('r'));

const DEFS: Definitions = { aOrReviewedB: { description: 'a, or b with a review', rule: any(is('a'), reviewed(is('b'))) } };

/** askFirst as plain data: field -> the fields asked before it, sorted. */
function order(rules: (Condition | OpenRule)[]): Record<string, string[]> {
  const open = rules.map((r) => ('rule' in r ? r : { rule: r }));
  return Object.fromEntries([...askFirst(open, DEFS)].map(([f, by]) => [f, [...by].sort()]).sort());
}

describe('askFirst: from the rule structure alone', () => {
  test.each<[string, (Condition | OpenRule)[], Record<string, string[]>]>([
    ['an alternative met from data comes before one that needs a review', [any(is('a'), reviewed(is('b')))], { b: ['a'] }],
    ['every field of that alternative comes first', [any(all(is('a'), is('c')), reviewed(is('b')))], { b: ['a', 'c'] }],
    ['two alternatives met from data: each can make the other moot, chart order decides', [any(is('a'), is('b'))], {}],
    ['parts of an all: each can fail it, chart order decides', [all(is('a'), is('b'))], {}],
    ['n of several: each can decide it, chart order decides', [atLeast(2, is('a'), is('b'), is('c'))], {}],
    ['a part that fails only by review decides nothing', [all(is('a'), review('r'))], {}],
    ['under a not, the same', [not(any(is('a'), reviewed(is('b'))))], { b: ['a'] }],
    ['through a definition, the same', [{ kind: 'ref', definition: 'aOrReviewedB' }], { b: ['a'] }],
    ['a field read where nothing can make it moot is not moot', [any(is('a'), reviewed(is('b'))), is('b')], {}],
    ['a field needed anyway still comes first', [any(is('a'), reviewed(is('b'))), is('a')], { b: ['a'] }],
    // IM101-611 I3 (MMT-8, and 3 of 6 measures, CK among them) and I4 (rash, or CK > 5 × ULN).
    ['one of "3 of 6" decides nothing alone', [atLeast(3, is('m1'), is('m2'), is('m3'), is('m4'), is('m5'), is('ck'))], {}],
    [
      'IM101-611 I3 and I4: CK, read by both, waits for nothing and nothing waits for it',
      [all(is('mmt'), atLeast(3, is('m1'), is('pga'), is('sga'), is('haq'), is('ck'), is('ev'))), any(is('rash'), is('ck'))],
      {},
    ],
    // NCT04946669 I1's shape: the Bohan and Peter route (other causes excluded, and the items),
    // the clinically amyopathic route only with the investigator's review; weakness is in both.
    [
      'NCT04946669 I1: the Bohan and Peter fields before the skin-disease months',
      [any(all(is('excluded'), any(is('weakness'), is('rash'))), reviewed(all(is('months'), not(is('weakness')))))],
      { months: ['excluded', 'rash', 'weakness'] },
    ],
  ])('%s', (_name, rules, expected) => {
    expect(order(rules)).toEqual(expected);
  });
});

describe('askFirst: with the screening so far', () => {
  const node = (kind: Trace['kind'], outcome: Trace['outcome'], children?: Trace[]): Trace => ({ kind, outcome, facts: [], missing: [], ...(children ? { children } : {}) }) as Trace;
  const rule = any(is('a'), reviewed(is('b')));

  test.each<[string, Trace, Record<string, string[]>]>([
    ['both alternatives open: a first', node('any', 'unknown', [node('is', 'unknown'), node('all', 'unknown', [node('is', 'unknown'), node('review', 'needs_review')])]), { b: ['a'] }],
    // a answered no: it can no longer make b moot.
    ['an alternative already not met decides nothing', node('any', 'unknown', [node('is', 'not_met'), node('all', 'unknown', [node('is', 'unknown'), node('review', 'needs_review')])]), {}],
    ['a decided criterion needs nothing', node('any', 'met', [node('is', 'met'), node('all', 'unknown', [node('is', 'unknown'), node('review', 'needs_review')])]), {}],
  ])('%s', (_name, trace, expected) => {
    expect(order([{ rule, trace }])).toEqual(expected);
  });

  test('"3 of 6" with two met: the third measure to be met decides it, so each open one can make the others moot', () => {
    const measures = atLeast(3, is('m1'), is('m2'), is('m3'), is('m4'), reviewed(is('m5')));
    const trace = node('atLeast', 'unknown', [node('is', 'met'), node('is', 'met'), node('is', 'unknown'), node('is', 'unknown'), node('all', 'unknown')]);
    expect(order([{ rule: measures, trace }])).toEqual({ m5: ['m3', 'm4'] });
  });

  test('a field read by a decided criterion is moot by what its open places allow', () => {
    // b is read by a criterion already met, so only the open any(a, reviewed b) needs it.
    expect(order([{ rule, trace: node('any', 'unknown') }, { rule: is('b'), trace: node('is', 'met') }])).toEqual({ b: ['a'] });
  });
});
