// The shared data dictionary: every patient field any trial uses, defined once. The patient
// file schema, the questionnaire and the CSV header are all derived from it.
import { z } from 'zod';

const common = {
  label: z.string().min(1).describe('Short name used in reports.'),
  askAfter: z.string().optional().describe('The questionnaire asks this only after the named record list (e.g. B cells after the medications).'),
  question: z.string().optional().describe('Question asked in the interactive questionnaire.'),
  help: z.string().optional().describe('Help text: where to find the value, what counts.'),
};

/** A terminology code that fills a field (or one enum value) when a record is imported from an EHR. */
export const Binding = z
  .strictObject({
    system: z.enum(['loinc', 'rxnorm', 'snomed', 'icd10cm']).describe('Code system: LOINC, RxNorm (ingredient), SNOMED CT or ICD-10-CM.'),
    code: z.string().min(1).describe('The code, exactly as the code system writes it.'),
    display: z.string().min(1).describe("The code system's display name for the code."),
    unit: z.string().optional().describe('The unit the code reports in (UCUM), when it has one.'),
    evidenceOnly: z
      .boolean()
      .optional()
      .describe('The code is evidence a person must weigh (a problem-list entry for a yes/no question), never the value itself: the importer notes it and leaves the field unknown.'),
  })
  .describe('A terminology binding: the code that fills this field from an EHR record.');
export type Binding = z.infer<typeof Binding>;

const codes = z.array(Binding).min(1).optional().describe('Terminology codes that fill this field from an EHR (FHIR import).');

const EnumValues = z
  .record(
    z.string().regex(/^[a-z0-9][A-Za-z0-9]*$/, 'enum values are camelCase identifiers'),
    z.union([z.string(), z.strictObject({ label: z.string(), class: z.string().optional(), codes })]),
  )
  .describe('Allowed values: value -> label (or {label, class, codes} for drugs and coded values).');

const NumberField = z.strictObject({
  type: z.enum(['number', 'integer']),
  ...common,
  unit: z.string().optional(),
  min: z.number().describe('Lowest plausible value (in the canonical unit, after conversion); below it is an input error.'),
  max: z.number().describe('Highest plausible value (in the canonical unit, after conversion); above it is an input error.'),
  convert: z.record(z.string(), z.number().positive()).optional().describe('Other accepted units: unit -> factor to the canonical unit.'),
  codes,
});
const BooleanField = z.strictObject({ type: z.literal('boolean'), ...common, codes });
const StringField = z.strictObject({ type: z.literal('string'), ...common, maxLength: z.number().int().positive().optional() });
const DateField = z.strictObject({
  type: z.literal('date'),
  ...common,
  past: z.boolean().optional().describe('The date cannot be after the screening date.'),
  beforeReferenceDates: z.boolean().optional().describe('The date cannot be after any reference date (a birth date): after one is an input error, not a warning.'),
  notBefore: z.string().optional().describe('In a record: another date item of the same record this date cannot precede (resolved after diagnosed).'),
});
const EnumField = z.strictObject({ type: z.literal('enum'), ...common, values: EnumValues });
const EnumListField = z.strictObject({ type: z.literal('enumList'), ...common, values: EnumValues });
const LabField = z.strictObject({
  type: z.literal('lab'),
  ...common,
  unit: z.string(),
  convert: z.record(z.string(), z.number().positive()).optional(),
  max: z.number().positive().describe('Highest plausible value and upper limit of normal, in the canonical unit after conversion; above it is an input error.'),
  codes,
});
const ScaleField = z.strictObject({
  type: z.literal('scale'),
  ...common,
  scales: z.array(z.number().positive()).min(1).describe('Accepted scale maxima.'),
  unit: z.string().optional(),
});

const ItemField = z.discriminatedUnion('type', [NumberField, BooleanField, StringField, DateField, EnumField, EnumListField]);
const DoseHistoryField = z.strictObject({
  type: z.literal('doseHistory'),
  ...common,
  units: z.array(z.string().min(1)).min(1).optional().describe('The dose units a patient file may use (the questionnaire offers them as choices).'),
  max: z.number().positive().describe('Highest plausible dose in any unit the doses are written in; above it is an input error.'),
});

const RecordsField = z.strictObject({
  type: z.literal('records'),
  ...common,
  item: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), z.union([ItemField, DoseHistoryField])),
  dated: z.string().optional().describe('The date field of an item: completeness.<list>.since then says the list holds every record dated on or after that date.'),
  confirm: z.string().optional().describe('Question that confirms the list holds every record (recorded under completeness.<list>).'),
  kindOf: z.enum(['medication', 'generic']).default('generic').describe('medication: items have drug, start, stop/ongoing and doses.'),
});

export const FieldDef = z.discriminatedUnion('type', [
  NumberField, BooleanField, StringField, DateField, EnumField, EnumListField, LabField, ScaleField, RecordsField,
]);
export type FieldDef = z.infer<typeof FieldDef>;
export type ItemFieldDef = z.infer<typeof ItemField> | z.infer<typeof DoseHistoryField>;

export const DictionaryFile = z.strictObject({
  version: z.number().int().positive(),
  sections: z.array(z.strictObject({ id: z.string().regex(/^[a-z][A-Za-z0-9]*$/), title: z.string() })).min(1),
  fields: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$|^[a-z][A-Za-z0-9]*$/), FieldDef),
});
export type DictionaryFile = z.infer<typeof DictionaryFile>;

export { enumLabel } from './dictionary-model.js';
