// `any`: at least one sub-rule must be met (Kleene or).
import { junction } from './list-kinds.js';
import type { Condition } from './types.js';

export type AnyOf = { kind: 'any'; note?: string | undefined; of: Condition[] };

export const any = junction('any', 'met', 'not_met', 'any of:');
