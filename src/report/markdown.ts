// The printable screening checklist as Markdown, with the same content as the HTML one. Values are
// escaped so a patient file cannot inject markup (links, images, raw HTML) into a rendered page.
import type { ScreeningResult } from '../engine/result.js';
import { LINE_MARKS, MARKS, printableTrial, SIGNATURE_ROLES, signatureName, type PrintableOptions, type PrintableTrial } from './printable.js';

/** Backslash-escape Markdown punctuation and keep everything on one line (table cells, list items). */
export function escapeMarkdown(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_[\]<>#|&~]/g, (c) => `\\${c}`);
}

function trialSection(p: PrintableTrial): string {
  const e = escapeMarkdown;
  const out: string[] = [];
  out.push(`# Screening record: ${e(p.heading)}`, '');
  out.push(`**Patient:** ${e(p.patientId)} · ${e(p.criteriaLine)} · **Screener:** ${p.screener ? e(p.screener) : '\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_'}  `);
  out.push(`**Reference dates:** ${p.referenceDates.map((d) => `${d.name} ${e(d.date)}${d.source ? ` (${e(d.source)})` : ''}`).join('; ')}`, '');
  out.push(`> **${e(p.verdictText)}**`, '');
  if (p.partialWarning) out.push(`> ${e(p.partialWarning)}`, '');
  if (p.aheadWarning) out.push(`> ${e(p.aheadWarning)}`, '');
  for (const s of p.sections) {
    out.push(`## ${s.title}`, '');
    for (const c of s.criteria) {
      out.push(`### ${MARKS[c.tone]} ${e(c.id)} ${e(c.title)}: ${e(c.status)}`, '');
      for (const f of c.facts) out.push(`- ${e(f)}`);
      if (c.facts.length) out.push('');
      out.push(`> ${e(c.source)}`, '');
      if (c.note) out.push(`*Interpretation:* ${e(c.note)}`, '');
      for (const l of c.evidence) out.push(`${'  '.repeat(l.depth)}- ${LINE_MARKS[l.outcome]} ${e(l.text)}`);
      if (c.evidence.length) out.push('');
    }
  }
  if (p.decisions.length) out.push('## Decisions recorded', '', ...p.decisions.map((d) => `- ${e(d)}`), '');
  out.push('## Open items', '');
  if (!p.review.length && !p.collect.length) out.push('None: every criterion is decided.');
  // (Ineligible: the items are listed, not put as tasks; the note says why.)
  if (p.openNote) out.push(e(p.openNote), '');
  const task = p.openNote ? '- ' : '- [ ] ';
  for (const m of p.collect) out.push(`${task}${p.openNote ? 'not recorded: ' : 'collect '}**${e(m.field)}**${m.where ? ` (${e(m.where)})` : ''}, for ${e(m.criteria)}${m.question ? `: ${e(m.question)}` : ''}`);
  for (const r of p.review) out.push(`${task}${p.openNote ? 'not decided: ' : ''}${e(r.criterion)}, ${e(r.who)}: ${e(r.question)} ${e(r.recordAs)}`);
  out.push('', '## Attestation', '', e(p.attestation), '', '| Role | Name | Signature | Date |', '|---|---|---|---|');
  for (const role of SIGNATURE_ROLES) {
    const name = signatureName(role, p);
    out.push(`| ${role} |${name ? ` ${e(name)} ` : ' '}| | |`);
  }
  out.push('', '---', '', ...p.audit.map((a) => `${e(a)}  `), '');
  return out.join('\n');
}

export function formatMarkdown(results: ScreeningResult[], options: PrintableOptions): string {
  return `${results.map((r, i) => trialSection(printableTrial(r, options, i))).join('\n\n---\n\n')}`;
}
