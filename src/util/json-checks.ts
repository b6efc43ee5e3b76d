// Checks JSON.parse does not make: duplicate keys (JSON.parse silently keeps the last, which
// could hide a contradictory value) and excessive nesting. Runs over text JSON.parse accepted.

export const MAX_JSON_DEPTH = 64;

export type JsonTextProblem = { kind: 'duplicate'; path: (string | number)[]; key: string } | { kind: 'depth'; path: (string | number)[] };

/** The first duplicate key or over-deep nesting in valid JSON text, iteratively (no recursion). */
export function findJsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): JsonTextProblem | undefined {
  type Frame = { object: boolean; keys: Set<string>; key: string | number; index: number; expectKey: boolean };
  const stack: Frame[] = [];
  const path = (): (string | number)[] => stack.slice(1).map((f) => f.key).concat(stack.length ? [] : []);
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      let raw = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\') {
          raw += text.slice(j, j + 2);
          j += 2;
        } else {
          raw += text[j];
          j += 1;
        }
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const key = JSON.parse(`"${raw}"`) as string;
        if (top.keys.has(key)) return { kind: 'duplicate', path: [...framePath(stack), key], key };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      if (stack.length >= maxDepth) return { kind: 'depth', path: framePath(stack) };
      stack.push({ object: ch === '{', keys: new Set(), key: ch === '[' ? 0 : '', index: 0, expectKey: ch === '{' });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.index += 1;
    }
    i += 1;
  }
  void path;
  return undefined;
}

function framePath(stack: { object: boolean; key: string | number; index: number }[]): (string | number)[] {
  // Each frame's position inside its parent is recorded on the parent frame.
  const out: (string | number)[] = [];
  for (let k = 0; k < stack.length - 1; k++) {
    const parent = stack[k] as { object: boolean; key: string | number; index: number };
    out.push(parent.object ? parent.key : parent.index);
  }
  return out;
}
