// The rule language: a zod discriminated union keyed by `kind`, so a bad rule gets an error at
// its exact path. TypeScript types and the editor JSON Schema are both derived from here.
import { z } from 'zod';
import { isReservedName } from '../util/own.js';

/** Ids and names become keys (reviews.<trial>.<review id>, definitions); built-in object property names cannot be. */
const notReserved = <T extends z.ZodString>(s: T) => s.refine((v) => !isReservedName(v), { message: 'names a built-in property of every JavaScript object (constructor, toString, __proto__, …): choose another name' });

export const REFERENCE_DATES = ['screening', 'consent', 'randomization'] as const;
export const ReferenceDateName = z.enum(REFERENCE_DATES).describe('A named reference date of the screening visit.');
export type ReferenceDateName = z.infer<typeof ReferenceDateName>;

export const Duration = z
  .strictObject({
    days: z.number().int().positive().optional(),
    weeks: z.number().int().positive().optional(),
    months: z.number().int().positive().optional(),
    years: z.number().int().positive().optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined), { message: 'a duration needs days, weeks, months or years' })
  .describe('A calendar duration; months and years follow the calendar.');
export type Duration = z.infer<typeof Duration>;

export const ComparisonOp = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type ComparisonOp = z.infer<typeof ComparisonOp>;

const FieldPath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, 'a field path such as diagnosis.subtype')
  .describe('A data-dictionary field path; inside exists/forAll/count a bare name is a field of the record.');

const DateOperand = z.union([
  z.strictObject({ field: FieldPath }),
  z.strictObject({ ref: ReferenceDateName }),
]);
export type DateOperand = z.infer<typeof DateOperand>;

const note = z.string().optional().describe('Shown in reports next to this part of the rule.');

export const All = z.strictObject({
  kind: z.literal('all'),
  note,
  get of() {
    return z.array(Condition).min(1);
  },
});
export const AnyOf = z.strictObject({
  kind: z.literal('any'),
  note,
  get of() {
    return z.array(Condition).min(1);
  },
});
export const Not = z.strictObject({
  kind: z.literal('not'),
  note,
  get of() {
    return Condition;
  },
});
export const AtLeast = z.strictObject({
  kind: z.literal('atLeast'),
  n: z.number().int().positive(),
  note,
  get of() {
    return z.array(Condition).min(1);
  },
});
export const Compare = z.strictObject({
  kind: z.literal('compare'),
  field: FieldPath,
  op: ComparisonOp,
  value: z.union([z.number(), z.boolean(), z.string()]),
  unit: z.string().optional().describe("The threshold's unit; must be the field's unit."),
  scaleMax: z.number().positive().optional().describe('For scale fields: the scale maximum the threshold refers to.'),
  note,
});
export const Is = z.strictObject({
  kind: z.literal('is'),
  field: FieldPath,
  value: z.boolean().default(true),
  note,
});
export const In = z.strictObject({
  kind: z.literal('in'),
  field: FieldPath,
  values: z.array(z.string()).min(1),
  note,
});
export const IncludesAny = z.strictObject({
  kind: z.literal('includesAny'),
  field: FieldPath,
  values: z.array(z.string()).min(1),
  note,
});
export const LabUln = z.strictObject({
  kind: z.literal('labUln'),
  field: FieldPath.describe('A lab field (value, unit, uln, date).'),
  op: z.enum(['<', '<=', '>', '>=']),
  times: z.number().positive().describe('Multiple of the upper limit of normal.'),
  within: Duration.optional().describe('Only a result dated within this long before the reference date counts; otherwise unknown.'),
  before: ReferenceDateName.optional().describe('Reference date for `within` (default screening).'),
  through: ReferenceDateName.optional().describe('Also count results dated after `before` up to and including this reference date (e.g. labs drawn at screening, after consent).'),
  note,
});
export const Age = z.strictObject({
  kind: z.literal('age'),
  op: z.enum(['<', '<=', '>', '>=']),
  years: z.number().int().nonnegative(),
  at: ReferenceDateName,
  note,
});
export const DateWithin = z.strictObject({
  kind: z.literal('dateWithin'),
  field: FieldPath,
  within: Duration,
  before: ReferenceDateName,
  note,
});
export const Interval = z.strictObject({
  kind: z.literal('interval'),
  from: DateOperand,
  to: DateOperand,
  op: z.enum(['<', '<=', '>', '>=']),
  duration: Duration,
  absolute: z.boolean().default(false).describe('Compare the distance between the dates whichever comes first.'),
  note,
});
export const Known = z.strictObject({
  kind: z.literal('known'),
  field: FieldPath,
  note,
});
export const Exists = z.strictObject({
  kind: z.literal('exists'),
  records: FieldPath,
  note,
  get where() {
    return Condition;
  },
});
export const ForAll = z.strictObject({
  kind: z.literal('forAll'),
  records: FieldPath,
  note,
  get where() {
    return Condition.optional();
  },
  get check() {
    return Condition;
  },
});
export const Count = z.strictObject({
  kind: z.literal('count'),
  records: FieldPath,
  op: ComparisonOp,
  n: z.number().int().nonnegative(),
  note,
  get where() {
    return Condition.optional();
  },
});
export const Ongoing = z.strictObject({
  kind: z.literal('ongoing'),
  at: ReferenceDateName,
  continuing: z.boolean().optional().describe('Also require that no last dose is recorded: "ongoing": true, not a stop date on or after the reference date.'),
  note,
});
export const TakenFor = z.strictObject({
  kind: z.literal('takenFor'),
  atLeast: Duration,
  before: ReferenceDateName,
  note,
});
export const StableDose = z.strictObject({
  kind: z.literal('stableDose'),
  for: Duration,
  before: ReferenceDateName,
  note,
});
export const LastDoseWithin = z.strictObject({
  kind: z.literal('lastDoseWithin'),
  within: Duration,
  before: ReferenceDateName,
  note,
});
export const Review = z.strictObject({
  kind: z.literal('review'),
  id: notReserved(z.string().regex(/^[A-Za-z0-9_.-]+$/)).describe('Key of the confirmation in the patient file: reviews.<trial>.<id>.'),
  by: z.enum(['investigator', 'adjudication committee', 'sponsor', 'protocol']),
  question: z.string().min(1).describe('A plain question that asserts only what the data shows (or states its premise as a condition).'),
  yesMeans: z.string().min(1).optional().describe('What a "yes" decision means for the criterion, in plain words (e.g. "exclusion applies").'),
  noMeans: z.string().min(1).optional().describe('What a "no" decision means for the criterion, in plain words (e.g. "exclusion does not apply").'),
  listWhileOpen: z.boolean().optional().describe('List this question even while other data of the criterion is missing (it assumes nothing that data would show).'),
  note,
});
export const Ref = z.strictObject({
  kind: z.literal('ref'),
  definition: notReserved(z.string().min(1)),
  note,
});
export const Calc = z.strictObject({
  kind: z.literal('calc'),
  calculator: z.string().min(1),
  note,
  params: z.record(z.string(), z.unknown()).optional(),
});

export const Condition: z.ZodType<ConditionT> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    All, AnyOf, Not, AtLeast, Compare, Is, In, IncludesAny, LabUln, Age, DateWithin, Interval, Known,
    Exists, ForAll, Count, Ongoing, TakenFor, StableDose, LastDoseWithin, Review, Ref, Calc,
  ]),
) as z.ZodType<ConditionT>;

type Base = { note?: string | undefined };
export type ConditionT =
  | (Base & { kind: 'all'; of: ConditionT[] })
  | (Base & { kind: 'any'; of: ConditionT[] })
  | (Base & { kind: 'not'; of: ConditionT })
  | (Base & { kind: 'atLeast'; n: number; of: ConditionT[] })
  | (Base & { kind: 'compare'; field: string; op: ComparisonOp; value: number | boolean | string; unit?: string | undefined; scaleMax?: number | undefined })
  | (Base & { kind: 'is'; field: string; value: boolean })
  | (Base & { kind: 'in'; field: string; values: string[] })
  | (Base & { kind: 'includesAny'; field: string; values: string[] })
  | (Base & { kind: 'labUln'; field: string; op: '<' | '<=' | '>' | '>='; times: number; within?: Duration | undefined; before?: ReferenceDateName | undefined; through?: ReferenceDateName | undefined })
  | (Base & { kind: 'age'; op: '<' | '<=' | '>' | '>='; years: number; at: ReferenceDateName })
  | (Base & { kind: 'dateWithin'; field: string; within: Duration; before: ReferenceDateName })
  | (Base & { kind: 'interval'; from: DateOperand; to: DateOperand; op: '<' | '<=' | '>' | '>='; duration: Duration; absolute: boolean })
  | (Base & { kind: 'known'; field: string })
  | (Base & { kind: 'exists'; records: string; where: ConditionT })
  | (Base & { kind: 'forAll'; records: string; where?: ConditionT | undefined; check: ConditionT })
  | (Base & { kind: 'count'; records: string; op: ComparisonOp; n: number; where?: ConditionT | undefined })
  | (Base & { kind: 'ongoing'; at: ReferenceDateName; continuing?: boolean | undefined })
  | (Base & { kind: 'takenFor'; atLeast: Duration; before: ReferenceDateName })
  | (Base & { kind: 'stableDose'; for: Duration; before: ReferenceDateName })
  | (Base & { kind: 'lastDoseWithin'; within: Duration; before: ReferenceDateName })
  | (Base & {
      kind: 'review';
      id: string;
      by: 'investigator' | 'adjudication committee' | 'sponsor' | 'protocol';
      question: string;
      yesMeans?: string | undefined;
      noMeans?: string | undefined;
      listWhileOpen?: boolean | undefined;
    })
  | (Base & { kind: 'ref'; definition: string })
  | (Base & { kind: 'calc'; calculator: string; params?: Record<string, unknown> | undefined });
export type Condition = ConditionT;

export const Criterion = z.strictObject({
  id: notReserved(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/)).describe('Stable id, e.g. I1 or E4.'),
  type: z.enum(['inclusion', 'exclusion']),
  title: z.string().min(1).describe('A short name for reports.'),
  source: z.string().min(1).describe('The exact source sentence(s) this criterion encodes.'),
  note: z.string().optional().describe('How the source was interpreted, for reviewers.'),
  rule: Condition,
});
export type Criterion = z.infer<typeof Criterion>;

export const Definition = z.strictObject({
  description: z.string().min(1),
  source: z.string().optional(),
  rule: Condition,
});

export const TrialFile = z.strictObject({
  trial: z.strictObject({
    id: notReserved(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)),
    nct: z.string().regex(/^NCT\d{8}$/),
    title: z.string().min(1),
    phase: z.string().min(1),
    sponsor: z.string().min(1),
    source: z.string().min(1).describe('The document the criteria were encoded from.'),
    criteriaVersion: z.string().min(1),
    completeness: z.enum(['complete', 'partial']).describe('partial: the source does not give every protocol criterion.'),
    completenessNote: z.string().optional(),
  }),
  definitions: z.record(notReserved(z.string()), Definition).default({}),
  criteria: z.array(Criterion).min(1),
});
export type TrialFile = z.infer<typeof TrialFile>;
