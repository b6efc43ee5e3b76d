// Own-property lookups for keys that come from users or criteria files: a plain `obj[key]` finds
// `constructor`, `toString` or `__proto__` on Object.prototype and reads them as data.

/** The value stored under `key` in `obj` itself, never one inherited from a prototype. */
export function own<T>(obj: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return obj != null && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Names that have a meaning on every JavaScript object; never usable as ids, keys or path segments. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/** The first reserved segment of a dotted path, if any (`reviews.__proto__.x` -> `__proto__`). */
export function reservedSegment(path: string): string | undefined {
  return path.split('.').find(isReservedName);
}
