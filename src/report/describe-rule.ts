// Plain-words descriptions of rules (not results), for `screen show`: what the tool checks for each
// criterion, with the dictionary's field labels and allowed-value labels instead of field paths.
import { own } from '../util/own.js';
import type { Dictionary } from '../criteria/dictionary.js';
import { fieldLabel, recordItemField } from '../criteria/dictionary.js';
import { enumLabel } from '../criteria/dictionary-model.js';
import type { Definitions } from '../criteria/load-trial.js';
import type { Condition, DateOperand } from '../criteria/rule-schema.js';
import { CALCULATORS } from '../engine/calculators.js';
import { formatDuration } from '../engine/dates.js';
import { op } from './describe.js';

export type RuleLine = { depth: number; text: string };
type Ctx = { dict: Dictionary; definitions: Definitions; trialId: string; scope?: string | undefined };

function label(ctx: Ctx, field: string): string {
  return fieldLabel(ctx.dict, field, ctx.scope && !field.includes('.') ? ctx.scope : undefined);
}

function valueLabels(ctx: Ctx, field: string, values: string[]): string {
  const def = ctx.scope && !field.includes('.') ? recordItemField(ctx.dict, ctx.scope, field) : ctx.dict.fields.get(field);
  return values.map((v) => (def && (def.type === 'enum' || def.type === 'enumList') ? enumLabel(def.values, v) : v)).join(', ');
}

function unitOf(ctx: Ctx, field: string): string | undefined {
  const def = ctx.dict.fields.get(field);
  return def && 'unit' in def ? def.unit : undefined;
}

function operand(ctx: Ctx, o: DateOperand): string {
  return 'ref' in o ? `the ${o.ref} date` : label(ctx, o.field);
}

/** The rule as indented lines; definitions are expanded under their description. */
export function ruleLines(c: Condition, ctx: Ctx, depth = 0): RuleLine[] {
  const line = (text: string, children: RuleLine[] = []): RuleLine[] => [{ depth, text: c.note ? `${c.note} — ${text}` : text }, ...children];
  const sub = (x: Condition, scope = ctx.scope) => ruleLines(x, { ...ctx, scope }, depth + 1);
  switch (c.kind) {
    case 'all':
      return line('all of:', c.of.flatMap((x) => sub(x)));
    case 'any':
      return line('any of:', c.of.flatMap((x) => sub(x)));
    case 'atLeast':
      return line(`at least ${c.n} of these ${c.of.length}:`, c.of.flatMap((x) => sub(x)));
    case 'not':
      return line('not:', sub(c.of));
    case 'compare': {
      const unit = c.unit ?? unitOf(ctx, c.field);
      return line(`${label(ctx, c.field)} ${op(c.op)} ${c.value}${unit ? ` ${unit}` : ''}${c.scaleMax ? ` on the 0–${c.scaleMax} scale` : ''}`);
    }
    case 'is':
      return line(`${label(ctx, c.field)}: ${c.value ? 'yes' : 'no'}`);
    case 'in':
      return line(`${label(ctx, c.field)} is one of: ${valueLabels(ctx, c.field, c.values)}`);
    case 'includesAny':
      return line(`${label(ctx, c.field)} include any of: ${valueLabels(ctx, c.field, c.values)}`);
    case 'labUln':
      return line(
        `${label(ctx, c.field)} ${op(c.op)} ${c.times} × the reporting lab's upper limit of normal${c.within ? `, in a result dated within ${formatDuration(c.within)} before the ${c.before ?? 'screening'} date${c.through ? ` or after it up to the ${c.through} date` : ''}` : ''}`,
      );
    case 'age':
      return line(`age in whole years on the ${c.at} date ${op(c.op)} ${c.years}`);
    case 'dateWithin':
      return line(`${label(ctx, c.field)} within ${formatDuration(c.within)} before the ${c.before} date (up to and including it)`);
    case 'interval':
      return line(`from ${operand(ctx, c.from)} to ${operand(ctx, c.to)}: ${c.absolute ? 'whichever comes first, ' : ''}${op(c.op)} ${formatDuration(c.duration)}`);
    case 'known':
      return line(`${label(ctx, c.field)} is recorded`);
    case 'exists':
      return line(`any ${label(ctx, c.records).toLowerCase()} record where:`, sub(c.where, c.records));
    case 'forAll':
      return line(
        `every ${label(ctx, c.records).toLowerCase()} record${c.where ? ' that matches' : ''}:`,
        [...(c.where ? [{ depth: depth + 1, text: 'matches when:' }, ...ruleLines(c.where, { ...ctx, scope: c.records }, depth + 2)] : []), { depth: depth + 1, text: 'must meet:' }, ...ruleLines(c.check, { ...ctx, scope: c.records }, depth + 2)],
      );
    case 'count':
      return line(`the number of ${label(ctx, c.records).toLowerCase()} records${c.where ? ' where the following holds' : ''} ${op(c.op)} ${c.n}${c.where ? ':' : ''}`, c.where ? sub(c.where, c.records) : []);
    case 'ongoing':
      return line(`being taken on the ${c.at} date`);
    case 'takenFor':
      return line(`started at least ${formatDuration(c.atLeast)} before the ${c.before} date and still taken on it`);
    case 'stableDose':
      return line(`started at least ${formatDuration(c.for)} before the ${c.before} date, no dose change since then, and still taken on it`);
    case 'lastDoseWithin':
      return line(`taken at some time in the ${formatDuration(c.within)} before the ${c.before} date (last dose on or after the start of that window)`);
    case 'review':
      return line(
        `${c.by} decides: ${c.question}${c.yesMeans && c.noMeans ? ` (yes: ${c.yesMeans}; no: ${c.noMeans})` : ''} (recorded in the patient file as reviews."${ctx.trialId}"."${c.id}")`,
      );
    case 'ref': {
      const def = own(ctx.definitions, c.definition);
      if (!def) return line(`definition ${c.definition}`);
      const inner = def.rule;
      // Show an any/all definition's parts directly under its description.
      const children = inner.kind === 'any' || inner.kind === 'all' ? inner.of.flatMap((x) => sub(x)) : sub(inner);
      const joiner = inner.kind === 'any' ? ' (any of):' : inner.kind === 'all' ? ' (all of):' : ':';
      return line(`${def.description}${joiner}`, children);
    }
    case 'calc':
      return line(`calculated: ${CALCULATORS[c.calculator]?.description ?? c.calculator}`);
  }
}
