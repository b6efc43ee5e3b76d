// The name of a fact, in words. A fact is either a field under its label from the criteria files,
// or a value in a role the rule gives it ({ kind: 'uln', of: 'CK' }); the engine records the role
// as data and every report words it here.
import type { Fact, FactRole } from '../engine/result.js';

export function roleWords(role: FactRole): string {
  switch (role.kind) {
    case 'uln':
      return `${role.of} ULN`;
    case 'start':
      return 'start';
    case 'lastDose':
      return 'last dose';
    case 'ongoing':
      return 'ongoing';
    case 'doseFrom':
      return `dose from ${role.date}`;
    case 'listComplete':
      return `${role.list} list confirmed complete`;
    case 'referenceDate':
      return `${role.name} date`;
    case 'bodyWeight':
      return 'body weight';
    case 'imacsMeasure':
      return `${role.measure} ${role.at === 'baseline' ? 'baseline' : 'follow-up'}`;
    case 'prednisoneDose': {
      const how = role.from === 'recorded' ? ' (recorded prednisone equivalent)' : role.drugMgPerDay === undefined ? '' : ` ${role.drugMgPerDay} mg/day as prednisone`;
      return `${role.drug}${how}${role.ifStillTaken ? ' (if still taken)' : ''}`;
    }
    case 'intoleranceCourse': {
      const withWhat = role.partner === 'corticosteroid' ? 'a glucocorticoid' : 'an immunosuppressant';
      return `${role.drug} (intolerance, ${role.start ?? '?'} to ${role.end ?? '?'}) together with ${withWhat} for ≥ ${role.months} months`;
    }
  }
}

export function factLabel(f: Fact): string {
  return 'role' in f ? roleWords(f.role) : f.label;
}

/** The fact as reports publish it: `{ field, label, value, unit? }`, its role in words. */
export function wordedFact(f: Fact): { field: string; label: string; value: Fact['value']; unit?: string } {
  return { field: f.field, label: factLabel(f), value: f.value, ...(f.unit !== undefined ? { unit: f.unit } : {}) };
}
