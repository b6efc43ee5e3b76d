// Checks JSON.parse does not make: duplicate keys (JSON.parse silently keeps the last one, which
// could hide a contradictory value), keys such as __proto__ or constructor (read as data they
// reach Object.prototype) and excessive nesting (no patient file nests deeply; a
// 10,000-level document is an attack or a mistake). One pass over the text, no recursion.

import { isReservedName } from './own.js';

export const MAX_JSON_DEPTH = 64;

export type JsonTextProblem =
  | { kind: 'duplicate'; path: (string | number)[]; key: string }
  | { kind: 'reserved'; path: (string | number)[]; key: string }
  | { kind: 'depth'; path: (string | number)[] };

type Frame = { object: boolean; keys: Set<string>; key: string; index: number; expectKey: boolean };

/** Path of the value currently being read: each frame knows its current key or index. */
function pathOf(stack: Frame[]): (string | number)[] {
  return stack.map((f) => (f.object ? f.key : f.index));
}

/**
 * The first duplicate key or over-deep nesting. Meant for text JSON.parse accepts; on other text
 * it still terminates, and its duplicate findings should be ignored.
 */
export function findJsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): JsonTextProblem | undefined {
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          key = text.slice(i + 1, j);
        }
        if (top.keys.has(key)) return { kind: 'duplicate', path: [...pathOf(stack.slice(0, -1)), key], key };
        if (isReservedName(key)) return { kind: 'reserved', path: [...pathOf(stack.slice(0, -1)), key], key };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (stack.length >= maxDepth) return { kind: 'depth', path: pathOf(stack) };
      stack.push({ object: ch === 123, keys: new Set(), key: '', index: 0, expectKey: ch === 123 });
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      stack.pop();
    } else if (ch === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.index += 1;
    }
    i += 1;
  }
  return undefined;
}
