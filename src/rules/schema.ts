// The rule language as zod schemas, built from each kind's schema: a discriminated union keyed by
// `kind`, so a bad rule gets an error at its exact path. Loaded only with the full criteria loader.
import { z } from 'zod';
import { isReservedName } from '../util/own.js';
import { RULES, type Condition as ConditionT } from './registry.js';
import { REFERENCE_DATES, type ComparisonOp as ComparisonOpT, type Duration as DurationT, type ReferenceDateName as ReferenceDateNameT, type SchemaKit } from './types.js';

export type Condition = ConditionT;
export type Duration = DurationT;
export type ReferenceDateName = ReferenceDateNameT;
export type ComparisonOp = ComparisonOpT;

export const ReferenceDateName = z.enum(REFERENCE_DATES).describe('A named reference date of the screening visit.');

export const Duration = z
  .strictObject({
    days: z.number().int().positive().optional(),
    weeks: z.number().int().positive().optional(),
    months: z.number().int().positive().optional(),
    years: z.number().int().positive().optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined), { message: 'a duration needs days, weeks, months or years' })
  .describe('A calendar duration; months and years follow the calendar.');

export const ComparisonOp = z.enum(['<', '<=', '>', '>=', '==', '!=']);

/** Ids and names become keys (reviews.<trial>.<review id>, definitions); built-in object property names cannot be. */
export const notReserved = <T extends z.ZodString>(s: T): T => s.refine((v) => !isReservedName(v), { message: 'names a built-in property of every JavaScript object (constructor, toString, __proto__, …): choose another name' });

const kit: SchemaKit = {
  z,
  get Condition() {
    return Condition;
  },
  FieldPath: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'a field path such as diagnosis.subtype')
    .describe('A data-dictionary field path; inside exists/forAll/count a bare name is a field of the record.'),
  Duration,
  ReferenceDateName,
  ComparisonOp,
  Ordering: z.enum(['<', '<=', '>', '>=']),
  notReserved,
  note: z.string().optional().describe('Shown in reports next to this part of the rule.'),
};

/** Each kind's schema, by kind (built once). */
export const RULE_SCHEMAS = Object.fromEntries(Object.values(RULES).map((r) => [r.kind, r.schema(kit)])) as Record<ConditionT['kind'], z.ZodType>;

export const Condition: z.ZodType<ConditionT> = z.lazy(() =>
  z.discriminatedUnion('kind', Object.values(RULE_SCHEMAS) as unknown as [z.ZodObject, ...z.ZodObject[]]),
) as unknown as z.ZodType<ConditionT>;
