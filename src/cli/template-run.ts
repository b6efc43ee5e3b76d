// The work of `screen template <trial...>`, loaded only when it runs (see commands/template.ts): a
// CSV header for batch screening, or an empty patient JSON file (null placeholders with a "#key"
// description beside each), with what any of the trials named reads.
import { pickTrials } from './pick-trials.js';
import type { Dictionary } from '../criteria/dictionary.js';
import { enumLabel, fieldCodesText } from '../criteria/dictionary-model.js';
import type { FieldDef } from '../criteria/dictionary-schema.js';
import { trialsFields, type TrialFields } from '../criteria/trial-fields.js';
import { UsageError } from '../errors.js';
import { columnsForField, completenessColumn, type TemplateColumn } from '../patient/csv-columns.js';
import { csvLine } from '../report/csv-cell.js';
import type { TemplateFlags } from './commands/template.js';
import type { CliIo } from './io.js';

function slots(value: string, flag: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 50) throw new UsageError(`${flag} must be a whole number from 1 to 50, got "${value.slice(0, 20)}"`);
  return Number(value);
}

export function csvTemplate(used: TrialFields, dict: Dictionary, options: { slots: number; doseSlots: number }): TemplateColumn[] {
  const out: TemplateColumn[] = [{ name: 'id', type: 'string', description: 'Patient or screening id (no names: it goes into reports).' }];
  for (const r of used.referenceDates) out.push({ name: `referenceDates.${r}`, type: 'date', description: `${r[0]?.toUpperCase()}${r.slice(1)} date (YYYY-MM-DD); --${r === 'screening' ? 'as-of' : r} sets it for every row.` });
  for (const path of used.fields) {
    const items = used.recordItems.get(path);
    out.push(...columnsForField(dict, path, { ...(items ? { items } : {}), ...options }));
  }
  // Empty is today's reading (the numbered records are the whole list), so offering them costs nothing.
  for (const path of used.fields) if (dict.fields.get(path)?.type === 'records') out.push(completenessColumn(dict, path));
  for (const r of used.reviews) {
    out.push({ name: `reviews.${r.trial}.${r.id}.decision`, type: 'enum', allowed: ['yes', 'no'], description: `Review ${r.id} (${r.by}, ${r.trial} criterion ${r.criterion}): ${r.question}` });
    out.push({ name: `reviews.${r.trial}.${r.id}.by`, type: 'string', description: `Review ${r.id}: who decided.` });
    out.push({ name: `reviews.${r.trial}.${r.id}.date`, type: 'date', description: `Review ${r.id}: date of the decision (YYYY-MM-DD).` });
  }
  return out;
}

function describeField(def: FieldDef): string {
  const parts = [def.label];
  switch (def.type) {
    case 'number':
    case 'integer':
      parts.push(`${def.type}${def.unit ? ` in ${def.unit}` : ''}${def.min !== undefined || def.max !== undefined ? ` (${def.min ?? '…'} to ${def.max ?? '…'})` : ''}`);
      if (def.convert) parts.push(`or {"value": n, "unit": ${Object.keys(def.convert).map((u) => JSON.stringify(u)).join(' | ')}}`);
      break;
    case 'boolean':
      parts.push('true or false');
      break;
    case 'date':
      parts.push('date YYYY-MM-DD');
      break;
    case 'string':
      parts.push('text');
      break;
    case 'enum':
      parts.push(`one of: ${Object.keys(def.values).map((v) => `${v} (${enumLabel(def.values, v)})`).join(', ')}`);
      break;
    case 'enumList':
      parts.push(`list of: ${Object.keys(def.values).join(', ')}; [] means none`);
      break;
    case 'lab':
      parts.push(`{"value": n, "unit": ${[def.unit, ...Object.keys(def.convert ?? {})].map((u) => JSON.stringify(u)).join(' | ')}, "uln": the lab's upper limit of normal, "date": "YYYY-MM-DD"}`);
      break;
    case 'scale':
      parts.push(`{"score": n, "max": ${def.scales.join(' | ')}}`);
      break;
    case 'records':
      parts.push(`list of records, [] means none; each {${Object.entries(def.item).map(([k, v]) => `"${k}": ${v.type === 'enum' ? Object.keys(v.values).join('|') : v.type === 'doseHistory' ? '[{"date", "dose", "unit"}]' : v.type}`).join(', ')}}`);
      break;
  }
  if (def.help) parts.push(def.help);
  const coded = def.type === 'records' ? Object.values(def.item) : [def];
  const codes = coded.map((d) => fieldCodesText(d as Parameters<typeof fieldCodesText>[0])).filter(Boolean).join(' | ');
  if (codes) parts.push(`EHR codes (screen import fhir): ${codes}`);
  return parts.join(': ');
}

/** An empty patient file: every field the trials read is null (unknown), described by "#<key>". */
export function jsonTemplate(trialIds: readonly string[], used: TrialFields, dict: Dictionary): Record<string, unknown> {
  const out: Record<string, unknown> = {
    '#template': `Patient file for ${trialIds.join(', ')}. Replace each null with the value, or leave it null when unknown (never guess). Keys starting with # are descriptions and are ignored. Add "id" (no names).`,
  };
  if (used.referenceDates.length) {
    out['#referenceDates'] = `Add "referenceDates": {${used.referenceDates.map((r) => `"${r}": "YYYY-MM-DD"`).join(', ')}}, or give them on the command line (--as-of, --consent, --randomization).`;
  }
  for (const path of used.fields) {
    const def = dict.fields.get(path);
    if (!def) continue;
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) {
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    const leaf = keys[keys.length - 1] as string;
    node[leaf] = null;
    node[`#${leaf}`] = describeField(def);
  }
  if (used.reviews.length) {
    const ids = trialIds.filter((t) => used.reviews.some((r) => r.trial === t));
    const decision = '{"<review id>": {"decision": "yes" | "no", "by": "name and role", "date": "YYYY-MM-DD"}}';
    const idsOf = (t: string) => used.reviews.filter((r) => r.trial === t).map((r) => `${r.id} (${r.by}: ${r.question})`).join(' ');
    out['#reviews'] = `Record review decisions as "reviews": {${ids.map((t) => `"${t}": ${decision}`).join(', ')}}. ${ids.length > 1 ? ids.map((t) => `${t} review ids: ${idsOf(t)}`).join(' | ') : `Review ids: ${idsOf(ids[0] as string)}`}`;
  }
  return out;
}

export async function runTemplate(trialIds: string[], flags: TemplateFlags, io: CliIo): Promise<number> {
  if (flags.describe && flags.format === 'json') throw new UsageError('--describe is for the CSV header (the JSON skeleton describes each field beside it)');
  const loaded = await pickTrials(trialIds, flags.all, flags.criteriaDir, { some: 'trial ids', one: 'a trial id' });
  const ids = loaded.trials.map((t) => t.meta.id);
  const used = trialsFields(loaded.trials, loaded.dictionary);
  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify(jsonTemplate(ids, used, loaded.dictionary), null, 2)}\n`);
  } else {
    const columns = csvTemplate(used, loaded.dictionary, { slots: slots(flags.records, '--records'), doseSlots: slots(flags.doses, '--doses') });
    if (flags.describe) {
      io.stdout.write(csvLine(['column', 'type', 'unit', 'allowed', 'description', 'codes']));
      for (const c of columns) io.stdout.write(csvLine([c.name, c.type, c.unit ?? '', (c.allowed ?? []).join(' | '), c.description, c.codes ?? '']));
    } else io.stdout.write(csvLine(columns.map((c) => c.name)));
  }
  return 0;
}
