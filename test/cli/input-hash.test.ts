// The patient file's SHA-256 in reports is computed without node:crypto (start-up); it must agree
// with node:crypto on every length around the 64-byte block boundaries and on random bytes.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { sha256Hex } from '../../src/cli/input-hash.js';

const reference = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

test.each([0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000])('%i bytes', (n) => {
  const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
  expect(sha256Hex(bytes)).toBe(reference(bytes));
});

test('known answer and UTF-8 text', () => {
  expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(sha256Hex('MMT-8 ≤ 135 · µkat/L')).toBe(reference('MMT-8 ≤ 135 · µkat/L'));
});

test('property: random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        expect(sha256Hex(b)).toBe(reference(b));
      }), { seed: 256, numRuns: 300 });
});
