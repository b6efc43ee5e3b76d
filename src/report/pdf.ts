// The printable screening record as a native PDF (pdfkit), with the same content as the HTML one
// (printable.ts): verdict, one row per criterion with its deciding facts and the protocol text,
// open items in words, the attestation and signature lines, and the audit footer. A4, at most two
// pages for every example; the creation date is the report's generation time, so the bytes are
// reproducible. pdfkit is loaded only for --format pdf.
import PDFDocument from 'pdfkit';
import type { ScreeningResult } from '../engine/result.js';
import { printableTrial, SIGNATURE_ROLES, signatureName, type PrintableOptions, type PrintableTrial } from './printable.js';

const MARGIN = 34;
const FOOTER_SPACE = 22;
const COLORS = { pass: '#1a6b2a', fail: '#aa1111', unknown: '#8a6400', review: '#6b2a8a', text: '#111111', dim: '#444444', rule: '#999999' };
const EFFECT_WORDS: Record<PrintableTrial['sections'][number]['criteria'][number]['tone'], string> = { pass: 'passes', fail: 'FAILS', unknown: 'open: data', review: 'open: decision' };

// The built-in PDF fonts encode WinAnsi; symbols outside it are spelled out.
const REPLACEMENTS: Record<string, string> = { '≤': '<=', '≥': '>=', '≠': '!=', '−': '-', '✔': '', '✘': '', '⚑': '', 'γ': 'gamma', '³': '3', '→': '->', '·': '·', 'µ': 'µ' };
const WIN_ANSI_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ']);

export function pdfText(s: string): string {
  return [...s]
    .map((c) => {
      if (c in REPLACEMENTS) return REPLACEMENTS[c];
      const code = c.codePointAt(0) as number;
      if (code === 9 || code === 10 || (code >= 32 && code < 127) || (code >= 160 && code <= 255) || WIN_ANSI_EXTRA.has(c)) return c;
      return '?';
    })
    .join('');
}

type Doc = InstanceType<typeof PDFDocument>;

function bottom(doc: Doc): number {
  return doc.page.height - MARGIN - FOOTER_SPACE;
}

/** A new page when `height` points do not fit on this one. */
function ensure(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function para(doc: Doc, text: string, size: number, options: { font?: string; color?: string; x?: number; width?: number; gap?: number } = {}): void {
  doc.font(options.font ?? 'Helvetica').fontSize(size).fillColor(options.color ?? COLORS.text);
  const x = options.x ?? MARGIN;
  doc.text(pdfText(text), x, doc.y, { width: options.width ?? doc.page.width - x - MARGIN, lineGap: options.gap ?? 0.5 });
}

function heightOf(doc: Doc, text: string, size: number, width: number, font = 'Helvetica'): number {
  doc.font(font).fontSize(size);
  return doc.heightOfString(pdfText(text), { width, lineGap: 0.5 });
}

function heading(doc: Doc, text: string): void {
  ensure(doc, 40);
  doc.moveDown(0.4);
  para(doc, text, 10, { font: 'Helvetica-Bold' });
  const y = doc.y + 1;
  doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
  doc.y = y + 3;
}

function criterionRow(doc: Doc, c: PrintableTrial['sections'][number]['criteria'][number]): void {
  const width = doc.page.width - 2 * MARGIN;
  const idWidth = 26;
  const effectWidth = 62;
  const textX = MARGIN + idWidth;
  const textWidth = width - idWidth - effectWidth - 6;
  const facts = c.facts.join('; ');
  const note = c.note ? `Interpretation: ${c.note}` : '';
  const height =
    heightOf(doc, c.title, 8.5, textWidth, 'Helvetica-Bold') + (facts ? heightOf(doc, facts, 8, textWidth) : 0) + heightOf(doc, c.source, 6.3, textWidth) + (note ? heightOf(doc, note, 6.3, textWidth) : 0) + 5;
  ensure(doc, height);
  const top = doc.y;
  const color = COLORS[c.tone];
  doc.font('Helvetica-Bold').fontSize(8.5).fillColor(COLORS.text).text(pdfText(c.id), MARGIN, top, { width: idWidth - 2 });
  doc.font('Helvetica-Bold').fontSize(8.5).fillColor(color).text(EFFECT_WORDS[c.tone], MARGIN + width - effectWidth, top, { width: effectWidth, align: 'right' });
  doc.y = top;
  para(doc, c.title, 8.5, { font: 'Helvetica-Bold', x: textX, width: textWidth });
  if (facts) para(doc, facts, 8, { x: textX, width: textWidth, color: c.tone === 'pass' ? COLORS.text : color });
  para(doc, c.source, 6.3, { x: textX, width: textWidth, color: COLORS.dim });
  if (note) para(doc, note, 6.3, { x: textX, width: textWidth, color: COLORS.dim, font: 'Helvetica-Oblique' });
  const y = doc.y + 2;
  doc.moveTo(MARGIN, y).lineTo(MARGIN + width, y).lineWidth(0.25).strokeColor('#cccccc').stroke();
  doc.y = y + 2;
}

function trialPages(doc: Doc, p: PrintableTrial): void {
  const width = doc.page.width - 2 * MARGIN;
  para(doc, `Screening record: ${p.heading}`, 12, { font: 'Helvetica-Bold' });
  doc.moveDown(0.2);
  para(doc, `Patient: ${p.patientId}  ·  ${p.criteriaLine}  ·  Screener: ${p.screener ?? '______________________'}`, 8.5);
  para(doc, `Reference dates: ${p.referenceDates.map((d) => `${d.name} ${d.date}${d.source ? ` (${d.source})` : ''}`).join('; ')}`, 8.5);
  doc.moveDown(0.3);
  const verdictColor = p.verdict === 'eligible' ? COLORS.pass : p.verdict === 'ineligible' ? COLORS.fail : COLORS.unknown;
  const boxTop = doc.y;
  const boxHeight = heightOf(doc, p.verdictText, 10.5, width - 12, 'Helvetica-Bold') + 8;
  doc.rect(MARGIN, boxTop, width, boxHeight).lineWidth(1.5).strokeColor(verdictColor).stroke();
  doc.y = boxTop + 4;
  para(doc, p.verdictText, 10.5, { font: 'Helvetica-Bold', x: MARGIN + 6, width: width - 12, color: verdictColor });
  doc.y = boxTop + boxHeight + 2;
  if (p.partialWarning) para(doc, p.partialWarning, 8, { color: COLORS.unknown });
  if (p.aheadWarning) para(doc, p.aheadWarning, 8, { color: COLORS.unknown });
  for (const s of p.sections) {
    heading(doc, s.title);
    for (const c of s.criteria) criterionRow(doc, c);
  }
  const open: string[] = [];
  for (const m of p.collect) open.push(`${p.openNote ? 'Not recorded:' : 'Collect'} ${m.field}${m.where ? ` (${m.where})` : ''}, for ${m.criteria}${m.question ? `: ${m.question}` : ''}`);
  for (const r of p.review) open.push(`${p.openNote ? 'Not decided: ' : ''}${r.criterion}, ${r.who}: ${r.question} ${r.recordAs}`);
  if (p.decisions.length) {
    heading(doc, 'Decisions recorded');
    for (const d of p.decisions) {
      ensure(doc, heightOf(doc, d, 8, width - 10));
      para(doc, `•  ${d}`, 8, { x: MARGIN + 4, width: width - 4 });
    }
  }
  heading(doc, 'Open items');
  if (!open.length) para(doc, 'None: every criterion is decided.', 8.5);
  if (p.openNote) para(doc, p.openNote, 8.5);
  for (const o of open) {
    ensure(doc, heightOf(doc, o, 8, width - 10));
    para(doc, `•  ${o}`, 8, { x: MARGIN + 4, width: width - 4 });
  }
  // Attestation, signatures and the audit lines stay together: no page holds only a footer.
  const attestHeight = heightOf(doc, p.attestation, 8.5, width) + SIGNATURE_ROLES.length * 26 + p.audit.length * 9 + 40;
  ensure(doc, attestHeight);
  heading(doc, 'Attestation');
  para(doc, p.attestation, 8.5);
  doc.moveDown(0.4);
  for (const role of SIGNATURE_ROLES) {
    const y = doc.y + 18;
    doc.font('Helvetica-Bold').fontSize(8.5).fillColor(COLORS.text).text(pdfText(role), MARGIN, y - 9, { width: 130 });
    const cols: [string, number, number][] = [['Name', MARGIN + 135, 150], ['Signature', MARGIN + 295, 150], ['Date', MARGIN + 455, width - 455]];
    const name = signatureName(role, p);
    if (name) doc.font('Helvetica').fontSize(8.5).fillColor(COLORS.text).text(pdfText(name), MARGIN + 135, y - 9, { width: 142, lineBreak: false, ellipsis: true });
    for (const [label, x, w] of cols) {
      doc.moveTo(x, y).lineTo(x + w - 8, y).lineWidth(0.7).strokeColor(COLORS.text).stroke();
      doc.font('Helvetica').fontSize(6.5).fillColor(COLORS.dim).text(label, x, y + 1.5, { width: w });
    }
    doc.y = y + 10;
  }
  doc.moveDown(0.5);
  for (const a of p.audit) para(doc, a, 6.5, { color: COLORS.dim });
}

/** Renders the record; resolves to the PDF bytes. */
export function formatPdf(results: ScreeningResult[], options: PrintableOptions): Promise<Uint8Array> {
  const trials = results.map((r, i) => printableTrial(r, options, i));
  const patient = trials[0]?.patientId ?? '';
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: pdfText(`Screening record — ${trials.map((t) => t.heading.split(' ')[0]).join(', ')} — patient ${patient}`),
      Author: pdfText(options.screener ?? ''),
      Creator: `${options.tool.name} ${options.tool.version}`,
      Producer: `${options.tool.name} ${options.tool.version}`,
      CreationDate: new Date(options.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  trials.forEach((p, i) => {
    if (i > 0) doc.addPage();
    trialPages(doc, p);
    if (options.full) appendix(doc, p);
  });
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Written inside the bottom margin: without this pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 8;
    doc.font('Helvetica').fontSize(7).fillColor(COLORS.dim);
    doc.text(pdfText(`Screening record, patient ${patient}`), MARGIN, y, { width: 300, lineBreak: false });
    doc.text(`page ${i - range.start + 1} of ${range.count}`, doc.page.width - MARGIN - 100, y, { width: 100, align: 'right', lineBreak: false });
  }
  doc.end();
  return done;
}

/** --full: every criterion's evidence tree, after the signed record. */
function appendix(doc: Doc, p: PrintableTrial): void {
  doc.addPage();
  para(doc, 'Appendix: evidence for every criterion', 10, { font: 'Helvetica-Bold' });
  for (const c of p.sections.flatMap((s) => s.criteria)) {
    ensure(doc, 30);
    doc.moveDown(0.3);
    para(doc, `${c.id} ${c.title}`, 8, { font: 'Helvetica-Bold' });
    for (const l of c.evidence) {
      ensure(doc, 9);
      para(doc, `${l.outcome.replace('_', ' ')}: ${l.text}`, 6.5, { x: MARGIN + 6 + l.depth * 8 });
    }
  }
}
