// `all`: every sub-rule must be met (Kleene and).
import { junction } from './list-kinds.js';
import type { Condition } from './types.js';

export type All = { kind: 'all'; note?: string | undefined; of: Condition[] };

export const all = junction('all', 'not_met', 'met', 'all of:');
