// `screen show`: a trial's criteria as a readable checklist (text, Markdown or HTML) with each
// criterion's id, protocol source text and, in plain words, what the tool checks.
import type { Dictionary } from '../criteria/dictionary.js';
import type { Trial } from '../criteria/load-trial.js';
import { cssString, escapeHtml, PRINT_CSS } from './html.js';
import { escapeMarkdown } from './markdown.js';
import { ruleLines, type RuleLine } from './describe-rule.js';

type ShownCriterion = { id: string; type: 'inclusion' | 'exclusion'; title: string; source: string; note?: string | undefined; checks: RuleLine[] };
type Shown = { heading: string; lines: string[]; partial?: string | undefined; sections: { title: string; criteria: ShownCriterion[] }[] };

function build(trial: Trial, dict: Dictionary): Shown {
  const m = trial.meta;
  const criteria = trial.criteria.map((c) => ({
    id: c.id,
    type: c.type,
    title: c.title,
    source: c.source,
    note: c.note,
    checks: ruleLines(c.rule, { dict, definitions: trial.definitions, trialId: m.id }),
  }));
  return {
    heading: `${m.id} (${m.nct}) — ${m.title}`,
    lines: [`${m.phase}; sponsor ${m.sponsor}`, `Encoded from: ${m.source}`, `Criteria version ${m.criteriaVersion}; SHA-256 ${trial.sha256}`],
    partial: m.completeness === 'partial' ? `Only part of this trial's criteria is encoded: ${m.completenessNote ?? 'check the full protocol.'}` : undefined,
    sections: (['inclusion', 'exclusion'] as const)
      .map((type) => ({ title: type === 'inclusion' ? 'Inclusion criteria' : 'Exclusion criteria', criteria: criteria.filter((c) => c.type === type) }))
      .filter((s) => s.criteria.length > 0),
  };
}

const EXCLUSION_HINT = 'The patient is excluded when this holds.';

export function formatShowText(trial: Trial, dict: Dictionary): string {
  const s = build(trial, dict);
  const out = [s.heading, ...s.lines];
  if (s.partial) out.push(s.partial);
  for (const sec of s.sections) {
    out.push('', sec.title);
    for (const c of sec.criteria) {
      out.push('', `[ ] ${c.id} ${c.title}`, `    Protocol: ${c.source}`);
      if (c.note) out.push(`    Interpretation: ${c.note}`);
      out.push(`    The tool checks${c.type === 'exclusion' ? ` (${EXCLUSION_HINT.toLowerCase().replace(/\.$/, '')})` : ''}:`);
      for (const l of c.checks) out.push(`${'    '.repeat(l.depth + 2)}${l.text}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function formatShowMarkdown(trial: Trial, dict: Dictionary): string {
  const e = escapeMarkdown;
  const s = build(trial, dict);
  const out = [`# ${e(s.heading)}`, '', ...s.lines.map((l) => `${e(l)}  `), ''];
  if (s.partial) out.push(`> ${e(s.partial)}`, '');
  for (const sec of s.sections) {
    out.push(`## ${sec.title}`, '');
    for (const c of sec.criteria) {
      out.push(`### ☐ ${e(c.id)} ${e(c.title)}`, '', `> ${e(c.source)}`, '');
      if (c.note) out.push(`*Interpretation:* ${e(c.note)}`, '');
      out.push(`**The tool checks**${c.type === 'exclusion' ? ` (${EXCLUSION_HINT.toLowerCase().replace(/\.$/, '')})` : ''}:`, '');
      for (const l of c.checks) out.push(`${'  '.repeat(l.depth)}- ${e(l.text)}`);
      out.push('');
    }
  }
  return `${out.join('\n')}`;
}

export function formatShowHtml(trial: Trial, dict: Dictionary): string {
  const e = escapeHtml;
  const s = build(trial, dict);
  const body: string[] = [`<section class="trial"><h1>${e(s.heading)}</h1>`, ...s.lines.map((l) => `<p class="meta">${e(l)}</p>`)];
  if (s.partial) body.push(`<p class="warning">${e(s.partial)}</p>`);
  for (const sec of s.sections) {
    body.push(`<h2>${e(sec.title)}</h2>`, '<table class="criteria"><thead><tr><th>✓</th><th>Id</th><th>Criterion, protocol text and what the tool checks</th></tr></thead><tbody>');
    for (const c of sec.criteria) {
      const checks = c.checks.map((l) => `<li style="padding-left:${(l.depth * 1.1).toFixed(1)}em">${e(l.text)}</li>`).join('');
      body.push(
        `<tr><td class="box">☐</td><td class="id">${e(c.id)}</td><td><div class="title">${e(c.title)}</div><blockquote class="source">${e(c.source)}</blockquote>` +
          `${c.note ? `<p class="note"><em>Interpretation:</em> ${e(c.note)}</p>` : ''}<p class="note"><strong>The tool checks</strong>${c.type === 'exclusion' ? ` (${e(EXCLUSION_HINT.toLowerCase().replace(/\.$/, ''))})` : ''}:</p><ul class="evidence">${checks}</ul></td></tr>`,
      );
    }
    body.push('</tbody></table>');
  }
  body.push('</section>');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(`${trial.meta.id} eligibility criteria`)}</title>
<style>${PRINT_CSS}
td.box { width: 6mm; font-size: 12pt; } .note { margin: 0.5mm 0; font-size: 8.5pt; }
@page { @bottom-right { content: ${cssString(`${trial.meta.id} criteria ${trial.meta.criteriaVersion}, page `)} counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #444; } }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
