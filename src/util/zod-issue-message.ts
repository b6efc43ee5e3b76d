// One-line messages from zod issues' structured fields. zod/mini carries no English locale (its
// messages are all "Invalid input"), and our wording names what was expected and what was given.
import type * as z from 'zod/mini';
import { excerpt } from '../errors.js';

/** Messages from the issue's structured fields (zod/mini carries no English locale). */
export function issueMessage(issue: z.core.$ZodIssue, got: unknown): string {
  const gotText = got === undefined ? '' : `, got ${describe(got)}`;
  switch (issue.code) {
    case 'invalid_union': {
      // {"value": 25, "unit": "MM"}: say which units are allowed, not just the two shapes.
      const unit = issue.errors.flat().find((i) => i.code === 'invalid_value' && i.path[0] === 'unit');
      if (unit && unit.code === 'invalid_value') return `unit must be one of ${unit.values.map((v) => JSON.stringify(v)).join(', ')}${gotUnit(got)}`;
      return `expected a number or {"value": number, "unit": string}${gotText}`;
    }
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}${gotText}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got === undefined ? '' : `, got ${excerpt(got)}`}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
      if (issue.origin === 'string') return `must be ${word} ${String(bound)} characters long`;
      if (issue.origin === 'array') return `must have ${word} ${String(bound)} entries`;
      return `must be ${word} ${String(bound)}${got === undefined || typeof got === 'object' ? '' : ` (got ${excerpt(got)})`}`;
    }
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'custom':
      return got !== undefined && typeof got !== 'object' ? `${excerpt(got)} ${issue.message}` : issue.message;
    default:
      return issue.message;
  }
}

function gotUnit(got: unknown): string {
  const unit = got !== null && typeof got === 'object' && Object.hasOwn(got, 'unit') ? (got as { unit: unknown }).unit : undefined;
  return unit === undefined ? '' : `, got ${excerpt(unit)}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  // JSON.parse reads 1e309 as Infinity, which JSON.stringify would print as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number too large to represent';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${excerpt(v)}`;
}

