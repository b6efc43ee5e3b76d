// The printable screening checklist as one self-contained HTML file (inline CSS, print stylesheet,
// no scripts or external assets; a CSP forbids loading any). Every value is escaped: patient files
// are untrusted input and this page is opened in a browser.
import type { ScreeningResult } from '../engine/result.js';
import { LINE_MARKS, MARKS, printableTrial, SIGNATURE_ROLES, signatureName, type PrintableOptions, type PrintableTrial } from './printable.js';

const EFFECT_WORDS: Record<PrintableTrial['sections'][number]['criteria'][number]['tone'], string> = { pass: 'passes', fail: 'FAILS', unknown: 'open', review: 'open' };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A CSS string literal: everything but plain letters and digits as a hex escape, so no value can end it. */
export function cssString(s: string): string {
  return `"${[...s].map((c) => (/[A-Za-z0-9 .-]/.test(c) ? c : `\\${(c.codePointAt(0) as number).toString(16)} `)).join('')}"`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

export const PRINT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 8.2pt/1.22 system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; margin: 0; background: #fff; }
.trial { max-width: 190mm; margin: 0 auto; padding: 10mm 8mm; }
h1 { font-size: 12pt; margin: 0 0 1mm; }
h2 { font-size: 10pt; margin: 2.5mm 0 0.8mm; border-bottom: 1px solid #999; padding-bottom: 0.5mm; }
.meta { margin: 0 0 1mm; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.4mm 1mm; border: 0.5px solid #bbb; }
th { background: #eee; font-weight: 600; }
.verdict { border: 2px solid #111; padding: 1.5mm 3mm; margin: 2mm 0; font-size: 11.5pt; }
.verdict strong { font-size: 13pt; letter-spacing: 0.03em; }
.verdict.eligible { border-color: #1a6b2a; background: #eef8f0; }
.verdict.ineligible { border-color: #a11; background: #fbeeee; }
.verdict.undetermined { border-color: #8a6400; background: #fff7e0; }
.warning { border-left: 3px solid #8a6400; padding-left: 2mm; }
.criteria td.id { width: 11mm; font-weight: 700; }
.criteria td.status { width: 17mm; white-space: nowrap; }
.title { font-weight: 600; }
.source { margin: 0.5mm 0 0.3mm; padding-left: 1.5mm; border-left: 2px solid #ccc; color: #444; font-size: 6pt; line-height: 1.17; }
.evidence { margin: 0; padding: 0; list-style: none; font-size: 8.5pt; }
.evidence li { margin: 0; }
.pass { color: #1a6b2a; } .fail { color: #a11; } .unknown { color: #8a6400; } .review { color: #6b2a8a; }
.mark { display: inline-block; width: 1.2em; font-weight: 700; }
.title { break-after: avoid; }
.facts { font-size: 7.7pt; margin: 0.1mm 0; }
.sub { margin: 1mm 0 0.5mm; font-weight: 600; }
.open { margin: 0; padding-left: 5mm; font-size: 8.5pt; }
.attest { margin: 1mm 0; }
.blank { display: inline-block; width: 45mm; border-bottom: 1px solid #111; }
.keep { break-inside: avoid; }
.appendix { break-before: page; }
.note { margin: 0; padding-left: 1.5mm; color: #444; font-size: 6pt; line-height: 1.17; }
.sign { margin-top: 4mm; break-inside: avoid; }
.sign td { height: 9mm; border: none; border-bottom: 1px solid #111; vertical-align: bottom; }
.sign th { background: none; border: none; padding-left: 0; width: 50mm; vertical-align: bottom; }
.sign td.gap { border: none; width: 4mm; }
.audit { margin-top: 3mm; padding-top: 1.5mm; border-top: 1px solid #999; font-size: 7.5pt; color: #444; word-break: break-all; }
.audit p { margin: 0; }
@page { size: A4; margin: 9mm 9mm 13mm; }
@media print {
  .trial { max-width: none; padding: 0; }
  .trial + .trial { break-before: page; }
  h2 { break-after: avoid; }
  .verdict, .warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

function evidenceList(lines: PrintableTrial['sections'][number]['criteria'][number]['evidence']): string {
  if (!lines.length) return '';
  const items = lines.map((l) => {
    const tone = l.outcome === 'met' ? 'pass' : l.outcome === 'not_met' ? 'fail' : l.outcome === 'unknown' ? 'unknown' : 'review';
    return `<li style="padding-left:${(l.depth * 1.1).toFixed(1)}em"><span class="mark ${tone}">${LINE_MARKS[l.outcome]}</span>${escapeHtml(l.text)}</li>`;
  });
  return `<ul class="evidence">${items.join('')}</ul>`;
}

function trialSection(p: PrintableTrial): string {
  const e = escapeHtml;
  const out: string[] = [];
  out.push('<section class="trial">');
  out.push(`<h1>Screening record: ${e(p.heading)}</h1>`);
  out.push(`<p class="meta"><strong>Patient:</strong> ${e(p.patientId)} · ${e(p.criteriaLine)} · <strong>Screener:</strong> ${p.screener ? e(p.screener) : '<span class="blank"></span>'}</p>`);
  out.push(`<p class="meta"><strong>Reference dates:</strong> ${p.referenceDates.map((d) => `${e(d.name)} ${e(d.date)}${d.source ? ` (${e(d.source)})` : ''}`).join('; ')}</p>`);
  out.push(`<div class="verdict ${e(p.verdict)}"><strong>${e(p.verdictText.replace(/ \(.*$/, ''))}</strong> ${e(p.verdictText.replace(/^[^(]*/, ''))}</div>`);
  if (p.partialWarning) out.push(`<p class="warning">${e(p.partialWarning)}</p>`);
  if (p.aheadWarning) out.push(`<p class="warning">${e(p.aheadWarning)}</p>`);
  for (const s of p.sections) {
    out.push(`<h2>${e(s.title)}</h2>`);
    out.push('<table class="criteria"><thead><tr><th>Id</th><th>Criterion, deciding facts and protocol text</th><th>Effect</th></tr></thead><tbody>');
    for (const c of s.criteria) {
      const facts = c.facts.length ? `<div class="facts">${c.facts.map((f) => e(f)).join('; ')}</div>` : '';
      out.push(
        `<tr><td class="id">${e(c.id)}</td><td><div class="title">${e(c.title)}</div>${facts}<blockquote class="source">${e(c.source)}</blockquote>${c.note ? `<p class="note"><em>Interpretation:</em> ${e(c.note)}</p>` : ''}</td>` +
          `<td class="status ${c.tone}"><span class="mark">${MARKS[c.tone]}</span>${EFFECT_WORDS[c.tone]}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  if (p.decisions.length) {
    out.push('<div class="keep"><h2>Decisions recorded</h2><ul class="open">');
    for (const d of p.decisions) out.push(`<li>${e(d)}</li>`);
    out.push('</ul></div>');
  }
  out.push('<div class="keep"><h2>Open items</h2>');
  if (!p.review.length && !p.collect.length) out.push('<p>None: every criterion is decided.</p>');
  if (p.openNote) out.push(`<p>${e(p.openNote)}</p>`);
  if (p.collect.length) {
    out.push(`<p class="sub">${p.openNote ? 'Values not recorded:' : 'Values to collect, then screen again:'}</p><ul class="open">`);
    for (const m of p.collect) out.push(`<li><strong>${e(m.field)}</strong>${m.where ? ` (${e(m.where)})` : ''}, for ${e(m.criteria)}${m.question ? `: ${e(m.question)}` : ''}</li>`);
    out.push('</ul>');
  }
  if (p.review.length) {
    out.push(`<p class="sub">${p.openNote ? 'Decisions not made:' : 'Decisions a person must make:'}</p><ul class="open">`);
    for (const r of p.review) out.push(`<li><strong>${e(r.criterion)}</strong>, ${e(r.who)}: ${e(r.question)} ${e(r.recordAs)}</li>`);
    out.push('</ul>');
  }
  out.push('</div>');
  out.push('<div class="keep"><h2>Attestation</h2>');
  out.push(`<p class="attest">${e(p.attestation)}</p>`);
  out.push('<table class="sign">');
  for (const role of SIGNATURE_ROLES) {
    const name = signatureName(role, p);
    out.push(`<tr><th>${e(role)}</th><td>${name ? `<strong>${e(name)}</strong>` : 'Name'}</td><td class="gap"></td><td>Signature</td><td class="gap"></td><td>Date</td></tr>`);
  }
  out.push('</table>');
  out.push(`<footer class="audit">${p.audit.map((a) => `<p>${e(a)}</p>`).join('')}</footer></div>`);
  const appendix = p.sections.flatMap((s) => s.criteria).filter((c) => c.evidence.length);
  if (appendix.length) {
    out.push('<div class="appendix"><h2>Appendix: evidence for every criterion</h2>');
    for (const c of appendix) out.push(`<div class="title">${e(c.id)} ${e(c.title)}</div>${evidenceList(c.evidence)}`);
    out.push('</div>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** One section (one printed page or more, each starting on a new page) per screening result. */
export function formatHtml(results: ScreeningResult[], options: PrintableOptions): string {
  const trials = results.map((r, i) => printableTrial(r, options, i));
  const title = `Screening record — ${trials.map((t) => t.heading.split(' ')[0]).join(', ')} — patient ${trials[0]?.patientId ?? ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${options.tool.name} ${options.tool.version}`)}">
<title>${escapeHtml(title)}</title>
<style>${PRINT_CSS}
@page {
  @bottom-left { content: ${cssString(`Screening record, patient ${trials[0]?.patientId ?? ''}`)}; font: 8pt system-ui, sans-serif; color: #444; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #444; }
}
</style>
</head>
<body>
${trials.map(trialSection).join('\n')}
</body>
</html>
`;
}
