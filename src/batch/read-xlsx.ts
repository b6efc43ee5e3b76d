// `.xlsx` workbooks for `screen batch`: the first worksheet (or --sheet NAME) becomes CSV text
// that goes through the same row reader as a CSV file, so both are checked alike. exceljs is
// loaded only here, and only when a workbook is given.
import { PatientDataError } from '../errors.js';

type Cell = { value: unknown; text?: string };

/** A cell as the text a CSV export would hold: dates as YYYY-MM-DD, formulas as their result. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Excel stores calendar dates as UTC midnight; a time of day other than midnight is kept.
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: string; error?: string; formula?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v || 'formula' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The chosen worksheet as CSV lines, one per non-empty sheet row. */
export async function xlsxAsCsv(path: string, name: string, sheet: string | undefined): Promise<AsyncIterable<string>> {
  const { default: ExcelJS } = (await import('exceljs')) as unknown as { default: typeof import('exceljs') };
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (e) {
    throw new PatientDataError([{ location: name, message: `cannot read as an .xlsx workbook (${(e as Error).message.split('\n')[0]?.slice(0, 80)})` }], { cause: e });
  }
  const names = workbook.worksheets.map((w) => w.name);
  const ws = sheet === undefined ? workbook.worksheets[0] : workbook.worksheets.find((w) => w.name === sheet) ?? workbook.worksheets.find((w) => w.name.toLowerCase() === sheet.toLowerCase());
  if (!ws) {
    throw new PatientDataError([{ location: name, message: sheet === undefined ? 'has no worksheet' : `has no worksheet "${sheet.slice(0, 60)}"; its sheets: ${names.map((n) => `"${n}"`).join(', ')}` }]);
  }
  const width = ws.getRow(1).cellCount;
  async function* lines(): AsyncGenerator<string> {
    for (let r = 1; r <= ws!.rowCount; r++) {
      const row = ws!.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(csvField(cellText((row.getCell(c) as Cell).value)));
      // Trailing empty cells past the header's width are not columns; an empty row is no patient.
      while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
      if (cells.every((c) => c === '')) continue;
      yield `${cells.join(',')}\n`;
    }
  }
  return lines();
}
