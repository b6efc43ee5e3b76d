// Reading a trace node's detail in a formatter. The engine's Trace is a union keyed by kind, each
// kind's detail declared by its rule module; after `switch (t.kind)` a formatter reads that kind's
// fields, typed. Every field is optional here: a node records more as it gets further (a window
// once the reference date is known, a ratio once decided), and medication rules record only the
// missing reference date when it is not given.
import type { Trace } from '../engine/result.js';

type KeysOf<U> = U extends unknown ? keyof U : never;
type ValueOf<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never;
/** The members of a union of detail types as one object type, every key optional. */
export type Flat<U> = { [K in KeysOf<U>]?: ValueOf<U, K> };

export function detailOf<T extends Trace>(t: T): Flat<NonNullable<T['detail']>> {
  return (t.detail ?? {}) as Flat<NonNullable<T['detail']>>;
}
