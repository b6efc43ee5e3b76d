// The patient file schema, derived from the data dictionary with zod. Parsing also normalises:
// units are converted to each field's canonical unit and drug classes are filled in.
import { z } from 'zod';
import type { Dictionary } from '../criteria/dictionary.js';
import type { FieldDef, ItemFieldDef } from '../criteria/dictionary-schema.js';
import { isValidIsoDate, compareDates } from '../engine/dates.js';

export const IsoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s), { message: 'must be a date written YYYY-MM-DD' })
  .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || isValidIsoDate(s), { message: 'is not a real calendar date' });

export const ReferenceDatesSchema = z.strictObject({
  screening: IsoDate.optional().describe('Screening visit date (the "as of" date).'),
  consent: IsoDate.optional().describe('Date informed consent was signed.'),
  randomization: IsoDate.optional().describe('Planned or actual randomization date.'),
});

export const ReviewDecisionSchema = z.strictObject({
  decision: z.enum(['yes', 'no']).describe('yes: the reviewer confirms the condition; no: they do not.'),
  by: z.string().min(1).max(200).describe('Who decided (name and role, or committee).'),
  date: IsoDate.describe('When the decision was made.'),
  note: z.string().max(2000).optional(),
});

const nullable = <T extends z.ZodType>(s: T) => s.nullable().optional();

function numberSchema(def: Extract<FieldDef, { type: 'number' | 'integer' }>) {
  let n = def.type === 'integer' ? z.number().int() : z.number();
  if (def.min !== undefined) n = n.min(def.min);
  if (def.max !== undefined) n = n.max(def.max);
  if (!def.convert) return n;
  const units = [def.unit ?? '', ...Object.keys(def.convert)];
  const withUnit = z
    .strictObject({ value: z.number(), unit: z.enum(units as [string, ...string[]]) })
    .transform((q) => q.value * (q.unit === def.unit ? 1 : (def.convert?.[q.unit] ?? 1)))
    .pipe(n);
  return z.union([n, withUnit]);
}

function enumSchema(values: Record<string, unknown>) {
  return z.enum(Object.keys(values) as [string, ...string[]]);
}

function leafSchema(def: FieldDef | ItemFieldDef): z.ZodType {
  switch (def.type) {
    case 'number':
    case 'integer':
      return numberSchema(def);
    case 'boolean':
      return z.boolean();
    case 'string':
      return z.string().max(def.maxLength ?? 500);
    case 'date':
      return IsoDate;
    case 'enum':
      return enumSchema(def.values);
    case 'enumList':
      return z.array(enumSchema(def.values)).refine((xs) => new Set(xs).size === xs.length, { message: 'lists a value twice' });
    case 'doseHistory':
      return z
        .array(z.strictObject({ date: IsoDate, dose: z.number().min(0), unit: z.string().max(40).optional() }))
        .refine((xs) => new Set(xs.map((x) => x.date)).size === xs.length, { message: 'has two dose entries on the same date' });
    case 'lab':
      return labSchema(def);
    case 'scale':
      return z
        .strictObject({ score: z.number().min(0), max: z.number().refine((m) => def.scales.includes(m), { message: `must be one of ${def.scales.join(', ')}` }) })
        .refine((s) => s.score <= s.max, { message: 'is above the scale maximum', path: ['score'] });
    case 'records':
      return z.array(recordSchema(def)).max(500);
  }
}

function labSchema(def: Extract<FieldDef, { type: 'lab' }>) {
  const units = [def.unit, ...Object.keys(def.convert ?? {})] as [string, ...string[]];
  return z
    .strictObject({
      value: z.number().min(0).nullable().optional(),
      unit: z.enum(units, { message: `unit must be ${units.map((u) => `"${u}"`).join(' or ')}` }).optional(),
      uln: z.number().positive().nullable().optional(),
      date: IsoDate.optional(),
    })
    .superRefine((lab, ctx) => {
      if (lab.value === undefined || lab.value === null) return;
      if (lab.uln === undefined || lab.uln === null) ctx.addIssue({ code: 'custom', path: ['uln'], message: "is required with a value: '× ULN' rules use the reporting lab's upper limit of normal" });
      if (lab.unit === undefined) ctx.addIssue({ code: 'custom', path: ['unit'], message: `is required with a value (${units.join(' or ')})` });
    })
    .transform((lab) => {
      if (lab.value === undefined || lab.value === null || !lab.unit) return { ...(lab.date ? { date: lab.date } : {}) };
      const factor = lab.unit === def.unit ? 1 : (def.convert?.[lab.unit] ?? 1);
      return {
        value: lab.value * factor,
        uln: (lab.uln ?? 0) * factor,
        unit: def.unit,
        ...(lab.date ? { date: lab.date } : {}),
        ...(factor !== 1 ? { original: { value: lab.value, uln: lab.uln, unit: lab.unit } } : {}),
      };
    });
}

function recordSchema(def: Extract<FieldDef, { type: 'records' }>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, item] of Object.entries(def.item)) shape[name] = nullable(leafSchema(item));
  let obj: z.ZodType = z.object(shape);
  if (def.kindOf === 'medication') obj = obj.superRefine(checkMedication);
  return obj;
}

type MedicationInput = { start?: string | null; stop?: string | null; ongoing?: boolean | null; doses?: { date: string }[] | null };

function checkMedication(raw: unknown, ctx: z.RefinementCtx) {
  const m = raw as MedicationInput;
  const valid = (d: unknown): d is string => typeof d === 'string' && isValidIsoDate(d);
  if (m.ongoing === true && m.stop) ctx.addIssue({ code: 'custom', path: ['ongoing'], message: 'is true but a stop date is given' });
  if (valid(m.start) && valid(m.stop) && compareDates(m.stop, m.start) < 0) ctx.addIssue({ code: 'custom', path: ['stop'], message: 'is before the start date' });
  if (valid(m.start) && Array.isArray(m.doses)) {
    m.doses.forEach((d, i) => {
      if (valid(d.date) && compareDates(d.date, m.start as string) < 0) ctx.addIssue({ code: 'custom', path: ['doses', i, 'date'], message: 'is before the start date' });
    });
  }
}

type Tree = { [key: string]: Tree | z.ZodType };

/** The patient schema for a dictionary: nested objects by field path, every field optional. */
export function patientSchema(dict: Dictionary) {
  const tree: Tree = {};
  for (const [path, def] of dict.fields) {
    const keys = path.split('.');
    let node = tree;
    keys.slice(0, -1).forEach((k) => {
      const next = node[k];
      if (next === undefined) node[k] = {};
      node = node[k] as Tree;
    });
    node[keys[keys.length - 1] as string] = leafSchema(def);
  }
  const build = (t: Tree): z.ZodType => {
    const shape: Record<string, z.ZodType> = {};
    for (const [k, v] of Object.entries(t)) shape[k] = v instanceof z.ZodType ? nullable(v) : build(v).optional();
    return z.object(shape);
  };
  const sections = (build(tree) as z.ZodObject).shape;
  return z.object({
    $schema: z.string().optional(),
    id: z.string().max(100).optional().describe('Patient or screening id (no names: this goes into reports).'),
    referenceDates: ReferenceDatesSchema.optional(),
    reviews: z
      .record(z.string(), z.record(z.string(), ReviewDecisionSchema))
      .optional()
      .describe('Recorded decisions on review items: reviews.<trial id>.<review id>.'),
    ...sections,
  });
}

/** Every key path the dictionary allows, for unknown-key warnings. Records use "[]". */
export function knownKeyTree(dict: Dictionary): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  const add = (parent: string, key: string) => {
    const set = children.get(parent) ?? new Set<string>();
    set.add(key);
    children.set(parent, set);
  };
  for (const k of ['$schema', 'id', 'referenceDates', 'reviews']) add('', k);
  for (const k of ['screening', 'consent', 'randomization']) add('referenceDates', k);
  for (const [path, def] of dict.fields) {
    const keys = path.split('.');
    keys.forEach((k, i) => add(keys.slice(0, i).join('.'), k));
    if (def.type === 'lab') for (const k of ['value', 'unit', 'uln', 'date']) add(path, k);
    if (def.type === 'scale') for (const k of ['score', 'max']) add(path, k);
    if ((def.type === 'number' || def.type === 'integer') && def.convert) for (const k of ['value', 'unit']) add(path, k);
    if (def.type === 'records') {
      for (const [name, item] of Object.entries(def.item)) {
        add(`${path}[]`, name);
        if (item.type === 'doseHistory') for (const k of ['date', 'dose', 'unit']) add(`${path}[].${name}[]`, k);
      }
    }
  }
  return children;
}
