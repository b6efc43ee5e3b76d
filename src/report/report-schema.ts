// The JSON report's shape as a zod schema: the published schema/report.schema.json is generated
// from it, and tests check every report the tool writes against it. Not loaded by the CLI.
import { z } from 'zod';
import type { Need as EngineNeed } from '../engine/result.js';

const Outcome = z.enum(['met', 'not_met', 'unknown', 'needs_review']);
const Verdict = z.enum(['eligible', 'ineligible', 'undetermined']);
const Dates = z.strictObject({ screening: z.string().optional(), consent: z.string().optional(), randomization: z.string().optional() });
const DateSources = z.record(z.string(), z.enum(['patient file', 'command line']));

export const FactSchema = z.strictObject({
  field: z.string().describe('Patient-file path of the value (records as medications[0].start).'),
  joinedWith: z.array(z.number().int().nonnegative()).optional().describe('When the record the field names was joined by the reader with other records of the file (one course entered twice or continued at the same dose): their positions, 0-based like the path. The value may come from one of them (the earliest start, the latest stop, their doses combined).'),
  label: z.string(),
  value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]).describe('null: not recorded.'),
  unit: z.string().optional(),
  source: z.string().optional().describe('The record an imported value came from ("Observation/abc"), from the patient file\'s provenance.'),
});

const Need = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('resultBetween'), from: z.string(), to: z.string() }).describe('A result dated from..to (the recorded one is outside that window).'),
    z.strictObject({ kind: z.literal('scale'), max: z.number(), asBaseline: z.literal(true).optional() }).describe('A score on the 0–max scale (asBaseline: the scale of the baseline score).'),
    z.strictObject({ kind: z.literal('doseOn'), date: z.string() }).describe('The dose taken on this date.'),
    z.strictObject({ kind: z.literal('sameUnit') }).describe('Every dose in the same unit.'),
    z.strictObject({ kind: z.literal('doseAmount'), date: z.string() }).describe('The amount of the dose taken from this date.'),
    z.strictObject({ kind: z.literal('dailyTotal'), date: z.string() }).describe("The drug's total daily dose on this date (another record of the drug is taken that day too)."),
  ])
  .describe('What the value must hold, when the field alone does not say.');
// The schema and the engine's type describe the same data.
type SameAs<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const needMatches: SameAs<z.infer<typeof Need>, EngineNeed> = true;
void needMatches;

const missingFields = { field: z.string().describe('Patient-file path of the value to collect.'), need: Need.optional() };
export const MissingSchema = z.strictObject(missingFields);

const Detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

type TraceT = { kind: string; outcome: z.infer<typeof Outcome>; note?: string; facts: z.infer<typeof FactSchema>[]; missing: z.infer<typeof MissingSchema>[]; detail?: z.infer<typeof Detail>; children?: TraceT[] };
export const TraceSchema: z.ZodType<TraceT> = z.lazy(() =>
  z.strictObject({
    kind: z.string(),
    outcome: Outcome,
    note: z.string().optional(),
    facts: z.array(FactSchema),
    missing: z.array(MissingSchema),
    detail: Detail.optional(),
    children: z.array(TraceSchema).optional(),
  }),
);

const Op = z.string().describe('Comparison: <, <=, >, >=, ==, !=, or in / includesAny for lists of values.');
export const ReasonFactSchema = z.strictObject({
  kind: z.string().describe('The rule kind the fact comes from (compare, labUln, dateWithin, records, count, review...).'),
  outcome: Outcome.describe('That part of the rule\'s own outcome.'),
  sense: z.enum(['needs', 'excludes']).describe('needs: the criterion passes only if this holds; excludes: it fails the criterion.'),
  record: z.string().optional().describe('The list item (a drug, a malignancy) the fact is about.'),
  note: z.string().optional().describe('How the protocol describes this part.'),
  field: z.string().optional().describe('Patient-file path of the value.'),
  joinedWith: z.array(z.number().int().nonnegative()).optional().describe('When the record the field names was joined by the reader with other records of the file (one course entered twice or continued at the same dose): their positions, 0-based like the path. The value may come from one of them (the earliest start, the latest stop, their doses combined).'),
  label: z.string(),
  value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]).describe('null: not recorded.'),
  unit: z.string().optional(),
  date: z.string().optional().describe('The date of the value (a lab result, a decision).'),
  uln: z.number().optional().describe('labUln: the lab\'s upper limit of normal.'),
  ratio: z.number().optional().describe('labUln: value / ULN, not rounded.'),
  side: z.union([z.literal(-1), z.literal(0), z.literal(1)]).optional().describe('The sign of value − threshold as the rule compared them.'),
  threshold: z
    .strictObject({
      op: Op,
      value: z.union([z.number(), z.boolean(), z.string()]),
      unit: z.string().optional(),
      timesUln: z.number().optional(),
      scaleMax: z.number().optional(),
    })
    .optional(),
  window: z.strictObject({ from: z.string().optional(), to: z.string().optional(), reference: z.string().optional(), length: z.string().optional() }).optional().describe('A date window: from..to, its length before a reference date.'),
  records: z.array(z.string()).optional().describe('The list items considered (for "each of", those its filter does not leave out: see notConcerned).'),
  notConcerned: z.array(z.string()).optional().describe('records ("each of"): the list items the rule\'s filter leaves out (it does not apply to them).'),
  decidedBy: z.string().optional(),
  meaning: z.string().optional().describe('review: what the recorded answer means for the criterion.'),
  complete: z.boolean().optional().describe('records: false when the list is not confirmed complete.'),
  text: z.string().optional(),
});

export const ReasonSchema = z.strictObject({
  effect: z.enum(['passes', 'fails', 'open']),
  outcome: Outcome,
  facts: z.array(ReasonFactSchema).describe('The deciding facts of a decided criterion, in rule order.'),
  missing: z.array(z.strictObject({ ...missingFields, label: z.string().describe('In words, with what the value must hold.') })).describe('What an open criterion still needs.'),
  reviews: z.array(
    z.strictObject({
      id: z.string(),
      by: z.string(),
      question: z.string(),
      status: z.enum(['open', 'confirmed', 'rejected']),
      decidedBy: z.string().optional(),
      decidedOn: z.string().optional(),
    }),
  ),
});

const Generated = {
  generatedAt: z.string().nullable().describe('ISO 8601 UTC time of the report (null from library calls that do not give one).'),
  input: z.strictObject({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().describe('The patient file and the SHA-256 of its bytes.'),
};

const ReviewItem = z.strictObject({
  trial: z.string(),
  criterion: z.string(),
  id: z.string(),
  by: z.string(),
  question: z.string(),
  status: z.enum(['open', 'confirmed', 'rejected']),
  yesMeans: z.string().optional(),
  noMeans: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedOn: z.string().optional(),
  note: z.string().optional(),
});

export const ReportSchema = z.strictObject({
  schemaVersion: z.literal(3),
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  ...Generated,
  trial: z.strictObject({
    id: z.string(),
    nct: z.string(),
    title: z.string(),
    version: z.string().describe('Criteria version.'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the criteria used: the trial file, then fields.yaml and definitions.yaml, as cat joins them.'),
    completeness: z.enum(['complete', 'partial']),
    completenessNote: z.string().optional(),
  }),
  patientId: z.string().nullable(),
  referenceDates: Dates,
  referenceDateSources: DateSources,
  verdict: Verdict,
  counts: z
    .strictObject({
      passes: z.number().int(),
      fails: z.number().int(),
      open: z.number().int(),
      outcomes: z.strictObject({ met: z.number().int(), not_met: z.number().int(), unknown: z.number().int(), needs_review: z.number().int(), failing: z.number().int() }).describe('Raw outcomes: for an exclusion, met means it applies.'),
    })
    .describe('Criteria by their effect on eligibility, and by raw outcome.'),
  criteria: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(['inclusion', 'exclusion']),
      title: z.string(),
      source: z.string().describe('The protocol sentence(s) the criterion encodes.'),
      note: z.string().optional().describe('How the source was interpreted.'),
      outcome: Outcome.describe('For an exclusion, met means the exclusion applies.'),
      effect: z.enum(['passes', 'fails', 'open']),
      reason: ReasonSchema,
      explanation: z.string(),
      summary: z.string(),
      facts: z.array(FactSchema),
      missing: z.array(MissingSchema),
      review: z.array(ReviewItem),
      trace: TraceSchema,
    }),
  ),
  missing: z.array(z.strictObject({ ...missingFields, label: z.string().describe('In words, with what the value must hold.'), criteria: z.array(z.string()) })),
  review: z.array(ReviewItem),
});

export const MultiReportSchema = z.strictObject({
  schemaVersion: z.literal(3),
  kind: z.literal('multi-trial'),
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  ...Generated,
  patientId: z.string().nullable(),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(3)]),
  ranking: z.array(
    z.strictObject({
      rank: z.number().int().positive(),
      trial: z.string(),
      nct: z.string(),
      title: z.string(),
      completeness: z.enum(['complete', 'partial']),
      verdict: Verdict,
      openItems: z.array(z.strictObject({ criterion: z.string(), title: z.string(), outcome: Outcome, missing: z.array(MissingSchema), review: z.array(z.string()) })),
      firstFailing: z.strictObject({ criterion: z.string(), title: z.string(), type: z.enum(['inclusion', 'exclusion']), reason: z.string() }).nullable(),
    }),
  ),
  reports: z.array(ReportSchema),
});

/** Either report shape: one trial, or several with a ranking. */
export const AnyReportSchema = z.union([ReportSchema, MultiReportSchema]);
