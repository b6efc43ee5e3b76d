import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/batch/id-index.js';

describe('IdIndex (first row of each patient id, without holding the ids)', () => {
  it.each([
    { ids: ['a'], expected: [undefined] },
    { ids: ['a', 'a'], expected: [undefined, 1] },
    { ids: ['a', 'b', 'a', 'b', 'a'], expected: [undefined, undefined, 1, 2, 1] },
    { ids: ['IM-001', 'im-001', 'IM-001 '], expected: [undefined, undefined, undefined] },
    { ids: ['', '0', '00'], expected: [undefined, undefined, undefined] },
  ])('$ids', ({ ids, expected }) => {
    const index = new IdIndex();
    expect(ids.map((id, i) => index.firstRow(id, i + 1))).toEqual(expected);
  });

  it('agrees with a Map on random ids with repeats, through many table growths', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3000 }), (ids) => {
        const index = new IdIndex();
        const map = new Map<string, number>();
        ids.forEach((id, i) => {
          const expected = map.get(id);
          if (expected === undefined) map.set(id, i + 1);
          expect(index.firstRow(id, i + 1)).toBe(expected);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('keeps 200,000 distinct ids apart', () => {
    const index = new IdIndex();
    let hits = 0;
    for (let i = 0; i < 200_000; i++) if (index.firstRow(`SYN-${i}`, i + 1) !== undefined) hits++;
    expect(hits).toBe(0);
    expect(index.firstRow('SYN-123456', 999_999)).toBe(123_457);
  });
});
